"""Shared fixtures: start the real `lakestore` binary on an ephemeral port with a temporary
data directory, and hand tests clients that talk to it (boto3, aws cli, curl)."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LAKESTORE_BIN", os.path.join(ROOT, ".build", "debug", "lakestore"))
ACCESS_KEY = "LAKETESTACCESSKEY"
SECRET_KEY = "lake-test-secret-key/0123456789"
REGION = "us-east-1"


class Server:
    """One lakestore process. `start()` waits for the `listening on` line."""

    def __init__(self, data_dir, args=(), env=None, credentials=True):
        self.data_dir = data_dir
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.credentials = credentials
        self.proc = None
        self.endpoint = None
        self.port = None
        self.banner = []
        self.stderr_path = os.path.join(data_dir + ".logs", "stderr.log")

    def command(self):
        cmd = [BINARY, "serve", "--data", self.data_dir, "--address", "127.0.0.1:0"]
        if self.credentials:
            cmd += ["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY]
        return cmd + self.args

    def start(self, timeout=30):
        os.makedirs(os.path.dirname(self.stderr_path), exist_ok=True)
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=self.stderr, env=self.env, text=True
        )
        deadline = time.time() + timeout
        self.banner = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"lakestore exited early: {self.proc.poll()} {self.read_log()}")
            self.banner.append(line.rstrip("\n"))
            m = re.match(r"listening on (http://127\.0\.0\.1:(\d+))$", line.strip())
            if m:
                self.endpoint = m.group(1)
                self.port = int(m.group(2))
                # Drain the rest of the banner without blocking the server.
                time.sleep(0.05)
                return self
        raise RuntimeError("lakestore did not print its address")

    def read_banner_rest(self):
        # Without configured credentials the banner ends with the "try: curl ..." line.
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("try:"):
                break
        return lines

    def read_log(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def log_after_flush(self, needle, timeout=5):
        """The log once it contains `needle`: access-log lines are written in batches (every
        access_log_flush, 100 ms by default), so a request's line appears a little later."""
        deadline = time.time() + timeout
        while True:
            log = self.read_log()
            if needle in log or time.time() > deadline:
                return log
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        if self.proc:
            self.proc.stdout.close()
            self.stderr.close()
        return code

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


def make_client(endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **config):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=REGION,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1, "mode": "standard"},
            **config,
        ),
    )


def run_threads(target, args_list):
    """Runs `target(*args)` on one thread per entry of `args_list`, waits for all, then raises
    if any of them raised: an exception in a worker thread otherwise only prints a warning and
    the test passes whatever the server did."""
    errors = []
    lock = threading.Lock()

    def run(*args):
        try:
            target(*args)
        except BaseException as e:  # noqa: B902 - every failure must reach the test
            with lock:
                errors.append(e)

    threads = [threading.Thread(target=run, args=tuple(args)) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise AssertionError(f"{len(errors)} of {len(threads)} worker threads failed: {errors!r}") from errors[0]


@pytest.fixture
def tmpdir_path():
    path = tempfile.mkdtemp(prefix="lakestore-e2e-")
    yield path
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(path + ".logs", ignore_errors=True)


@pytest.fixture
def server(tmpdir_path):
    s = Server(os.path.join(tmpdir_path, "data")).start()
    yield s
    s.stop()


@pytest.fixture
def s3(server):
    return make_client(server.endpoint)


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="lake")
    return "lake"


def aws_env():
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_RETRY_MODE="standard",
        AWS_MAX_ATTEMPTS="1",
    )
    return env


def aws(server, *args, check=True):
    """Runs the aws cli against the server; returns the CompletedProcess."""
    cmd = ["aws", "--endpoint-url", server.endpoint] + list(args)
    result = subprocess.run(cmd, capture_output=True, text=True, env=aws_env(), timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed: {result.stdout}\n{result.stderr}")
    return result


def curl(server, *args, path="/", sign=True, user=None, payload="UNSIGNED-PAYLOAD"):
    """Runs curl with --aws-sigv4 (unless sign=False); returns (status, headers, body bytes).

    curl 7.x does not send x-amz-content-sha256, which S3 requires with header signatures, so
    it is passed (and signed by curl) as users of S3 do."""
    cmd = ["curl", "-sS", "-o", "-", "-D", "/dev/stderr", "--max-time", "60"]
    if sign:
        cmd += ["--aws-sigv4", f"aws:amz:{REGION}:s3", "--user", user or f"{ACCESS_KEY}:{SECRET_KEY}"]
        if payload:
            cmd += ["-H", f"x-amz-content-sha256: {payload}"]
    cmd += list(args) + [server.endpoint + path]
    result = subprocess.run(cmd, capture_output=True, timeout=120)
    head = result.stderr.decode(errors="replace")
    statuses = re.findall(r"^HTTP/1\.[01] (\d{3})", head, re.M)
    assert statuses, f"no response: {head}"
    last = head[head.rfind("HTTP/1."):]
    headers = {}
    for line in last.splitlines()[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return int(statuses[-1]), headers, result.stdout
