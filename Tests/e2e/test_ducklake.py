"""DuckDB reads the live DuckLake view the server keeps per bucket
(`<data>/.lakestore/ducklake/<bucket>.sqlite`): a Hive-partitioned Parquet dataset written
by pyarrow and uploaded with boto3 reads back exactly, partition columns included, the same
as a catalog DuckDB builds itself with `ducklake_add_data_files(..., hive_partitioning =>
true)`; overwrites, deletes and new files follow as snapshots; files that do not fit are
left out and reported. DuckDB's extensions are loaded from their pip wheels by path, with
autoloading and autoinstalling off, so nothing is downloaded."""

import datetime
import decimal
import glob
import importlib.util
import os
import shutil
import sqlite3
import time

import pytest

from conftest import ACCESS_KEY, SECRET_KEY

duckdb = pytest.importorskip("duckdb", reason="pip install duckdb==1.5.5 (scripts/test does)")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def extension(package, name):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = glob.glob(
        os.path.join(
            spec.submodule_search_locations[0], "extensions", "*", name + ".duckdb_extension"
        )
    )
    return found[0] if found else None


DUCKLAKE = extension("duckdb_extension_ducklake", "ducklake")
SQLITE = extension("duckdb_extension_sqlite_scanner", "sqlite_scanner")
HTTPFS = extension("duckdb_extension_httpfs", "httpfs")
if not (DUCKLAKE and SQLITE):
    pytest.skip(
        "pip install duckdb-extension-ducklake==1.5.5 duckdb-extension-sqlite-scanner==1.5.5",
        allow_module_level=True,
    )


def duck(*extensions):
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for path in (DUCKLAKE, SQLITE) + extensions:
        con.execute(f"LOAD '{path}'")
    return con


def view_path(server, bucket="lake"):
    return os.path.join(server.data_dir, ".lakestore", "ducklake", bucket + ".sqlite")


def view_state(server):
    """(live data files as {key: data_file_id}, {excluded key: reason}, latest snapshot)."""
    try:
        db = sqlite3.connect(f"file:{view_path(server)}?mode=ro", uri=True, timeout=5)
        try:
            files = dict(db.execute("SELECT key, data_file_id FROM lakestore_files").fetchall())
            excluded = dict(db.execute("SELECT key, reason FROM lakestore_excluded").fetchall())
            snapshot = db.execute("SELECT max(snapshot_id) FROM ducklake_snapshot").fetchone()[0]
            return files, excluded, snapshot
        finally:
            db.close()
    except sqlite3.Error:
        return {}, {}, None


def wait_for_view(server, condition, timeout=15):
    deadline = time.time() + timeout
    while True:
        state = view_state(server)
        if condition(*state):
            return state
        if time.time() > deadline:
            raise AssertionError(f"the view did not get there: {state}")
        time.sleep(0.05)


def sales_table(first_id, years):
    """Rows with every kind of column and nulls, three rows per (year, month)."""
    rows = []
    for year in years:
        for month in (1, 2):
            for n in range(3):
                i = first_id + len(rows)
                rows.append(
                    {
                        "id": i,
                        "amount": None if i % 5 == 0 else i * 1.25,
                        "name": None if i % 4 == 0 else f"item-{i}",
                        "day": None if i % 6 == 0 else datetime.date(year, month, n + 1),
                        "seen_at": None
                        if i % 7 == 0
                        else datetime.datetime(year, month, n + 1, 10, i % 60, 5, 250000),
                        "price": None if i % 3 == 0 else decimal.Decimal(i * 101) / 100,
                        "year": year,
                        "month": month,
                    }
                )
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("amount", pa.float64()),
            ("name", pa.string()),
            ("day", pa.date32()),
            ("seen_at", pa.timestamp("us")),
            ("price", pa.decimal128(10, 2)),
            ("year", pa.int64()),
            ("month", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def as_tuples(table):
    names = ["id", "amount", "name", "day", "seen_at", "price", "year", "month"]
    return sorted(tuple(row[n] for n in names) for row in table.to_pylist())


def upload_dataset(s3, table, local, prefix="sales/"):
    pq.write_to_dataset(table, local, partition_cols=["year", "month"])
    keys = {}
    for path in sorted(glob.glob(os.path.join(local, "**", "*.parquet"), recursive=True)):
        key = prefix + os.path.relpath(path, local)
        s3.upload_file(path, "lake", key)
        keys[key] = path
    return keys


def select_sales(con, catalog="lake", at=None):
    version = f" AT (VERSION => {at})" if at is not None else ""
    return sorted(
        con.execute(
            "SELECT id, amount, name, day, seen_at, price, year, month"
            f" FROM {catalog}.sales{version}"
        ).fetchall()
    )


def test_duckdb_reads_the_live_view(server, s3, bucket, tmpdir_path):
    first = sales_table(1, [2023, 2024])
    keys = upload_dataset(s3, first, os.path.join(tmpdir_path, "first"))
    assert len(keys) == 4
    files, _, first_snapshot = wait_for_view(server, lambda f, e, s: set(f) == set(keys))

    con = duck()
    con.execute(f"ATTACH 'ducklake:sqlite:{view_path(server)}' AS lake (READ_ONLY)")
    assert select_sales(con) == as_tuples(first)
    described = con.execute("SELECT column_name, column_type FROM (DESCRIBE lake.sales)")
    types = dict(described.fetchall())
    assert types == {
        "id": "BIGINT", "amount": "DOUBLE", "name": "VARCHAR", "day": "DATE",
        "seen_at": "TIMESTAMP", "price": "DECIMAL(10,2)", "year": "BIGINT", "month": "BIGINT",
    }
    # Partition values prune files through their statistics, and filter correctly.
    assert con.execute("SELECT count(*) FROM lake.sales WHERE year = 2024").fetchone()[0] == 6
    assert con.execute("SELECT count(*) FROM lake.sales WHERE price > 5").fetchone()[0] == len(
        [r for r in first.to_pylist() if r["price"] is not None and r["price"] > 5]
    )

    # DuckDB's own catalog of the same files, partition values read from the Hive folders.
    own = duck()
    own.execute(
        f"ATTACH 'ducklake:sqlite:{tmpdir_path}/own.sqlite' AS own (DATA_PATH '{tmpdir_path}/own/')"
    )
    own.execute(
        "CREATE TABLE own.sales (id BIGINT, amount DOUBLE, name VARCHAR, day DATE,"
        " seen_at TIMESTAMP, price DECIMAL(10,2), year BIGINT, month BIGINT)"
    )
    glob_path = os.path.join(server.data_dir, "lake", "sales", "**", "*.parquet")
    own.execute(
        f"CALL ducklake_add_data_files('own', 'sales', '{glob_path}', hive_partitioning => true)"
    )
    assert select_sales(own, "own") == select_sales(con)
    own.close()
    assert partition_values(view_path(server), relative=True) == partition_values(
        f"{tmpdir_path}/own.sqlite", relative=False
    )

    # New files are a new snapshot; the earlier snapshot still reads the earlier rows.
    more = sales_table(100, [2025])
    more_keys = upload_dataset(s3, more, os.path.join(tmpdir_path, "more"))
    wait_for_view(server, lambda f, e, s: set(f) == set(keys) | set(more_keys))
    con.close()
    con = duck()
    con.execute(f"ATTACH 'ducklake:sqlite:{view_path(server)}' AS lake (READ_ONLY)")
    assert select_sales(con) == sorted(as_tuples(first) + as_tuples(more))
    assert select_sales(con, at=first_snapshot) == as_tuples(first)

    # Overwrite one file, delete another: rows follow.
    replaced_key, deleted_key = sorted(keys)[0], sorted(keys)[1]
    replacement = sales_table(500, [2023]).slice(0, 2)  # year 2023, month 1, two rows
    local = os.path.join(tmpdir_path, "replacement.parquet")
    pq.write_table(replacement.drop_columns(["year", "month"]), local)
    s3.upload_file(local, "lake", replaced_key)
    s3.delete_object(Bucket="lake", Key=deleted_key)
    wait_for_view(
        server,
        lambda f, e, s: deleted_key not in f
        and f.get(replaced_key) not in (None, files[replaced_key]),
    )
    expected = [
        r for r in as_tuples(first) + as_tuples(more)
        if not key_holds(keys, replaced_key, r) and not key_holds(keys, deleted_key, r)
    ] + as_tuples(replacement)
    con.close()
    con = duck()
    con.execute(f"ATTACH 'ducklake:sqlite:{view_path(server)}' AS lake (READ_ONLY)")
    assert select_sales(con) == sorted(expected)
    # Time travel lists the earlier files, but LakeStore keeps only the current bytes of a
    # key: a deleted object's file is gone, so DuckDB cannot read that snapshot.
    with pytest.raises(duckdb.IOException):
        select_sales(con, at=first_snapshot)
    con.close()


def key_holds(keys, key, row):
    """Whether `row` (a tuple of sales_table) was written to `key` by pyarrow."""
    ids = set(pq.read_table(keys[key]).column("id").to_pylist())
    return row[0] in ids


def partition_values(path, relative):
    """{file path below sales/: {partition column: min value}} from a DuckLake catalog."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute(
        """
        SELECT f.path, c.column_name, s.min_value, s.max_value, s.null_count
        FROM ducklake_data_file f
        JOIN ducklake_file_column_stats s ON s.data_file_id = f.data_file_id
        JOIN ducklake_column c ON c.table_id = s.table_id AND c.column_id = s.column_id
        WHERE f.end_snapshot IS NULL AND c.column_name IN ('year', 'month')
        """
    ).fetchall()
    db.close()
    result = {}
    for file, column, low, high, nulls in rows:
        file = file if relative else file.split("/sales/", 1)[1]
        result.setdefault(file, {})[column] = (low, high, nulls)
    return result


def test_files_that_do_not_fit_are_left_out_and_reported(server, s3, bucket, tmpdir_path):
    keys = upload_dataset(s3, sales_table(1, [2024]), os.path.join(tmpdir_path, "good"))
    other = pa.table({"id": ["a", "b"], "extra": [1.0, 2.0]})
    odd = os.path.join(tmpdir_path, "odd.parquet")
    pq.write_table(other, odd)
    s3.upload_file(odd, "lake", "sales/year=2024/month=1/odd.parquet")
    s3.put_object(Bucket="lake", Key="sales/year=2024/month=2/broken.parquet", Body=b"PAR1junkPAR1")
    files, excluded, _ = wait_for_view(server, lambda f, e, s: set(f) == set(keys) and len(e) == 2)
    assert "column 'id' is varchar, not int64" in excluded["sales/year=2024/month=1/odd.parquet"]
    assert excluded["sales/year=2024/month=2/broken.parquet"].startswith("not readable as Parquet")
    con = duck()
    con.execute(f"ATTACH 'ducklake:sqlite:{view_path(server)}' AS lake (READ_ONLY)")
    assert con.execute("SELECT count(*) FROM lake.sales").fetchone()[0] == 6
    reported = con.execute(
        f"SELECT key FROM sqlite_scan('{view_path(server)}', 'lakestore_excluded') ORDER BY key"
    ).fetchall()
    assert reported == [
        ("sales/year=2024/month=1/odd.parquet",),
        ("sales/year=2024/month=2/broken.parquet",),
    ]
    assert "left out of the view" in server.log_after_flush("left out of the view")


@pytest.mark.skipif(HTTPFS is None, reason="pip install duckdb-extension-httpfs==1.5.5")
def test_a_copy_of_the_view_reads_the_files_through_the_s3_api(server, s3, bucket, tmpdir_path):
    table = sales_table(1, [2024])
    keys = upload_dataset(s3, table, os.path.join(tmpdir_path, "good"))
    wait_for_view(server, lambda f, e, s: set(f) == set(keys))
    copy = os.path.join(tmpdir_path, "copy.sqlite")
    source = sqlite3.connect(f"file:{view_path(server)}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    source.backup(target)  # a consistent copy, WAL included
    source.close()
    target.close()
    con = duck(HTTPFS)
    con.execute(
        f"""CREATE SECRET lakestore (TYPE s3, KEY_ID '{ACCESS_KEY}', SECRET '{SECRET_KEY}',
        ENDPOINT '127.0.0.1:{server.port}', URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')"""
    )
    con.execute(
        f"ATTACH 'ducklake:sqlite:{copy}' AS lake"
        " (READ_ONLY, DATA_PATH 's3://lake/', OVERRIDE_DATA_PATH true)"
    )
    assert select_sales(con) == as_tuples(table)
    assert con.execute("SELECT count(*) FROM lake.sales WHERE month = 2").fetchone()[0] == 3
    # The bytes came through the S3 API (ranged GETs; DuckDB escapes '='), not from the disk.
    needle = "GET /lake/sales/year%3D2024/month%3D2/"
    assert needle in server.log_after_flush(needle)
