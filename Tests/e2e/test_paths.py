"""No key, however crafted, touches a file outside its bucket directory."""

import os
import socket

import pytest

from conftest import curl

TRICKY = [
    "../escape.txt",
    "a/../../escape2.txt",
    "..",
    ".",
    "./dot",
    "/absolute",
    "a//b",
    "dir/",
    "nul\x00byte",
    "..\\windows",
    "%2e%2e/literal-percent",
    "x" * 300 + "/long-segment",
]


def tree(root):
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def test_tricky_keys_stay_inside(server, s3, bucket):
    parent = os.path.dirname(server.data_dir)
    before = tree(parent)
    for i, key in enumerate(TRICKY):
        s3.put_object(Bucket=bucket, Key=key, Body=b"payload-%d" % i)
    for i, key in enumerate(TRICKY):
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"payload-%d" % i, key
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed, key=str.encode) == sorted(TRICKY, key=str.encode)
    data = os.path.realpath(server.data_dir)
    for path in tree(parent) - before:
        full = os.path.realpath(os.path.join(parent, path))
        assert full.startswith(data + os.sep), f"{path} escaped the data directory"
        inside = os.path.relpath(full, data)
        assert inside.split(os.sep)[0] in (bucket, ".lakestore"), inside
    assert not os.path.exists(os.path.join(parent, "escape.txt"))
    assert not os.path.exists(os.path.join(server.data_dir, "escape2.txt"))
    for i, key in enumerate(TRICKY):
        s3.delete_object(Bucket=bucket, Key=key)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_raw_dot_segments_in_request_path(server, s3, bucket):
    # curl would normalise ../ away; send the raw request line ourselves.
    s3.put_object(Bucket=bucket, Key="inside", Body=b"ok")
    status, _, _ = curl(server, "--path-as-is", path=f"/{bucket}/../../etc/passwd")
    assert status in (400, 403, 404)
    assert not os.path.exists(os.path.join(server.data_dir, "etc"))


def test_symlink_in_bucket_is_not_followed(server, s3, bucket, tmpdir_path):
    outside = os.path.join(tmpdir_path, "outside")
    os.makedirs(outside)
    os.symlink(outside, os.path.join(server.data_dir, bucket, "link"))
    s3.put_object(Bucket=bucket, Key="link/file.txt", Body=b"should not escape")
    assert os.listdir(outside) == []
    assert s3.get_object(Bucket=bucket, Key="link/file.txt")["Body"].read() == b"should not escape"
