"""kill -9 at random moments while writing; every acknowledged object must survive intact,
listings must agree with reads and with the bytes on disk, and no temp litter may remain."""

import hashlib
import os
import random
import sqlite3
import threading
import time

import botocore

from conftest import Server, make_client

ROUNDS = int(os.environ.get("LAKESTORE_CRASH_ROUNDS", "20"))


def writer_loop(endpoint, acked, stop, seed, killed):
    rng = random.Random(seed)
    client = make_client(endpoint, connect_timeout=2, read_timeout=5)
    n = 0
    while not stop.is_set():
        key = f"crash/w{seed}/k{rng.randrange(40)}.bin"
        body = os.urandom(rng.choice([0, 100, 4096, 70_000, 600_000]))
        try:
            if rng.random() < 0.15:
                client.delete_object(Bucket="crash", Key=key)
                acked[key] = None
            else:
                client.put_object(Bucket="crash", Key=key, Body=body)
                acked[key] = hashlib.md5(body).hexdigest()
        except Exception as e:
            # The write may or may not have happened; either state is allowed for that key.
            acked.pop(key, None)
            acked.setdefault("__uncertain__", set()).add(key)
            if not killed.is_set():
                # Before the kill the server must answer every write: a refusal, an error or a
                # dropped connection then is a failure of the server, not an effect of kill -9.
                acked["__failure__"] = f"{key}: {e!r}"
            return
        n += 1


def test_kill9_during_writes(tmpdir_path):
    data = os.path.join(tmpdir_path, "crash-data")
    rng = random.Random(1234)
    state = {}  # key -> md5 or None (deleted), for acknowledged writes only
    uncertain = set()
    acknowledged = 0
    for round_number in range(ROUNDS):
        server = Server(data).start()
        client = make_client(server.endpoint)
        if round_number == 0:
            client.create_bucket(Bucket="crash")
        verify(client, data, state, uncertain)
        stop = threading.Event()
        killed = threading.Event()
        results = [dict() for _ in range(3)]
        threads = [
            threading.Thread(
                target=writer_loop, args=(server.endpoint, results[i], stop, round_number * 10 + i, killed)
            )
            for i in range(3)
        ]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.05, 0.8))
        killed.set()
        server.kill9()
        stop.set()
        for t in threads:
            t.join()
        failures = [r.pop("__failure__") for r in results if "__failure__" in r]
        assert failures == [], f"writes failed before the kill: {failures}"
        for r in results:
            acknowledged += len([k for k in r if k != "__uncertain__"])
            for key in r.pop("__uncertain__", set()):
                uncertain.add(key)
                state.pop(key, None)
            for key, md5 in r.items():
                state[key] = md5
                uncertain.discard(key)
    assert acknowledged > 0, "no write was acknowledged in any round"
    server = Server(data).start()
    try:
        verify(make_client(server.endpoint), data, state, uncertain)
    finally:
        assert server.stop() == 0
    # Recovery settled every interrupted write: no intent is left in the catalog.
    db = sqlite3.connect(os.path.join(data, ".lakestore", "catalog.db"))
    try:
        assert db.execute("SELECT count(*) FROM intents").fetchone()[0] == 0
    finally:
        db.close()


def verify(client, data, state, uncertain):
    listed = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket="crash"):
        for obj in page.get("Contents", []):
            listed[obj["Key"]] = obj
    for key, md5 in state.items():
        if md5 is None:
            assert key not in listed, f"deleted {key} came back"
            continue
        assert key in listed, f"acknowledged {key} is missing"
        body = client.get_object(Bucket="crash", Key=key)["Body"].read()
        assert hashlib.md5(body).hexdigest() == md5, f"{key} has wrong bytes"
        assert listed[key]["ETag"] == f'"{md5}"' and listed[key]["Size"] == len(body)
    for key, obj in listed.items():
        got = client.get_object(Bucket="crash", Key=key)
        body = got["Body"].read()
        assert len(body) == obj["Size"] and f'"{hashlib.md5(body).hexdigest()}"' == obj["ETag"], key
        with open(os.path.join(data, "crash", key), "rb") as f:
            assert f.read() == body, f"{key}: disk and GET disagree"
        assert key in state or key in uncertain, f"{key} was never written"
    assert os.listdir(os.path.join(data, ".lakestore", "tmp")) == []
