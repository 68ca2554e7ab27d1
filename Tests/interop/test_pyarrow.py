"""pyarrow (AWS SDK for C++ underneath): a Hive-partitioned Parquet dataset written through S3,
read back through S3 with a partition filter, and read straight from the data directory."""

import hashlib
import os

import pytest

from conftest import ACCESS_KEY, QUICK, SECRET_KEY, step

pa = pytest.importorskip("pyarrow")
ds = pytest.importorskip("pyarrow.dataset")
pafs = pytest.importorskip("pyarrow.fs")
pc = pytest.importorskip("pyarrow.compute")


@pytest.fixture
def s3fs(server, monkeypatch):
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return pafs.S3FileSystem(
        endpoint_override=f"127.0.0.1:{server.port}", scheme="http", access_key=ACCESS_KEY,
        secret_key=SECRET_KEY, region="us-east-1", allow_bucket_creation=True, allow_bucket_deletion=True,
        retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=1),
    )


def make_table(rows):
    ids = list(range(rows))
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "year": pa.array([2023 + i % 3 for i in ids], pa.int32()),
        "month": pa.array([1 + (i // 3) % 12 for i in ids], pa.int32()),
        "amount": pa.array([i * 0.25 for i in ids], pa.float64()),
        "name": pa.array([f"row {i} é" for i in ids], pa.string()),
    })


def sorted_table(t):
    return t.select(["id", "year", "month", "amount", "name"]).sort_by("id")


def test_parquet_dataset(s3fs, server):
    rows = 1500 if QUICK else 6000
    table = make_table(rows)
    partitioning = ds.partitioning(pa.schema([("year", pa.int32()), ("month", pa.int32())]), flavor="hive")

    step("create bucket through S3FileSystem")
    s3fs.create_dir("arrow-lake")

    step("write_dataset (Hive partitions year/month, a multipart upload per file)")
    ds.write_dataset(table, "arrow-lake/sales", format="parquet", partitioning=partitioning,
                     filesystem=s3fs, basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore")

    step("list the files through S3")
    infos = s3fs.get_file_info(pafs.FileSelector("arrow-lake/sales", recursive=True))
    s3_files = sorted(i.path[len("arrow-lake/sales/"):] for i in infos if i.type == pafs.FileType.File)
    assert len(s3_files) == 36, f"{len(s3_files)} files: {s3_files[:5]}"
    assert all(f.startswith("year=") and "/month=" in f for f in s3_files), s3_files[:5]

    step("the same files, byte for byte, under the data directory")
    root = server.path("arrow-lake", "sales")
    disk_files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
    assert disk_files == s3_files, f"data dir has {disk_files[:5]}..., S3 lists {s3_files[:5]}..."
    for rel in s3_files:
        with s3fs.open_input_stream(f"arrow-lake/sales/{rel}") as f:
            remote = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(root, rel), "rb") as f:
            local = hashlib.sha256(f.read()).hexdigest()
        assert remote == local, f"{rel}: S3 body sha256 {remote[:16]} != data-dir file {local[:16]}"

    step("read back through S3 with a partition filter (year=2024, month=5)")
    through_s3 = ds.dataset("arrow-lake/sales", format="parquet", partitioning="hive", filesystem=s3fs)
    got = through_s3.to_table(filter=(ds.field("year") == 2024) & (ds.field("month") == 5))
    mask = pc.and_(pc.equal(table["year"], 2024), pc.equal(table["month"], 5))
    want = table.filter(mask)
    assert got.num_rows == want.num_rows > 0, f"{got.num_rows} rows, expected {want.num_rows}"
    assert sorted_table(got.cast(got.schema)).column("id").to_pylist() == sorted_table(want).column("id").to_pylist()
    assert sorted_table(got).column("amount").equals(sorted_table(want).column("amount"))
    assert sorted_table(got).column("name").equals(sorted_table(want).column("name"))

    step("read everything through S3")
    all_s3 = sorted_table(through_s3.to_table())
    assert all_s3.num_rows == rows
    for col in ("id", "amount", "name"):
        assert all_s3.column(col).equals(sorted_table(table).column(col)), f"column {col} differs"

    step("read the data directory on disk with partitioning='hive' (the plain-file promise)")
    on_disk = sorted_table(ds.dataset(root, format="parquet", partitioning="hive").to_table())
    assert on_disk.num_rows == rows
    assert on_disk.equals(all_s3), "table read from the data directory differs from the one read through S3"

    step("delete_dir through S3 leaves no files")
    s3fs.delete_dir("arrow-lake/sales")
    left = [os.path.join(d, f) for d, _, fs in os.walk(server.path("arrow-lake")) for f in fs]
    assert left == [], f"files left: {left[:5]}"
