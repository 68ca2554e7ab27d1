"""Bucket operations through boto3 and raw signed requests."""

import botocore
import pytest

from conftest import curl


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_create_list_head_location_delete(s3):
    s3.create_bucket(Bucket="raw-data")
    s3.create_bucket(Bucket="curated.v2")
    listing = s3.list_buckets()
    assert [b["Name"] for b in listing["Buckets"]] == ["curated.v2", "raw-data"]
    assert listing["Owner"]["DisplayName"] == "lakestore"
    assert len(listing["Owner"]["ID"]) == 64
    head = s3.head_bucket(Bucket="raw-data")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert s3.get_bucket_location(Bucket="raw-data").get("LocationConstraint") in (None, "")
    s3.delete_bucket(Bucket="raw-data")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["curated.v2"]


def test_recreate_owned_bucket_follows_us_east_1(s3):
    # AWS answers 200 in us-east-1 when you re-create a bucket you own (legacy rule).
    s3.create_bucket(Bucket="twice")
    s3.create_bucket(Bucket="twice")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["twice"]


@pytest.mark.parametrize(
    "name", ["ab", "UPPER", "has_underscore", "-dash", "dash-", "a..b", "192.168.1.1", "xn--abc", "a" * 64]
)
def test_invalid_bucket_names(s3, name):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert error_code(e) == "InvalidBucketName"


def test_location_constraints(s3):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_code(e) == "IllegalLocationConstraintException"


def test_delete_non_empty_and_missing(s3, bucket):
    s3.put_object(Bucket=bucket, Key="x", Body=b"1")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e) == "BucketNotEmpty"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.delete_bucket(Bucket="missing")
    assert error_code(e) == "NoSuchBucket"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.head_bucket(Bucket="missing")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_error_document_shape(server):
    status, headers, body = curl(server, path="/missing-bucket?list-type=2")
    assert status == 404
    text = body.decode()
    assert "<Code>NoSuchBucket</Code>" in text
    assert "<Message>" in text and "<Resource>/missing-bucket</Resource>" in text
    assert f"<RequestId>{headers['x-amz-request-id']}</RequestId>" in text


def test_unsupported_subresource_is_501(server, bucket):
    status, _, body = curl(server, path=f"/{bucket}?cors=")  # curl 7.88 signs the query as written
    assert status == 501
    assert b"<Code>NotImplemented</Code>" in body and b"CORS" in body


def test_versioning_of_a_bucket_that_never_had_it(s3, bucket):
    assert s3.get_bucket_versioning(Bucket=bucket).get("Status") is None
    for key in ["a/1", "a/2", "b"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    page = s3.list_object_versions(Bucket=bucket)
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in page["Versions"]] == [
        ("a/1", "null", True), ("a/2", "null", True), ("b", "null", True)]
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/", MaxKeys=1)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/"] and page["IsTruncated"]
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/", KeyMarker=page["NextKeyMarker"], VersionIdMarker="null")
    assert [v["Key"] for v in page["Versions"]] == ["b"] and not page["IsTruncated"]
    paginated = [v["Key"] for pg in s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1}) for v in pg.get("Versions", [])]
    assert paginated == ["a/1", "a/2", "b"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert e.value.response["Error"]["Code"] == "NotImplemented"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
