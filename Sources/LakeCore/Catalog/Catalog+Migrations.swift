import Logging

extension Catalog {
  /// Forward-only schema migrations; migration `i` takes `PRAGMA user_version` from `i` to
  /// `i + 1`. Never edit a shipped migration: append a new one.
  static let migrations: [String] = [
    // 1: buckets, objects, intents, changes.
    """
    CREATE TABLE buckets (
      name TEXT NOT NULL PRIMARY KEY,
      created_ms INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE objects (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      size INTEGER NOT NULL,
      etag TEXT NOT NULL,
      modified_ms INTEGER NOT NULL,
      content_type TEXT,
      cache_control TEXT,
      content_disposition TEXT,
      content_encoding TEXT,
      content_language TEXT,
      expires TEXT,
      user_metadata TEXT,
      storage_path TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;
    CREATE INDEX objects_by_storage_path ON objects (storage_path);

    CREATE TABLE intents (
      id INTEGER PRIMARY KEY,
      op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      tmp_name TEXT,
      storage_path TEXT NOT NULL,
      fallback_path TEXT,
      size INTEGER,
      etag TEXT,
      metadata TEXT,
      object_seq INTEGER,
      created_ms INTEGER NOT NULL
    );
    CREATE INDEX intents_by_bucket ON intents (bucket);

    CREATE TABLE changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
      size INTEGER,
      etag TEXT,
      at_ms INTEGER NOT NULL
    );
    """,
    // 2: multipart uploads and their parts; object tags, checksums and part layout; intents
    // that complete an upload and identify their file without hashing it.
    """
    ALTER TABLE objects ADD COLUMN tagging TEXT;
    ALTER TABLE objects ADD COLUMN checksum TEXT;
    ALTER TABLE objects ADD COLUMN part_sizes TEXT;
    ALTER TABLE objects ADD COLUMN part_checksums TEXT;

    ALTER TABLE intents ADD COLUMN upload_id TEXT;
    ALTER TABLE intents ADD COLUMN file_id TEXT;
    ALTER TABLE intents ADD COLUMN part_sizes TEXT;
    ALTER TABLE intents ADD COLUMN part_checksums TEXT;

    CREATE TABLE uploads (
      id TEXT NOT NULL PRIMARY KEY,
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      created_ms INTEGER NOT NULL,
      metadata TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'completing'))
    ) WITHOUT ROWID;
    CREATE INDEX uploads_by_key ON uploads (bucket, key, created_ms, id);
    CREATE INDEX uploads_by_age ON uploads (created_ms);

    CREATE TABLE parts (
      upload_id TEXT NOT NULL,
      number INTEGER NOT NULL,
      size INTEGER NOT NULL,
      etag TEXT NOT NULL,
      modified_ms INTEGER NOT NULL,
      file_name TEXT NOT NULL,
      checksum TEXT,
      PRIMARY KEY (upload_id, number)
    ) WITHOUT ROWID;
    """,
    // 3: the change log by bucket, for the change feed (the data-lake index itself lives in
    // its own database, `indexMigrations`).
    """
    CREATE INDEX changes_by_bucket ON changes (bucket, seq);
    """,
  ]

  /// Forward-only migrations of the index database (`index.db`, Catalog+LakeIndex.swift),
  /// versioned like the catalog's. The index is derived from the catalog and the files: the
  /// indexer writes it as it follows the change log, in its own database so that its writes
  /// never wait for, or add to, the catalog's writer and WAL fsyncs.
  static let indexMigrations: [String] = [
    // 1: each object's dataset, format and statistics, its Hive partition values, its
    // columns' statistics, per-dataset totals and partition-column tallies kept up to date so
    // that views and typed predicates need no scan, and the indexer's position (the last
    // change applied, with its key, so a position the catalog no longer has is noticed).
    """
    CREATE TABLE lake_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      indexed_seq INTEGER NOT NULL,
      indexed_bucket TEXT,
      indexed_key TEXT
    );
    INSERT INTO lake_state (id, indexed_seq) VALUES (1, 0);

    CREATE TABLE lake_files (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      dataset TEXT NOT NULL,
      size INTEGER NOT NULL,
      format TEXT NOT NULL,
      compression TEXT,
      content_type TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('indexed', 'unparsed', 'unstructured')),
      reason TEXT,
      row_count INTEGER,
      schema TEXT,
      indexed_ms INTEGER NOT NULL,
      PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;
    CREATE INDEX lake_files_by_dataset ON lake_files (bucket, dataset, key);

    CREATE TABLE lake_partitions (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      name TEXT NOT NULL,
      position INTEGER NOT NULL,
      dataset TEXT NOT NULL,
      value TEXT,
      typed,
      PRIMARY KEY (bucket, key, name)
    ) WITHOUT ROWID;
    CREATE INDEX lake_partitions_by_value ON lake_partitions (bucket, dataset, name, value);
    CREATE INDEX lake_partitions_by_typed ON lake_partitions (bucket, dataset, name, typed);

    CREATE TABLE lake_partition_columns (
      bucket TEXT NOT NULL,
      dataset TEXT NOT NULL,
      name TEXT NOT NULL,
      position INTEGER NOT NULL,
      files INTEGER NOT NULL,
      nulls INTEGER NOT NULL,
      integers INTEGER NOT NULL,
      decimals INTEGER NOT NULL,
      dates INTEGER NOT NULL,
      timestamps INTEGER NOT NULL,
      PRIMARY KEY (bucket, dataset, name)
    ) WITHOUT ROWID;

    CREATE TABLE lake_datasets (
      bucket TEXT NOT NULL,
      dataset TEXT NOT NULL,
      files INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      rows INTEGER NOT NULL,
      PRIMARY KEY (bucket, dataset)
    ) WITHOUT ROWID;

    CREATE TABLE lake_columns (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      type TEXT NOT NULL,
      kind TEXT NOT NULL,
      min_value,
      max_value,
      null_count INTEGER,
      PRIMARY KEY (bucket, key, position)
    ) WITHOUT ROWID;
    """,
    // 2: per dataset, each partition value's files and bytes, and each distinct schema's
    // files, kept as running tallies like the dataset totals so that the partitions and
    // schema views read a few rows however many files there are. `is_null` marks Hive's
    // null (its `value` is ''); `sort` is the value's typed sort key (number or
    // microseconds) or, when it has none, the value itself, so values list in order.
    """
    CREATE TABLE lake_partition_values (
      bucket TEXT NOT NULL,
      dataset TEXT NOT NULL,
      name TEXT NOT NULL,
      is_null INTEGER NOT NULL,
      value TEXT NOT NULL,
      sort NOT NULL,
      files INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      PRIMARY KEY (bucket, dataset, name, is_null, value)
    ) WITHOUT ROWID;
    CREATE INDEX lake_partition_values_in_order
      ON lake_partition_values (bucket, dataset, name, is_null, sort, value);

    CREATE TABLE lake_schemas (
      bucket TEXT NOT NULL,
      dataset TEXT NOT NULL,
      schema TEXT NOT NULL,
      files INTEGER NOT NULL,
      PRIMARY KEY (bucket, dataset, schema)
    ) WITHOUT ROWID;

    INSERT INTO lake_partition_values (bucket, dataset, name, is_null, value, sort, files, bytes)
    SELECT p.bucket, p.dataset, p.name, p.value IS NULL, ifnull(p.value, ''),
      coalesce(p.typed, p.value, ''), count(*), sum(f.size)
    FROM lake_partitions p JOIN lake_files f ON f.bucket = p.bucket AND f.key = p.key
    GROUP BY p.bucket, p.dataset, p.name, p.value IS NULL, ifnull(p.value, '');

    -- Schemas were written by JSONEncoder, which escapes '/'; JSONWriter writes it bare.
    UPDATE lake_files SET schema = replace(schema, '\\/', '/') WHERE schema LIKE '%\\/%' ESCAPE '!';

    INSERT INTO lake_schemas (bucket, dataset, schema, files)
    SELECT bucket, dataset, schema, count(*) FROM lake_files WHERE schema IS NOT NULL
    GROUP BY bucket, dataset, schema;
    """,
    // 3: one partition index instead of two. `typed` becomes `sort`, the value's place in
    // order as `lake_partition_values.sort` has it: the number or microseconds of a value
    // that parses as one, the text of any other. Typed columns seek and compare on it as
    // before; a text column's value is its own sort key unless it reads as a number or date,
    // and a seek for such a value also checks the text. Each file's partition value is
    // then two B-tree entries rather than three.
    """
    DROP INDEX lake_partitions_by_value;
    DROP INDEX lake_partitions_by_typed;
    ALTER TABLE lake_partitions RENAME COLUMN typed TO sort;
    UPDATE lake_partitions SET sort = value WHERE sort IS NULL AND value IS NOT NULL;
    CREATE INDEX lake_partitions_by_sort ON lake_partitions (bucket, dataset, name, sort);
    """,
    // 4: `lake_files.status` is checked by comparisons instead of `IN (...)`: SQLite checked
    // an IN list of three by building a temporary B-tree for every row inserted, which made
    // the file row cost twice what it does now. SQLite cannot alter a constraint, so the
    // table is copied.
    """
    CREATE TABLE lake_files_4 (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      dataset TEXT NOT NULL,
      size INTEGER NOT NULL,
      format TEXT NOT NULL,
      compression TEXT,
      content_type TEXT NOT NULL,
      status TEXT NOT NULL
        CHECK (status = 'indexed' OR status = 'unparsed' OR status = 'unstructured'),
      reason TEXT,
      row_count INTEGER,
      schema TEXT,
      indexed_ms INTEGER NOT NULL,
      PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;
    INSERT INTO lake_files_4 (bucket, key, seq, dataset, size, format, compression,
      content_type, status, reason, row_count, schema, indexed_ms)
    SELECT bucket, key, seq, dataset, size, format, compression, content_type, status, reason,
      row_count, schema, indexed_ms
    FROM lake_files;
    DROP TABLE lake_files;
    ALTER TABLE lake_files_4 RENAME TO lake_files;
    CREATE INDEX lake_files_by_dataset ON lake_files (bucket, dataset, key);
    """,
  ]

  /// The schema version this build writes.
  static var schemaVersion: Int { migrations.count }

  /// Applies the migrations the database has not seen yet, each in its own transaction.
  /// Throws `.catalog` when the database is newer than this build.
  /// `what` names the database in the log line (the index's is logged at debug level: it is
  /// derived, and a new one is made whenever it is missing).
  static func migrate(
    _ connection: SQLiteConnection, logger: Logger, migrations: [String] = migrations,
    what: String = "catalog", level: Logger.Level = .info
  ) throws(LakeError) {
    let version = Int(try connection.scalar("PRAGMA user_version") ?? 0)
    guard version <= migrations.count else {
      throw .catalog(
        "catalog schema version \(version) is newer than this build (\(migrations.count))")
    }
    for (index, script) in migrations.enumerated() where index >= version {
      try connection.execute("BEGIN IMMEDIATE")
      do {
        try connection.execute(script)
        try connection.execute("PRAGMA user_version = \(index + 1)")
        try connection.execute("COMMIT")
      } catch {
        try? connection.execute("ROLLBACK")
        throw error
      }
    }
    if version < migrations.count {
      logger.log(
        level: level, "migrated \(what)",
        metadata: ["from": "\(version)", "to": "\(migrations.count)"])
    }
  }
}
