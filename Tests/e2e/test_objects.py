"""PutObject / GetObject / HeadObject / DeleteObject semantics."""

import base64
import hashlib
import os
import threading
import time
from email.utils import formatdate

import botocore
import pytest

from conftest import curl


def code_of(e):
    return e.value.response["Error"]["Code"]


def test_roundtrip_with_metadata_and_headers(s3, bucket, server):
    body = os.urandom(300_000)
    put = s3.put_object(
        Bucket=bucket,
        Key="sales/year=2024/month=05/part-0.csv",
        Body=body,
        ContentType="text/csv",
        CacheControl="max-age=60",
        ContentDisposition='attachment; filename="part-0.csv"',
        ContentEncoding="identity",
        ContentLanguage="en",
        Expires="Thu, 01 Dec 2033 16:00:00 GMT",
        Metadata={"origin": "ingest-job", "Rows": "1000"},
    )
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="sales/year=2024/month=05/part-0.csv")
    assert got["Body"].read() == body
    assert got["ETag"] == put["ETag"]
    assert got["ContentType"] == "text/csv"
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentDisposition"] == 'attachment; filename="part-0.csv"'
    assert got["ContentEncoding"] == "identity"
    assert got["ContentLanguage"] == "en"
    assert got["Metadata"] == {"origin": "ingest-job", "rows": "1000"}
    assert got["ContentLength"] == len(body)
    assert got["AcceptRanges"] == "bytes"
    headers = got["ResponseMetadata"]["HTTPHeaders"]
    assert "last-modified" in headers and "x-amz-request-id" in headers
    head = s3.head_object(Bucket=bucket, Key="sales/year=2024/month=05/part-0.csv")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    # The object is a plain file in a partitioned directory tree.
    with open(os.path.join(server.data_dir, bucket, "sales/year=2024/month=05/part-0.csv"), "rb") as f:
        assert f.read() == body


def test_default_content_type_and_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert got["ContentType"] == "binary/octet-stream"


def test_overwrite_and_delete(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert code_of(e) == "NoSuchKey"


def test_repeated_reads_follow_every_change(s3, bucket, server):
    # Repeated GETs and HEADs of a key are answered from the read cache (on the event loop
    # for small bodies); every overwrite and delete must still show at once.
    for round_ in range(12):
        body = bytes([round_]) * (100 + round_ * 9000)  # crosses the 64 KiB loop limit
        etag = s3.put_object(Bucket=bucket, Key="hot/k", Body=body)["ETag"]
        for _ in range(3):
            got = s3.get_object(Bucket=bucket, Key="hot/k")
            assert got["Body"].read() == body
            assert got["ETag"] == etag
            assert got["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
            head = s3.head_object(Bucket=bucket, Key="hot/k")
            assert (head["ContentLength"], head["ETag"]) == (len(body), etag)
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_object(Bucket=bucket, Key="hot/k", IfNoneMatch=etag)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
        ranged = s3.get_object(Bucket=bucket, Key="hot/k", Range="bytes=10-19")
        assert ranged["Body"].read() == body[10:20]
    s3.delete_object(Bucket=bucket, Key="hot/k")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="hot/k")
    assert code_of(e) == "NoSuchKey"
    # Requests answered on the event loop are logged like the others.
    time.sleep(0.3)  # one access_log_flush interval and then some
    lines = [l for l in server.log_after_flush("GET /lake/hot/k 200").splitlines() if "GET /lake/hot/k 200" in l]
    assert len(lines) >= 36


def test_missing_bucket_for_objects(s3):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket="nobucket", Key="k", Body=b"x")
    assert code_of(e) == "NoSuchBucket"


def test_content_md5(server, bucket):
    good = base64.b64encode(hashlib.md5(b"hello").digest()).decode()
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    status, _, _ = curl(server, "-X", "PUT", "--data-binary", "hello", "-H", f"Content-MD5: {good}", path=f"/{bucket}/md5")
    assert status == 200
    status, _, body = curl(server, "-X", "PUT", "--data-binary", "hello", "-H", f"Content-MD5: {bad}", path=f"/{bucket}/md5-bad")
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    status, _, body = curl(server, "-X", "PUT", "--data-binary", "hello", "-H", "Content-MD5: nope", path=f"/{bucket}/md5-bad")
    assert status == 400 and b"<Code>InvalidDigest</Code>" in body
    status, _, _ = curl(server, "-I", path=f"/{bucket}/md5-bad")
    assert status == 404
    # A failed upload leaves no temp litter behind.
    assert os.listdir(os.path.join(server.data_dir, ".lakestore", "tmp")) == []


def test_metadata_too_large(s3, bucket):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="meta", Body=b"x", Metadata={"big": "v" * 2100})
    assert code_of(e) == "MetadataTooLarge"


def test_ranges(s3, bucket):
    data = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    for header, expected, content_range in [
        ("bytes=0-9", data[0:10], "bytes 0-9/1024"),
        ("bytes=1000-", data[1000:], "bytes 1000-1023/1024"),
        ("bytes=-5", data[-5:], "bytes 1019-1023/1024"),
        ("bytes=1020-5000", data[1020:], "bytes 1020-1023/1024"),
    ]:
        got = s3.get_object(Bucket=bucket, Key="r", Range=header)
        assert got["Body"].read() == expected, header
        assert got["ContentRange"] == content_range
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=2000-")
    assert code_of(e) == "InvalidRange"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def test_part_number(s3, bucket):
    s3.put_object(Bucket=bucket, Key="p", Body=b"abc")
    got = s3.get_object(Bucket=bucket, Key="p", PartNumber=1)
    assert got["Body"].read() == b"abc"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="p", PartNumber=2)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Code"] == "InvalidPart"


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"{}", ContentType="application/json")
    got = s3.get_object(
        Bucket=bucket, Key="o", ResponseContentType="text/plain", ResponseContentDisposition="inline"
    )
    assert got["ContentType"] == "text/plain" and got["ContentDisposition"] == "inline"


def test_conditional_get(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"v1")["ETag"]
    later = formatdate(time.time() + 3600, usegmt=True)
    earlier = formatdate(time.time() - 3600, usegmt=True)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"v1"
    for kwargs, status in [
        ({"IfMatch": '"0000"'}, 412),
        ({"IfNoneMatch": etag}, 304),
        ({"IfModifiedSince": later}, 304),
        ({"IfUnmodifiedSince": earlier}, 412),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_object(Bucket=bucket, Key="c", **kwargs)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status, kwargs
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=earlier)
    assert e.value.response["Error"].get("Condition") == "If-Unmodified-Since"
    # Precedence: If-Match true wins over If-Unmodified-Since false; If-None-Match false
    # (etag differs) wins over If-Modified-Since (not modified).
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=earlier)["Body"].read() == b"v1"
    assert s3.get_object(Bucket=bucket, Key="c", IfNoneMatch='"other"', IfModifiedSince=later)["Body"].read() == b"v1"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.head_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304


def test_conditional_put(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")["ETag"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="once", Body=b"third", IfMatch='"00000000000000000000000000000000"')
    assert code_of(e) == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="once", Body=b"fourth", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"fourth"


def test_racing_creators_exactly_one_wins(server, bucket):
    from conftest import make_client, run_threads

    results = []
    lock = threading.Lock()

    def create(i):
        # A loser must be answered (412) in time: a hang or a dropped connection raises here
        # and fails the test through run_threads.
        client = make_client(server.endpoint, read_timeout=20)
        try:
            client.put_object(Bucket=bucket, Key="race", Body=b"writer-%d" % i * 1000, IfNoneMatch="*")
            outcome = ("won", i)
        except botocore.exceptions.ClientError as e:
            outcome = ("lost", e.response["ResponseMetadata"]["HTTPStatusCode"])
        with lock:
            results.append(outcome)

    run_threads(create, [(i,) for i in range(8)])
    assert len(results) == 8, results
    winners = [r for r in results if r[0] == "won"]
    assert len(winners) == 1, results
    assert all(r == ("lost", 412) for r in results if r[0] == "lost"), results
    body = make_client(server.endpoint).get_object(Bucket=bucket, Key="race")["Body"].read()
    assert body == b"writer-%d" % winners[0][1] * 1000


def test_concurrent_overwrites_end_consistent(server, bucket):
    from conftest import make_client, run_threads

    acknowledged = []

    def writer(i):
        # Every overwrite must succeed; a failure raises and fails the test (run_threads).
        client = make_client(server.endpoint, read_timeout=20)
        for n in range(5):
            client.put_object(Bucket=bucket, Key="hot", Body=(b"%d-%d|" % (i, n)) * 5000)
            acknowledged.append((i, n))

    run_threads(writer, [(i,) for i in range(6)])
    assert len(acknowledged) == 30
    client = make_client(server.endpoint)
    got = client.get_object(Bucket=bucket, Key="hot")
    body = got["Body"].read()
    assert got["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    assert len(set(body.split(b"|")[:-1])) == 1  # one writer's complete bytes


def test_empty_file_like_bodies_keep_connection_sane(s3, bucket, caplog):
    # boto3 sends Expect: 100-continue for file-like bodies, also empty ones. An early final
    # answer on a kept-alive connection makes botocore misread the next response (it reuses
    # the early status line), so the server closes such connections.
    import io
    import logging

    caplog.set_level(logging.WARNING, logger="urllib3")
    bodies = [b"", b"abc", b"", b"x" * 70000, b""]
    etags = [s3.put_object(Bucket=bucket, Key=f"e{i}", Body=io.BytesIO(b))["ETag"] for i, b in enumerate(bodies)]
    for i, body in enumerate(bodies):
        assert s3.get_object(Bucket=bucket, Key=f"e{i}")["Body"].read() == body
        assert etags[i] == '"%s"' % hashlib.md5(body).hexdigest()
    assert not [r for r in caplog.records if "Failed to parse headers" in r.getMessage()]
