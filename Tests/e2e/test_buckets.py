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
    status, _, body = curl(server, path=f"/{bucket}?versioning=")  # curl 7.88 signs the query as written
    assert status == 501
    assert b"<Code>NotImplemented</Code>" in body and b"versioning" in body
