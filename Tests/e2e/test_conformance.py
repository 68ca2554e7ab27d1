"""Conformance details checked against AWS's documented behaviour (issue 12): URL encoding of
listings, max-keys=0, empty tokens, expired presigned writes, non-UTF-8 keys, conditional
writes, date headers, curl without x-amz-content-sha256, folder markers, ListBuckets pages."""

import os
import re
import threading
import time
import types

import botocore
import pytest
from botocore.exceptions import ClientError

from conftest import Server, curl, make_client
from test_auth import raw_request
from test_hostile import exchange, request


def code(e):
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def raw(server, method, path, query="", headers=(), body=b"", **kw):
    ctx = types.SimpleNamespace(port=server.port)
    return exchange(server.port, request(ctx, method, path, query=query, headers=list(headers), body=body, **kw))


def test_encoding_type_url_encodes_what_aws_encodes(server, s3, bucket):
    for key in ["a b/c+d", "a b/e", "plain"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    v2 = raw(server, "GET", f"/{bucket}", "list-type=2&encoding-type=url&prefix=a%20b%2F&start-after=a%20b%2Fa")
    assert v2.status == 200, v2.summary()
    assert b"<Key>a%20b/c%2Bd</Key>" in v2.body and b"<Prefix>a%20b/</Prefix>" in v2.body
    assert b"<StartAfter>a%20b/a</StartAfter>" in v2.body and b"+" not in v2.body.replace(b"%2B", b"")
    rolled = raw(server, "GET", f"/{bucket}", "list-type=2&encoding-type=url&delimiter=%2F")
    assert b"<CommonPrefixes><Prefix>a%20b/</Prefix></CommonPrefixes>" in rolled.body
    v1 = raw(server, "GET", f"/{bucket}", "encoding-type=url&prefix=a%20b%2F&marker=a%20b%2Fa&delimiter=%20")
    assert b"<Prefix>a b/</Prefix>" in v1.body  # V1 leaves Prefix as is
    assert b"<Marker>a%20b/a</Marker>" in v1.body and b"<Delimiter>%20</Delimiter>" in v1.body
    # boto3 asks for url encoding by itself and decodes the answer.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["a b/c+d", "a b/e", "plain"]
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket, Marker="a b/c+d")["Contents"]] == ["a b/e", "plain"]


def test_max_keys_zero_and_empty_continuation_token(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"")
    for query in ["list-type=2&max-keys=0", "max-keys=0"]:
        reply = raw(server, "GET", f"/{bucket}", query)
        assert reply.status == 200 and b"<IsTruncated>false</IsTruncated>" in reply.body
        assert b"<Contents>" not in reply.body
    reply = raw(server, "GET", f"/{bucket}", "list-type=2&continuation-token=")
    assert reply.status == 200 and b"<Key>k</Key>" in reply.body


def test_expired_presigned_put_is_access_denied(server, s3, bucket):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "late"}, ExpiresIn=1)
    time.sleep(2.1)
    status, _, body = raw_request("PUT", url, data=b"too late")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="late")


def test_key_that_is_not_utf8_is_400_for_reads_and_writes(server, s3, bucket):
    for method in ["GET", "HEAD", "PUT", "DELETE"]:
        reply = raw(server, method, f"/{bucket}/bad%FF%FEkey", body=b"x" if method == "PUT" else b"")
        assert reply.status == 400, (method, reply.summary())


def test_conditional_puts(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"v1")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfMatch='"0123"')
    assert code(e) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="missing", Body=b"v2", IfMatch=etag)
    assert code(e) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="missing", Body=b"v2", IfMatch="*")
    assert code(e) == ("NoSuchKey", 404)
    etag2 = s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfMatch="*")["ETag"]
    etag3 = s3.put_object(Bucket=bucket, Key="c", Body=b"v3", IfMatch=etag2)["ETag"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v4", IfNoneMatch=etag3)
    assert code(e) == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="c", Body=b"v4", IfNoneMatch=etag)  # another version's ETag
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v5", IfNoneMatch="*")
    assert code(e) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="c")["Body"].read() == b"v4"


def test_racing_conditional_creators_one_wins(server, bucket):
    results = []
    lock = threading.Lock()

    def create(i):
        client = make_client(server.endpoint)
        try:
            client.put_object(Bucket=bucket, Key="race", Body=b"writer %d" % i, IfNoneMatch="*")
            outcome = i
        except ClientError as e:
            outcome = e.response["ResponseMetadata"]["HTTPStatusCode"]
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r < 100]
    assert len(winners) == 1 and sorted(r for r in results if r >= 100) == [412] * 7
    body = make_client(server.endpoint).get_object(Bucket=bucket, Key="race")["Body"].read()
    assert body == b"writer %d" % winners[0]


def test_x_amz_date_wins_over_date(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="d", Body=b"x")
    for date in ["", "not a date", "Tue, 01 Jan 1980 00:00:00 GMT"]:
        reply = raw(server, "GET", f"/{bucket}/d", headers=[("Date", date)])
        assert reply.status == 200, (date, reply.summary())


def test_curl_without_content_sha256_header(server, tmpdir_path):
    """curl 7.x signs an upload (-T) with the empty-payload hash and sends no
    x-amz-content-sha256."""
    assert curl(server, "-X", "PUT", path="/plain-curl", payload=None)[0] == 200
    source = os.path.join(tmpdir_path, "t.csv")
    with open(source, "wb") as f:
        f.write(b"a,b\n1,2\n")
    status, _, _ = curl(server, "-T", source, path="/plain-curl/t.csv", payload=None)
    assert status == 200
    status, _, body = curl(server, path="/plain-curl/t.csv", payload=None)
    assert status == 200 and body == b"a,b\n1,2\n"
    strict = Server(os.path.join(tmpdir_path, "strict"), args=["--require-content-sha256", "true"]).start()
    try:
        status, _, body = curl(strict, path="/", payload=None)
        assert status == 400 and b"x-amz-content-sha256" in body
        assert curl(strict, path="/")[0] == 200  # with the header it is fine
    finally:
        strict.stop()


def test_folder_markers(s3, bucket, server):
    s3.put_object(Bucket=bucket, Key="dir/", Body=b"")
    s3.put_object(Bucket=bucket, Key="dir/file.csv", Body=b"data")
    s3.put_object(Bucket=bucket, Key="dir/sub/", Body=b"")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["dir/", "dir/file.csv", "dir/sub/"]
    page = s3.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in page["Contents"]] == ["dir/", "dir/file.csv"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["dir/sub/"]
    got = s3.get_object(Bucket=bucket, Key="dir/")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0
    s3.delete_object(Bucket=bucket, Key="dir/")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["dir/file.csv", "dir/sub/"]
    assert s3.get_object(Bucket=bucket, Key="dir/file.csv")["Body"].read() == b"data"
    s3.delete_object(Bucket=bucket, Key="dir/sub/")
    s3.delete_object(Bucket=bucket, Key="dir/file.csv")
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_list_buckets_pages_and_prefix(s3):
    names = [f"page-{i:02d}" for i in range(7)] + ["other-1"]
    for name in names:
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(MaxBuckets=3)
    assert [b["Name"] for b in first["Buckets"]] == ["other-1", "page-00", "page-01"]
    second = s3.list_buckets(MaxBuckets=3, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in second["Buckets"]] == ["page-02", "page-03", "page-04"]
    assert [b["Name"] for b in s3.list_buckets(Prefix="page-0")["Buckets"]] == names[:7]
    seen = [b["Name"] for page in s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 2}) for b in page["Buckets"]]
    assert seen == sorted(names)
    with pytest.raises(ClientError) as e:
        s3.list_buckets(MaxBuckets=10001)
    assert code(e)[1] == 400
