"""Fault injection against the real binary (issue 11 §4): every step of PUT, overwrite and
DELETE fails in turn (EIO, ENOSPC, EROFS) or the process is killed there, through the
debug-only LAKESTORE_TEST_FAULTS hook. The client gets a clean S3 error naming nothing
internal, the log names the failed step, no acknowledged object changes, nothing
unacknowledged becomes visible, the server keeps serving, and after a restart there are no
intents, no temp files and fsck is clean."""

import hashlib
import os
import sqlite3
import subprocess

import botocore
import pytest

from conftest import BINARY, Server, make_client

VICTIM = "victim/year=2024/part-0.csv"
BYSTANDER = "bystander/year=2024/part-0.csv"
OLD = b"old,acknowledged\n" * 200
NEW = b"new,unacknowledged\n" * 300

# What each step's log line says (LakeError's description starts with the operation).
STEP_LOG = {
    "create-temp": "create .lakestore/tmp/",
    "write": "write .lakestore/tmp/",
    "sync-file": "fsync .lakestore/tmp/",
    "intent": "catalog intent",
    "keep-replaced": "link (keep replaced)",
    "rename": "rename lake/victim/",
    "unlink": "unlink lake/victim/",
    "sync-directory": "fsync directory of lake/victim/",
    "catalog-commit": "catalog commit",
}

# (operation, step, matching calls to let pass first: the set-up PUT of the old version
# goes through every PUT step once, and never through keep-replaced or unlink).
CASES = (
    [("put-new", s, 0) for s in
     ["create-temp", "write", "sync-file", "intent", "rename", "sync-directory", "catalog-commit"]]
    + [("overwrite", s, 1) for s in
       ["create-temp", "write", "sync-file", "intent", "rename", "sync-directory", "catalog-commit"]]
    + [("overwrite", "keep-replaced", 0)]
    + [("delete", s, 1) for s in ["intent", "sync-directory", "catalog-commit"]]
    + [("delete", "unlink", 0)]
)
ERRNOS = {"EIO": (500, "InternalError"), "ENOSPC": (507, "InsufficientStorage"),
          "EROFS": (500, "InternalError")}


def error_code(exc):
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]


def pending_intents(data):
    db = sqlite3.connect(os.path.join(data, ".lakestore", "catalog.db"))
    try:
        return db.execute("SELECT count(*) FROM intents").fetchone()[0]
    finally:
        db.close()


def assert_clean_restart(data, expect_victim):
    """Restart without faults (recovery runs), check the victim, then stop and check that no
    intent or temp file is left and that fsck finds nothing."""
    server = Server(data).start()
    try:
        client = make_client(server.endpoint)
        assert client.get_object(Bucket="lake", Key=BYSTANDER)["Body"].read() == b"bystander"
        assert_victim(client, expect_victim)
    finally:
        assert server.stop() == 0
    assert pending_intents(data) == 0, "a recovery intent was left behind"
    assert os.listdir(os.path.join(data, ".lakestore", "tmp")) == []
    fsck = subprocess.run([BINARY, "fsck", "--data", data], capture_output=True, text=True,
                          timeout=60)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def assert_victim(client, expected):
    if expected is None:
        with pytest.raises(botocore.exceptions.ClientError) as info:
            client.get_object(Bucket="lake", Key=VICTIM)
        assert error_code(info.value) == ("NoSuchKey", 404)
        keys = [o["Key"] for o in client.list_objects_v2(Bucket="lake").get("Contents", [])]
        assert VICTIM not in keys
    else:
        got = client.get_object(Bucket="lake", Key=VICTIM)
        body = got["Body"].read()
        assert body == expected
        assert got["ETag"] == f'"{hashlib.md5(expected).hexdigest()}"'


@pytest.mark.parametrize("errno_name", list(ERRNOS))
@pytest.mark.parametrize("operation,step,skip", CASES, ids=[f"{o}-{s}" for o, s, _ in CASES])
def test_step_fails_cleanly(tmpdir_path, operation, step, skip, errno_name):
    data = os.path.join(tmpdir_path, "data")
    faults = f"{step}:{errno_name}:lake/victim/:{skip}"
    server = Server(data, env={"LAKESTORE_TEST_FAULTS": faults}).start()
    try:
        client = make_client(server.endpoint)
        client.create_bucket(Bucket="lake")
        client.put_object(Bucket="lake", Key=BYSTANDER, Body=b"bystander")
        before = None
        if operation != "put-new":
            client.put_object(Bucket="lake", Key=VICTIM, Body=OLD)
            before = OLD
        with pytest.raises(botocore.exceptions.ClientError) as info:
            if operation == "delete":
                client.delete_object(Bucket="lake", Key=VICTIM)
            else:
                client.put_object(Bucket="lake", Key=VICTIM, Body=NEW)
        status, code = ERRNOS[errno_name]
        assert error_code(info.value) == (code, status)
        assert info.value.response["ResponseMetadata"]["RequestId"]
        # The key shows what it showed before; other requests go on while the fault stays.
        assert_victim(client, before)
        client.put_object(Bucket="lake", Key="other/after-fault.csv", Body=b"fine")
        assert client.get_object(Bucket="lake", Key="other/after-fault.csv")["Body"].read() == b"fine"
        log = server.read_log()
        assert any(STEP_LOG[step] in line and f"({errno_name}" not in line and errno_name in line
                   for line in log.splitlines() if "failed" in line), log[-3000:]
    finally:
        assert server.stop() == 0
    assert_clean_restart(data, before)


BIG = 12 << 20  # past the 4 MiB pipelined-hashing threshold and the 8 MiB writeback interval

# (operation, step, skip, what the key shows after recovery: "old", "new" or None (absent)).
KILL_CASES = [
    ("put-new", "create-temp", 0, None),
    ("put-new", "write", 5, None),
    ("put-new", "sync-file", 0, None),
    ("put-new", "intent", 0, None),
    ("put-new", "rename", 0, None),
    ("put-new", "sync-directory", 0, "new"),
    ("put-new", "catalog-commit", 0, "new"),
    ("overwrite", "write", 6, "old"),
    ("overwrite", "sync-file", 1, "old"),
    ("overwrite", "keep-replaced", 0, "old"),
    ("overwrite", "rename", 1, "old"),
    ("overwrite", "sync-directory", 1, "new"),
    ("overwrite", "catalog-commit", 1, "new"),
    ("delete", "intent", 1, "old"),
    ("delete", "unlink", 0, None),  # the intent is committed: recovery finishes the delete
    ("delete", "sync-directory", 1, None),
    ("delete", "catalog-commit", 1, None),
]


@pytest.mark.parametrize("operation,step,skip,after", KILL_CASES,
                         ids=[f"{o}-{s}" for o, s, _, _ in KILL_CASES])
def test_kill9_at_step(tmpdir_path, operation, step, skip, after):
    """SIGKILL at a chosen step (big objects, so the hashing pipeline and early writeback are
    mid-flight): recovery leaves the key wholly old or wholly new, never a mix, as the step
    implies (before the rename: old; after it: rolled forward), and no intent behind."""
    data = os.path.join(tmpdir_path, "data")
    # The old version of the write case is small (one write call), so the skip count lands
    # the kill mid-way through the new version's body.
    old = os.urandom(3000 if step == "write" else BIG)
    new = os.urandom(BIG + 12345)
    server = Server(data, env={"LAKESTORE_TEST_FAULTS": f"{step}:kill:lake/victim/:{skip}"}).start()
    client = make_client(server.endpoint, connect_timeout=5, read_timeout=30)
    client.create_bucket(Bucket="lake")
    client.put_object(Bucket="lake", Key=BYSTANDER, Body=b"bystander")
    if operation != "put-new":
        client.put_object(Bucket="lake", Key=VICTIM, Body=old)
    with pytest.raises((botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)):
        if operation == "delete":
            client.delete_object(Bucket="lake", Key=VICTIM)
        else:
            client.put_object(Bucket="lake", Key=VICTIM, Body=new)
    server.proc.wait(timeout=10)
    assert server.proc.returncode == -9, "the server was not killed at the step"
    server.kill9()
    assert_clean_restart(data, {"old": old, "new": new, None: None}[after])


# CompleteMultipartUpload over an existing object: (step, matching calls to let pass first,
# what the key shows after recovery). The old version's PUT and the two UploadParts pass
# create-temp, sync-file, rename, sync-directory and catalog-commit once each (the PUT also
# the intent); assemble and keep-replaced are the Complete's own.
COMPLETE_KILL_CASES = [
    ("create-temp", 3, "old"),
    ("assemble", 1, "old"),  # after the first part was copied
    ("sync-file", 3, "old"),
    ("intent", 1, "old"),
    ("keep-replaced", 0, "old"),
    ("rename", 3, "old"),
    ("sync-directory", 3, "new"),
    ("catalog-commit", 3, "new"),
]


@pytest.mark.parametrize("step,skip,after", COMPLETE_KILL_CASES, ids=[c[0] for c in COMPLETE_KILL_CASES])
def test_kill9_during_complete(tmpdir_path, step, skip, after):
    """SIGKILL at each step of a Complete: after recovery the key is wholly old with the upload
    and all its parts still there (a second Complete then works), or wholly the new object
    with the upload gone; never half of one."""
    data = os.path.join(tmpdir_path, "data")
    old = os.urandom(1 << 20)
    parts = [os.urandom(6 << 20), os.urandom(3 << 20)]
    server = Server(data, env={"LAKESTORE_TEST_FAULTS": f"{step}:kill:lake/victim/:{skip}"}).start()
    client = make_client(server.endpoint, connect_timeout=5, read_timeout=30)
    client.create_bucket(Bucket="lake")
    client.put_object(Bucket="lake", Key=BYSTANDER, Body=b"bystander")
    client.put_object(Bucket="lake", Key=VICTIM, Body=old)
    upload_id = client.create_multipart_upload(Bucket="lake", Key=VICTIM)["UploadId"]
    done = []
    for number, body in enumerate(parts, 1):
        etag = client.upload_part(Bucket="lake", Key=VICTIM, UploadId=upload_id, PartNumber=number, Body=body)["ETag"]
        done.append({"PartNumber": number, "ETag": etag})
    with pytest.raises((botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)):
        client.complete_multipart_upload(Bucket="lake", Key=VICTIM, UploadId=upload_id, MultipartUpload={"Parts": done})
    server.proc.wait(timeout=10)
    assert server.proc.returncode == -9, "the server was not killed at the step"
    server.kill9()
    new = b"".join(parts)
    server = Server(data).start()
    try:
        client = make_client(server.endpoint)
        body = client.get_object(Bucket="lake", Key=VICTIM)["Body"].read()
        uploads = client.list_multipart_uploads(Bucket="lake").get("Uploads", [])
        if after == "old":
            assert body == old
            assert [u["UploadId"] for u in uploads] == [upload_id]
            listed = client.list_parts(Bucket="lake", Key=VICTIM, UploadId=upload_id)["Parts"]
            assert [(p["PartNumber"], p["ETag"]) for p in listed] == [(d["PartNumber"], d["ETag"]) for d in done]
            client.complete_multipart_upload(Bucket="lake", Key=VICTIM, UploadId=upload_id, MultipartUpload={"Parts": done})
        else:
            assert body == new
            assert uploads == []
        assert client.get_object(Bucket="lake", Key=VICTIM)["Body"].read() == new
    finally:
        assert server.stop() == 0
    assert pending_intents(data) == 0
    assert os.listdir(os.path.join(data, ".lakestore", "tmp")) == []
    assert os.listdir(os.path.join(data, ".lakestore", "uploads")) == []
    fsck = subprocess.run([BINARY, "fsck", "--data", data], capture_output=True, text=True, timeout=60)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
