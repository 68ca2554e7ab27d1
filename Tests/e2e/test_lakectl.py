"""lakectl, run as a binary against the real server: every verb, pipes, --json, exit codes,
multipart, no-overwrite, interruption. The binary sits next to lakestore in the build folder."""

import hashlib
import json
import os
import signal
import stat
import subprocess
import time

import pytest

from conftest import ACCESS_KEY, BINARY, SECRET_KEY

LAKECTL = os.environ.get("LAKECTL_BIN", os.path.join(os.path.dirname(BINARY), "lakectl"))


def lakectl_env(server, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAKESTORE_"))}
    env.update(
        HOME=home,
        XDG_CONFIG_HOME=os.path.join(home, ".config"),
        LAKESTORE_ENDPOINT=server.endpoint,
        LAKESTORE_ACCESS_KEY=ACCESS_KEY,
        LAKESTORE_SECRET_KEY=SECRET_KEY,
    )
    return env


@pytest.fixture
def ctl(server, tmpdir_path):
    home = os.path.join(tmpdir_path, "home")
    os.makedirs(home, exist_ok=True)
    env = lakectl_env(server, home)

    def run(*args, input=None, check=True, env_extra=None, cwd=None, timeout=300):
        e = dict(env)
        e.update(env_extra or {})
        result = subprocess.run(
            [LAKECTL, *args], input=input, capture_output=True, env=e, timeout=timeout,
            cwd=cwd or tmpdir_path)
        if check and result.returncode != 0:
            raise AssertionError(f"lakectl {args} exited {result.returncode}: {result.stderr!r}")
        return result

    run.env = env
    run.home = home
    return run


def json_lines(result):
    return [json.loads(line) for line in result.stdout.decode().splitlines() if line.strip()]


def test_buckets_put_get_cat_stat_rm(ctl, s3, tmpdir_path):
    assert ctl("mb", "s3://alpha").stdout.decode().strip() == "created s3://alpha"
    assert "s3://alpha" in ctl("ls").stdout.decode()
    assert json_lines(ctl("ls", "--json"))[0]["bucket"] == "alpha"

    src = os.path.join(tmpdir_path, "day.csv")
    with open(src, "wb") as f:
        f.write(b"id,amount\n1,10\n2,20\n")
    ctl("put", src, "s3://alpha/sales/year=2024/")
    assert s3.get_object(Bucket="alpha", Key="sales/year=2024/day.csv")["Body"].read() == b"id,amount\n1,10\n2,20\n"

    # cat to stdout, get to a file and to '-'.
    assert ctl("cat", "s3://alpha/sales/year=2024/day.csv").stdout == b"id,amount\n1,10\n2,20\n"
    out = os.path.join(tmpdir_path, "back.csv")
    ctl("get", "s3://alpha/sales/year=2024/day.csv", out)
    assert open(out, "rb").read() == b"id,amount\n1,10\n2,20\n"
    assert ctl("get", "s3://alpha/sales/year=2024/day.csv", "-").stdout == b"id,amount\n1,10\n2,20\n"

    # stat, human and JSON: size, ETag (the MD5), the CRC64NVME checksum sent by default.
    st = json_lines(ctl("stat", "--json", "s3://alpha/sales/year=2024/day.csv"))[0]
    assert st["size"] == 20 and st["etag"] == hashlib.md5(b"id,amount\n1,10\n2,20\n").hexdigest()
    assert "CRC64NVME" in st["checksums"] and st["checksum_type"] == "FULL_OBJECT"
    human = ctl("stat", "s3://alpha/sales/year=2024/day.csv").stdout.decode()
    assert "20 B (20 bytes)" in human and st["etag"] in human

    ctl("rm", "s3://alpha/sales/year=2024/day.csv")
    assert s3.list_objects_v2(Bucket="alpha").get("KeyCount") == 0
    ctl("rb", "s3://alpha")
    assert "alpha" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_pipes_stdin_to_stdout(ctl, s3, bucket):
    data = os.urandom(3 * 1024 * 1024 + 17)
    ctl("put", "-", f"s3://{bucket}/piped.bin", input=data)
    assert s3.get_object(Bucket=bucket, Key="piped.bin")["Body"].read() == data
    assert ctl("cat", f"s3://{bucket}/piped.bin").stdout == data
    # A pipe through two lakectl processes.
    p1 = subprocess.Popen([LAKECTL, "cat", f"s3://{bucket}/piped.bin"], stdout=subprocess.PIPE, env=ctl.env)
    p2 = subprocess.run([LAKECTL, "cp", "-", f"s3://{bucket}/copied.bin"], stdin=p1.stdout, env=ctl.env, capture_output=True)
    p1.wait()
    assert p1.returncode == 0 and p2.returncode == 0, p2.stderr
    assert s3.get_object(Bucket=bucket, Key="copied.bin")["Body"].read() == data


def test_ls_levels_long_recursive_json(ctl, s3, bucket):
    for key in ["sales/year=2023/a.csv", "sales/year=2024/b.csv", "sales/year=2024/c.csv", "top.txt"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * 5)
    assert ctl("ls", f"s3://{bucket}/").stdout.decode().split() == ["sales/", "top.txt"]
    assert ctl("ls", f"s3://{bucket}/sales/").stdout.decode().split() == [
        "sales/year=2023/", "sales/year=2024/"]
    rows = json_lines(ctl("ls", "--recursive", "--json", f"s3://{bucket}/sales/"))
    assert [r["key"] for r in rows] == ["sales/year=2023/a.csv", "sales/year=2024/b.csv", "sales/year=2024/c.csv"]
    assert all(r["size"] == 5 for r in rows)
    long = ctl("ls", "--long", f"s3://{bucket}/").stdout.decode().splitlines()
    assert any(line.split()[-2:] == ["PRE", "sales/"] for line in long), long
    assert any(line.endswith("top.txt") and " 5 B " in line for line in long), long
    # Keys that need encoding come back unchanged (the listing asks for encoding-type=url).
    odd = "odd/a b+c%d&e\u00e9.txt"
    s3.put_object(Bucket=bucket, Key=odd, Body=b"1")
    assert [r["key"] for r in json_lines(ctl("ls", "-r", "--json", f"s3://{bucket}/odd/"))] == [odd]


def test_copy_directions_and_presign(ctl, s3, bucket, tmpdir_path, server):
    src = os.path.join(tmpdir_path, "f.bin")
    with open(src, "wb") as f:
        f.write(b"payload")
    ctl("cp", src, f"s3://{bucket}/a/f.bin")
    ctl("cp", f"s3://{bucket}/a/f.bin", f"s3://{bucket}/b/")
    assert s3.get_object(Bucket=bucket, Key="b/f.bin")["Body"].read() == b"payload"
    os.makedirs(os.path.join(tmpdir_path, "down"))
    ctl("cp", f"s3://{bucket}/b/f.bin", os.path.join(tmpdir_path, "down") + "/")
    assert open(os.path.join(tmpdir_path, "down", "f.bin"), "rb").read() == b"payload"
    url = ctl("presign", "--expires", "60", f"s3://{bucket}/b/f.bin").stdout.decode().strip()
    assert url.startswith(server.endpoint) and "X-Amz-Signature=" in url
    body = subprocess.run(["curl", "-sf", url], capture_output=True, timeout=30)
    assert body.returncode == 0 and body.stdout == b"payload"


def test_no_overwrite_and_errors_exit_codes(ctl, s3, bucket, tmpdir_path):
    ctl("put", "-", f"s3://{bucket}/once", input=b"first")
    r = ctl("put", "--no-overwrite", "-", f"s3://{bucket}/once", input=b"second", check=False)
    assert r.returncode == 1
    assert r.stderr.decode().startswith("lakectl: PreconditionFailed: "), r.stderr
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"

    r = ctl("stat", "s3://no-such-bucket/k", check=False)
    assert r.returncode == 1 and r.stderr.decode().startswith("lakectl: NoSuchBucket: ")
    assert len(r.stderr.decode().strip().splitlines()) == 1
    r = ctl("cat", f"s3://{bucket}/missing", check=False)
    assert r.returncode == 1 and r.stderr.decode().startswith("lakectl: NoSuchKey: ")
    assert ctl("frobnicate", check=False).returncode == 2
    assert ctl("get", "not-a-uri", check=False).returncode == 2
    r = ctl("ls", env_extra={"LAKESTORE_SECRET_KEY": "wrong-secret-key"}, check=False)
    assert r.returncode == 1 and "SignatureDoesNotMatch" in r.stderr.decode()


def test_failed_or_interrupted_recursive_copies_end_instead_of_hanging(ctl, s3, bucket,
                                                                      tmpdir_path):
    # The first failure (or SIGINT) cancels every transfer in flight at once. Cancelling a
    # request the session is completing at that moment used to deadlock lakectl about every
    # other run, so each case runs several times.
    src = os.path.join(tmpdir_path, "many")
    for i in range(1000):
        os.makedirs(os.path.join(src, f"p={i % 10}"), exist_ok=True)
        with open(os.path.join(src, f"p={i % 10}", f"f{i:04d}"), "wb") as f:
            f.write(b"x" * 512)
    for _ in range(4):
        r = ctl("cp", "-r", src, "s3://no-such-bucket/many/", check=False, timeout=60)
        assert r.returncode == 1, r.stderr
        assert r.stderr.decode().startswith("lakectl: NoSuchBucket: "), r.stderr
    for run in range(3):
        p = subprocess.Popen([LAKECTL, "cp", "-r", src, f"s3://{bucket}/many{run}/"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ctl.env)
        deadline = time.time() + 20
        while time.time() < deadline and not s3.list_objects_v2(
                Bucket=bucket, Prefix=f"many{run}/", MaxKeys=1).get("KeyCount"):
            time.sleep(0.01)
        p.send_signal(signal.SIGINT)
        try:
            status = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            raise AssertionError("lakectl hung after SIGINT")
        assert status in (0, 130), p.stderr.read()


def test_debug_redacts_the_signature_and_never_prints_the_secret(ctl, bucket):
    r = ctl("ls", "--debug", f"s3://{bucket}/")
    err = r.stderr.decode()
    assert "> GET " in err and "< 200" in err and "Signature=REDACTED" in err
    assert SECRET_KEY not in err and SECRET_KEY not in r.stdout.decode()


def test_config_writes_a_private_profile_and_uses_it(ctl, server, s3, bucket):
    env_without = {"LAKESTORE_ENDPOINT": "", "LAKESTORE_ACCESS_KEY": "", "LAKESTORE_SECRET_KEY": ""}
    ctl("config", "--endpoint", server.endpoint, "--access-key", ACCESS_KEY,
        "--secret-key", SECRET_KEY, env_extra=env_without)
    path = os.path.join(ctl.home, ".config", "lakestore", "config")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    shown = ctl("config", env_extra=env_without).stdout.decode()
    assert server.endpoint in shown and ACCESS_KEY in shown and SECRET_KEY not in shown
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert ctl("cat", f"s3://{bucket}/k", env_extra=env_without).stdout == b"v"
    # A second profile leaves the first in place.
    ctl("config", "--profile", "other", "--endpoint", "http://127.0.0.1:1", env_extra=env_without)
    assert ctl("cat", f"s3://{bucket}/k", env_extra=env_without).stdout == b"v"
    r = ctl("cat", f"s3://{bucket}/k", env_extra=dict(env_without, LAKESTORE_PROFILE="other"), check=False)
    assert r.returncode == 1 and "ConnectionFailed" in r.stderr.decode()


def test_multipart_round_trip_64_mib(ctl, s3, bucket, tmpdir_path):
    src = os.path.join(tmpdir_path, "big.bin")
    data = os.urandom(64 * 1024 * 1024)
    with open(src, "wb") as f:
        f.write(data)
    ctl("cp", "--part-size", "8M", src, f"s3://{bucket}/big.bin")
    head = s3.head_object(Bucket=bucket, Key="big.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-8"), head["ETag"]
    assert head.get("ChecksumType") == "FULL_OBJECT" and "ChecksumCRC64NVME" in head
    out = os.path.join(tmpdir_path, "big.out")
    ctl("cp", "--part-size", "8M", f"s3://{bucket}/big.bin", out)
    assert hashlib.sha256(open(out, "rb").read()).digest() == hashlib.sha256(data).digest()
    assert not [n for n in os.listdir(tmpdir_path) if "lakectl-" in n]
    # Streamed from a pipe (length unknown): multipart too, same bytes.
    ctl("put", "--part-size", "5M", "-", f"s3://{bucket}/big-piped.bin", input=data[: 12 * 1024 * 1024])
    assert s3.get_object(Bucket=bucket, Key="big-piped.bin")["Body"].read() == data[: 12 * 1024 * 1024]
    assert s3.head_object(Bucket=bucket, Key="big-piped.bin")["ETag"].strip('"').endswith("-3")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_interrupted_upload_leaves_no_upload_behind(ctl, s3, bucket, tmpdir_path):
    # A slow source: lakectl reads standard input from a pipe we feed slowly, so the upload is
    # mid-way (parts sent, more to come) when SIGINT arrives.
    p = subprocess.Popen([LAKECTL, "put", "--part-size", "5M", "-", f"s3://{bucket}/slow.bin"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=ctl.env)
    chunk = os.urandom(1024 * 1024)
    for _ in range(12):
        p.stdin.write(chunk)
        p.stdin.flush()
    deadline = time.time() + 20
    while time.time() < deadline and not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"):
        time.sleep(0.05)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads"), "the upload never started"
    p.send_signal(signal.SIGINT)
    try:
        p.stdin.close()
    except BrokenPipeError:
        pass
    assert p.wait(timeout=30) == 130, p.stderr.read()
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_rm_recursive_and_rb_force_batch(ctl, s3, bucket):
    for i in range(1203):
        s3.put_object(Bucket=bucket, Key=f"many/{i:05d}", Body=b"")
    s3.put_object(Bucket=bucket, Key="keep", Body=b"")
    out = ctl("rm", "--recursive", f"s3://{bucket}/many/").stdout.decode()
    assert "deleted 1203 objects" in out
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep"]
    r = ctl("rb", f"s3://{bucket}", check=False)
    assert r.returncode == 1 and "BucketNotEmpty" in r.stderr.decode()
    ctl("rb", "--force", f"s3://{bucket}")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_version(ctl):
    assert ctl("version").stdout.decode().startswith("lakectl ")


def test_sync_up_down_idempotent_delete_and_filters(ctl, s3, bucket, tmpdir_path):
    src = os.path.join(tmpdir_path, "src")
    os.makedirs(os.path.join(src, "day=1"))
    os.makedirs(os.path.join(src, "day=2"))
    files = {"day=1/a.csv": b"a" * 10, "day=2/b.csv": b"b" * 20, "day=2/c.tmp": b"tmp", "top.txt": b"t"}
    for rel, body in files.items():
        with open(os.path.join(src, rel), "wb") as f:
            f.write(body)
    out = ctl("sync", "--exclude", "*.tmp", src, f"s3://{bucket}/ds/").stdout.decode()
    assert out.count("upload: ") == 3, out
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["ds/day=1/a.csv", "ds/day=2/b.csv", "ds/top.txt"]
    # A second sync has nothing to do; a changed file (same size, other bytes) is sent again.
    assert ctl("sync", "--exclude", "*.tmp", src, f"s3://{bucket}/ds/").stdout == b""
    with open(os.path.join(src, "day=1/a.csv"), "wb") as f:
        f.write(b"A" * 10)
    out = ctl("sync", "--exclude", "*.tmp", src, f"s3://{bucket}/ds/").stdout.decode()
    assert out.strip().splitlines() == [f"upload: {src}/day=1/a.csv to s3://{bucket}/ds/day=1/a.csv"]
    # Down into an empty folder, then again: nothing the second time.
    dst = os.path.join(tmpdir_path, "dst")
    rows = json_lines(ctl("sync", "--json", f"s3://{bucket}/ds/", dst))
    assert sorted(r["destination"] for r in rows) == sorted(
        os.path.join(dst, k) for k in ["day=1/a.csv", "day=2/b.csv", "top.txt"])
    assert open(os.path.join(dst, "day=1/a.csv"), "rb").read() == b"A" * 10
    assert ctl("sync", f"s3://{bucket}/ds/", dst).stdout == b""
    # --delete with --dry-run changes nothing; without, removes what the source lacks.
    os.remove(os.path.join(src, "top.txt"))
    dry = ctl("sync", "--delete", "--dry-run", "--exclude", "*.tmp", src, f"s3://{bucket}/ds/").stdout.decode()
    assert dry.strip() == f"(dry run) delete: s3://{bucket}/ds/top.txt"
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 3
    ctl("sync", "--delete", "--exclude", "*.tmp", src, f"s3://{bucket}/ds/")
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == [
        "ds/day=1/a.csv", "ds/day=2/b.csv"]


def test_recursive_cp_both_ways_with_include(ctl, s3, bucket, tmpdir_path):
    src = os.path.join(tmpdir_path, "tree")
    for i in range(40):
        os.makedirs(os.path.join(src, f"p={i % 4}"), exist_ok=True)
        with open(os.path.join(src, f"p={i % 4}", f"f{i}.{'csv' if i % 2 else 'log'}"), "wb") as f:
            f.write(os.urandom(100 + i))
    ctl("cp", "-r", "--include", "*.csv", "-q", src, f"s3://{bucket}/t")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 20 and all(k.startswith("t/p=") and k.endswith(".csv") for k in keys)
    back = os.path.join(tmpdir_path, "back")
    ctl("cp", "-r", "-q", f"s3://{bucket}/t/", back)
    for key in keys:
        rel = key[len("t/"):]
        assert open(os.path.join(back, rel), "rb").read() == open(os.path.join(src, rel), "rb").read()


def test_tree_du_find(ctl, s3, bucket):
    for key, size in [("d/y=1/a.csv", 10), ("d/y=1/b.parquet", 2000), ("d/y=2/c.parquet", 3000), ("e.txt", 1)]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * size)
    tree = ctl("tree", f"s3://{bucket}/d/").stdout.decode().splitlines()
    assert tree == [f"s3://{bucket}/d/", "y=1/", "  a.csv", "  b.parquet", "y=2/", "  c.parquet"]
    usage = {r["prefix"]: r for r in json_lines(ctl("du", "-d", "1", "--json", f"s3://{bucket}/d/"))}
    assert usage[f"s3://{bucket}/d/"]["bytes"] == 5010 and usage[f"s3://{bucket}/d/"]["objects"] == 3
    assert usage[f"s3://{bucket}/d/y=1/"]["bytes"] == 2010
    found = ctl("find", "--name", "*.parquet", "--larger", "2500", f"s3://{bucket}/").stdout.decode().split()
    assert found == [f"s3://{bucket}/d/y=2/c.parquet"]
    assert ctl("find", "--older", "1d", f"s3://{bucket}/").stdout == b""
    assert ctl("find", "--size", "1", f"s3://{bucket}/", check=False).returncode == 2


def test_doctor_names_what_is_wrong(ctl, server):
    ok = ctl("doctor")
    assert ok.returncode == 0 and "FAIL" not in ok.stdout.decode()
    bad = ctl("doctor", env_extra={"LAKESTORE_SECRET_KEY": "not-the-secret"}, check=False)
    assert bad.returncode == 1 and "the secret key is wrong" in bad.stdout.decode()
    down = ctl("doctor", env_extra={"LAKESTORE_ENDPOINT": "http://127.0.0.1:1"}, check=False)
    assert down.returncode == 1 and "is the server running" in down.stdout.decode()


def test_completion_scripts(ctl):
    for shell in ["bash", "zsh", "fish"]:
        script = ctl("completion", shell).stdout.decode()
        assert "lakectl" in script and "sync" in script
    assert ctl("completion", "tcsh", check=False).returncode == 2


def test_upload_killed_with_sigkill_resumes_and_completes(ctl, s3, bucket, tmpdir_path):
    src = os.path.join(tmpdir_path, "resume.bin")
    data = os.urandom(48 * 1024 * 1024)
    with open(src, "wb") as f:
        f.write(data)
    journal = os.path.join(tmpdir_path, ".resume.bin.lakeupload")
    cmd = [LAKECTL, "cp", "-q", "--part-size", "5M", "-j", "1", src, f"s3://{bucket}/resume.bin"]
    p = subprocess.Popen(cmd, env=ctl.env, stderr=subprocess.PIPE)
    upload_id = None
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        if uploads:
            upload_id = uploads[0]["UploadId"]
            parts = s3.list_parts(Bucket=bucket, Key="resume.bin", UploadId=upload_id).get("Parts", [])
            if len(parts) >= 3:
                break
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    assert upload_id, "the upload never started"
    # A part whose body had fully arrived when lakectl died is still committed by the server
    # after the kill: count the parts once the count has stopped moving.
    def part_count():
        return len(s3.list_parts(Bucket=bucket, Key="resume.bin", UploadId=upload_id).get("Parts", []))
    done_before = part_count()
    settle = time.time() + 10
    while time.time() < settle:
        time.sleep(0.3)
        now = part_count()
        if now == done_before:
            break
        done_before = now
    assert 0 < done_before < 10, f"{done_before} parts were sent before the kill"
    assert os.path.exists(journal), "no journal was left beside the file"
    # The rerun finds the journal, sends only the missing parts, and completes that upload.
    r = ctl("cp", "--part-size", "5M", "-j", "1", "--debug", src, f"s3://{bucket}/resume.bin")
    sent = r.stderr.decode().count("> PUT ")
    assert sent == 10 - done_before, f"{sent} parts sent again, {done_before} were already there"
    assert s3.get_object(Bucket=bucket, Key="resume.bin")["Body"].read() == data
    assert s3.head_object(Bucket=bucket, Key="resume.bin")["ETag"].strip('"').endswith("-10")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert not os.path.exists(journal)


def test_a_changed_file_does_not_resume_the_old_upload(ctl, s3, bucket, tmpdir_path):
    src = os.path.join(tmpdir_path, "changed.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(20 * 1024 * 1024))
    journal = os.path.join(tmpdir_path, ".changed.bin.lakeupload")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="changed.bin")["UploadId"]
    st = os.stat(src)
    with open(journal, "w") as f:
        json.dump({"bucket": bucket, "key": "changed.bin", "uploadId": upload, "size": st.st_size,
                   "modifiedNanoseconds": st.st_mtime_ns - 1, "partSize": 5 << 20, "checksum": None}, f)
    ctl("cp", "--part-size", "5M", "--checksum", "none", src, f"s3://{bucket}/changed.bin")
    assert s3.get_object(Bucket=bucket, Key="changed.bin")["Body"].read() == open(src, "rb").read()
    # The stale upload was not used (it is still there, for the server's expiry to collect).
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])] == [upload]


def test_transfers_ride_out_a_server_restart(tmpdir_path, ctl):
    """lakectl retries connection failures with backoff: a recursive upload running while the
    server restarts (same port, same data) completes, every file intact."""
    from conftest import Server, make_client

    import socket

    def free_port():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    class FixedPort(Server):
        port = 0

        def command(self):
            return [a if a != "127.0.0.1:0" else f"127.0.0.1:{self.port}" for a in super().command()]

    data_dir = os.path.join(tmpdir_path, "restart-data")
    # The restart needs the same port, so the server gets a fixed one: a port free a moment
    # ago, another one should something take it meanwhile (it was once port + 1 of the other
    # server, which a client connection's own port had taken).
    for attempt in range(5):
        srv = FixedPort(data_dir)
        srv.port = free_port()
        try:
            srv.start()
            break
        except RuntimeError as error:
            if "already in use" not in str(error) or attempt == 4:
                raise
    try:
        s3 = make_client(srv.endpoint)
        s3.create_bucket(Bucket="restart")
        src = os.path.join(tmpdir_path, "many")
        os.makedirs(src)
        payloads = {}
        for i in range(400):
            payloads[f"f{i:04d}"] = os.urandom(2048 + i)
            with open(os.path.join(src, f"f{i:04d}"), "wb") as f:
                f.write(payloads[f"f{i:04d}"])
        env = dict(ctl.env, LAKESTORE_ENDPOINT=srv.endpoint)
        p = subprocess.Popen([LAKECTL, "cp", "-r", "-q", "-j", "2", src, "s3://restart/r/"], env=env,
                             stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline and s3.list_objects_v2(Bucket="restart").get("KeyCount", 0) < 20:
            time.sleep(0.01)
        srv.stop()
        time.sleep(0.5)
        srv.start()
        assert p.wait(timeout=120) == 0, p.stderr.read()
        s3 = make_client(srv.endpoint)
        for name, body in payloads.items():
            assert s3.get_object(Bucket="restart", Key=f"r/{name}")["Body"].read() == body
    finally:
        srv.stop()


def test_example_ingestion_job_writes_partitions_once(ctl, s3, bucket, tmpdir_path):
    example = os.path.join(os.path.dirname(LAKECTL), "lake-ingest-example")
    src = os.path.join(tmpdir_path, "orders.csv")
    rows = [f"{i},2024-{1 + i % 3:02d}-{1 + i % 28:02d},{i * 1.5}" for i in range(250)]
    with open(src, "w") as f:
        f.write("id,date,amount\n" + "\n".join(rows) + "\n")
    cmd = [example, src, f"s3://{bucket}/orders", "--rows-per-part", "50"]
    first = subprocess.run(cmd, capture_output=True, env=ctl.env, timeout=120)
    assert first.returncode == 0, first.stderr
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    # 250 rows over 3 months: 84/83/83 rows, parts of 50 -> 2 parts per month.
    assert keys == [f"orders/year=2024/month={m:02d}/part-{p:05d}-orders.csv" for m in (1, 2, 3) for p in (0, 1)]
    assert first.stdout.decode().strip() == "wrote 6 parts, 0 already stored"
    body = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read().decode().splitlines()
    assert body[0] == "id,date,amount" and all(",2024-01-" in line for line in body[1:])
    # A rerun (as after a kill) writes nothing twice; a lost part is written again.
    s3.delete_object(Bucket=bucket, Key=keys[3])
    again = subprocess.run(cmd, capture_output=True, env=ctl.env, timeout=120)
    assert again.returncode == 0 and again.stdout.decode().strip() == "wrote 1 parts, 5 already stored"
    stored = sum(len(s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode().splitlines()) - 1 for k in keys)
    assert stored == 250


def test_catalog_verbs_query_datasets_and_changes(ctl, s3, bucket):
    for month in (4, 5, 6):
        body = "".join(f"{i},{month * 100 + i}\n" for i in range(3))
        s3.put_object(Bucket=bucket, Key=f"sales/year=2024/month={month:02d}/p.csv", Body=b"id,amount\n" + body.encode())
    s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"hello\n")
    deadline = time.time() + 30
    while time.time() < deadline:
        files = json_lines(ctl("query", "--json", f"s3://{bucket}/sales"))
        if len(files) == 3:
            break
        time.sleep(0.1)
    found = json_lines(ctl("query", "--json", "--where", "month>=05 AND amount>550", f"s3://{bucket}/sales"))
    assert [f["key"] for f in found] == ["sales/year=2024/month=06/p.csv"]
    assert found[0]["rows"] == 3 and found[0]["format"] == "csv"
    table = ctl("query", "--where", "month IN (4, 5)", f"s3://{bucket}/sales").stdout.decode()
    assert "month=04" in table and "month=05" in table and "month=06" not in table
    bad = ctl("query", "--where", "month >= AND x", f"s3://{bucket}/sales", check=False)
    assert bad.returncode != 0 and b"^" in bad.stderr and b"AND" in bad.stderr

    datasets = json_lines(ctl("datasets", "--json", f"s3://{bucket}"))
    assert [(d["name"], d["files"]) for d in datasets] == [("", 1), ("sales", 3)]
    assert [p["name"] for p in datasets[1]["partitions"]] == ["year", "month"]

    changes = json_lines(ctl("changes", "--json", f"s3://{bucket}"))
    assert [c["key"] for c in changes][-1] == "notes.txt"
    later = json_lines(ctl("changes", "--json", "--since", str(changes[-2]["sequence"]), f"s3://{bucket}"))
    assert [c["key"] for c in later] == ["notes.txt"]


def test_catalog_views_partitions_schema_manifest_and_ducklake(ctl, s3, bucket, tmpdir_path):
    import csv
    import io
    import sqlite3

    import pyarrow as pa
    import pyarrow.parquet as pq

    for month in (4, 5, 6):
        body = "".join(f"{i},{month * 100 + i}\n" for i in range(3))
        s3.put_object(Bucket=bucket, Key=f"sales/year=2024/month={month:02d}/p.csv", Body=b"id,amount\n" + body.encode())
    s3.put_object(Bucket=bucket, Key="sales/year=2025/month=01/p.csv", Body=b"id,amount,note\n1,2.5,x\n")
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"id": [1, 2]}), sink)
    s3.put_object(Bucket=bucket, Key="t/part-0.parquet", Body=sink.getvalue().to_pybytes())
    deadline = time.time() + 30
    while len(json_lines(ctl("query", "--json", f"s3://{bucket}/sales"))) < 4 or not json_lines(
        ctl("query", "--json", f"s3://{bucket}/t")
    ):
        assert time.time() < deadline
        time.sleep(0.1)

    columns = json_lines(ctl("partitions", "--json", f"s3://{bucket}/sales"))
    assert [(c["name"], [(v["value"], v["files"]) for v in c["values"]]) for c in columns] == [
        ("year", [("2024", 3), ("2025", 1)]),
        ("month", [("01", 1), ("04", 1), ("05", 1), ("06", 1)]),
    ]
    table = ctl("partitions", "--column", "year", f"s3://{bucket}/sales").stdout.decode()
    assert "2024" in table and "month" not in table

    schema = json_lines(ctl("schema", "--json", f"s3://{bucket}/sales"))[0]
    assert schema["drift"] is True and [c["name"] for c in schema["columns"]] == ["id", "amount", "note"]
    text = ctl("schema", f"s3://{bucket}/sales").stdout.decode()
    assert "integer:3 decimal:1" in text and "schema drift: 2 schemas over 4 files" in text

    manifest = ctl("manifest", "--format", "csv", "--where", "year=2024", f"s3://{bucket}/sales").stdout.decode()
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert [(r["month"], r["rows"], r["amount.max"]) for r in rows] == [("04", "3", "402"), ("05", "3", "502"), ("06", "3", "602")]
    out = os.path.join(tmpdir_path, "m.jsonl")
    done = ctl("manifest", "-o", out, f"s3://{bucket}/sales")
    assert b"4 files" in done.stderr
    with open(out) as f:
        assert [json.loads(line)["key"] for line in f] == sorted(
            [f"sales/year=2024/month={m:02d}/p.csv" for m in (4, 5, 6)] + ["sales/year=2025/month=01/p.csv"])

    copy = os.path.join(tmpdir_path, "lake.sqlite")
    deadline = time.time() + 30
    while True:
        ctl("ducklake", f"s3://{bucket}", "-o", copy, check=False)
        if os.path.exists(copy):
            with sqlite3.connect(copy) as db:
                if db.execute("SELECT count(*) FROM ducklake_data_file WHERE end_snapshot IS NULL").fetchone()[0] == 1:
                    break
        assert time.time() < deadline
        time.sleep(0.2)
    assert not [n for n in os.listdir(tmpdir_path) if n.startswith(".lake.sqlite.lakectl")]
