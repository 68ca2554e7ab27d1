"""boto3 with its default checksum settings (request_checksum_calculation and
response_checksum_validation left as botocore ships them: `when_supported`)."""

import base64
import hashlib
import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from conftest import (ACCESS_KEY, QUICK, REGION, SECRET_KEY, MiB, assert_same_file, md5_file,
                      multipart_etag, random_file, step)

PART = 8 * MiB
TRANSFER = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART, max_concurrency=4)


@pytest.fixture
def s3(server):
    # Only the endpoint, path-style addressing and no retries (a retry would hide a server
    # failure) differ from the defaults; checksum behaviour is botocore's default.
    return boto3.client(
        "s3", endpoint_url=server.endpoint, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
                      max_pool_connections=16),
    )


def test_defaults_are_defaults(s3):
    cfg = s3.meta.config
    assert getattr(cfg, "request_checksum_calculation", "when_supported") == "when_supported"
    assert getattr(cfg, "response_checksum_validation", "when_supported") == "when_supported"


def test_upload_download_multipart(s3, server, tmp):
    size = (12 if QUICK else 20) * MiB
    step("create_bucket")
    s3.create_bucket(Bucket="boto-mpu")
    src = random_file(os.path.join(tmp, "src.bin"), size)
    step(f"upload_file {size // MiB} MiB (threshold and parts 8 MiB)")
    s3.upload_file(src, "boto-mpu", "nested/obj.bin", Config=TRANSFER)
    step("head_object: multipart ETag")
    head = s3.head_object(Bucket="boto-mpu", Key="nested/obj.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == size
    assert head["ETag"] == multipart_etag(src, PART), f"ETag {head['ETag']} != {multipart_etag(src, PART)}"
    step("plain file under the data directory")
    assert_same_file(src, server.path("boto-mpu", "nested/obj.bin"), "data-dir file")
    step("download_file (ranged GETs)")
    dst = os.path.join(tmp, "dst.bin")
    s3.download_file("boto-mpu", "nested/obj.bin", dst, Config=TRANSFER)
    assert_same_file(src, dst, "downloaded file")
    step("get_object with checksum validation")
    body = s3.get_object(Bucket="boto-mpu", Key="nested/obj.bin", ChecksumMode="ENABLED")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(open(src, "rb").read()).hexdigest()

    step("managed copy (multipart copy with UploadPartCopy)")
    s3.copy({"Bucket": "boto-mpu", "Key": "nested/obj.bin"}, "boto-mpu", "copies/obj copy.bin", Config=TRANSFER)
    assert_same_file(src, server.path("boto-mpu", "copies/obj copy.bin"), "data-dir file of the managed copy")
    dst2 = os.path.join(tmp, "dst2.bin")
    s3.download_file("boto-mpu", "copies/obj copy.bin", dst2)
    assert_same_file(src, dst2, "downloaded managed copy")
    head2 = s3.head_object(Bucket="boto-mpu", Key="copies/obj copy.bin")
    assert head2["ETag"] == multipart_etag(src, PART), f"copy ETag {head2['ETag']}"


def _checksum(algorithm, data):
    if algorithm == "CRC32":
        raw = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        from awscrt import checksums
        raw = checksums.crc32c(data).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        from awscrt import checksums
        raw = checksums.crc64nvme(data).to_bytes(8, "big")
    elif algorithm == "SHA1":
        raw = hashlib.sha1(data).digest()
    else:
        raw = hashlib.sha256(data).digest()
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_put_object_checksum(s3, server, algorithm):
    bucket = "boto-sum-" + algorithm.lower()
    step("create_bucket")
    s3.create_bucket(Bucket=bucket)
    data = os.urandom(256 * 1024 + 3)
    expected = _checksum(algorithm, data)
    field = "Checksum" + algorithm
    step(f"put_object ChecksumAlgorithm={algorithm}")
    put = s3.put_object(Bucket=bucket, Key=f"sum/{algorithm}.bin", Body=data, ChecksumAlgorithm=algorithm)
    assert put.get(field) == expected, f"put_object answered {field}={put.get(field)}, expected {expected}"
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    step(f"get_object ChecksumMode=ENABLED ({algorithm})")
    got = s3.get_object(Bucket=bucket, Key=f"sum/{algorithm}.bin", ChecksumMode="ENABLED")
    body = got["Body"].read()
    assert body == data, "get_object body differs"
    assert got.get(field) == expected, f"get_object answered {field}={got.get(field)}, expected {expected}"
    step("plain file under the data directory")
    with open(server.path(bucket, f"sum/{algorithm}.bin"), "rb") as f:
        assert f.read() == data, "data-dir file differs"
    step(f"put_object with a wrong {algorithm} is refused")
    wrong = _checksum(algorithm, data + b"x")
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.put_object(Bucket=bucket, Key=f"sum/bad-{algorithm}.bin", Body=data, **{field: wrong})
    assert err.value.response["Error"]["Code"] in ("BadDigest", "InvalidRequest"), err.value.response["Error"]
    assert not os.path.exists(server.path(bucket, f"sum/bad-{algorithm}.bin")), "a refused body was stored"


def _put_many(s3, bucket, keys):
    def put(key):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, keys))


def test_delete_objects_1000(s3, server):
    step("create_bucket and 1,000 put_object")
    s3.create_bucket(Bucket="boto-del")
    keys = [f"batch/{i % 10}/obj-{i:04d}.txt" for i in range(1000)]
    _put_many(s3, "boto-del", keys)
    assert s3.list_objects_v2(Bucket="boto-del")["KeyCount"] == 1000
    step("delete_objects of 1,000 keys in one request")
    r = s3.delete_objects(Bucket="boto-del", Delete={"Objects": [{"Key": k} for k in keys]})
    assert not r.get("Errors"), f"errors: {r['Errors'][:5]}"
    assert sorted(d["Key"] for d in r["Deleted"]) == sorted(keys), f"{len(r['Deleted'])} deleted"
    step("nothing left (listing and data directory)")
    assert s3.list_objects_v2(Bucket="boto-del")["KeyCount"] == 0
    left = [os.path.join(d, f) for d, _, fs in os.walk(server.path("boto-del")) for f in fs]
    assert left == [], f"{len(left)} files left in the data directory, e.g. {left[:3]}"
    step("delete_objects Quiet of missing keys")
    r = s3.delete_objects(Bucket="boto-del", Delete={"Objects": [{"Key": "nope/1"}, {"Key": "nope/2"}], "Quiet": True})
    assert not r.get("Errors") and not r.get("Deleted"), r


def test_paginators_2500(s3):
    n = 1200 if QUICK else 2500
    step(f"create_bucket and {n} put_object")
    s3.create_bucket(Bucket="boto-pages")
    keys = [f"logs/dir{i % 7}/k{i:05d}" for i in range(n - 5)] + [f"top{i}" for i in range(5)]
    _put_many(s3, "boto-pages", keys)
    expected = sorted(keys, key=lambda k: k.encode())

    step("list_objects_v2 paginator, MaxKeys 1000")
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="boto-pages", PaginationConfig={"PageSize": 1000}))
    got = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert len(pages) == -(-n // 1000), f"{len(pages)} pages for {n} keys"
    assert [p["KeyCount"] for p in pages] == [len(p.get("Contents", [])) for p in pages]
    assert got == expected, f"listed {len(got)} keys, expected {len(expected)}; first difference at " \
        f"{next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))}"

    step("list_objects_v2 paginator, MaxKeys 333, with StartAfter")
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket="boto-pages", StartAfter=expected[100], PaginationConfig={"PageSize": 333}))
    got = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert got == expected[101:], f"listed {len(got)} keys after StartAfter, expected {len(expected) - 101}"

    step("list_objects_v2 paginator with Delimiter '/' at the root")
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="boto-pages", Delimiter="/"))
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    top = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert prefixes == ["logs/"] and top == [f"top{i}" for i in range(5)], (prefixes, top)

    step("list_objects_v2 paginator with Delimiter '/' under logs/, MaxKeys 3")
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket="boto-pages", Prefix="logs/", Delimiter="/", PaginationConfig={"PageSize": 3}))
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    assert prefixes == [f"logs/dir{i}/" for i in range(7)], prefixes
    assert len(pages) == 3, f"{len(pages)} pages for 7 common prefixes with MaxKeys 3"

    step("list_objects_v2 paginator under one prefix with a delimiter")
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket="boto-pages", Prefix="logs/dir3/", Delimiter="/", PaginationConfig={"PageSize": 100}))
    got = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert got == [k for k in expected if k.startswith("logs/dir3/")], f"{len(got)} keys under logs/dir3/"

    step("list_objects (V1) paginator")
    pages = list(s3.get_paginator("list_objects").paginate(Bucket="boto-pages", PaginationConfig={"PageSize": 1000}))
    got = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert got == expected, f"V1 listed {len(got)} keys"

    step("delete everything with delete_objects in batches of 1000")
    for i in range(0, n, 1000):
        r = s3.delete_objects(Bucket="boto-pages", Delete={"Objects": [{"Key": k} for k in expected[i:i + 1000]], "Quiet": True})
        assert not r.get("Errors"), r["Errors"][:3]
    s3.delete_bucket(Bucket="boto-pages")


def _composite_crc32(path, part_size):
    crcs = []
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(part_size), b""):
            crcs.append(zlib.crc32(chunk).to_bytes(4, "big"))
    whole = base64.b64encode(zlib.crc32(b"".join(crcs)).to_bytes(4, "big")).decode()
    return f"{whole}-{len(crcs)}", [base64.b64encode(c).decode() for c in crcs]


def test_default_multipart_checksums(s3, server, tmp):
    """botocore's default integrity protection sends CRC32 with every part: the object then has
    a COMPOSITE CRC32 that HeadObject and GetObjectAttributes must report as AWS does."""
    size = 20 * MiB if not QUICK else 12 * MiB
    src = random_file(os.path.join(tmp, "src.bin"), size)
    step("upload_file with default checksums")
    s3.create_bucket(Bucket="boto-attrs")
    s3.upload_file(src, "boto-attrs", "obj.bin", Config=TRANSFER)
    composite, part_crcs = _composite_crc32(src, PART)
    step("head_object ChecksumMode=ENABLED: composite CRC32")
    head = s3.head_object(Bucket="boto-attrs", Key="obj.bin", ChecksumMode="ENABLED")
    assert (head.get("ChecksumCRC32"), head.get("ChecksumType")) == (composite, "COMPOSITE"), \
        f"head_object answered {head.get('ChecksumCRC32')} {head.get('ChecksumType')}, expected {composite} COMPOSITE"

    step("get_object_attributes ETag, ObjectSize, Checksum")
    r = s3.get_object_attributes(Bucket="boto-attrs", Key="obj.bin",
                                 ObjectAttributes=["ETag", "Checksum", "ObjectParts", "ObjectSize", "StorageClass"])
    assert r.get("ETag") == multipart_etag(src, PART).strip('"'), r.get("ETag")
    assert r.get("ObjectSize") == size, r.get("ObjectSize")
    assert r.get("Checksum") == {"ChecksumCRC32": composite, "ChecksumType": "COMPOSITE"}, r.get("Checksum")
    parts = r.get("ObjectParts", {})
    assert parts.get("TotalPartsCount") == len(part_crcs), parts
    got = [(p.get("PartNumber"), p.get("Size")) for p in parts.get("Parts", [])]
    sizes = [min(PART, size - i * PART) for i in range(len(part_crcs))]
    assert got == [(i + 1, sizes[i]) for i in range(len(sizes))], f"ObjectParts.Parts {got}"


def test_get_object_attributes_part_checksums(s3, server, tmp):
    size = 12 * MiB
    src = random_file(os.path.join(tmp, "src.bin"), size)
    step("upload_file with default checksums")
    s3.create_bucket(Bucket="boto-attrs-parts")
    s3.upload_file(src, "boto-attrs-parts", "obj.bin", Config=TRANSFER)
    composite, part_crcs = _composite_crc32(src, PART)
    r = s3.get_object_attributes(Bucket="boto-attrs-parts", Key="obj.bin", ObjectAttributes=["ObjectParts"])
    parts = r.get("ObjectParts", {})
    step("get_object_attributes ObjectParts: size and CRC32 of every part")
    got = [(p.get("PartNumber"), p.get("Size"), p.get("ChecksumCRC32")) for p in parts.get("Parts", [])]
    sizes = [min(PART, size - i * PART) for i in range(len(part_crcs))]
    want = [(i + 1, sizes[i], part_crcs[i]) for i in range(len(part_crcs))]
    assert got == want, f"ObjectParts.Parts {got}, AWS answers {want}"
