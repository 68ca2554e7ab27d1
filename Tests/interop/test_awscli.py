"""aws cli (v1): s3 cp/sync/rm/presign and s3api, byte for byte."""

import base64
import json
import os
import re
import shutil
import zlib

import pytest

from conftest import (MiB, QUICK, ClientFailure, assert_same_file, assert_same_tree, client_env,
                      md5_file, multipart_etag, random_file, run, sha256_file, step, write_file)

PART = 8 * MiB


@pytest.fixture
def aws(server, tmp):
    config = os.path.join(tmp, "aws-config")
    with open(config, "w") as f:
        f.write(
            "[default]\n"
            "region = us-east-1\n"
            "s3 =\n"
            "  addressing_style = path\n"
            "  multipart_threshold = 8MB\n"
            "  multipart_chunksize = 8MB\n"
            "  max_concurrent_requests = 8\n"
        )
    env = client_env(server, {"AWS_CONFIG_FILE": config})

    def call(*args, check=True, timeout=300, config_extra=None):
        e = env
        if config_extra:
            extra = config + ".extra"
            with open(config) as f, open(extra, "w") as g:
                g.write(f.read() + config_extra)
            e = dict(env, AWS_CONFIG_FILE=extra)
        return run(["aws", "--endpoint-url", server.endpoint, *args], env=e, check=check, timeout=timeout)

    def api(*args):
        out = call("s3api", *args).out
        return json.loads(out) if out.strip() else {}

    call.api = api
    return call


def lines_of(output):
    """The cli pads its lines with spaces and mixes in \\r-separated progress lines."""
    return [line.strip() for line in re.split(r"[\r\n]", output) if line.strip()]


def uploads_in(output):
    """Keys named by `upload: LOCAL to s3://bucket/KEY` lines."""
    return sorted(m.group(1) for line in lines_of(output)
                  for m in [re.match(r"upload: .* to s3://[^/]+/(.*)$", line)] if m)


def deletes_in(output):
    return sorted(m.group(1) for line in lines_of(output)
                  for m in [re.match(r"delete: s3://[^/]+/(.*)$", line)] if m)


def test_cp_64mib_multipart(aws, server, tmp):
    size = (24 if QUICK else 64) * MiB
    parts = size // PART
    step("make bucket")
    aws("s3", "mb", "s3://cli-cp")
    src = random_file(os.path.join(tmp, "big.bin"), size)

    step(f"s3 cp up {size // MiB} MiB (8 MiB parts, 8 in parallel)")
    aws("s3", "cp", src, "s3://cli-cp/dir/big.bin")

    step("head-object: multipart ETag and length")
    head = aws.api("head-object", "--bucket", "cli-cp", "--key", "dir/big.bin")
    assert head["ContentLength"] == size, f"ContentLength {head['ContentLength']} != {size}"
    expected = multipart_etag(src, PART)
    assert head["ETag"] == expected, f"ETag {head['ETag']} != {expected} (md5 of the {parts} part md5s, -{parts})"

    step("plain file under the data directory")
    assert_same_file(src, server.path("cli-cp", "dir/big.bin"), "data-dir file")

    step(f"s3 cp down {size // MiB} MiB")
    dst = os.path.join(tmp, "down.bin")
    aws("s3", "cp", "s3://cli-cp/dir/big.bin", dst)
    assert_same_file(src, dst, "downloaded file")

    step("s3 cp s3->s3 (multipart copy with UploadPartCopy)")
    aws("s3", "cp", "s3://cli-cp/dir/big.bin", "s3://cli-cp/copy/big copy.bin")
    assert_same_file(src, server.path("cli-cp", "copy/big copy.bin"), "data-dir file of the s3->s3 copy")
    step("s3 mv s3->s3")
    aws("s3", "mv", "s3://cli-cp/copy/big copy.bin", "s3://cli-cp/moved/big.bin")
    assert_same_file(src, server.path("cli-cp", "moved/big.bin"), "data-dir file of the moved object")
    assert not os.path.exists(server.path("cli-cp", "copy/big copy.bin")), "source of s3 mv still on disk"

    step("s3 rm and rb")
    aws("s3", "rm", "s3://cli-cp/dir/big.bin")
    aws("s3", "rm", "s3://cli-cp/moved/big.bin")
    assert not os.path.exists(server.path("cli-cp", "dir/big.bin")), "data-dir file still there after rm"
    aws("s3", "rb", "s3://cli-cp")


SYNC_TREE = {
    "top.txt": b"top level\n",
    "empty.dat": b"",
    "year=2024/month=05/part 0.csv": b"id,name\n1,a b\n",
    "year=2024/month=06/part+1.csv": b"id,name\n2,c+d\n",
    "données/été.csv": "col\nvaleur accentuée\n".encode(),
    "deep/a/b/c/d/file with spaces.json": b'{"k": "v"}\n',
    "k=v&x/plus+and=equals.bin": None,  # random bytes
    "日本語/ファイル.txt": "こんにちは\n".encode(),
}


def make_tree(root):
    for rel, data in SYNC_TREE.items():
        write_file(os.path.join(root, rel), data if data is not None else os.urandom(300 * 1024 + 17))


def test_sync_tree(aws, server, tmp):
    src = os.path.join(tmp, "src")
    make_tree(src)
    step("make bucket")
    aws("s3", "mb", "s3://cli-sync")

    step("first sync up")
    out = aws("s3", "sync", src, "s3://cli-sync/tree/").out
    assert uploads_in(out) == sorted("tree/" + k for k in SYNC_TREE), f"uploaded {uploads_in(out)}"
    step("data directory holds the tree as plain files")
    assert_same_tree(src, server.path("cli-sync", "tree"), "data dir vs local tree")

    step("second sync uploads nothing")
    out = aws("s3", "sync", src, "s3://cli-sync/tree/").out
    assert uploads_in(out) == [], f"second sync uploaded {uploads_in(out)}:\n{out}"

    step("change one file, sync uploads exactly it")
    write_file(os.path.join(src, "données/été.csv"), "col\nvaleur changée, plus longue\n".encode())
    out = aws("s3", "sync", src, "s3://cli-sync/tree/").out
    assert uploads_in(out) == ["tree/données/été.csv"], f"uploaded {uploads_in(out)}:\n{out}"
    assert_same_file(os.path.join(src, "données/été.csv"), server.path("cli-sync", "tree/données/été.csv"), "changed file on disk")

    step("sync --delete after removing a local file")
    os.remove(os.path.join(src, "year=2024/month=06/part+1.csv"))
    out = aws("s3", "sync", "--delete", src, "s3://cli-sync/tree/").out
    deleted = deletes_in(out)
    assert deleted == ["tree/year=2024/month=06/part+1.csv"], f"deleted {deleted}:\n{out}"
    assert uploads_in(out) == [], f"sync --delete uploaded {uploads_in(out)}"
    listing = aws("s3", "ls", "--recursive", "s3://cli-sync/tree/").out
    assert "part+1.csv" not in listing, listing
    assert_same_tree(src, server.path("cli-sync", "tree"), "data dir after sync --delete")

    step("sync down to a fresh directory")
    down = os.path.join(tmp, "down")
    aws("s3", "sync", "s3://cli-sync/tree/", down)
    assert_same_tree(src, down, "synced-down tree")

    step("s3 rm --recursive")
    out = aws("s3", "rm", "--recursive", "s3://cli-sync/tree/").out
    assert len(deletes_in(out)) == len(SYNC_TREE) - 1, out
    listing = aws("s3", "ls", "--recursive", "s3://cli-sync/").out
    assert listing.strip() == "", f"objects left after rm --recursive:\n{listing}"
    left = [os.path.join(d, f) for d, _, fs in os.walk(server.path("cli-sync")) for f in fs]
    assert left == [], f"files left in the data directory: {left}"
    aws("s3", "rb", "s3://cli-sync")


def test_s3api_multipart(aws, server, tmp):
    api = aws.api
    step("create-bucket and a copy source")
    api("create-bucket", "--bucket", "cli-mpu")
    copy_src = random_file(os.path.join(tmp, "copysrc.bin"), 7 * MiB)
    api("put-object", "--bucket", "cli-mpu", "--key", "source.bin", "--body", copy_src)

    p1 = random_file(os.path.join(tmp, "p1"), 5 * MiB)
    p2 = random_file(os.path.join(tmp, "p2"), 5 * MiB + 123)
    step("create-multipart-upload")
    upload_id = api("create-multipart-upload", "--bucket", "cli-mpu", "--key", "assembled.bin",
                    "--content-type", "application/x-test")["UploadId"]
    step("upload-part 1 and 2")
    e1 = api("upload-part", "--bucket", "cli-mpu", "--key", "assembled.bin", "--upload-id", upload_id,
             "--part-number", "1", "--body", p1)["ETag"]
    e2 = api("upload-part", "--bucket", "cli-mpu", "--key", "assembled.bin", "--upload-id", upload_id,
             "--part-number", "2", "--body", p2)["ETag"]
    assert e1 == f'"{md5_file(p1)}"' and e2 == f'"{md5_file(p2)}"', f"part ETags {e1} {e2}"
    step("upload-part-copy (bytes 1048576-3145727 of source.bin) as part 3")
    r = api("upload-part-copy", "--bucket", "cli-mpu", "--key", "assembled.bin", "--upload-id", upload_id,
            "--part-number", "3", "--copy-source", "cli-mpu/source.bin", "--copy-source-range", "bytes=1048576-3145727")
    with open(copy_src, "rb") as f:
        f.seek(MiB)
        p3 = f.read(2 * MiB)
    e3 = r["CopyPartResult"]["ETag"]
    import hashlib
    assert e3 == f'"{hashlib.md5(p3).hexdigest()}"', f"copied part ETag {e3}"

    step("list-parts")
    parts = api("list-parts", "--bucket", "cli-mpu", "--key", "assembled.bin", "--upload-id", upload_id)["Parts"]
    got = [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts]
    assert got == [(1, e1, 5 * MiB), (2, e2, 5 * MiB + 123), (3, e3, 2 * MiB)], f"list-parts {got}"

    step("list-multipart-uploads")
    other = api("create-multipart-upload", "--bucket", "cli-mpu", "--key", "aborted.bin")["UploadId"]
    uploads = api("list-multipart-uploads", "--bucket", "cli-mpu").get("Uploads", [])
    assert sorted((u["Key"], u["UploadId"]) for u in uploads) == sorted(
        [("assembled.bin", upload_id), ("aborted.bin", other)]), f"uploads {uploads}"

    step("abort-multipart-upload")
    api("abort-multipart-upload", "--bucket", "cli-mpu", "--key", "aborted.bin", "--upload-id", other)
    uploads = api("list-multipart-uploads", "--bucket", "cli-mpu").get("Uploads", [])
    assert [u["UploadId"] for u in uploads] == [upload_id], f"after abort: {uploads}"
    r = aws("s3api", "list-parts", "--bucket", "cli-mpu", "--key", "aborted.bin", "--upload-id", other, check=False)
    assert r.returncode != 0 and "NoSuchUpload" in r.err, f"list-parts of an aborted upload: {r.returncode} {r.err}"

    step("complete-multipart-upload")
    doc = os.path.join(tmp, "complete.json")
    with open(doc, "w") as f:
        json.dump({"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2},
                             {"PartNumber": 3, "ETag": e3}]}, f)
    done = api("complete-multipart-upload", "--bucket", "cli-mpu", "--key", "assembled.bin",
               "--upload-id", upload_id, "--multipart-upload", f"file://{doc}")
    expected = os.path.join(tmp, "expected.bin")
    with open(expected, "wb") as out:
        for p in (p1, p2):
            with open(p, "rb") as f:
                out.write(f.read())
        out.write(p3)
    digests = b"".join(bytes.fromhex(e.strip('"')) for e in (e1, e2, e3))
    etag = f'"{hashlib.md5(digests).hexdigest()}-3"'
    assert done["ETag"] == etag, f"complete ETag {done['ETag']} != {etag}"
    assert api("list-multipart-uploads", "--bucket", "cli-mpu").get("Uploads", []) == [], "upload still listed"
    assert_same_file(expected, server.path("cli-mpu", "assembled.bin"), "data-dir file of the completed upload")

    step("get-object of the assembled object")
    got = os.path.join(tmp, "got.bin")
    head = api("get-object", "--bucket", "cli-mpu", "--key", "assembled.bin", got)
    assert head["ETag"] == etag and head["ContentType"] == "application/x-test", head
    assert_same_file(expected, got, "downloaded assembled object")

    step("head-object --part-number")
    for number, size in ((1, 5 * MiB), (2, 5 * MiB + 123), (3, 2 * MiB)):
        h = api("head-object", "--bucket", "cli-mpu", "--key", "assembled.bin", "--part-number", str(number))
        assert h["ContentLength"] == size and h.get("PartsCount") == 3, f"part {number}: {h}"
    step("get-object --part-number 2")
    part2 = os.path.join(tmp, "part2.bin")
    api("get-object", "--bucket", "cli-mpu", "--key", "assembled.bin", "--part-number", "2", part2)
    assert_same_file(p2, part2, "part 2 fetched with --part-number")


def test_s3api_objects(aws, server, tmp):
    api = aws.api
    step("create-bucket")
    api("create-bucket", "--bucket", "cli-obj")
    body = random_file(os.path.join(tmp, "body.bin"), 1 * MiB + 5)

    step("put-object --checksum-algorithm CRC32")
    with open(body, "rb") as f:
        crc = base64.b64encode(zlib.crc32(f.read()).to_bytes(4, "big")).decode()
    put = api("put-object", "--bucket", "cli-obj", "--key", "a/b.bin", "--body", body,
              "--checksum-algorithm", "CRC32", "--metadata", "origin=interop")
    assert put.get("ChecksumCRC32") == crc, f"put-object answered {put}, CRC32 is {crc}"
    step("get-object --checksum-mode ENABLED")
    got = os.path.join(tmp, "got.bin")
    g = api("get-object", "--bucket", "cli-obj", "--key", "a/b.bin", "--checksum-mode", "ENABLED", got)
    assert g.get("ChecksumCRC32") == crc, f"get-object answered {g}, CRC32 is {crc}"
    assert g.get("Metadata") == {"origin": "interop"}, g
    assert_same_file(body, got, "get-object body")

    step("copy-object")
    c = api("copy-object", "--bucket", "cli-obj", "--key", "copy/b copy.bin", "--copy-source", "cli-obj/a/b.bin")
    assert c["CopyObjectResult"]["ETag"] == f'"{md5_file(body)}"', c
    assert_same_file(body, server.path("cli-obj", "copy/b copy.bin"), "data-dir file of the copy")
    h = api("head-object", "--bucket", "cli-obj", "--key", "copy/b copy.bin")
    assert h.get("Metadata") == {"origin": "interop"}, f"copy did not keep the metadata: {h}"

    step("put/get/delete-object-tagging")
    api("put-object-tagging", "--bucket", "cli-obj", "--key", "a/b.bin",
        "--tagging", json.dumps({"TagSet": [{"Key": "team", "Value": "data lake"}, {"Key": "tier", "Value": "gold"}]}))
    tags = api("get-object-tagging", "--bucket", "cli-obj", "--key", "a/b.bin")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("team", "data lake"), ("tier", "gold")], tags
    api("delete-object-tagging", "--bucket", "cli-obj", "--key", "a/b.bin")
    assert api("get-object-tagging", "--bucket", "cli-obj", "--key", "a/b.bin")["TagSet"] == []

    step("get-bucket-versioning")
    v = api("get-bucket-versioning", "--bucket", "cli-obj")
    assert "Status" not in v, f"unversioned bucket answered {v}"

    step("list-object-versions")
    versions = api("list-object-versions", "--bucket", "cli-obj").get("Versions", [])
    got_v = sorted((x["Key"], x["VersionId"], x["IsLatest"]) for x in versions)
    assert got_v == [("a/b.bin", "null", True), ("copy/b copy.bin", "null", True)], got_v

    step("delete-objects")
    keys = ["a/b.bin", "copy/b copy.bin", "never/existed"]
    r = api("delete-objects", "--bucket", "cli-obj", "--delete",
            json.dumps({"Objects": [{"Key": k} for k in keys]}))
    assert sorted(d["Key"] for d in r.get("Deleted", [])) == sorted(keys) and not r.get("Errors"), r
    left = api("list-objects-v2", "--bucket", "cli-obj").get("Contents", [])
    assert left == [], f"objects left after delete-objects: {left}"
    assert not os.path.exists(server.path("cli-obj", "a/b.bin")), "data-dir file left after delete-objects"


def test_s3api_get_object_attributes(aws, server, tmp):
    step("put-object")
    aws.api("create-bucket", "--bucket", "cli-attrs")
    body = random_file(os.path.join(tmp, "body.bin"), 300 * 1024)
    aws.api("put-object", "--bucket", "cli-attrs", "--key", "k", "--body", body)
    step("get-object-attributes")
    r = aws("s3api", "get-object-attributes", "--bucket", "cli-attrs", "--key", "k",
            "--object-attributes", "ETag", "ObjectSize", "StorageClass", check=False)
    assert r.returncode == 0, r.err
    attrs = json.loads(r.out)
    assert attrs.get("ETag") == md5_file(body) and attrs.get("ObjectSize") == 300 * 1024, attrs


def test_presign_then_curl(aws, server, tmp):
    step("put an object with a space and = in its key")
    aws("s3", "mb", "s3://cli-presign")
    body = random_file(os.path.join(tmp, "p.bin"), 2 * MiB + 1)
    aws("s3", "cp", body, "s3://cli-presign/year=2024/file name.bin")
    step("s3 presign (SigV4: s3.signature_version = s3v4)")
    # aws cli v1 presigns with Signature Version 2 unless told otherwise; LakeStore refuses SigV2
    # (documented, as S3 does for buckets created since 2020), so ask for SigV4.
    url = aws("s3", "presign", "--expires-in", "300", "s3://cli-presign/year=2024/file name.bin",
              config_extra="  signature_version = s3v4\n").out.strip()
    assert "X-Amz-Signature=" in url, f"not a SigV4 URL: {url}"
    assert url.startswith(server.endpoint + "/"), f"presigned URL points elsewhere: {url}"
    step("curl the presigned URL")
    got = os.path.join(tmp, "got.bin")
    r = run(["curl", "-sS", "--noproxy", "*", "-o", got, "-w", "%{http_code}", url])
    assert r.out == "200", f"curl answered HTTP {r.out}: {open(got, 'rb').read()[:300]!r}"
    assert_same_file(body, got, "body fetched with the presigned URL")

    step("the default (SigV2) presigned URL is refused with a clear error")
    url2 = aws("s3", "presign", "s3://cli-presign/year=2024/file name.bin").out.strip()
    if "X-Amz-Signature=" not in url2:
        r = run(["curl", "-sS", "--noproxy", "*", "-w", "\n%{http_code}", url2])
        assert r.out.endswith("\n400") and "<Code>InvalidRequest</Code>" in r.out, r.out
