"""curl 7.x `--aws-sigv4` with no extra header: curl 7.x sends no x-amz-content-sha256."""

import os
import re

from conftest import ACCESS_KEY, QUICK, SECRET_KEY, MiB, assert_same_file, random_file, run, step


def curl(server, *args, path):
    cmd = ["curl", "-sS", "--noproxy", "*", "--aws-sigv4", "aws:amz:us-east-1:s3",
           "--user", f"{ACCESS_KEY}:{SECRET_KEY}", "-w", "\n%{http_code}", *args, server.endpoint + path]
    r = run(cmd)
    body, _, code = r.out.rpartition("\n")
    return int(code), body


def test_curl_sigv4_put_get(server, tmp):
    step("curl version is 7.x or later")
    version = run(["curl", "--version"]).out.split()[1]
    assert int(version.split(".")[0]) >= 7, version

    step("PUT bucket")
    code, body = curl(server, "-X", "PUT", path="/curl-bucket")
    assert code == 200, f"HTTP {code}: {body}"

    size = (2 if QUICK else 6) * MiB + 11
    src = random_file(os.path.join(tmp, "data.bin"), size)
    step(f"PUT -T of {size} bytes without x-amz-content-sha256")
    code, body = curl(server, "-T", src, path="/curl-bucket/year=2024/month=07/data.bin")
    assert code == 200, f"HTTP {code}: {body}"
    assert_same_file(src, server.path("curl-bucket", "year=2024/month=07/data.bin"), "data-dir file")

    step("GET without x-amz-content-sha256")
    dst = os.path.join(tmp, "got.bin")
    code, body = curl(server, "-o", dst, path="/curl-bucket/year=2024/month=07/data.bin")
    assert code == 200, f"HTTP {code}: {open(dst, 'rb').read()[:300]!r}"
    assert_same_file(src, dst, "GET body")

    step("GET a listing with a query string")
    code, body = curl(server, path="/curl-bucket?list-type=2&prefix=year%3D2024/")
    assert code == 200 and "<Key>year=2024/month=07/data.bin</Key>" in body, f"HTTP {code}: {body[:500]}"

    step("DELETE object and bucket")
    code, body = curl(server, "-X", "DELETE", path="/curl-bucket/year=2024/month=07/data.bin")
    assert code == 204, f"HTTP {code}: {body}"
    code, body = curl(server, "-X", "DELETE", path="/curl-bucket")
    assert code == 204, f"HTTP {code}: {body}"
