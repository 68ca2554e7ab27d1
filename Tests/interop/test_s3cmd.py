"""s3cmd (Debian package): put/get/sync/ls/del, with a multipart upload."""

import os
import re
import shutil

import pytest

from conftest import (ACCESS_KEY, QUICK, SECRET_KEY, MiB, assert_same_file, assert_same_tree, client_env,
                      head_etag, md5_file, multipart_etag, random_file, run, step, write_file)

pytestmark = pytest.mark.skipif(shutil.which("s3cmd") is None, reason="s3cmd not installed")


@pytest.fixture
def s3cmd(server, tmp):
    config = os.path.join(tmp, "s3cfg")
    host = f"127.0.0.1:{server.port}"
    with open(config, "w") as f:
        f.write(
            "[default]\n"
            f"access_key = {ACCESS_KEY}\n"
            f"secret_key = {SECRET_KEY}\n"
            f"host_base = {host}\n"
            f"host_bucket = {host}\n"
            "bucket_location = us-east-1\n"
            "use_https = False\n"
            "signature_v2 = False\n"
            "check_ssl_certificate = False\n"
            "proxy_host =\n"
            "progress_meter = False\n"
        )
    env = client_env(server)

    def call(*args, check=True):
        return run(["s3cmd", "-c", config, *args], env=env, check=check)
    return call


def listed(output):
    """{key url: size} from `s3cmd ls` lines: DATE TIME SIZE s3://bucket/key."""
    out = {}
    for line in output.splitlines():
        m = re.match(r"^\S+\s+\S+\s+(\d+)\s+(s3://.*)$", line.strip())
        if m:
            out[m.group(2)] = int(m.group(1))
    return out


def test_s3cmd(s3cmd, server, tmp):
    step("mb")
    s3cmd("mb", "s3://s3cmd-bucket")
    small = write_file(os.path.join(tmp, "small file.csv"), b"id,v\n1,2\n" * 100)
    size = 12 * MiB
    big = random_file(os.path.join(tmp, "big.bin"), size)

    step("put a small file")
    s3cmd("put", small, "s3://s3cmd-bucket/year=2024/small file.csv")
    assert_same_file(small, server.path("s3cmd-bucket", "year=2024/small file.csv"), "data-dir file")

    step("put 12 MiB with --multipart-chunk-size-mb=5")
    out = s3cmd("put", "--multipart-chunk-size-mb=5", big, "s3://s3cmd-bucket/big/big.bin")
    assert_same_file(big, server.path("s3cmd-bucket", "big/big.bin"), "data-dir file of the multipart upload")
    step("info: size and md5 (s3cmd keeps the whole-file md5 in x-amz-meta-s3cmd-attrs)")
    info = s3cmd("info", "s3://s3cmd-bucket/big/big.bin").out
    m = re.search(r"MD5 sum:\s*(\S+)", info)
    assert m and m.group(1) == md5_file(big), f"s3cmd info MD5 sum {m and m.group(1)} != {md5_file(big)}:\n{info}"
    assert re.search(rf"File size:\s*{size}\b", info), info
    step("the server's ETag is the multipart one (3 parts of 5 MiB)")
    etag = head_etag(server, "s3cmd-bucket", "big/big.bin")
    assert etag == multipart_etag(big, 5 * MiB), f"ETag {etag} != {multipart_etag(big, 5 * MiB)}"

    step("get both")
    for key, src in (("year=2024/small file.csv", small), ("big/big.bin", big)):
        dst = os.path.join(tmp, "got-" + os.path.basename(src))
        s3cmd("get", "--force", f"s3://s3cmd-bucket/{key}", dst)
        assert_same_file(src, dst, f"get {key}")

    step("ls")
    top = s3cmd("ls", "s3://s3cmd-bucket/").out
    assert "DIR s3://s3cmd-bucket/big/" in re.sub(r"\s+", " ", top) and "s3://s3cmd-bucket/year=2024/" in top, top
    rec = listed(s3cmd("ls", "--recursive", "s3://s3cmd-bucket/").out)
    assert rec == {"s3://s3cmd-bucket/year=2024/small file.csv": os.path.getsize(small),
                   "s3://s3cmd-bucket/big/big.bin": size}, rec
    buckets = s3cmd("ls").out
    assert "s3://s3cmd-bucket" in buckets, buckets

    step("sync a tree up")
    tree = os.path.join(tmp, "tree")
    write_file(os.path.join(tree, "a/one.txt"), b"one\n")
    write_file(os.path.join(tree, "a/b/two words.txt"), b"two\n")
    write_file(os.path.join(tree, "données/été.csv"), "x,y\n".encode())
    write_file(os.path.join(tree, "c+d=e.bin"), os.urandom(70000))
    write_file(os.path.join(tree, "empty"), b"")
    s3cmd("sync", tree + "/", "s3://s3cmd-bucket/tree/")
    assert_same_tree(tree, server.path("s3cmd-bucket", "tree"), "data dir after s3cmd sync")
    step("second sync transfers nothing")
    out = s3cmd("sync", "--stats", tree + "/", "s3://s3cmd-bucket/tree/").out
    assert "upload:" not in out, out
    step("sync --delete-removed after a local change")
    os.remove(os.path.join(tree, "a/one.txt"))
    write_file(os.path.join(tree, "a/b/two words.txt"), b"two, changed\n")
    out = s3cmd("sync", "--delete-removed", tree + "/", "s3://s3cmd-bucket/tree/").out
    uploaded = re.findall(r"upload: '.*?' -> 's3://s3cmd-bucket/(.*?)'", out)
    assert uploaded == ["tree/a/b/two words.txt"], f"uploaded {uploaded}:\n{out}"
    assert_same_tree(tree, server.path("s3cmd-bucket", "tree"), "data dir after sync --delete-removed")
    step("sync down to a fresh directory")
    down = os.path.join(tmp, "down")
    os.makedirs(down)
    s3cmd("sync", "s3://s3cmd-bucket/tree/", down + "/")
    assert_same_tree(tree, down, "synced-down tree")

    step("del and rb")
    s3cmd("del", "s3://s3cmd-bucket/big/big.bin")
    assert not os.path.exists(server.path("s3cmd-bucket", "big/big.bin")), "data-dir file left after del"
    s3cmd("del", "--recursive", "--force", "s3://s3cmd-bucket/")
    assert listed(s3cmd("ls", "--recursive", "s3://s3cmd-bucket/").out) == {}
    s3cmd("rb", "s3://s3cmd-bucket")
    assert "s3://s3cmd-bucket" not in s3cmd("ls").out
