"""The catalog API (/_lake/v1/BUCKET/...): signed like S3, JSON answers, S3 error documents.

Objects uploaded with boto3 are indexed by the server's indexer; the tests poll the `file`
resource until the version they wrote is `indexed`, then query datasets, files and changes."""

import json
import os
import time
import urllib.parse

from conftest import curl


def api(server, bucket, resource, sign=True, **params):
    query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    path = f"/_lake/v1/{bucket}/{resource}" + (f"?{query}" if query else "")
    return curl(server, path=path, sign=sign)


def api_json(server, bucket, resource, **params):
    status, _, body = api(server, bucket, resource, **params)
    assert status == 200, body
    return json.loads(body)


def wait_indexed(server, bucket, key, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        document = api_json(server, bucket, "file", key=key)
        if document["status"] != "pending":
            return document
        time.sleep(0.05)
    raise AssertionError(f"{key} was not indexed in {timeout} s")


def put_sales(s3, bucket):
    keys = []
    for year in (2023, 2024):
        for month in range(1, 13):
            key = f"sales/year={year}/month={month:02d}/part-0.csv"
            rows = "".join(f"{i},{month * 10 + i}\n" for i in range(4))
            s3.put_object(Bucket=bucket, Key=key, Body=b"id,amount\n" + rows.encode())
            keys.append(key)
    return keys


def test_files_are_reported_with_partitions_format_and_statistics(server, s3, bucket):
    keys = put_sales(s3, bucket)
    document = wait_indexed(server, bucket, keys[-1])
    assert document["status"] == "indexed"
    assert document["dataset"] == "sales"
    assert document["partitions"] == [{"name": "year", "value": "2024"}, {"name": "month", "value": "12"}]
    assert document["format"] == "csv" and document["rows"] == 4
    assert document["columns"] == [
        {"name": "id", "type": "integer", "min": "0", "max": "3", "nulls": 0},
        {"name": "amount", "type": "integer", "min": "120", "max": "123", "nulls": 0},
    ]
    datasets = api_json(server, bucket, "datasets")["datasets"]
    assert [d["name"] for d in datasets] == ["sales"]
    assert datasets[0]["files"] == 24 and datasets[0]["rows"] == 96
    assert datasets[0]["partitions"] == [
        {"name": "year", "type": "integer", "files": 24, "nulls": 0},
        {"name": "month", "type": "integer", "files": 24, "nulls": 0},
    ]


def test_queries_filter_by_partitions_and_statistics_and_page(server, s3, bucket):
    keys = put_sales(s3, bucket)
    wait_indexed(server, bucket, keys[-1])
    found = api_json(server, bucket, "query", dataset="sales", where="year=2024 AND month>=05 AND amount>100")
    assert [f["key"] for f in found["files"]] == [
        f"sales/year=2024/month={m:02d}/part-0.csv" for m in (10, 11, 12)
    ]
    assert found["files"][0]["etag"] and found["files"][0]["modified"].endswith("Z")
    assert found.get("next") is None  # absent on the last page

    pages, after = [], None
    while True:
        params = dict(dataset="sales", where="year = 2023", limit=5)
        if after:
            params["after"] = after
        page = api_json(server, bucket, "query", **params)
        pages += [f["key"] for f in page["files"]]
        after = page.get("next")
        if not after:
            break
    assert pages == sorted(k for k in keys if "year=2023" in k)

    status, _, body = api(server, bucket, "query", dataset="sales", where="year >= AND")
    assert status == 400
    assert b"<Code>InvalidArgument</Code>" in body and b"AND" in body and b"<RequestId>" in body
    status, _, body = api(server, bucket, "query", dataset="sales", where="month = may")
    assert status == 400 and b"may" in body


def test_the_change_feed_returns_each_change_once_and_long_polls(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a.csv", Body=b"x\n1\n")
    s3.put_object(Bucket=bucket, Key="b.csv", Body=b"x\n2\n")
    s3.delete_object(Bucket=bucket, Key="a.csv")
    feed = api_json(server, bucket, "changes", after=0)
    assert [(c["op"], c["key"]) for c in feed["changes"]] == [("put", "a.csv"), ("put", "b.csv"), ("delete", "a.csv")]
    first = api_json(server, bucket, "changes", after=0, limit=2)
    rest = api_json(server, bucket, "changes", after=first["next"])
    assert [c["sequence"] for c in first["changes"] + rest["changes"]] == [c["sequence"] for c in feed["changes"]]

    started = time.time()
    empty = api_json(server, bucket, "changes", after=feed["next"], wait=1)
    assert empty == {"changes": [], "next": feed["next"]}
    assert time.time() - started >= 0.9


def test_the_api_is_signed_and_never_shadows_s3_keys(server, s3, bucket):
    status, _, body = api(server, bucket, "datasets", sign=False)
    assert status == 403 and b"AccessDenied" in body
    status, _, body = api(server, bucket, "nothing")
    assert status == 404 and b"NoSuchResource" in body
    status, _, body = api(server, "missing-bucket", "datasets")
    assert status == 404 and b"NoSuchBucket" in body
    # A key that starts with _lake/ is an ordinary object.
    s3.put_object(Bucket=bucket, Key="_lake/v1/x", Body=b"kept")
    assert s3.get_object(Bucket=bucket, Key="_lake/v1/x")["Body"].read() == b"kept"


def test_partition_values_are_listed_with_files_and_bytes_in_order(server, s3, bucket):
    keys = put_sales(s3, bucket)
    s3.put_object(Bucket=bucket, Key="sales/year=__HIVE_DEFAULT_PARTITION__/month=01/x.csv", Body=b"id\n1\n")
    wait_indexed(server, bucket, "sales/year=__HIVE_DEFAULT_PARTITION__/month=01/x.csv")
    sizes = {k: s3.head_object(Bucket=bucket, Key=k)["ContentLength"] for k in keys}
    document = api_json(server, bucket, "partitions", dataset="sales")
    assert document["dataset"] == "sales"
    year, month = document["columns"]
    assert (year["name"], year["type"], year["files"], year["nulls"]) == ("year", "integer", 25, 1)
    # Numbers in numeric order, Hive's null last (no "value" member).
    assert [(v.get("value"), v["files"]) for v in year["values"]] == [("2023", 12), ("2024", 12), (None, 1)]
    assert year["values"][0]["bytes"] == sum(s for k, s in sizes.items() if "year=2023" in k)
    assert [v["value"] for v in month["values"]] == [f"{m:02d}" for m in range(1, 13)]
    assert month["values"][0]["files"] == 3 and "next" not in month

    # One column, a page at a time.
    values, after = [], None
    while True:
        params = dict(dataset="sales", column="month", limit=5)
        if after:
            params["after"] = after
        page = api_json(server, bucket, "partitions", **params)
        assert [c["name"] for c in page["columns"]] == ["month"]
        values += [v["value"] for v in page["columns"][0]["values"]]
        after = page["columns"][0].get("next")
        if not after:
            break
    assert values == [f"{m:02d}" for m in range(1, 13)]

    # Deletes and overwrites move the counts.
    s3.delete_object(Bucket=bucket, Key="sales/year=2023/month=01/part-0.csv")
    s3.put_object(Bucket=bucket, Key="sales/year=2023/month=02/part-0.csv", Body=b"id\n" + b"7\n" * 100)
    s3.put_object(Bucket=bucket, Key="sales/year=2025/month=01/part-0.csv", Body=b"id\n1\n")
    wait_indexed(server, bucket, "sales/year=2025/month=01/part-0.csv")
    wait_indexed(server, bucket, "sales/year=2023/month=02/part-0.csv")
    year = api_json(server, bucket, "partitions", dataset="sales", column="year")["columns"][0]
    counted = {v.get("value"): (v["files"], v["bytes"]) for v in year["values"]}
    kept = [k for k in sizes if "year=2023" in k and "month=01" not in k and "month=02" not in k]
    assert counted["2023"] == (11, sum(sizes[k] for k in kept) + 203)
    assert counted["2025"] == (1, 5)
    status, _, body = api(server, bucket, "partitions")
    assert status == 400 and b"dataset" in body
    status, _, body = api(server, bucket, "partitions", dataset="sales", after="03")
    assert status == 400 and b"column" in body


def test_the_schema_merges_files_and_reports_drift(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="events/a.csv", Body=b"id,amount\n1,2\n")
    s3.put_object(Bucket=bucket, Key="events/b.csv", Body=b"id,amount\n3,4\n")
    wait_indexed(server, bucket, "events/b.csv")
    document = api_json(server, bucket, "schema", dataset="events")
    assert document == {
        "dataset": "events", "files": 2, "drift": False,
        "columns": [
            {"name": "id", "type": "integer", "files": 2},
            {"name": "amount", "type": "integer", "files": 2},
        ],
        "schemas": [{"columns": [{"name": "id", "type": "integer"}, {"name": "amount", "type": "integer"}], "files": 2}],
    }
    s3.put_object(Bucket=bucket, Key="events/c.csv", Body=b"id,amount,note\n5,6.5,x\n")
    s3.put_object(Bucket=bucket, Key="events/d.txt", Body=b"not a table\n")
    wait_indexed(server, bucket, "events/c.csv")
    wait_indexed(server, bucket, "events/d.txt")
    document = api_json(server, bucket, "schema", dataset="events")
    assert document["drift"] is True and document["files"] == 3 and len(document["schemas"]) == 2
    assert document["columns"] == [
        {"name": "id", "type": "integer", "files": 3},
        {"name": "amount", "type": "integer", "files": 3,
         "types": [{"type": "integer", "files": 2}, {"type": "decimal", "files": 1}]},
        {"name": "note", "type": "string", "files": 1},
    ]
    # The drifting file gone, the schema is whole again.
    s3.delete_object(Bucket=bucket, Key="events/c.csv")
    deadline = time.time() + 30
    while api_json(server, bucket, "schema", dataset="events")["drift"] and time.time() < deadline:
        time.sleep(0.05)
    assert api_json(server, bucket, "schema", dataset="events")["files"] == 2


def test_manifests_list_files_as_json_lines_and_csv(server, s3, bucket):
    import csv
    import io

    keys = put_sales(s3, bucket)
    wait_indexed(server, bucket, keys[-1])
    status, headers, body = api(server, bucket, "manifest", dataset="sales", where="year=2024")
    assert status == 200 and headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [f["key"] for f in lines] == sorted(k for k in keys if "year=2024" in k)
    assert lines[0]["etag"] and lines[0]["rows"] == 4 and lines[0]["columns"][1]["name"] == "amount"
    assert headers["x-lake-count"] == "12" and "x-lake-next" not in headers

    rows, after, first = [], None, True
    while True:
        params = dict(dataset="sales", format="csv", limit=10)
        if after:
            params["after"] = after
        status, headers, body = api(server, bucket, "manifest", **params)
        assert status == 200 and headers["content-type"].startswith("text/csv")
        page = list(csv.reader(io.StringIO(body.decode())))
        if first:
            header, page = page[0], page[1:]
            first = False
        rows += page
        after = headers.get("x-lake-next")
        if not after:
            break
    assert header == [
        "key", "size", "etag", "modified", "dataset", "format", "compression", "status", "reason", "rows",
        "year", "month", "id.min", "id.max", "id.nulls", "amount.min", "amount.max", "amount.nulls",
    ]
    assert len(rows) == 24
    last = dict(zip(header, rows[-1]))
    assert last["key"] == "sales/year=2024/month=12/part-0.csv"
    assert (last["year"], last["month"], last["rows"], last["amount.min"], last["amount.max"]) == ("2024", "12", "4", "120", "123")
    assert last["etag"] == s3.head_object(Bucket=bucket, Key=last["key"])["ETag"].strip('"')

    # A prefix manifest holds partitions and columns as JSON cells.
    status, _, body = api(server, bucket, "manifest", prefix="sales/year=2023/month=01/", format="csv")
    header, row = list(csv.reader(io.StringIO(body.decode())))
    cells = dict(zip(header, row))
    assert json.loads(cells["partitions"]) == [{"name": "year", "value": "2023"}, {"name": "month", "value": "01"}]
    assert json.loads(cells["columns"])[0] == {"name": "id", "type": "integer", "min": "0", "max": "3", "nulls": 0}
    status, _, body = api(server, bucket, "manifest", dataset="sales", format="xml")
    assert status == 400 and b"format" in body


def test_the_ducklake_catalog_can_be_fetched_as_a_consistent_copy(server, s3, bucket, tmp_path):
    import sqlite3

    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"id": [1, 2, 3]}), sink)
    s3.put_object(Bucket=bucket, Key="t/part-0.parquet", Body=sink.getvalue().to_pybytes())
    wait_indexed(server, bucket, "t/part-0.parquet")
    deadline = time.time() + 30
    while True:
        status, headers, body = api(server, bucket, "ducklake")
        if status == 200:
            copy = tmp_path / "copy.sqlite"
            copy.write_bytes(body)
            with sqlite3.connect(copy) as db:
                files = db.execute("SELECT count(*) FROM ducklake_data_file WHERE end_snapshot IS NULL").fetchone()[0]
            if files == 1:
                break
        assert time.time() < deadline, (status, body[:300])
        time.sleep(0.1)
    assert body.startswith(b"SQLite format 3\0") and headers["content-type"] == "application/vnd.sqlite3"
    assert not copy.with_name("copy.sqlite-wal").exists() or copy.with_name("copy.sqlite-wal").stat().st_size == 0
    # Nothing is left behind in the server's temporary directory.
    assert not [n for n in os.listdir(os.path.join(server.data_dir, ".lakestore", "tmp")) if n.startswith("ducklake-")]
