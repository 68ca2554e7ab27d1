/// The tables of a DuckLake 1.0 catalog as DuckDB 1.5.5's `ducklake` extension creates them in
/// SQLite (the same statements, so DuckDB finds what it expects), and LakeStore's own
/// bookkeeping tables beside them.
///
/// DuckDB reads every `ducklake_*` table it knows of; the `lakestore_*` tables are ignored by
/// it. Changing this schema means a new `format`: a file with another one is rebuilt.
enum DuckLakeSchema {
  /// The DuckLake specification version written to `ducklake_metadata`.
  static let specVersion = "1.0"
  /// The version of the `lakestore_*` tables; a file with another one is rebuilt.
  static let format: Int64 = 1

  /// The 28 tables of DuckLake 1.0, copied from a catalog DuckDB 1.5.5 created.
  static let duckLakeTables = """
    CREATE TABLE ducklake_metadata("key" VARCHAR NOT NULL, "value" VARCHAR NOT NULL, "scope" VARCHAR, scope_id BIGINT);
    CREATE TABLE ducklake_snapshot(snapshot_id BIGINT PRIMARY KEY, snapshot_time VARCHAR, schema_version BIGINT, next_catalog_id BIGINT, next_file_id BIGINT);
    CREATE TABLE ducklake_snapshot_changes(snapshot_id BIGINT PRIMARY KEY, changes_made VARCHAR, author VARCHAR, commit_message VARCHAR, commit_extra_info VARCHAR);
    CREATE TABLE ducklake_schema(schema_id BIGINT PRIMARY KEY, schema_uuid VARCHAR, begin_snapshot BIGINT, end_snapshot BIGINT, schema_name VARCHAR, path VARCHAR, path_is_relative BIGINT);
    CREATE TABLE ducklake_table(table_id BIGINT, table_uuid VARCHAR, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, table_name VARCHAR, path VARCHAR, path_is_relative BIGINT);
    CREATE TABLE ducklake_view(view_id BIGINT, view_uuid VARCHAR, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, view_name VARCHAR, dialect VARCHAR, "sql" VARCHAR, column_aliases VARCHAR);
    CREATE TABLE ducklake_tag(object_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, "key" VARCHAR, "value" VARCHAR);
    CREATE TABLE ducklake_column_tag(table_id BIGINT, column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, "key" VARCHAR, "value" VARCHAR);
    CREATE TABLE ducklake_data_file(data_file_id BIGINT PRIMARY KEY, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, file_order BIGINT, path VARCHAR, path_is_relative BIGINT, file_format VARCHAR, record_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, row_id_start BIGINT, partition_id BIGINT, encryption_key VARCHAR, mapping_id BIGINT, partial_max BIGINT);
    CREATE TABLE ducklake_file_column_stats(data_file_id BIGINT, table_id BIGINT, column_id BIGINT, column_size_bytes BIGINT, value_count BIGINT, null_count BIGINT, min_value VARCHAR, max_value VARCHAR, contains_nan BIGINT, extra_stats VARCHAR);
    CREATE TABLE ducklake_file_variant_stats(data_file_id BIGINT, table_id BIGINT, column_id BIGINT, variant_path VARCHAR, shredded_type VARCHAR, column_size_bytes BIGINT, value_count BIGINT, null_count BIGINT, min_value VARCHAR, max_value VARCHAR, contains_nan BIGINT, extra_stats VARCHAR);
    CREATE TABLE ducklake_delete_file(delete_file_id BIGINT PRIMARY KEY, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, data_file_id BIGINT, path VARCHAR, path_is_relative BIGINT, format VARCHAR, delete_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, encryption_key VARCHAR, partial_max BIGINT);
    CREATE TABLE ducklake_column(column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, table_id BIGINT, column_order BIGINT, column_name VARCHAR, column_type VARCHAR, initial_default VARCHAR, default_value VARCHAR, nulls_allowed BIGINT, parent_column BIGINT, default_value_type VARCHAR, default_value_dialect VARCHAR);
    CREATE TABLE ducklake_table_stats(table_id BIGINT, record_count BIGINT, next_row_id BIGINT, file_size_bytes BIGINT);
    CREATE TABLE ducklake_table_column_stats(table_id BIGINT, column_id BIGINT, contains_null BIGINT, contains_nan BIGINT, min_value VARCHAR, max_value VARCHAR, extra_stats VARCHAR);
    CREATE TABLE ducklake_partition_info(partition_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT);
    CREATE TABLE ducklake_partition_column(partition_id BIGINT, table_id BIGINT, partition_key_index BIGINT, column_id BIGINT, "transform" VARCHAR);
    CREATE TABLE ducklake_file_partition_value(data_file_id BIGINT, table_id BIGINT, partition_key_index BIGINT, partition_value VARCHAR);
    CREATE TABLE ducklake_files_scheduled_for_deletion(data_file_id BIGINT, path VARCHAR, path_is_relative BIGINT, schedule_start VARCHAR);
    CREATE TABLE ducklake_inlined_data_tables(table_id BIGINT, table_name VARCHAR, schema_version BIGINT);
    CREATE TABLE ducklake_column_mapping(mapping_id BIGINT, table_id BIGINT, "type" VARCHAR);
    CREATE TABLE ducklake_name_mapping(mapping_id BIGINT, column_id BIGINT, source_name VARCHAR, target_field_id BIGINT, parent_column BIGINT, is_partition BIGINT);
    CREATE TABLE ducklake_schema_versions(begin_snapshot BIGINT, schema_version BIGINT, table_id BIGINT);
    CREATE TABLE ducklake_macro(schema_id BIGINT, macro_id BIGINT, macro_name VARCHAR, begin_snapshot BIGINT, end_snapshot BIGINT);
    CREATE TABLE ducklake_macro_impl(macro_id BIGINT, impl_id BIGINT, dialect VARCHAR, "sql" VARCHAR, "type" VARCHAR);
    CREATE TABLE ducklake_macro_parameters(macro_id BIGINT, impl_id BIGINT, column_id BIGINT, parameter_name VARCHAR, parameter_type VARCHAR, default_value VARCHAR, default_value_type VARCHAR);
    CREATE TABLE ducklake_sort_info(sort_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT);
    CREATE TABLE ducklake_sort_expression(sort_id BIGINT, table_id BIGINT, sort_key_index BIGINT, expression VARCHAR, dialect VARCHAR, sort_direction VARCHAR, null_order VARCHAR);
    """

  /// LakeStore's bookkeeping: the change sequence the view reflects, the dataset behind each
  /// live table (with its definition, so a change of schema is seen), the object version
  /// behind each live data file, and the files left out with the reason.
  static let lakeStoreTables = """
    CREATE TABLE lakestore_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      format INTEGER NOT NULL,
      reflected_seq INTEGER NOT NULL
    );
    CREATE TABLE lakestore_tables (
      table_id INTEGER PRIMARY KEY,
      dataset TEXT NOT NULL UNIQUE,
      table_name TEXT NOT NULL,
      definition TEXT NOT NULL,
      mapping_id INTEGER NOT NULL,
      next_row_id INTEGER NOT NULL
    );
    CREATE TABLE lakestore_files (
      data_file_id INTEGER PRIMARY KEY,
      table_id INTEGER NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL
    );
    CREATE INDEX lakestore_files_by_table ON lakestore_files (table_id, key);
    CREATE INDEX lakestore_files_by_key ON lakestore_files (key);
    CREATE TABLE lakestore_excluded (
      key TEXT NOT NULL PRIMARY KEY,
      dataset TEXT NOT NULL,
      seq INTEGER NOT NULL,
      reason TEXT NOT NULL
    );
    CREATE INDEX lakestore_excluded_by_dataset ON lakestore_excluded (dataset);
    """

  /// Creates every table and the rows of snapshot 0 (schema `main`, whose files live under
  /// `dataPath`, the bucket's directory with a trailing `/`), in one transaction.
  static func create(on connection: SQLiteConnection, dataPath: String, time: String)
    throws(LakeError)
  {
    try connection.execute("BEGIN IMMEDIATE")
    do {
      try connection.execute(duckLakeTables)
      try connection.execute(lakeStoreTables)
      for (key, value) in [
        ("version", specVersion), ("created_by", "LakeStore"), ("data_path", dataPath),
        ("encrypted", "false"),
      ] {
        try connection.update("INSERT INTO ducklake_metadata (key, value) VALUES (?1, ?2)") {
          (statement) throws(LakeError) in
          try statement.bind(1, key)
          try statement.bind(2, value)
        }
      }
      try connection.update(
        "INSERT INTO ducklake_snapshot VALUES (0, ?1, 0, 1, 0)"
      ) { (statement) throws(LakeError) in try statement.bind(1, time) }
      try connection.execute(
        """
        INSERT INTO ducklake_snapshot_changes VALUES (0, 'created_schema:"main"', NULL, NULL, NULL);
        INSERT INTO ducklake_schema VALUES (0, '\(DuckLakeText.uuid())', 0, NULL, 'main', '', 1);
        INSERT INTO lakestore_state VALUES (1, \(format), 0);
        """)
      try connection.execute("COMMIT")
    } catch {
      try? connection.execute("ROLLBACK")
      throw error
    }
  }
}
