"""CopyObject, UploadPartCopy and object tagging through boto3 and the aws cli."""

import hashlib
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import Server, aws, make_client


@pytest.fixture
def c(server):
    client = make_client(server.endpoint)
    client.create_bucket(Bucket="src")
    client.create_bucket(Bucket="dst")
    return client


def code(e):
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_copy_keeps_or_replaces_metadata_and_works_across_buckets(c, server):
    data = os.urandom(300_000)
    c.put_object(Bucket="src", Key="raw/a b+c=d.csv", Body=data, ContentType="text/csv", Metadata={"origin": "x"}, Tagging="team=data&tier=raw")
    result = c.copy_object(Bucket="dst", Key="curated/a.csv", CopySource={"Bucket": "src", "Key": "raw/a b+c=d.csv"})
    assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    got = c.get_object(Bucket="dst", Key="curated/a.csv")
    assert got["Body"].read() == data
    assert got["ContentType"] == "text/csv" and got["Metadata"] == {"origin": "x"}
    assert got["TagCount"] == 2
    # The plain file is a real copy at its own path.
    with open(os.path.join(server.data_dir, "dst", "curated", "a.csv"), "rb") as f:
        assert f.read() == data
    c.copy_object(Bucket="dst", Key="curated/b.csv", CopySource="src/raw/a b+c=d.csv", MetadataDirective="REPLACE", ContentType="application/octet-stream", Metadata={"new": "1"}, TaggingDirective="REPLACE", Tagging="only=one")
    head = c.head_object(Bucket="dst", Key="curated/b.csv")
    assert head["ContentType"] == "application/octet-stream" and head["Metadata"] == {"new": "1"}
    assert c.get_object_tagging(Bucket="dst", Key="curated/b.csv")["TagSet"] == [{"Key": "only", "Value": "one"}]


def test_self_copy_needs_a_change(c):
    c.put_object(Bucket="src", Key="k", Body=b"body", ContentType="text/plain")
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket="src", Key="k", CopySource={"Bucket": "src", "Key": "k"})
    assert code(e) == ("InvalidRequest", 400)
    c.copy_object(Bucket="src", Key="k", CopySource={"Bucket": "src", "Key": "k"}, MetadataDirective="REPLACE", ContentType="text/csv", Metadata={"v": "2"})
    got = c.get_object(Bucket="src", Key="k")
    assert got["Body"].read() == b"body" and got["ContentType"] == "text/csv" and got["Metadata"] == {"v": "2"}


def test_copy_source_conditions_and_errors(c):
    put = c.put_object(Bucket="src", Key="k", Body=b"v1")
    etag = put["ETag"]
    past = datetime.now(timezone.utc) - timedelta(days=1)
    future = datetime.now(timezone.utc) + timedelta(days=1)
    ok = [dict(CopySourceIfMatch=etag), dict(CopySourceIfNoneMatch='"other"'), dict(CopySourceIfModifiedSince=past), dict(CopySourceIfUnmodifiedSince=future)]
    bad = [dict(CopySourceIfMatch='"other"'), dict(CopySourceIfNoneMatch=etag), dict(CopySourceIfModifiedSince=future), dict(CopySourceIfUnmodifiedSince=past)]
    for kwargs in ok:
        c.copy_object(Bucket="dst", Key="ok", CopySource={"Bucket": "src", "Key": "k"}, **kwargs)
    for kwargs in bad:
        with pytest.raises(ClientError) as e:
            c.copy_object(Bucket="dst", Key="bad", CopySource={"Bucket": "src", "Key": "k"}, **kwargs)
        assert code(e) == ("PreconditionFailed", 412), kwargs
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket="dst", Key="bad", CopySource={"Bucket": "src", "Key": "missing"})
    assert code(e) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket="dst", Key="bad", CopySource={"Bucket": "nosuchbucket", "Key": "k"})
    assert code(e) == ("NoSuchBucket", 404)
    # Conditional destination: If-None-Match: * refuses to overwrite.
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket="dst", Key="ok", CopySource={"Bucket": "src", "Key": "k"}, IfNoneMatch="*")
    assert code(e) == ("PreconditionFailed", 412)
    keys = [o["Key"] for o in c.list_objects_v2(Bucket="dst").get("Contents", [])]
    assert keys == ["ok"]


def test_copy_of_a_multipart_object_keeps_its_etag_and_parts(tmpdir_path):
    server = Server(os.path.join(tmpdir_path, "data"), args=["--min-part-size", "5"]).start()
    try:
        c = make_client(server.endpoint)
        c.create_bucket(Bucket="mpc")
        upload_id = c.create_multipart_upload(Bucket="mpc", Key="big")["UploadId"]
        parts = [b"x" * 10, b"y" * 7]
        done = [{"PartNumber": n, "ETag": c.upload_part(Bucket="mpc", Key="big", UploadId=upload_id, PartNumber=n, Body=p)["ETag"]} for n, p in enumerate(parts, 1)]
        etag = c.complete_multipart_upload(Bucket="mpc", Key="big", UploadId=upload_id, MultipartUpload={"Parts": done})["ETag"]
        c.copy_object(Bucket="mpc", Key="copy", CopySource="mpc/big")
        assert c.head_object(Bucket="mpc", Key="copy")["ETag"] == etag
        assert c.get_object(Bucket="mpc", Key="copy", PartNumber=2)["Body"].read() == b"y" * 7
        # UploadPartCopy: a range of one object and the whole of another become parts.
        upload_id = c.create_multipart_upload(Bucket="mpc", Key="assembled")["UploadId"]
        r1 = c.upload_part_copy(Bucket="mpc", Key="assembled", UploadId=upload_id, PartNumber=1, CopySource="mpc/big", CopySourceRange="bytes=5-14")
        assert r1["CopyPartResult"]["ETag"] == f'"{hashlib.md5(b"xxxxxyyyyy").hexdigest()}"'
        r2 = c.upload_part_copy(Bucket="mpc", Key="assembled", UploadId=upload_id, PartNumber=2, CopySource="mpc/copy")
        c.complete_multipart_upload(Bucket="mpc", Key="assembled", UploadId=upload_id, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]}]})
        assert c.get_object(Bucket="mpc", Key="assembled")["Body"].read() == b"xxxxxyyyyy" + b"x" * 10 + b"y" * 7
        upload_id = c.create_multipart_upload(Bucket="mpc", Key="assembled")["UploadId"]
        for bad in ["bytes=0-17", "bytes=5-", "items=0-1", "bytes=3-2"]:
            with pytest.raises(ClientError) as e:
                c.upload_part_copy(Bucket="mpc", Key="assembled", UploadId=upload_id, PartNumber=3, CopySource="mpc/big", CopySourceRange=bad)
            assert code(e) == ("InvalidArgument", 400), bad
        with pytest.raises(ClientError) as e:
            c.upload_part_copy(Bucket="mpc", Key="assembled", UploadId=upload_id, PartNumber=3, CopySource="mpc/big", CopySourceIfMatch='"nope"')
        assert code(e) == ("PreconditionFailed", 412)
    finally:
        server.stop()


def test_tagging_operations_and_limits(c):
    c.put_object(Bucket="src", Key="t", Body=b"x", Tagging="a=1&b=two%20words")
    assert sorted((t["Key"], t["Value"]) for t in c.get_object_tagging(Bucket="src", Key="t")["TagSet"]) == [("a", "1"), ("b", "two words")]
    assert c.head_object(Bucket="src", Key="t")["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "2"
    c.put_object_tagging(Bucket="src", Key="t", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert c.get_object_tagging(Bucket="src", Key="t")["TagSet"] == [{"Key": "k", "Value": "v"}]
    assert c.get_object(Bucket="src", Key="t")["TagCount"] == 1
    c.delete_object_tagging(Bucket="src", Key="t")
    assert c.get_object_tagging(Bucket="src", Key="t")["TagSet"] == []
    assert "x-amz-tagging-count" not in c.head_object(Bucket="src", Key="t")["ResponseMetadata"]["HTTPHeaders"]
    too_many = {"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}
    for tagging in [too_many, {"TagSet": [{"Key": "k" * 129, "Value": "v"}]},
                    {"TagSet": [{"Key": "k", "Value": "v" * 257}]},
                    {"TagSet": [{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]}]:
        with pytest.raises(ClientError) as e:
            c.put_object_tagging(Bucket="src", Key="t", Tagging=tagging)
        assert code(e) == ("InvalidTag", 400)
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket="src", Key="t2", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11)))
    assert code(e) == ("InvalidTag", 400)
    with pytest.raises(ClientError) as e:
        c.put_object_tagging(Bucket="src", Key="missing", Tagging={"TagSet": []})
    assert code(e) == ("NoSuchKey", 404)
    # A new upload replaces the tags, like any metadata.
    c.put_object(Bucket="src", Key="t", Body=b"y")
    assert c.get_object_tagging(Bucket="src", Key="t")["TagSet"] == []


def test_multipart_upload_keeps_create_tags(tmpdir_path):
    server = Server(os.path.join(tmpdir_path, "data"), args=["--min-part-size", "5"]).start()
    try:
        c = make_client(server.endpoint)
        c.create_bucket(Bucket="mpt")
        upload_id = c.create_multipart_upload(Bucket="mpt", Key="k", Tagging="dataset=sales")["UploadId"]
        etag = c.upload_part(Bucket="mpt", Key="k", UploadId=upload_id, PartNumber=1, Body=b"hello")["ETag"]
        c.complete_multipart_upload(Bucket="mpt", Key="k", UploadId=upload_id, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        assert c.get_object_tagging(Bucket="mpt", Key="k")["TagSet"] == [{"Key": "dataset", "Value": "sales"}]
    finally:
        server.stop()
