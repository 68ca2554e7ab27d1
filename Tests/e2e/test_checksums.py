"""Additional checksums (x-amz-checksum-*) and aws-chunked bodies, through boto3 and raw
signed requests, against the real server."""

import base64
import hashlib
import hmac
import os
import types
import zlib

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY, Server, make_client
from test_hostile import exchange, now_amz, request, sigv4_signature

EMPTY_SHA = hashlib.sha256(b"").hexdigest()


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.fixture
def c(server):
    client = make_client(server.endpoint)
    client.create_bucket(Bucket="sums")
    return client


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_put_with_each_algorithm_is_verified_stored_and_returned(c, algorithm):
    data = os.urandom(100_000)
    put = c.put_object(Bucket="sums", Key=f"a/{algorithm}", Body=data, ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    got = c.get_object(Bucket="sums", Key=f"a/{algorithm}", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got[f"Checksum{algorithm}"] == value and got["ChecksumType"] == "FULL_OBJECT"
    head = c.head_object(Bucket="sums", Key=f"a/{algorithm}", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value
    # Without checksum mode, no checksum headers.
    assert f"Checksum{algorithm}" not in c.head_object(Bucket="sums", Key=f"a/{algorithm}")
    if algorithm == "CRC32":
        assert value == crc32_b64(data)
    if algorithm == "SHA256":
        assert value == base64.b64encode(hashlib.sha256(data).digest()).decode()


class Ctx(types.SimpleNamespace):
    pass


def raw_put(server, key, body, headers=(), payload="UNSIGNED-PAYLOAD"):
    ctx = Ctx(port=server.port)
    return exchange(server.port, request(ctx, "PUT", f"/sums/{key}", headers=list(headers), body=body, payload=payload))


def test_wrong_or_unknown_checksum_is_refused_and_stores_nothing(server, c):
    data = b"the payload"
    reply = raw_put(server, "bad", data, [("x-amz-checksum-crc32", crc32_b64(b"other"))])
    assert reply.status == 400 and reply.code == "BadDigest", reply.summary()
    reply = raw_put(server, "bad", data, [("x-amz-checksum-md7", "AAAA")])
    assert reply.status == 400 and reply.code == "InvalidRequest", reply.summary()
    reply = raw_put(server, "bad", data, [("x-amz-sdk-checksum-algorithm", "MD5")])
    assert reply.status == 400 and reply.code == "InvalidRequest", reply.summary()
    reply = raw_put(server, "bad", data, [("x-amz-checksum-crc32", "not base64!")])
    assert reply.status == 400 and reply.code == "InvalidRequest", reply.summary()
    two = [("x-amz-checksum-crc32", crc32_b64(data)), ("x-amz-checksum-sha1", base64.b64encode(hashlib.sha1(data).digest()).decode())]
    reply = raw_put(server, "bad", data, two)
    assert reply.status == 400 and reply.code == "InvalidRequest", reply.summary()
    with pytest.raises(ClientError) as e:
        c.head_object(Bucket="sums", Key="bad")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    reply = raw_put(server, "good", data, [("x-amz-checksum-crc32", crc32_b64(data))])
    assert reply.status == 200 and reply.headers["x-amz-checksum-crc32"] == crc32_b64(data)


# --- aws-chunked -----------------------------------------------------------------------------


def signing_key(date):
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def chunked_request(server, key, data, mode, chunk=8192, trailers=(), announce=None, corrupt=None,
                    content_encoding="aws-chunked", decoded_length=None):
    """A raw PUT with an aws-chunked body in `mode` (the x-amz-content-sha256 value)."""
    stamp = now_amz()
    signed = mode.startswith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    with_trailer = mode.endswith("TRAILER")
    headers = [("Content-Encoding", content_encoding),
               ("x-amz-decoded-content-length", str(len(data) if decoded_length is None else decoded_length))]
    if announce or trailers:
        headers.append(("x-amz-trailer", announce or ",".join(n for n, _ in trailers)))
    # The body is built after the seed signature; its length is known beforehand.
    pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] + [b""]
    def header_len(n):
        return len(f"{n:x}") + (len(";chunk-signature=") + 64 if signed else 0) + 2
    trailer_text = b"".join(f"{n}:{v}\r\n".encode() for n, v in trailers)
    length = sum(header_len(len(p)) + len(p) + (2 if p else 0) for p in pieces)
    if with_trailer:
        length += len(trailer_text) + (len("x-amz-trailer-signature:") + 64 + 2 if signed else 0) + 2
    else:
        length += 2
    headers.append(("Content-Length", str(length)))
    fields = [("Host", f"127.0.0.1:{server.port}"), ("x-amz-content-sha256", mode), ("x-amz-date", stamp)] + headers
    names, seed = sigv4_signature("PUT", f"/sums/{key}", "", fields, mode, stamp, stamp[:8])
    fields.append(("Authorization", f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{stamp[:8]}/{REGION}/s3/aws4_request, SignedHeaders={names}, Signature={seed}"))
    scope = f"{stamp[:8]}/{REGION}/s3/aws4_request"
    keyb = signing_key(stamp[:8])
    previous = seed
    body = b""
    for index, piece in enumerate(pieces):
        if signed:
            to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", stamp, scope, previous, EMPTY_SHA, hashlib.sha256(piece).hexdigest()])
            sig = hmac.new(keyb, to_sign.encode(), hashlib.sha256).hexdigest()
            previous = sig
            if corrupt == "signature" and index == 0:
                sig = ("0" if sig[0] != "0" else "1") + sig[1:]
            body += f"{len(piece):x};chunk-signature={sig}\r\n".encode()
        else:
            body += f"{len(piece):x}\r\n".encode()
        if piece:
            if corrupt == "data" and index == 0:
                piece = bytes([piece[0] ^ 1]) + piece[1:]
            body += piece + b"\r\n"
    if with_trailer:
        body += trailer_text
        if signed:
            canonical = b"".join(f"{n}:{v}\n".encode() for n, v in trailers)
            to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", stamp, scope, previous, hashlib.sha256(canonical).hexdigest()])
            sig = hmac.new(keyb, to_sign.encode(), hashlib.sha256).hexdigest()
            body += f"x-amz-trailer-signature:{sig}\r\n".encode()
        body += b"\r\n"
    else:
        body += b"\r\n"
    assert len(body) == length
    target = f"PUT /sums/{key} HTTP/1.1\r\n".encode()
    head = target + b"".join(f"{n}: {v}\r\n".encode() for n, v in fields) + b"\r\n"
    return exchange(server.port, head + body)


MODES = ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"]


@pytest.mark.parametrize("mode", MODES)
def test_aws_chunked_bodies_are_decoded_and_checked(server, c, mode):
    data = os.urandom(70_000)
    trailers = [("x-amz-checksum-crc32", crc32_b64(data))] if mode.endswith("TRAILER") else []
    reply = chunked_request(server, "chunked/ok", data, mode, trailers=trailers, content_encoding="gzip, aws-chunked")
    assert reply.status == 200, reply.summary()
    got = c.get_object(Bucket="sums", Key="chunked/ok", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert got.get("ContentEncoding") == "gzip"  # aws-chunked is not stored
    if trailers:
        assert got["ChecksumCRC32"] == crc32_b64(data)


@pytest.mark.parametrize("mode", MODES)
def test_aws_chunked_refusals_store_nothing(server, c, mode):
    data = os.urandom(20_000)
    trailers = [("x-amz-checksum-crc32", crc32_b64(data))] if mode.endswith("TRAILER") else []
    cases = [("short", dict(decoded_length=len(data) + 1), 400, "IncompleteBody")]
    if mode.endswith("TRAILER"):
        cases.append(("wrong-crc", dict(trailers=[("x-amz-checksum-crc32", crc32_b64(b"x"))]), 400, "BadDigest"))
    if "HMAC" in mode:
        cases += [("bad-sig", dict(corrupt="signature"), 403, "SignatureDoesNotMatch"),
                  ("bad-data", dict(corrupt="data"), 403, "SignatureDoesNotMatch")]
    for name, kwargs, status, code in cases:
        args = dict(trailers=trailers)
        args.update(kwargs)
        reply = chunked_request(server, f"refused/{name}", data, mode, **args)
        assert (reply.status, reply.code) == (status, code), (name, reply.summary())
    assert c.list_objects_v2(Bucket="sums", Prefix="refused/").get("KeyCount") == 0


def test_missing_decoded_length_is_refused(server, c):
    reply = raw_put(server, "nolen", b"5\r\nhello\r\n0\r\n\r\n", payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    assert reply.status == 411 and reply.code == "MissingContentLength", reply.summary()


# --- multipart checksums ---------------------------------------------------------------------


@pytest.fixture
def small(tmpdir_path):
    s = Server(os.path.join(tmpdir_path, "data"), args=["--min-part-size", "5"]).start()
    yield s
    s.stop()


@pytest.mark.parametrize("algorithm, kind", [("CRC32", "COMPOSITE"), ("CRC32C", "FULL_OBJECT"), ("CRC64NVME", "FULL_OBJECT"), ("SHA256", "COMPOSITE")])
def test_multipart_checksums(small, algorithm, kind):
    c = make_client(small.endpoint)
    c.create_bucket(Bucket="sums")
    created = c.create_multipart_upload(Bucket="sums", Key="mp", ChecksumAlgorithm=algorithm, ChecksumType=kind)
    assert created["ChecksumAlgorithm"] == algorithm and created["ChecksumType"] == kind
    upload_id = created["UploadId"]
    parts = [os.urandom(7000), os.urandom(3000)]
    done = []
    for n, data in enumerate(parts, 1):
        r = c.upload_part(Bucket="sums", Key="mp", UploadId=upload_id, PartNumber=n, Body=data, ChecksumAlgorithm=algorithm)
        done.append({"PartNumber": n, "ETag": r["ETag"], f"Checksum{algorithm}": r[f"Checksum{algorithm}"]})
    listed = c.list_parts(Bucket="sums", Key="mp", UploadId=upload_id)
    assert [p[f"Checksum{algorithm}"] for p in listed["Parts"]] == [d[f"Checksum{algorithm}"] for d in done]
    result = c.complete_multipart_upload(Bucket="sums", Key="mp", UploadId=upload_id, MultipartUpload={"Parts": done})
    value = result[f"Checksum{algorithm}"]
    assert result["ChecksumType"] == kind
    if kind == "COMPOSITE":
        assert value.endswith("-2")
    if algorithm == "CRC32C" or algorithm == "CRC64NVME":
        # A full-object CRC equals the CRC of the whole object sent in one piece.
        c.put_object(Bucket="sums", Key="whole", Body=b"".join(parts), ChecksumAlgorithm=algorithm)
        whole = c.head_object(Bucket="sums", Key="whole", ChecksumMode="ENABLED")[f"Checksum{algorithm}"]
        assert value == whole
    got = c.get_object(Bucket="sums", Key="mp", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"".join(parts)
    assert got[f"Checksum{algorithm}"] == value


def test_multipart_part_checksum_mismatch_in_complete(small):
    c = make_client(small.endpoint)
    c.create_bucket(Bucket="sums")
    upload_id = c.create_multipart_upload(Bucket="sums", Key="mm", ChecksumAlgorithm="CRC32")["UploadId"]
    r = c.upload_part(Bucket="sums", Key="mm", UploadId=upload_id, PartNumber=1, Body=b"hello", ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as e:
        c.complete_multipart_upload(Bucket="sums", Key="mm", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": r["ETag"], "ChecksumCRC32": crc32_b64(b"other")}]})
    assert e.value.response["Error"]["Code"] == "InvalidPart"
    with pytest.raises(ClientError) as e:
        c.upload_part(Bucket="sums", Key="mm", UploadId=upload_id, PartNumber=2, Body=b"x", ChecksumAlgorithm="SHA1")
    assert e.value.response["Error"]["Code"] == "InvalidRequest"
