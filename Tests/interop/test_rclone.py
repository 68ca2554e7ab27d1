"""rclone (Debian package), remote `lake` of type s3 (provider Other) set through environment
variables: copy, sync, ls, check, delete, purge, with a multipart upload."""

import json
import os
import re
import shutil

import pytest

from conftest import (ACCESS_KEY, QUICK, SECRET_KEY, MiB, assert_same_file, assert_same_tree, client_env,
                      head_etag, md5_file, multipart_etag, random_file, run, step, write_file)

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone not installed")


@pytest.fixture
def rclone(server, tmp):
    config = os.path.join(tmp, "rclone.conf")
    open(config, "w").close()
    env = client_env(server, {
        "RCLONE_CONFIG": config,
        "RCLONE_CONFIG_LAKE_TYPE": "s3",
        "RCLONE_CONFIG_LAKE_PROVIDER": "Other",
        "RCLONE_CONFIG_LAKE_ENV_AUTH": "false",
        "RCLONE_CONFIG_LAKE_ACCESS_KEY_ID": ACCESS_KEY,
        "RCLONE_CONFIG_LAKE_SECRET_ACCESS_KEY": SECRET_KEY,
        "RCLONE_CONFIG_LAKE_ENDPOINT": server.endpoint,
        "RCLONE_CONFIG_LAKE_REGION": "us-east-1",
        "RCLONE_CONFIG_LAKE_FORCE_PATH_STYLE": "true",
    })

    def call(*args, check=True):
        return run(["rclone", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M",
                    "--retries", "1", "--low-level-retries", "1", *args], env=env, check=check)
    return call


def ls(rclone, path):
    """{path: size} from `rclone ls`."""
    out = {}
    for line in rclone("ls", path).out.splitlines():
        m = re.match(r"^\s*(\d+) (.*)$", line)
        if m:
            out[m.group(2)] = int(m.group(1))
    return out


def test_rclone(rclone, server, tmp):
    size = (12 if QUICK else 30) * MiB
    src = os.path.join(tmp, "src")
    random_file(os.path.join(src, "big/big.bin"), size)
    write_file(os.path.join(src, "year=2024/month=01/part 0.csv"), b"a,b\n1,2\n")
    write_file(os.path.join(src, "données/été.csv"), "x\n".encode())
    write_file(os.path.join(src, "plus+equals=.txt"), b"+=\n")
    write_file(os.path.join(src, "empty.txt"), b"")

    step("mkdir lake:rclone-bucket")
    rclone("mkdir", "lake:rclone-bucket")
    assert os.path.isdir(server.path("rclone-bucket")), "bucket directory not created"

    step(f"copy (with a {size // MiB} MiB multipart upload, 5M chunks)")
    rclone("copy", src, "lake:rclone-bucket/data")
    assert_same_tree(src, server.path("rclone-bucket", "data"), "data dir after rclone copy")
    step("md5 and multipart ETag of the big file")
    big = os.path.join(src, "big/big.bin")
    info = json.loads(rclone("lsjson", "--hash", "--stat", "lake:rclone-bucket/data/big/big.bin").out)
    # rclone keeps the whole-file MD5 in X-Amz-Meta-Md5chksum for multipart uploads.
    assert info["Size"] == size and info.get("Hashes", {}).get("md5") == md5_file(big), info
    etag = head_etag(server, "rclone-bucket", "data/big/big.bin")
    assert etag == multipart_etag(big, 5 * MiB), f"ETag {etag} != {multipart_etag(big, 5 * MiB)}"

    step("ls")
    expected = {os.path.relpath(os.path.join(d, f), src): os.path.getsize(os.path.join(d, f))
                for d, _, fs in os.walk(src) for f in fs}
    assert ls(rclone, "lake:rclone-bucket/data") == expected

    step("check reports 0 differences")
    r = rclone("check", src, "lake:rclone-bucket/data")
    assert re.search(r"\b0 differences found", r.err), r.err

    step("sync after local changes")
    os.remove(os.path.join(src, "plus+equals=.txt"))
    write_file(os.path.join(src, "year=2024/month=02/part 1.csv"), b"c,d\n3,4\n")
    write_file(os.path.join(src, "données/été.csv"), "x\nchanged\n".encode())
    rclone("sync", src, "lake:rclone-bucket/data")
    assert_same_tree(src, server.path("rclone-bucket", "data"), "data dir after rclone sync")
    r = rclone("check", src, "lake:rclone-bucket/data")
    assert re.search(r"\b0 differences found", r.err), r.err

    step("copy down to a fresh directory")
    down = os.path.join(tmp, "down")
    rclone("copy", "lake:rclone-bucket/data", down)
    assert_same_tree(src, down, "copied-down tree")
    assert_same_file(os.path.join(src, "big/big.bin"), os.path.join(down, "big/big.bin"), "big file downloaded")

    step("server-side copy (--s3-copy-cutoff 5M: multipart copy with UploadPartCopy)")
    rclone("copy", "--s3-copy-cutoff", "5M", "lake:rclone-bucket/data", "lake:rclone-bucket/copy")
    assert_same_tree(src, server.path("rclone-bucket", "copy"), "data dir of the server-side copy")
    r = rclone("check", src, "lake:rclone-bucket/copy")
    assert re.search(r"\b0 differences found", r.err), r.err
    step("server-side move")
    rclone("move", "lake:rclone-bucket/copy", "lake:rclone-bucket/moved")
    assert_same_tree(src, server.path("rclone-bucket", "moved"), "data dir after rclone move")
    assert ls(rclone, "lake:rclone-bucket/copy") == {}, "objects left at the source of rclone move"

    step("delete by filter")
    rclone("delete", "lake:rclone-bucket/data", "--include", "*.csv")
    left = ls(rclone, "lake:rclone-bucket/data")
    assert sorted(left) == ["big/big.bin", "empty.txt"], left
    assert not os.path.exists(server.path("rclone-bucket", "data/données/été.csv")), "data-dir file left after delete"

    step("purge")
    rclone("purge", "lake:rclone-bucket")
    r = rclone("lsd", "lake:", check=True)
    assert "rclone-bucket" not in r.out, r.out
    assert not os.path.exists(server.path("rclone-bucket")), "bucket directory left after purge"


def test_rclone_folder_markers(rclone, server):
    help_text = rclone("help", "flags", "s3").out
    if "--s3-directory-markers" not in help_text:
        pytest.skip("this rclone does not create folder markers (--s3-directory-markers needs rclone >= 1.64)")
    step("mkdir lake:bucket/folder/ with --s3-directory-markers")
    rclone("mkdir", "lake:rclone-markers")
    rclone("mkdir", "--s3-directory-markers", "lake:rclone-markers/folder/sub")
    r = rclone("lsf", "-R", "lake:rclone-markers")
    assert "folder/" in r.out.splitlines() and "folder/sub/" in r.out.splitlines(), r.out
    rclone("purge", "lake:rclone-markers")
