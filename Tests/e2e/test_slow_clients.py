"""Slow clients cannot starve the server (issue 11 §5): 500 connections trickle PUT bodies
and 100 read a 64 MiB GET slowly, while a normal client's PUT, GET and LIST keep answering
within a small multiple of their idle-server latency; nothing stored is harmed."""

import hashlib
import os
import resource
import selectors
import socket
import statistics
import time

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ACCESS_KEY, REGION, SECRET_KEY, make_client

TRICKLERS = 500
SLOW_READERS = 100
BIG = 64 << 20


def signed_head(server, method, path, headers=None):
    """A SigV4-signed request head (UNSIGNED-PAYLOAD) as bytes."""
    url = f"{server.endpoint}{path}"
    request = AWSRequest(method=method, url=url, headers=dict(headers or {}))
    request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(request)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "host"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def timed(operation):
    start = time.monotonic()
    operation()
    return time.monotonic() - start


def measure(client, rounds, tag):
    """Latencies (seconds) of a 4 KiB PUT, a GET of it and a LIST, `rounds` times each."""
    body = os.urandom(4096)
    result = {"put": [], "get": [], "list": []}
    for i in range(rounds):
        key = f"normal/{tag}-{i}.bin"
        result["put"].append(timed(lambda: client.put_object(Bucket="lake", Key=key, Body=body)))
        result["get"].append(timed(lambda: client.get_object(Bucket="lake", Key=key)["Body"].read()))
        result["list"].append(timed(lambda: client.list_objects_v2(Bucket="lake", Prefix="normal/")))
    return result


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_slow_clients_cannot_starve_the_server(server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    client = make_client(server.endpoint, read_timeout=30)
    client.create_bucket(Bucket="lake")
    big = os.urandom(BIG)
    client.put_object(Bucket="lake", Key="big.bin", Body=big)
    stored = {f"kept/{i}.bin": os.urandom(10_000) for i in range(20)}
    for key, body in stored.items():
        client.put_object(Bucket="lake", Key=key, Body=body)
    measure(client, 3, "warm")
    idle = measure(client, 10, "idle")
    idle_rss = rss_mib(server.proc.pid)

    selector = selectors.DefaultSelector()
    tricklers = []
    for i in range(TRICKLERS):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(signed_head(server, "PUT", f"/lake/trickle/{i}.bin", {"Content-Length": str(1 << 20)}))
        s.sendall(b"x")
        s.setblocking(False)
        tricklers.append(s)
    readers = []
    for i in range(SLOW_READERS):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        s.connect(("127.0.0.1", server.port))
        s.sendall(signed_head(server, "GET", "/lake/big.bin"))
        s.setblocking(False)
        readers.append(s)
        selector.register(s, selectors.EVENT_READ)
    received = 0
    loaded = {"put": [], "get": [], "list": []}
    try:
        deadline = time.monotonic() + 8
        round_number = 0
        while time.monotonic() < deadline:
            for s in tricklers:
                try:
                    s.send(b"x")  # one byte per connection per round
                except (BlockingIOError, OSError):
                    pass
            for key, _ in selector.select(timeout=0):
                try:
                    received += len(key.fileobj.recv(1024))  # 1 KiB per reader per round
                except (BlockingIOError, OSError):
                    pass
            sample = measure(client, 1, f"load-{round_number}")
            for op, values in sample.items():
                loaded[op] += values
            round_number += 1
            time.sleep(0.05)
        loaded_rss = rss_mib(server.proc.pid)
        assert server.proc.poll() is None
    finally:
        for s in tricklers + readers:
            s.close()
        selector.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    report = []
    for op in ("put", "get", "list"):
        idle_p50 = statistics.median(idle[op])
        load_p50 = statistics.median(loaded[op])
        worst = max(loaded[op])
        report.append(f"{op}: idle p50 {idle_p50 * 1000:.1f} ms, under load p50 "
                      f"{load_p50 * 1000:.1f} ms (x{load_p50 / idle_p50:.1f}), max {worst * 1000:.1f} ms")
        # Generous bounds: a normal request never waits behind the slow ones.
        assert load_p50 < max(20 * idle_p50, 0.05), report[-1]
        assert worst < 2.0, report[-1]
    report.append(f"rounds {len(loaded['put'])}, slow readers received {received} bytes, "
                  f"RSS idle {idle_rss:.0f} MiB, under load {loaded_rss:.0f} MiB")
    print("\n".join(report))
    assert loaded_rss < idle_rss + 512, report[-1]

    # Nothing stored was harmed, and no trickled upload became an object.
    client = make_client(server.endpoint, read_timeout=60)
    assert hashlib.md5(client.get_object(Bucket="lake", Key="big.bin")["Body"].read()).digest() == \
        hashlib.md5(big).digest()
    for key, body in stored.items():
        assert client.get_object(Bucket="lake", Key=key)["Body"].read() == body
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="lake", Prefix="trickle/").get("Contents", [])]
    assert keys == []
