"""Real clients: curl --aws-sigv4 and the aws cli (s3 and s3api)."""

import json
import os
import re
import subprocess

from conftest import ACCESS_KEY, SECRET_KEY, aws, curl


def test_curl_put_get_list_delete(server):
    assert curl(server, "-X", "PUT", path="/curl-bucket")[0] == 200
    status, headers, _ = curl(server, "-X", "PUT", "--data-binary", "id,name\n1,x\n", "-H", "Content-Type: text/csv", "-H", "x-amz-meta-source: curl", path="/curl-bucket/dt=2024-05-01/data.csv")
    assert status == 200 and headers["etag"].startswith('"')
    status, headers, body = curl(server, path="/curl-bucket/dt=2024-05-01/data.csv")
    assert status == 200 and body == b"id,name\n1,x\n"
    assert headers["content-type"] == "text/csv" and headers["x-amz-meta-source"] == "curl"
    status, _, body = curl(server, path="/curl-bucket?list-type=2&prefix=dt%3D")
    assert status == 200 and b"<Key>dt=2024-05-01/data.csv</Key>" in body
    status, headers, body = curl(server, "-I", path="/curl-bucket/dt=2024-05-01/data.csv")
    assert status == 200 and headers["content-length"] == "12"
    assert curl(server, "-X", "DELETE", path="/curl-bucket/dt=2024-05-01/data.csv")[0] == 204
    assert curl(server, "-X", "DELETE", path="/curl-bucket")[0] == 204


def test_curl_large_upload_uses_100_continue(server, tmpdir_path):
    # curl sends Expect: 100-continue for bodies over 1 MiB, then waits for the interim
    # answer up to --expect100-timeout before sending the body anyway; the server must answer
    # it at once: the 100 shows among the response heads and the upload does not wait.
    path = os.path.join(tmpdir_path, "big.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(3 * 1024 * 1024 + 7))
    curl(server, "-X", "PUT", path="/big")
    cmd = [
        "curl", "-sS", "-o", "/dev/null", "-D", "-", "-w", "time_total=%{time_total}\n",
        "--expect100-timeout", "10", "--aws-sigv4", "aws:amz:us-east-1:s3",
        "--user", f"{ACCESS_KEY}:{SECRET_KEY}", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
        "-T", path, server.endpoint + "/big/file.bin",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    statuses = re.findall(r"^HTTP/1\.1 (\d{3})", result.stdout, re.M)
    assert statuses == ["100", "200"], result.stdout
    elapsed = float(re.search(r"time_total=([0-9.]+)", result.stdout).group(1))
    assert elapsed < 5, f"upload took {elapsed}s: curl waited out its 10 s expect100 timeout"
    status, _, body = curl(server, path="/big/file.bin")
    with open(path, "rb") as f:
        assert body == f.read()


def test_virtual_host_style(server):
    curl(server, "-X", "PUT", path="/vhost")
    status, _, _ = curl(server, "-X", "PUT", "--data-binary", "v", "-H", f"Host: vhost.localhost:{server.port}", path="/obj")
    assert status == 200
    status, _, body = curl(server, path="/vhost/obj")
    assert status == 200 and body == b"v"


def test_aws_cli_s3_and_s3api(server, tmpdir_path):
    aws(server, "s3", "mb", "s3://cli-bucket")
    src = os.path.join(tmpdir_path, "upload")
    os.makedirs(os.path.join(src, "year=2024"))
    with open(os.path.join(src, "year=2024", "a.csv"), "wb") as f:
        f.write(b"a\n" * 1000)
    with open(os.path.join(src, "b.json"), "wb") as f:
        f.write(os.urandom(2 * 1024 * 1024))
    aws(server, "s3", "cp", os.path.join(src, "b.json"), "s3://cli-bucket/raw/b.json")
    aws(server, "s3", "cp", "--recursive", src, "s3://cli-bucket/tree/")
    listing = aws(server, "s3", "ls", "--recursive", "s3://cli-bucket/").stdout
    assert "raw/b.json" in listing and "tree/year=2024/a.csv" in listing and "tree/b.json" in listing
    dst = os.path.join(tmpdir_path, "download.json")
    aws(server, "s3", "cp", "s3://cli-bucket/raw/b.json", dst)
    with open(dst, "rb") as f1, open(os.path.join(src, "b.json"), "rb") as f2:
        assert f1.read() == f2.read()
    head = json.loads(aws(server, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "raw/b.json").stdout)
    assert head["ContentLength"] == 2 * 1024 * 1024
    out = json.loads(aws(server, "s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "tree/", "--delimiter", "/").stdout)
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["tree/year=2024/"]
    aws(server, "s3api", "put-object", "--bucket", "cli-bucket", "--key", "api.txt", "--body", dst, "--content-type", "application/json")
    aws(server, "s3", "rm", "--recursive", "s3://cli-bucket/tree/")
    listing = aws(server, "s3", "ls", "--recursive", "s3://cli-bucket/").stdout
    assert "tree/" not in listing and "api.txt" in listing
    failed = aws(server, "s3api", "get-object", "--bucket", "cli-bucket", "--key", "missing", dst, check=False)
    assert failed.returncode != 0 and "NoSuchKey" in failed.stderr


def test_curl_chunked_upload_from_stdin(server):
    # curl -T - streams stdin with Transfer-Encoding: chunked (no Content-Length).
    import hashlib

    curl(server, "-X", "PUT", path="/chunky")
    data = os.urandom(3_000_000)
    cmd = [
        "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:s3",
        "--user", f"{ACCESS_KEY}:{SECRET_KEY}", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
        "-T", "-", server.endpoint + "/chunky/streamed.bin",
    ]
    result = subprocess.run(cmd, input=data, capture_output=True, timeout=60)
    assert result.stdout == b"200", result
    status, headers, body = curl(server, path="/chunky/streamed.bin")
    assert status == 200 and body == data
    assert headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
