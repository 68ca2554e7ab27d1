"""Interop suite: one real `lakestore serve` for the session, on an ephemeral 127.0.0.1 port
with a temporary data directory, plus helpers that run real clients and compare bytes.

Every scenario names its steps with `step("...")`; a failure is reported as
`<client> / <step>: <what differed>` (see pytest_runtest_makereport below), followed once by
the tail of the server's stderr."""

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LAKESTORE_BIN", os.path.join(ROOT, ".build", "debug", "lakestore"))
ACCESS_KEY = "INTEROPACCESSKEY"
SECRET_KEY = "interop-secret-key/0123456789+abc"
REGION = "us-east-1"
QUICK = os.environ.get("INTEROP_QUICK") == "1"
MiB = 1024 * 1024

CLIENTS = {
    "test_awscli": "aws cli",
    "test_boto3": "boto3",
    "test_s3cmd": "s3cmd",
    "test_rclone": "rclone",
    "test_pyarrow": "pyarrow",
    "test_curl": "curl",
}

# --------------------------------------------------------------------------------------------
# step tracking and failure summary

_current = {"step": None}


def step(name):
    """Names the step the running scenario is in; shows in the failure summary."""
    _current["step"] = name


class ClientFailure(AssertionError):
    """A client command failed: carries the command line and the tail of its output."""


def _client_of(item):
    module = item.module.__name__.rsplit(".", 1)[-1]
    return CLIENTS.get(module, module)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _current["step"] = None


_failures = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        client = _client_of(item)
        where = _current["step"] or ("setup" if report.when == "setup" else "(no step named)")
        message = call.excinfo.exconly() if call.excinfo else str(report.longrepr)
        message = message.replace("\n", "\n      ")
        if len(message) > 1500:
            message = message[:1500] + " ..."
        line = f"- {client} / {item.name} / step '{where}':\n      {message}"
        _failures.append(line)
        report.sections.append(("interop", f"client: {client}\nstep: {where}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary_path = os.environ.get("INTEROP_SUMMARY")
    text = ""
    if _failures:
        text = "\n".join(_failures) + "\n"
        if _server_log.get("path"):
            text += server_log_digest(_server_log["path"])
    if summary_path:
        with open(summary_path, "w") as f:
            f.write(text)
    elif text:
        terminalreporter.write_sep("=", "interop failures (client / step / what differed)")
        terminalreporter.write(text)


def server_log_digest(path):
    """Requests the server refused or failed and non-info lines, then the plain tail."""
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return f"\n-- server stderr: {path} unreadable\n"
    notable = [l for l in lines if not re.match(r"^\S+ info ", l) or re.search(r" [45]\d\d$", l)]
    text = f"\n-- server stderr ({path}): errors and refused requests (last 25 of {len(notable)}):\n"
    text += "\n".join(notable[-25:]) + "\n"
    text += "\n-- server stderr tail:\n" + "\n".join(lines[-15:]) + "\n"
    return text


def tail(path, lines):
    try:
        with open(path, "rb") as f:
            data = f.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(data.splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# the server

_server_log = {}


class Server:
    def __init__(self, data_dir, log_path):
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc = None
        self.endpoint = None
        self.port = None

    def start(self, timeout=30):
        if not os.access(BINARY, os.X_OK):
            raise RuntimeError(f"no server binary at {BINARY} (set LAKESTORE_BIN or run swift build)")
        self.stderr = open(self.log_path, "ab")
        cmd = [BINARY, "serve", "--data", self.data_dir, "--address", "127.0.0.1:0",
               "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"lakestore exited early ({self.proc.poll()}):\n{tail(self.log_path, 30)}")
            m = re.match(r"listening on (http://127\.0\.0\.1:(\d+))$", line.strip())
            if m:
                self.endpoint, self.port = m.group(1), int(m.group(2))
                return self
        raise RuntimeError("lakestore did not print its address")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.stderr.close()
        return self.proc.returncode if self.proc else None

    def path(self, bucket, key=""):
        """The plain file (or directory) the server keeps for bucket/key."""
        return os.path.join(self.data_dir, bucket, key)


@pytest.fixture(scope="session")
def workdir():
    path = tempfile.mkdtemp(prefix="lakestore-interop-")
    yield path
    if os.environ.get("INTEROP_KEEP") == "1":
        print(f"\n(kept {path})")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def server(workdir):
    data = os.path.join(workdir, "data")
    os.makedirs(data)
    log_path = os.path.join(workdir, "server-stderr.log")
    _server_log["path"] = log_path
    srv = Server(data, log_path).start()
    yield srv
    code = srv.stop()
    if os.environ.get("INTEROP_KEEP") != "1":
        # The log is gone with the work directory: keep a copy for the summary.
        keep = os.path.join(tempfile.gettempdir(), "lakestore-interop-server.log")
        shutil.copyfile(log_path, keep)
        _server_log["path"] = keep
    assert code == 0, f"server exited {code} on SIGTERM"


@pytest.fixture(autouse=True)
def server_alive(request):
    yield
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        assert srv.alive(), f"the server died during the scenario (exit {srv.proc.poll()})"


@pytest.fixture
def tmp(workdir, request):
    path = os.path.join(workdir, "t", re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name))
    os.makedirs(path, exist_ok=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# clients and comparisons


def client_env(server, extra=None):
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_PAGER": "",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    })
    # AWS_CA_BUNDLE (set on some machines) makes rclone's SDK fail before any request: every
    # endpoint here is plain http on 127.0.0.1, so no CA bundle is needed.
    for k in ("AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(k, None)
    env.update(extra or {})
    return env


def run(cmd, env=None, input=None, timeout=300, check=True, cwd=None):
    """Runs a client command; on a non-zero exit raises ClientFailure with its output tail."""
    started = time.time()
    try:
        result = subprocess.run(cmd, env=env, input=input, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        raise ClientFailure(f"`{_show(cmd)}` did not finish within {timeout}s") from e
    result.elapsed = time.time() - started
    result.out = result.stdout.decode(errors="replace")
    result.err = result.stderr.decode(errors="replace")
    if check and result.returncode != 0:
        raise ClientFailure(
            f"`{_show(cmd)}` exited {result.returncode}\n"
            f"stdout: {_last(result.out)}\nstderr: {_last(result.err)}"
        )
    return result


def _show(cmd):
    return " ".join(c if re.fullmatch(r"[\w@%+=:,./-]+", c) else repr(c) for c in cmd)


def _last(text, n=1200):
    # Drop the aws cli's \r-separated progress lines.
    lines = [seg.strip() for seg in re.split(r"[\r\n]", text)]
    text = "\n".join(seg for seg in lines if seg and not re.match(r"Completed .* remaining", seg))
    return text if len(text) <= n else "..." + text[-n:]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def md5_file(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def multipart_etag(path, part_size):
    """S3's ETag for a multipart upload of `path` in `part_size` parts."""
    digests = []
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(part_size), b""):
            digests.append(hashlib.md5(chunk).digest())
    return f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(digests)}"'


def random_file(path, size, seed=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 4 * MiB)
            f.write(os.urandom(n))
            left -= n
    return path


def write_file(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def assert_same_file(expected, actual, what):
    """Byte-for-byte comparison through sha256, with a readable difference."""
    assert os.path.isfile(actual), f"{what}: {actual} does not exist"
    e_size, a_size = os.path.getsize(expected), os.path.getsize(actual)
    e_sha, a_sha = sha256_file(expected), sha256_file(actual)
    assert (e_size, e_sha) == (a_size, a_sha), (
        f"{what}: bytes differ: expected {e_size} bytes sha256 {e_sha[:16]}, "
        f"got {a_size} bytes sha256 {a_sha[:16]} ({actual})"
    )


def tree(root):
    """{relative path: (size, sha256)} of every file under root (symlinks not followed)."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            out[os.path.relpath(full, root)] = (os.path.getsize(full), sha256_file(full))
    return out


def assert_same_tree(expected_root, actual_root, what):
    expected, actual = tree(expected_root), tree(actual_root)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    assert not (missing or extra or changed), (
        f"{what}: trees differ: missing {missing[:10]}, unexpected {extra[:10]}, "
        f"different bytes {[(k, expected[k][0], actual[k][0]) for k in changed[:10]]}"
    )


def head_etag(server, bucket, key):
    """The ETag as the server sends it (s3cmd does not show it)."""
    r = run(["curl", "-sS", "--noproxy", "*", "-I", "--aws-sigv4", "aws:amz:us-east-1:s3",
             "--user", f"{ACCESS_KEY}:{SECRET_KEY}", f"{server.endpoint}/{bucket}/{key}"])
    m = re.search(r"^etag:\s*(\S+)", r.out, re.M | re.I)
    return m and m.group(1)


@contextlib.contextmanager
def not_raising(what):
    try:
        yield
    except Exception as e:  # noqa: BLE001 - reworded for the summary
        raise AssertionError(f"{what}: {type(e).__name__}: {e}") from e
