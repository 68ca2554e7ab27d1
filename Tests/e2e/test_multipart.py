"""Multipart uploads and DeleteObjects through boto3 and the aws cli, against the real server."""

import hashlib
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server, aws, make_client

MIB = 1024 * 1024


def gone(path, timeout=5.0):
    """Whether `path` disappears within `timeout` (part files are removed after the answer)."""
    deadline = time.time() + timeout
    while os.path.exists(path) and time.time() < deadline:
        time.sleep(0.02)
    return not os.path.exists(path)


def empty_dir(path, timeout=5.0):
    deadline = time.time() + timeout
    while os.listdir(path) and time.time() < deadline:
        time.sleep(0.02)
    return os.listdir(path) == []


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


@pytest.fixture
def small_parts(tmpdir_path):
    """A server whose minimum part size is 5 bytes, so tests can use small parts."""
    s = Server(os.path.join(tmpdir_path, "data"), args=["--min-part-size", "5"]).start()
    yield s
    s.stop()


@pytest.fixture
def c(small_parts):
    client = make_client(small_parts.endpoint)
    client.create_bucket(Bucket="mpu")
    return client


def upload(c, key, parts, **create):
    upload_id = c.create_multipart_upload(Bucket="mpu", Key=key, **create)["UploadId"]
    etags = []
    for number, data in enumerate(parts, 1):
        etags.append(c.upload_part(Bucket="mpu", Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"])
    return upload_id, etags


def complete(c, key, upload_id, numbered_etags):
    return c.complete_multipart_upload(
        Bucket="mpu", Key=key, UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in numbered_etags]},
    )


def test_upload_complete_get(c, small_parts):
    parts = [os.urandom(7 + i) for i in range(3)]
    upload_id, etags = upload(c, "dt=2024/part-0.parquet", parts, ContentType="application/x-parquet", Metadata={"job": "ingest"})
    assert etags == [f'"{hashlib.md5(p).hexdigest()}"' for p in parts]
    result = complete(c, "dt=2024/part-0.parquet", upload_id, [(1, etags[0]), (2, etags[1]), (3, etags[2])])
    assert result["ETag"] == multipart_etag(parts)
    assert result["Key"] == "dt=2024/part-0.parquet" and result["Bucket"] == "mpu"
    got = c.get_object(Bucket="mpu", Key="dt=2024/part-0.parquet")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert got["ContentType"] == "application/x-parquet" and got["Metadata"] == {"job": "ingest"}
    # The plain-file promise: the object is the plain file at its key's path.
    with open(os.path.join(small_parts.data_dir, "mpu", "dt=2024", "part-0.parquet"), "rb") as f:
        assert f.read() == b"".join(parts)
    # The upload is gone, and so are its part files.
    assert c.list_multipart_uploads(Bucket="mpu").get("Uploads", []) == []
    assert empty_dir(os.path.join(small_parts.data_dir, ".lakestore", "uploads"))
    with pytest.raises(ClientError) as e:
        c.list_parts(Bucket="mpu", Key="dt=2024/part-0.parquet", UploadId=upload_id)
    assert e.value.response["Error"]["Code"] == "NoSuchUpload"


def test_get_and_head_by_part_number(c):
    parts = [b"a" * 6, b"b" * 9, b"c" * 2]
    upload_id, etags = upload(c, "pn", parts)
    complete(c, "pn", upload_id, list(enumerate(etags, 1)))
    offset = 0
    for number, data in enumerate(parts, 1):
        got = c.get_object(Bucket="mpu", Key="pn", PartNumber=number)
        assert got["Body"].read() == data and got["PartsCount"] == 3
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["ContentRange"] == f"bytes {offset}-{offset + len(data) - 1}/17"
        head = c.head_object(Bucket="mpu", Key="pn", PartNumber=number)
        assert head["ContentLength"] == len(data) and head["PartsCount"] == 3
        assert head["ETag"] == multipart_etag(parts)
        offset += len(data)
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket="mpu", Key="pn", PartNumber=4)
    assert e.value.response["Error"]["Code"] == "InvalidPart"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_part_uploaded_twice_keeps_the_later_and_subset_completes(c):
    upload_id, etags = upload(c, "k", [b"first-1", b"second-2", b"third-3"])
    again = c.upload_part(Bucket="mpu", Key="k", UploadId=upload_id, PartNumber=2, Body=b"SECOND-2-new")["ETag"]
    listed = c.list_parts(Bucket="mpu", Key="k", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [
        (1, etags[0], 7), (2, again, 12), (3, etags[2], 7)]
    with pytest.raises(ClientError) as e:  # the replaced part's ETag no longer counts
        complete(c, "k", upload_id, [(1, etags[0]), (2, etags[1])])
    assert e.value.response["Error"]["Code"] == "InvalidPart"
    complete(c, "k", upload_id, [(1, etags[0]), (3, etags[2])])
    assert c.get_object(Bucket="mpu", Key="k")["Body"].read() == b"first-1third-3"


def test_complete_errors_leave_the_upload_usable(c):
    upload_id, etags = upload(c, "e", [b"aaaaaaa", b"bb", b"ccccccc"])
    cases = [
        ([(2, etags[1]), (1, etags[0])], "InvalidPartOrder"),
        ([(1, etags[0]), (1, etags[0])], "InvalidPartOrder"),
        ([(1, etags[0]), (4, etags[0])], "InvalidPart"),
        ([(1, etags[1])], "InvalidPart"),
        ([(1, etags[0]), (2, etags[1]), (3, etags[2])], "EntityTooSmall"),  # part 2 is 2 bytes
    ]
    for parts, code in cases:
        with pytest.raises(ClientError) as e:
            complete(c, "e", upload_id, parts)
        assert e.value.response["Error"]["Code"] == code, parts
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket="mpu", Key="e")
    assert e.value.response["Error"]["Code"] == "NoSuchKey"
    complete(c, "e", upload_id, [(1, etags[0]), (3, etags[2])])
    assert c.get_object(Bucket="mpu", Key="e")["Body"].read() == b"aaaaaaaccccccc"


def test_no_such_upload_and_abort(c, small_parts):
    for call in [
        lambda: c.upload_part(Bucket="mpu", Key="x", UploadId="nope", PartNumber=1, Body=b"x"),
        lambda: c.list_parts(Bucket="mpu", Key="x", UploadId="nope"),
        lambda: c.abort_multipart_upload(Bucket="mpu", Key="x", UploadId="nope"),
        lambda: complete(c, "x", "nope", [(1, '"00"')]),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "NoSuchUpload"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    upload_id, _ = upload(c, "x", [b"12345", b"6"])
    # Another key's upload ID is no upload of this key.
    with pytest.raises(ClientError) as e:
        c.list_parts(Bucket="mpu", Key="y", UploadId=upload_id)
    assert e.value.response["Error"]["Code"] == "NoSuchUpload"
    assert len(os.listdir(os.path.join(small_parts.data_dir, ".lakestore", "uploads", upload_id))) == 2
    c.abort_multipart_upload(Bucket="mpu", Key="x", UploadId=upload_id)
    assert gone(os.path.join(small_parts.data_dir, ".lakestore", "uploads", upload_id))
    with pytest.raises(ClientError) as e:
        c.upload_part(Bucket="mpu", Key="x", UploadId=upload_id, PartNumber=3, Body=b"late")
    assert e.value.response["Error"]["Code"] == "NoSuchUpload"


def test_part_number_range(c):
    upload_id, _ = upload(c, "n", [])
    for number in (0, 10001):
        with pytest.raises(ClientError) as e:
            c.upload_part(Bucket="mpu", Key="n", UploadId=upload_id, PartNumber=number, Body=b"x")
        assert e.value.response["Error"]["Code"] == "InvalidArgument"
    c.upload_part(Bucket="mpu", Key="n", UploadId=upload_id, PartNumber=10000, Body=b"last")
    assert [p["PartNumber"] for p in c.list_parts(Bucket="mpu", Key="n", UploadId=upload_id)["Parts"]] == [10000]


def test_list_uploads_and_parts_paginate(c):
    ids = {}
    for key in ["a/1", "a/2", "b", "b", "c/d/e"]:
        ids.setdefault(key, []).append(c.create_multipart_upload(Bucket="mpu", Key=key)["UploadId"])
    page = c.list_multipart_uploads(Bucket="mpu")
    assert [(u["Key"], u["UploadId"]) for u in page["Uploads"]] == [
        ("a/1", ids["a/1"][0]), ("a/2", ids["a/2"][0]), ("b", ids["b"][0]), ("b", ids["b"][1]),
        ("c/d/e", ids["c/d/e"][0])]
    page = c.list_multipart_uploads(Bucket="mpu", Delimiter="/")
    assert [u["Key"] for u in page["Uploads"]] == ["b", "b"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/", "c/"]
    assert [u["Key"] for u in c.list_multipart_uploads(Bucket="mpu", Prefix="a/")["Uploads"]] == ["a/1", "a/2"]
    # Pages of two, resumed with key and upload-id markers, visit every upload once.
    seen = []
    kwargs = {}
    while True:
        page = c.list_multipart_uploads(Bucket="mpu", MaxUploads=2, **kwargs)
        seen += [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    assert len(seen) == 5 and len(set(seen)) == 5
    upload_id = ids["b"][0]
    for n in range(1, 6):
        c.upload_part(Bucket="mpu", Key="b", UploadId=upload_id, PartNumber=n, Body=b"part%d" % n)
    page = c.list_parts(Bucket="mpu", Key="b", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2] and page["IsTruncated"]
    page = c.list_parts(Bucket="mpu", Key="b", UploadId=upload_id, MaxParts=2, PartNumberMarker=page["NextPartNumberMarker"])
    assert [p["PartNumber"] for p in page["Parts"]] == [3, 4]
    paginated = [p["PartNumber"] for pg in c.get_paginator("list_parts").paginate(
        Bucket="mpu", Key="b", UploadId=upload_id, PaginationConfig={"PageSize": 2}) for p in pg["Parts"]]
    assert paginated == [1, 2, 3, 4, 5]


def test_upload_survives_restart(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    server = Server(data, args=["--min-part-size", "5"]).start()
    c = make_client(server.endpoint)
    c.create_bucket(Bucket="mpu")
    upload_id, etags = upload(c, "r", [b"before-restart", b"!"])
    server.kill9()
    server = Server(data, args=["--min-part-size", "5"]).start()
    try:
        c = make_client(server.endpoint)
        assert [p["ETag"] for p in c.list_parts(Bucket="mpu", Key="r", UploadId=upload_id)["Parts"]] == etags
        complete(c, "r", upload_id, [(1, etags[0]), (2, etags[1])])
        assert c.get_object(Bucket="mpu", Key="r")["Body"].read() == b"before-restart!"
    finally:
        server.stop()


def test_delete_bucket_aborts_its_uploads(c, small_parts):
    upload_id, _ = upload(c, "gone", [b"12345"])
    c.delete_bucket(Bucket="mpu")
    assert gone(os.path.join(small_parts.data_dir, ".lakestore", "uploads", upload_id))


def test_conditional_complete(c):
    c.put_object(Bucket="mpu", Key="cond", Body=b"old")
    upload_id, etags = upload(c, "cond", [b"new!!"])
    with pytest.raises(ClientError) as e:
        c.complete_multipart_upload(
            Bucket="mpu", Key="cond", UploadId=upload_id, IfNoneMatch="*",
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etags[0]}]})
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert c.get_object(Bucket="mpu", Key="cond")["Body"].read() == b"old"
    complete(c, "cond", upload_id, [(1, etags[0])])
    assert c.get_object(Bucket="mpu", Key="cond")["Body"].read() == b"new!!"


def test_aws_cli_cp_multipart_round_trip(server, tmpdir_path):
    """`aws s3 cp` of 40 MiB: 5 parts of 8 MiB, uploaded in parallel, downloaded in ranges."""
    source = os.path.join(tmpdir_path, "big.bin")
    data = os.urandom(40 * MIB + 123)
    with open(source, "wb") as f:
        f.write(data)
    aws(server, "s3", "mb", "s3://cli")
    aws(server, "s3", "cp", source, "s3://cli/raw/big.bin")
    head = make_client(server.endpoint).head_object(Bucket="cli", Key="raw/big.bin")
    chunks = [data[i:i + 8 * MIB] for i in range(0, len(data), 8 * MIB)]
    assert head["ETag"] == multipart_etag(chunks) and head["ContentLength"] == len(data)
    target = os.path.join(tmpdir_path, "back.bin")
    aws(server, "s3", "cp", "s3://cli/raw/big.bin", target)
    with open(target, "rb") as f:
        assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()


def test_boto3_upload_fileobj_multipart(server, tmpdir_path):
    from boto3.s3.transfer import TransferConfig

    c = make_client(server.endpoint)
    c.create_bucket(Bucket="bt3")
    data = os.urandom(17 * MIB)
    path = os.path.join(tmpdir_path, "src.bin")
    with open(path, "wb") as f:
        f.write(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=4)
    c.upload_file(path, "bt3", "x/y.bin", Config=config)
    back = os.path.join(tmpdir_path, "back.bin")
    c.download_file("bt3", "x/y.bin", back, Config=config)
    with open(back, "rb") as f:
        assert f.read() == data
    assert c.head_object(Bucket="bt3", Key="x/y.bin")["ETag"].endswith('-4"')


# --- DeleteObjects -------------------------------------------------------------------------


def test_delete_objects_reports_each_key(c):
    for i in range(5):
        c.put_object(Bucket="mpu", Key=f"d/{i}", Body=b"x")
    result = c.delete_objects(Bucket="mpu", Delete={"Objects": [{"Key": "d/0"}, {"Key": "d/1"}, {"Key": "missing"}, {"Key": "k" * 1100}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["d/0", "d/1", "missing"]
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("k" * 1100, "KeyTooLongError")]
    quiet = c.delete_objects(Bucket="mpu", Delete={"Objects": [{"Key": "d/2"}, {"Key": "d/3"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert [o["Key"] for o in c.list_objects_v2(Bucket="mpu")["Contents"]] == ["d/4"]


def test_delete_objects_of_a_thousand_keys(c):
    keys = [f"many/{i:04d}" for i in range(1000)]
    for key in keys[:20]:
        c.put_object(Bucket="mpu", Key=key, Body=b"")
    result = c.delete_objects(Bucket="mpu", Delete={"Objects": [{"Key": k} for k in keys]})
    assert len(result["Deleted"]) == 1000
    assert c.list_objects_v2(Bucket="mpu").get("KeyCount") == 0
    with pytest.raises(ClientError) as e:
        c.delete_objects(Bucket="mpu", Delete={"Objects": [{"Key": k} for k in keys + ["one-more"]]})
    assert e.value.response["Error"]["Code"] == "MalformedXML"


def test_delete_objects_requires_an_integrity_header(c, small_parts):
    import base64

    from test_auth import signed

    c.put_object(Bucket="mpu", Key="keep", Body=b"x")
    url = small_parts.endpoint + "/mpu?delete"
    doc = b"<Delete><Object><Key>keep</Key></Object></Delete>"
    status, _, body = signed("POST", url, doc)
    assert status == 400 and b"<Code>InvalidRequest</Code>" in body and b"Content-MD5" in body
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    status, _, body = signed("POST", url, doc, headers={"Content-MD5": wrong})
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    assert c.get_object(Bucket="mpu", Key="keep")["Body"].read() == b"x"
    right = base64.b64encode(hashlib.md5(doc).digest()).decode()
    status, _, body = signed("POST", url, doc, headers={"Content-MD5": right})
    assert status == 200 and b"<Deleted><Key>keep</Key></Deleted>" in body
    status, _, body = signed("POST", url, b"<Delete><Object><Key>x</Key>", headers={"Content-MD5": base64.b64encode(hashlib.md5(b"<Delete><Object><Key>x</Key>").digest()).decode()})
    assert status == 400 and b"<Code>MalformedXML</Code>" in body
    import zlib

    def crc(data):
        return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()

    c.put_object(Bucket="mpu", Key="keep", Body=b"x")
    status, _, body = signed("POST", url, doc, headers={"x-amz-checksum-crc32": crc(b"other")})
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    assert c.get_object(Bucket="mpu", Key="keep")["Body"].read() == b"x"
    status, _, body = signed("POST", url, doc, headers={"x-amz-checksum-crc32": crc(doc)})
    assert status == 200 and b"<Deleted><Key>keep</Key></Deleted>" in body


# --- expiry ------------------------------------------------------------------------------


def test_expired_uploads_are_aborted_and_listed_by_the_admin_verb(tmpdir_path):
    import subprocess
    import time

    from conftest import BINARY

    data = os.path.join(tmpdir_path, "data")
    server = Server(data, args=["--min-part-size", "5"]).start()
    c = make_client(server.endpoint)
    c.create_bucket(Bucket="exp")
    old = c.create_multipart_upload(Bucket="exp", Key="old/1")["UploadId"]
    c.upload_part(Bucket="exp", Key="old/1", UploadId=old, PartNumber=1, Body=b"12345")
    server.stop()
    listing = subprocess.run([BINARY, "uploads", "--data", data], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert f"exp/old/1  {old}  1 part(s), 5 bytes" in listing.stdout
    assert listing.stdout.strip().endswith("1 upload(s), 5 bytes")
    young = subprocess.run([BINARY, "uploads", "--data", data, "--older-than", "1d"], capture_output=True, text=True, timeout=60)
    assert young.stdout.strip() == "0 upload(s), 0 bytes"
    time.sleep(1.2)
    # A server whose expiry age has passed aborts the upload in its first sweep, at start.
    server = Server(data, args=["--upload-expiry", "1s"]).start()
    try:
        c = make_client(server.endpoint)
        deadline = time.time() + 10
        while c.list_multipart_uploads(Bucket="exp").get("Uploads") and time.time() < deadline:
            time.sleep(0.1)
        assert c.list_multipart_uploads(Bucket="exp").get("Uploads") is None
        assert gone(os.path.join(data, ".lakestore", "uploads", old))
        # A fresh upload is not touched.
        fresh = c.create_multipart_upload(Bucket="exp", Key="new")["UploadId"]
        assert [u["UploadId"] for u in c.list_multipart_uploads(Bucket="exp")["Uploads"]] == [fresh]
    finally:
        server.stop()
    aborted = subprocess.run([BINARY, "uploads", "--data", data, "--abort"], capture_output=True, text=True, timeout=60)
    assert aborted.returncode == 0 and aborted.stdout.strip().endswith("1 upload(s), 0 bytes, aborted")
    assert subprocess.run([BINARY, "uploads", "--data", data], capture_output=True, text=True).stdout.strip() == "0 upload(s), 0 bytes"


def test_get_object_attributes(c):
    parts = [b"a" * 6, b"b" * 9, b"c" * 2]
    upload_id, etags = upload(c, "attrs", parts, ChecksumAlgorithm="CRC32")
    complete(c, "attrs", upload_id, list(enumerate(etags, 1)))
    everything = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
    got = c.get_object_attributes(Bucket="mpu", Key="attrs", ObjectAttributes=everything)
    assert got["ETag"] == multipart_etag(parts).strip('"')
    assert got["ObjectSize"] == 17 and got["StorageClass"] == "STANDARD"
    assert got["Checksum"]["ChecksumCRC32"].endswith("-3") and got["Checksum"]["ChecksumType"] == "COMPOSITE"
    assert got["ObjectParts"]["TotalPartsCount"] == 3
    assert [(p["PartNumber"], p["Size"]) for p in got["ObjectParts"]["Parts"]] == [(1, 6), (2, 9), (3, 2)]
    import base64, zlib
    assert [p["ChecksumCRC32"] for p in got["ObjectParts"]["Parts"]] == [
        base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode() for data in parts]
    part2 = c.get_object(Bucket="mpu", Key="attrs", PartNumber=2, ChecksumMode="ENABLED")
    assert part2["Body"].read() == parts[1] and part2["ChecksumCRC32"] == got["ObjectParts"]["Parts"][1]["ChecksumCRC32"]
    page = c.get_object_attributes(Bucket="mpu", Key="attrs", ObjectAttributes=["ObjectParts"], MaxParts=2, PartNumberMarker=1)
    assert [p["PartNumber"] for p in page["ObjectParts"]["Parts"]] == [2, 3]
    assert "ETag" not in page and "ObjectSize" not in page
    c.put_object(Bucket="mpu", Key="single", Body=b"12345")
    single = c.get_object_attributes(Bucket="mpu", Key="single", ObjectAttributes=everything)
    assert single["ObjectSize"] == 5 and "ObjectParts" not in single
    # botocore sends a CRC32 with every PutObject by default.
    assert single["Checksum"]["ChecksumType"] == "FULL_OBJECT" and "ChecksumCRC32" in single["Checksum"]
    with pytest.raises(ClientError) as e:
        c.get_object_attributes(Bucket="mpu", Key="missing", ObjectAttributes=["ETag"])
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
