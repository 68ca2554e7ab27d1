"""A real full disk (issue 11 §4): the data directory lives on a small loop-mounted ext4
(tmpfs where loop devices are unavailable). PUTs fill it until they get 507
InsufficientStorage, first at the min_free_bytes reserve, then, with the reserve off, at the
file system's own ENOSPC; GET, LIST and DELETE keep working, PUTs work again once space is
freed, and everything acknowledged is intact after a restart."""

import hashlib
import os
import shutil
import subprocess
import tempfile

import botocore
import pytest

from conftest import ACCESS_KEY, BINARY, REGION, SECRET_KEY, Server, make_client

SIZE_MB = 48
OBJECT = 1 << 20


def mount_small_fs(mountpoint):
    """Mounts a SIZE_MB file system at `mountpoint`; returns its kind, or skips the test."""
    image = mountpoint + ".img"
    if shutil.which("mkfs.ext4") and os.path.exists("/dev/loop-control"):
        with open(image, "wb") as f:
            f.truncate(SIZE_MB << 20)
        # -m 0: no blocks reserved for root (CI runs as root and could use them).
        made = subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", image], capture_output=True)
        if made.returncode == 0 and subprocess.run(
                ["mount", "-o", "loop", image, mountpoint], capture_output=True).returncode == 0:
            return "ext4"
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", mountpoint],
                      capture_output=True).returncode == 0:
        return "tmpfs"
    pytest.skip("neither a loop-mounted ext4 nor a tmpfs can be mounted here (needs root)")


@pytest.fixture
def small_fs():
    mountpoint = tempfile.mkdtemp(prefix="lakestore-full-")
    kind = mount_small_fs(mountpoint)
    yield mountpoint, kind
    subprocess.run(["umount", "-l", mountpoint], capture_output=True)
    for path in (mountpoint + ".img",):
        if os.path.exists(path):
            os.remove(path)
    shutil.rmtree(mountpoint, ignore_errors=True)
    shutil.rmtree(os.path.join(mountpoint, "data") + ".logs", ignore_errors=True)


def fill(client, prefix, acked, limit=200):
    """PUTs 1 MiB objects until one is refused; returns that error. Every success is
    recorded in `acked` (key -> md5)."""
    for i in range(limit):
        key = f"{prefix}/part-{i:04d}.bin"
        body = os.urandom(OBJECT)
        try:
            client.put_object(Bucket="lake", Key=key, Body=body)
        except botocore.exceptions.ClientError as error:
            return error
        acked[key] = hashlib.md5(body).hexdigest()
    pytest.fail(f"{limit} MiB fit on a {SIZE_MB} MiB file system")


def check_all(client, acked):
    listed = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket="lake"):
        for obj in page.get("Contents", []):
            listed[obj["Key"]] = obj["ETag"].strip('"')
    assert listed == acked
    for key, md5 in acked.items():
        body = client.get_object(Bucket="lake", Key=key)["Body"].read()
        assert hashlib.md5(body).hexdigest() == md5, key


def free_some(client, acked, count):
    for key in sorted(acked)[:count]:
        client.delete_object(Bucket="lake", Key=key)
        del acked[key]


def test_full_disk(small_fs):
    mountpoint, kind = small_fs
    data = os.path.join(mountpoint, "data")
    acked = {}

    # 1. The reserve: PUTs stop with 507 while 8 MiB are still free.
    server = Server(data, args=["--min-free-bytes", "8M"]).start()
    try:
        client = make_client(server.endpoint)
        client.create_bucket(Bucket="lake")
        error = fill(client, "reserve", acked)
        assert error.response["Error"]["Code"] == "InsufficientStorage"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 507
        assert len(acked) >= 10
        stat = os.statvfs(mountpoint)
        assert stat.f_bavail * stat.f_frsize >= 6 << 20, "the reserve was not kept"
        check_all(client, acked)
        free_some(client, acked, 4)
        client.put_object(Bucket="lake", Key="reserve/after-delete.bin", Body=b"x" * OBJECT)
        acked["reserve/after-delete.bin"] = hashlib.md5(b"x" * OBJECT).hexdigest()
        # A chunked body of unknown length is stopped by the reserve as it grows.
        assert put_chunked(server, "reserve/streamed.bin", 64 << 20) == 507
        check_all(client, acked)
    finally:
        assert server.stop() == 0

    # 2. No reserve: the file system's own ENOSPC (in a write, an fsync or the catalog) is
    # a 507 too, and the server keeps serving.
    server = Server(data, args=["--min-free-bytes", "0"]).start()
    try:
        client = make_client(server.endpoint)
        error = fill(client, "nospace", acked)
        assert error.response["Error"]["Code"] == "InsufficientStorage", error.response
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 507
        assert server.proc.poll() is None
        check_all(client, acked)
        assert any("ENOSPC" in line and "min_free_bytes" not in line
                   for line in server.read_log().splitlines()), "no real ENOSPC was logged"
        free_some(client, acked, 6)
        client.put_object(Bucket="lake", Key="nospace/after-delete.bin", Body=b"y" * OBJECT)
        acked["nospace/after-delete.bin"] = hashlib.md5(b"y" * OBJECT).hexdigest()
        check_all(client, acked)
    finally:
        assert server.stop() == 0

    # 3. After a restart everything acknowledged is intact, nothing else is there, and no
    # temp file or intent is left.
    server = Server(data).start()
    try:
        check_all(make_client(server.endpoint), acked)
    finally:
        assert server.stop() == 0
    assert os.listdir(os.path.join(data, ".lakestore", "tmp")) == []
    fsck = subprocess.run([BINARY, "fsck", "--data", data], capture_output=True, text=True,
                          timeout=60)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def put_chunked(server, key, size):
    """PUTs `size` bytes from curl's standard input (chunked, no length); returns the status."""
    result = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60",
         "--aws-sigv4", f"aws:amz:{REGION}:s3", "--user", f"{ACCESS_KEY}:{SECRET_KEY}",
         "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", "-",
         f"{server.endpoint}/lake/{key}"],
        input=b"z" * size, capture_output=True, timeout=120)
    return int(result.stdout or 0)
