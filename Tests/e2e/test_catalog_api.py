"""The catalog API (/_lake/v1/BUCKET/...): signed like S3, JSON answers, S3 error documents.

Objects uploaded with boto3 are indexed by the server's indexer; the tests poll the `file`
resource until the version they wrote is `indexed`, then query datasets, files and changes."""

import json
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
