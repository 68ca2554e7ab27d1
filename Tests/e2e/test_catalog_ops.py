"""Catalog operations of the real `lakestore` binary, with the server stopped: `import` of a
Hive-partitioned tree, `fsck --adopt` of a file copied in by hand, `fsck --statistics`, and
`catalog rebuild` after the catalog file is lost. The server is then started on the result
and asked with boto3 and the catalog API."""

import glob
import hashlib
import os
import subprocess

from conftest import BINARY, Server, make_client
from test_catalog_api import api_json, wait_indexed


def lakestore(*args, timeout=120):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def hive_tree(root):
    """sales/year=YYYY/month=MM/part-0.csv for two years of three months; returns {relative path: bytes}."""
    files = {}
    for year in (2023, 2024):
        for month in (1, 2, 3):
            rows = "".join(f"{i},{year % 100 * 100 + month * 10 + i}\n" for i in range(3))
            files[f"sales/year={year}/month={month:02d}/part-0.csv"] = b"id,amount\n" + rows.encode()
    for path, data in files.items():
        write(os.path.join(root, path), data)
    os.symlink("/etc/passwd", os.path.join(root, "sales", "passwd.csv"))
    return files


def test_import_a_hive_tree_then_query_it(tmpdir_path):
    source = os.path.join(tmpdir_path, "export")
    data = os.path.join(tmpdir_path, "data")
    files = hive_tree(source)

    missing = lakestore("import", source, "--bucket", "lake", "--data", data)
    assert missing.returncode == 1 and "--create-bucket" in missing.stderr, missing
    result = lakestore("import", source, "--bucket", "lake", "--prefix", "raw", "--create-bucket",
                       "--jobs", "3", "--data", data)
    assert result.returncode == 1, result  # the symlink was skipped
    assert "skipped: sales/passwd.csv: a symbolic link (never followed)" in result.stdout
    assert f"imported {len(files)} file(s)" in result.stdout, result.stdout
    for path, body in files.items():
        with open(os.path.join(source, path), "rb") as f:
            assert f.read() == body, "copy leaves the source alone"

    again = lakestore("import", source, "--bucket", "lake", "--prefix", "raw", "--data", data)
    assert f"imported 0 file(s)" in again.stdout and f"{len(files)} already there" in again.stdout
    stats = lakestore("fsck", "--statistics", "--data", data)
    assert stats.returncode == 0, stats
    assert f"statistics of {len(files)} object(s) compared, 0 not indexed yet" in stats.stdout

    server = Server(data).start()
    try:
        s3 = make_client(server.endpoint)
        listed = s3.list_objects_v2(Bucket="lake")["Contents"]
        assert sorted(o["Key"] for o in listed) == sorted("raw/" + p for p in files)
        for o in listed:
            body = files[o["Key"][len("raw/"):]]
            assert o["ETag"] == '"' + hashlib.md5(body).hexdigest() + '"'
        head = s3.head_object(Bucket="lake", Key="raw/sales/year=2024/month=03/part-0.csv")
        assert head["ContentType"] == "text/csv"
        document = wait_indexed(server, "lake", "raw/sales/year=2024/month=03/part-0.csv")
        assert document["status"] == "indexed" and document["rows"] == 3
        assert document["partitions"] == [{"name": "year", "value": "2024"}, {"name": "month", "value": "03"}]
        datasets = api_json(server, "lake", "datasets")["datasets"]
        assert [(d["name"], d["files"], d["rows"]) for d in datasets] == [("raw/sales", 6, 18)]
        assert [(p["name"], p["type"]) for p in datasets[0]["partitions"]] == [("year", "integer"), ("month", "integer")]
    finally:
        assert server.stop() == 0


def test_adopt_a_hand_copied_file_then_rebuild_a_lost_catalog(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    server = Server(data).start()
    s3 = make_client(server.endpoint)
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="a/one.csv", Body=b"x\n1\n", Metadata={"owner": "ana"})
    s3.put_object(Bucket="lake", Key="b//odd", Body=b"kept in overflow")
    assert server.stop() == 0

    write(os.path.join(data, "lake", "hand", "two.csv"), b"x\n2\n3\n")
    report = lakestore("fsck", "--data", data)
    assert report.returncode == 1 and "file without catalog row: lake/hand/two.csv" in report.stdout
    adopt = lakestore("fsck", "--adopt", "--data", data)
    assert adopt.returncode == 0, adopt
    assert "adopted as lake/hand/two.csv (ETag " + hashlib.md5(b"x\n2\n3\n").hexdigest() + ")" in adopt.stdout
    assert "1 file(s) adopted" in adopt.stdout

    refused = lakestore("catalog", "rebuild", "--data", data)
    assert refused.returncode == 1 and "readable" in refused.stderr, refused
    for path in glob.glob(os.path.join(data, ".lakestore", "catalog.db*")):
        os.remove(path)
    rebuilt = lakestore("catalog", "rebuild", "--data", data)
    assert rebuilt.returncode == 0, rebuilt
    assert "bucket lake" in rebuilt.stdout
    assert "rebuilt the catalog: 1 bucket(s), 2 object(s) registered, 1 file(s) moved" in rebuilt.stdout
    aside = glob.glob(os.path.join(data, ".lakestore", "catalog.broken-*"))
    assert len(aside) == 1 and os.path.exists(os.path.join(aside[0], "index.db"))
    lost = glob.glob(os.path.join(data, ".lakestore", "lost+found", ".lakestore", "overflow", "lake", "*"))
    assert len(lost) == 1 and open(lost[0], "rb").read() == b"kept in overflow"

    server = Server(data).start()
    try:
        s3 = make_client(server.endpoint)
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"])
        assert keys == ["a/one.csv", "hand/two.csv"]
        one = s3.get_object(Bucket="lake", Key="a/one.csv")
        assert one["Body"].read() == b"x\n1\n"
        assert one["ETag"] == '"' + hashlib.md5(b"x\n1\n").hexdigest() + '"'
        assert one["Metadata"] == {}, "user metadata lived only in the catalog"
        assert wait_indexed(server, "lake", "hand/two.csv")["rows"] == 2
    finally:
        assert server.stop() == 0
    clean = lakestore("fsck", "--statistics", "--data", data)
    assert clean.returncode == 0 and "0 problem(s)" in clean.stdout, clean
