"""Start-up, configuration, limits and shutdown of the lakestore binary."""

import os
import re
import signal
import socket
import stat
import subprocess
import threading
import time

import pytest

from conftest import BINARY, Server, curl, make_client


def test_first_start_generates_credentials_once(tmpdir_path):
    data = os.path.join(tmpdir_path, "fresh")
    s = Server(data, credentials=False).start()
    rest = s.read_banner_rest()
    banner = "\n".join(s.banner + rest)
    cred_path = os.path.join(data, ".lakestore", "credentials")
    assert stat.S_IMODE(os.stat(cred_path).st_mode) == 0o600
    access, secret = open(cred_path).read().strip().split(":", 1)
    assert f"access key: {access}" in banner and f"secret key: {secret}" in banner
    # The curl line printed in the banner works as it is.
    status, _, body = curl(s, path="/", user=f"{access}:{secret}")
    assert status == 200 and b"ListAllMyBucketsResult" in body
    assert secret not in s.read_log()
    assert s.stop() == 0
    s2 = Server(data, credentials=False).start()
    banner2 = "\n".join(s2.banner + s2.read_banner_rest())
    assert secret not in banner2 and access in banner2
    assert s2.stop() == 0


def test_environment_variables_and_flags(tmpdir_path):
    data = os.path.join(tmpdir_path, "envdata")
    env = {"LAKESTORE_DATA": data, "LAKESTORE_ACCESS_KEY": "ENVKEY", "LAKESTORE_SECRET_KEY": "env-secret-123", "LAKESTORE_ADDRESS": "127.0.0.1:0"}
    proc = subprocess.Popen([BINARY, "serve"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, **env}, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        endpoint = line.split(" ", 2)[2]
        s3 = make_client(endpoint, access_key="ENVKEY", secret_key="env-secret-123")
        s3.create_bucket(Bucket="from-env")
        assert os.path.isdir(os.path.join(data, "from-env"))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--address", "nonsense"], "HOST:PORT"),
        (["--max-connections", "0"], "max-connections"),
        (["--anonymous", "maybe"], "none, read or write"),
        (["--access-key", "onlyone"], "both"),
    ],
)
def test_bad_configuration_exits_2(tmpdir_path, args, message):
    result = subprocess.run(
        [BINARY, "serve", "--data", os.path.join(tmpdir_path, "d")] + args,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result
    assert message in result.stderr
    assert result.stderr.count("\n") <= 2


def test_config_file(tmpdir_path):
    data = os.path.join(tmpdir_path, "cfgdata")
    cfg = os.path.join(tmpdir_path, "lakestore.toml")
    with open(cfg, "w") as f:
        f.write(f'# test\ndata = "{data}"\naccess_key = "FILEKEY"\nsecret_key = "file-secret-1"\nmax_object_size = "1K"\n')
    s = Server(data, args=["--config", cfg], credentials=False)
    s.data_dir = data
    s.start()
    try:
        s3 = make_client(s.endpoint, access_key="FILEKEY", secret_key="file-secret-1")
        s3.create_bucket(Bucket="cfg")
        s3.put_object(Bucket="cfg", Key="small", Body=b"x" * 1024)
        import botocore

        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.put_object(Bucket="cfg", Key="big", Body=b"x" * 1025)
        assert e.value.response["Error"]["Code"] == "EntityTooLarge"
    finally:
        s.stop()
    with open(cfg, "a") as f:
        f.write("no_such_setting = 1\n")
    result = subprocess.run([BINARY, "serve", "--config", cfg], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no_such_setting" in result.stderr


def test_help_lists_every_setting():
    out = subprocess.run([BINARY, "serve", "--help"], capture_output=True, text=True, timeout=60).stdout
    for flag in ["--data", "--address", "--access-key", "--secret-key", "--max-connections", "--header-timeout", "--idle-timeout", "--body-timeout", "--max-object-size", "--anonymous"]:
        assert flag in out
    assert "LAKESTORE_DATA" in out
    # Every setting the configuration guide documents has its flag and variable in --help,
    # and the example config names every one of them.
    docs = os.path.join(os.path.dirname(__file__), "..", "..", "Docs", "configuration.md")
    example = os.path.join(os.path.dirname(__file__), "..", "..", "config", "lakestore.example.toml")
    with open(docs) as f:
        rows = re.findall(r"^\| `([a-z_]+)` \| `(--[a-z-]+)` \| `(LAKESTORE_[A-Z_]+)` \|", f.read(), re.M)
    with open(example) as f:
        example_text = f.read()
    assert len(rows) >= 25
    for key, flag, variable in rows:
        assert flag + " " in out, flag
        assert variable in out, variable
        assert re.search(r"^#? ?%s = " % key, example_text, re.M), key


def raw_exchange(server, payload, read_timeout=10):
    with socket.create_connection(("127.0.0.1", server.port), timeout=read_timeout) as sock:
        sock.sendall(payload)
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except socket.timeout:
            pass
        return b"".join(chunks)


def assert_s3_error(response, status, code):
    """An HTTP-layer refusal is still an S3 error document with a request ID."""
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 %d " % status), lines[0]
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/xml"
    request_id = headers["x-amz-request-id"]
    assert len(body) == int(headers["content-length"])
    text = body.decode()
    assert "<Code>%s</Code>" % code in text
    assert "<RequestId>%s</RequestId>" % request_id in text
    assert "<Message>" in text


def test_header_limits(server):
    big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (70 * 1024) + b"\r\n\r\n"
    assert_s3_error(raw_exchange(server, big), 431, "RequestHeaderSectionTooLarge")
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n"
    assert_s3_error(raw_exchange(server, many), 431, "RequestHeaderSectionTooLarge")
    garbage = b"THIS IS NOT HTTP\r\n\r\n"
    assert_s3_error(raw_exchange(server, garbage), 400, "BadRequest")
    version = b"GET / HTTP/2.0\r\nHost: x\r\n\r\n"
    assert_s3_error(raw_exchange(server, version), 505, "HttpVersionNotSupported")


def test_expect_100_continue_is_answered_before_the_body(server):
    # RFC 9110 §10.1.1: a client sending Expect: 100-continue waits for the interim answer
    # before its body; the server must send it at once, not let the client's timeout expire.
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import ACCESS_KEY, SECRET_KEY

    make_client(server.endpoint).create_bucket(Bucket="expect")
    body = os.urandom(100_000)
    req = AWSRequest(method="PUT", url=f"{server.endpoint}/expect/obj", data=body)
    req.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(req)
    head = f"PUT /expect/obj HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Length: {len(body)}\r\n"
    head += "Expect: 100-continue\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in req.headers.items() if k.lower() != "content-length") + "\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
        start = time.monotonic()
        sock.sendall(head.encode())
        interim = b""
        try:
            while b"\r\n\r\n" not in interim:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                interim += chunk
        except socket.timeout:
            pass
        elapsed = time.monotonic() - start
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n", f"after {elapsed:.2f}s: {interim!r}"
        assert elapsed < 1, f"100 Continue took {elapsed:.2f}s"
        sock.sendall(body)
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                break
            response += chunk
    assert response.startswith(b"HTTP/1.1 200 "), response
    assert make_client(server.endpoint).get_object(Bucket="expect", Key="obj")["Body"].read() == body


def test_connections_over_the_limit_get_slowdown(tmpdir_path):
    s = Server(os.path.join(tmpdir_path, "few"), args=["--max-connections", "2"]).start()
    try:
        held = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(2)]
        time.sleep(0.2)
        assert_s3_error(raw_exchange(s, b""), 503, "SlowDown")
        for sock in held:
            sock.close()
    finally:
        assert s.stop() == 0


def test_slow_header_is_cut_off(tmpdir_path):
    s = Server(os.path.join(tmpdir_path, "slow"), args=["--header-timeout", "1s"]).start()
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=15) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its head
            received = b""
            while True:
                data = sock.recv(65536)
                if not data:
                    break  # the server closed the connection
                received += data
            if received:
                assert_s3_error(received, 408, "RequestTimeout")
    finally:
        assert s.stop() == 0


def test_fsck_reports_and_repairs(tmpdir_path):
    data = os.path.join(tmpdir_path, "fsck")
    s = Server(data).start()
    s3 = make_client(s.endpoint)
    s3.create_bucket(Bucket="checked")
    for key in ["keep.csv", "lost.csv", "dir/other.csv"]:
        s3.put_object(Bucket="checked", Key=key, Body=b"rows")
    assert s.stop() == 0
    os.remove(os.path.join(data, "checked", "lost.csv"))
    with open(os.path.join(data, "checked", "dir", "stray.csv"), "wb") as f:
        f.write(b"not in the catalog")
    report = subprocess.run([BINARY, "fsck", "--data", data], capture_output=True, text=True, timeout=60)
    assert report.returncode == 1, report
    assert "missing file: checked/lost.csv" in report.stdout
    assert "file without catalog row: checked/dir/stray.csv" in report.stdout
    repair = subprocess.run([BINARY, "fsck", "--data", data, "--repair"], capture_output=True, text=True, timeout=60)
    assert repair.returncode == 0, repair
    assert os.path.exists(os.path.join(data, ".lakestore", "lost+found", "checked", "dir", "stray.csv"))
    clean = subprocess.run([BINARY, "fsck", "--data", data], capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0 and "0 problem(s)" in clean.stdout, clean
    s = Server(data).start()
    try:
        keys = [o["Key"] for o in make_client(s.endpoint).list_objects_v2(Bucket="checked")["Contents"]]
        assert keys == ["dir/other.csv", "keep.csv"]
    finally:
        s.stop()


def test_second_server_on_same_data_directory_is_refused(server):
    result = subprocess.run(
        [BINARY, "serve", "--data", server.data_dir, "--address", "127.0.0.1:0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1 and "lock" in result.stderr


def test_sigterm_finishes_in_flight_upload(tmpdir_path):
    s = Server(os.path.join(tmpdir_path, "graceful")).start()
    s3 = make_client(s.endpoint)
    s3.create_bucket(Bucket="grace")
    body = os.urandom(1024 * 1024)
    # A client that sends its body slowly while the server is asked to stop.
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import ACCESS_KEY, SECRET_KEY

    req = AWSRequest(method="PUT", url=f"{s.endpoint}/grace/slow", data=body)
    req.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(req)
    head = f"PUT /grace/slow HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in req.headers.items() if k.lower() != "content-length") + "\r\n"
    sock.sendall(head.encode() + body[:1000])
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    sock.sendall(body[1000:])
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            break
        response += chunk
    sock.close()
    assert response.startswith(b"HTTP/1.1 200"), response
    assert s.proc.wait(timeout=30) == 0
    s2 = Server(s.data_dir).start()
    try:
        assert make_client(s2.endpoint).get_object(Bucket="grace", Key="slow")["Body"].read() == body
    finally:
        s2.stop()
