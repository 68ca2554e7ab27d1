"""Authentication: SigV4 header and presigned, refusals, anonymous access."""

import datetime
import hashlib
import os
import time
import urllib.request
from unittest import mock

import botocore
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ACCESS_KEY, SECRET_KEY, Server, curl, make_client


def raw_request(method, url, headers=None, data=None):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def signed(method, url, body=b"", payload_hash=None, secret=SECRET_KEY, key=ACCESS_KEY, when=None, headers=None, send_body=None):
    req = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    if payload_hash:
        req.headers["X-Amz-Content-SHA256"] = payload_hash
    auth = S3SigV4Auth(Credentials(key, secret), "s3", "us-east-1")
    if when:
        class Fixed(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return when

            @classmethod
            def now(cls, tz=None):
                return when.replace(tzinfo=tz) if tz else when

        with mock.patch("botocore.auth.datetime.datetime", Fixed):
            auth.add_auth(req)
    else:
        auth.add_auth(req)
    if send_body is not None:
        body = send_body
    return raw_request(method, url, dict(req.headers), body if body else None)


def test_unsigned_is_refused_by_default(server, bucket):
    status, headers, body = raw_request("GET", f"{server.endpoint}/{bucket}?list-type=2")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    assert "x-amz-request-id" in {k.lower() for k in headers}
    status, _, _ = raw_request("PUT", f"{server.endpoint}/{bucket}/anon", data=b"x")
    assert status == 403


def test_wrong_secret_and_unknown_key(server, bucket):
    status, _, body = signed("GET", f"{server.endpoint}/{bucket}", secret="wrong-secret-key")
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    status, _, body = signed("GET", f"{server.endpoint}/{bucket}", key="NOBODY")
    assert status == 403 and b"<Code>InvalidAccessKeyId</Code>" in body


def test_clock_skew(server, bucket):
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    status, _, body = signed("GET", f"{server.endpoint}/{bucket}", when=old)
    assert status == 403 and b"<Code>RequestTimeTooSkewed</Code>" in body


def test_signed_payload_mismatch_stores_nothing(server, s3, bucket):
    # Signed over one body, then another body of the same length is sent.
    status, _, body = signed("PUT", f"{server.endpoint}/{bucket}/tampered", body=b"real body", send_body=b"fake body")
    assert status == 400 and b"<Code>XAmzContentSHA256Mismatch</Code>" in body
    with pytest.raises(botocore.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key="tampered")
    assert not os.path.exists(os.path.join(server.data_dir, bucket, "tampered"))


def test_large_signed_payloads_are_checked_to_the_last_byte(server, s3, bucket):
    # Bodies past 4 MiB are hashed on a second thread while they stream in; the check must
    # still cover every byte, up to a change in the very last one.
    real = os.urandom(9 * 1024 * 1024 + 123)
    fake = real[:-1] + bytes([real[-1] ^ 1])
    status, _, body = signed("PUT", f"{server.endpoint}/{bucket}/big", body=real, send_body=fake)
    assert status == 400 and b"<Code>XAmzContentSHA256Mismatch</Code>" in body
    with pytest.raises(botocore.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key="big")
    status, headers, _ = signed("PUT", f"{server.endpoint}/{bucket}/big", body=real)
    assert status == 200
    assert {k.lower(): v for k, v in headers.items()}["etag"] == '"%s"' % hashlib.md5(real).hexdigest()
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == real


def test_unsigned_payload_put(server, s3, bucket):
    status, _, _ = signed("PUT", f"{server.endpoint}/{bucket}/unsigned", body=b"abc", payload_hash="UNSIGNED-PAYLOAD")
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="unsigned")["Body"].read() == b"abc"


def test_presigned_get_put_and_expiry(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="shared.csv", Body=b"a,b\n")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared.csv"}, ExpiresIn=60)
    status, _, body = raw_request("GET", url)
    assert status == 200 and body == b"a,b\n"
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "upload.bin"}, ExpiresIn=60)
    status, _, _ = raw_request("PUT", put_url, data=b"presigned")
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="upload.bin")["Body"].read() == b"presigned"
    short = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared.csv"}, ExpiresIn=1)
    time.sleep(2.1)
    status, _, body = raw_request("GET", short)
    assert status == 403 and b"Request has expired" in body
    week = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared.csv"}, ExpiresIn=604801)
    status, _, body = raw_request("GET", week)
    assert status == 400 and b"AuthorizationQueryParametersError" in body
    tampered = url.replace("shared.csv", "upload.bin")
    status, _, body = raw_request("GET", tampered)
    assert status == 403 and b"SignatureDoesNotMatch" in body


def test_anonymous_read_only_when_enabled(tmpdir_path):
    server = Server(os.path.join(tmpdir_path, "anon"), args=["--anonymous", "read"]).start()
    try:
        s3 = make_client(server.endpoint)
        s3.create_bucket(Bucket="public")
        s3.put_object(Bucket="public", Key="open.txt", Body=b"hi")
        status, _, body = raw_request("GET", f"{server.endpoint}/public/open.txt")
        assert status == 200 and body == b"hi"
        status, _, body = raw_request("GET", f"{server.endpoint}/public?list-type=2")
        assert status == 200 and b"<Key>open.txt</Key>" in body
        status, _, _ = raw_request("PUT", f"{server.endpoint}/public/new.txt", data=b"x")
        assert status == 403
        status, _, _ = raw_request("DELETE", f"{server.endpoint}/public/open.txt")
        assert status == 403
    finally:
        assert server.stop() == 0


def test_secrets_never_logged(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    raw_request("GET", url)
    signed("GET", f"{server.endpoint}/{bucket}", secret="wrong-secret-key")
    log = server.log_after_flush("GET /lake/k 200")
    assert "GET /lake/k 200" in log
    assert SECRET_KEY not in log
    assert "X-Amz-Signature" not in log and "Signature=" not in log
