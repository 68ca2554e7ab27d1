#!/usr/bin/env python3
"""Helpers for scripts/bench: signed S3 requests, presigned URLs, list latency, reference
timings. Every request goes to 127.0.0.1 only.

Subcommands (all print machine-readable `name value` lines on stdout):
  mkbucket   create a bucket (signed PUT)
  seed       PUT --count objects of --size random bytes as <prefix>NNNNN.bin (signed, threads);
             --partitions N spreads them over N prefixes ({p} in --prefix)
  presign    write a wrk Lua table of presigned PUT/GET paths for --count keys, header-signed
             GETs, or presigned ListObjectsV2 URLs of each partition prefix
  list       time ListObjectsV2 first pages (signed, one keep-alive connection): p50/p99 ms
  sqlref     time the same listing straight against the SQLite catalog (reference)
  durable    local durable 4 KiB writes/s (write, fsync, rename, fsync dir) from --threads
  rss        sample VmRSS of --pid until stdin closes or SIGTERM; print the maximum (KiB)
"""

import argparse
import http.client
import os
import random
import signal
import sqlite3
import sys
import threading
import time
import urllib.parse

SAFE = "-_.~"


def quote(text, safe=SAFE):
    return urllib.parse.quote(text, safe=safe)


class Signer:
    """SigV4 header signing with botocore (what boto3 uses). Over plain http botocore always
    signs the payload hash (SHA-256 of the body), as boto3 itself does."""

    def __init__(self, access_key, secret_key, region="us-east-1"):
        from botocore.auth import S3SigV4Auth
        from botocore.credentials import Credentials

        self.auth = S3SigV4Auth(Credentials(access_key, secret_key), "s3", region)

    def headers(self, method, url, body=None):
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method=method, url=url, data=body or b"")
        self.auth.add_auth(request)
        return dict(request.headers.items())


def connection(endpoint):
    parsed = urllib.parse.urlsplit(endpoint)
    assert parsed.hostname == "127.0.0.1", "bench talks to 127.0.0.1 only"
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)


def request(conn, signer, endpoint, method, path, query="", body=None):
    url = endpoint + path + (("?" + query) if query else "")
    headers = signer.headers(method, url, body)
    if body is not None:
        headers["Content-Length"] = str(len(body))
    conn.request(method, path + (("?" + query) if query else ""), body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def cmd_mkbucket(args):
    signer = Signer(args.access_key, args.secret_key)
    conn = connection(args.endpoint)
    status, data = request(conn, signer, args.endpoint, "PUT", "/" + args.bucket)
    if status not in (200, 409):
        sys.exit(f"create bucket {args.bucket}: HTTP {status}: {data[:300]!r}")


def object_key(prefix, i, partitions=0):
    """<prefix>NNNNN.bin; with partitions, a `{p}` in the prefix becomes key i's partition,
    i % partitions, zero-padded (mixed/p={p}/obj- -> mixed/p=07/obj-00107.bin)."""
    return f"{partition_prefix(prefix, i, partitions)}{i:05d}.bin"


def partition_prefix(prefix, i, partitions=0):
    if not partitions:
        return prefix
    width = max(2, len(str(partitions - 1)))
    return prefix.replace("{p}", f"{i % partitions:0{width}d}")


def cmd_seed(args):
    signer = Signer(args.access_key, args.secret_key)
    failures = []
    counter = iter(range(args.count))
    lock = threading.Lock()

    def worker():
        conn = connection(args.endpoint)
        rng = random.Random()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            body = rng.randbytes(args.size)
            key = object_key(args.prefix, i, args.partitions)
            path = "/" + args.bucket + "/" + quote(key, SAFE + "/=")
            status, data = request(conn, signer, args.endpoint, "PUT", path, body=body)
            if status != 200:
                failures.append((path, status, data[:200]))
                return

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(f"seed failed: {failures[0]}")
    print(f"seed_seconds {time.perf_counter() - start:.3f}")


def cmd_presign(args):
    """A Lua file replayed by wrk: `--method PUT` or `GET` presigned paths (SigV4 query auth,
    X-Amz-SignedHeaders host, UNSIGNED-PAYLOAD, as boto3's generate_presigned_url makes them)
    in a table `paths`, or with `--headers` Authorization-header signed GETs in a table
    `signed` of {path, x-amz-date, Authorization} (valid within the server's clock skew, 15
    minutes). `--method LIST` presigns ListObjectsV2 requests (list-type=2, max-keys, prefix),
    one per distinct listing prefix: the key prefix with `{p}` filled in (see --partitions)
    and cut after its last `/`. `--table` renames the table. The server verifies the full
    signature on every request. Signed here with hmac/hashlib because boto3 takes ~1 ms per
    URL."""
    import datetime
    import hashlib
    import hmac

    host = urllib.parse.urlsplit(args.endpoint).netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    scope = f"{day}/us-east-1/s3/aws4_request"

    def mac(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    def sign(canonical):
        to_sign = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (
            amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest())
        return hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()

    signing_key = mac(mac(mac(mac(("AWS4" + args.secret_key).encode(), day), "us-east-1"), "s3"),
                      "aws4_request")
    auth_params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{args.access_key}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": "3600",
        "X-Amz-SignedHeaders": "host",
    }

    def canonical_query(params):
        # SigV4: names and values URI-encoded (unreserved characters kept, `/` as %2F), pairs
        # sorted by encoded name, then value. The URL carries this very text, so the server's
        # decode and re-encode gives it back byte for byte.
        pairs = sorted((quote(k), quote(v)) for k, v in params.items())
        return "&".join(f"{k}={v}" for k, v in pairs)

    def presigned(method, path, extra=None):
        query = canonical_query({**auth_params, **(extra or {})})
        canonical = f"{method}\n{path}\n{query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD"
        return f"{path}?{query}&X-Amz-Signature={sign(canonical)}"

    table = args.table or ("signed" if args.headers else "paths")
    with open(args.out, "w") as out:
        out.write(f"{table} = {{\n")
        if args.method == "LIST":
            prefixes = []
            for i in range(args.partitions or 1):
                key_prefix = partition_prefix(args.prefix, i, args.partitions)
                prefixes.append(key_prefix[: key_prefix.rfind("/") + 1])
            for prefix in dict.fromkeys(prefixes):
                url = presigned("GET", "/" + args.bucket, {
                    "list-type": "2", "max-keys": str(args.max_keys), "prefix": prefix})
                out.write(f'  "{url}",\n')
        for i in range(args.count if args.method != "LIST" else 0):
            key = object_key(args.prefix, i, args.partitions)
            path = "/" + args.bucket + "/" + quote(key, SAFE + "/")
            if args.headers:
                names = "host;x-amz-content-sha256;x-amz-date"
                canonical = (f"GET\n{path}\n\nhost:{host}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"
                             f"x-amz-date:{amz_date}\n\n{names}\nUNSIGNED-PAYLOAD")
                authorization = (f"AWS4-HMAC-SHA256 Credential={args.access_key}/{scope}, "
                                 f"SignedHeaders={names}, Signature={sign(canonical)}")
                out.write(f'  {{"{path}", "{amz_date}", "{authorization}"}},\n')
            else:
                out.write(f'  "{presigned(args.method, path)}",\n')
        out.write("}\n")


# --- listing ------------------------------------------------------------------------------

def list_query(prefix, delimiter, max_keys):
    params = [("list-type", "2"), ("max-keys", str(max_keys))]
    if prefix:
        params.append(("prefix", prefix))
    if delimiter:
        params.append(("delimiter", delimiter))
    return "&".join(f"{k}={quote(v)}" for k, v in params)


def parse_case(text):
    """name:prefix:delimiter (prefix and delimiter may be empty)."""
    name, prefix, delimiter = text.split(":", 2)
    return name, prefix, delimiter


def cmd_list(args):
    signer = Signer(args.access_key, args.secret_key)
    conn = connection(args.endpoint)
    path = "/" + args.bucket
    for case in args.case:
        name, prefix, delimiter = parse_case(case)
        query = list_query(prefix, delimiter, args.max_keys)
        timings = []
        entries = 0
        for rep in range(args.warmup + args.reps):
            url = args.endpoint + path + "?" + query
            headers = signer.headers("GET", url)  # signing is outside the timed region
            start = time.perf_counter()
            conn.request("GET", path + "?" + query, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200:
                sys.exit(f"list {name}: HTTP {response.status}: {body[:300]!r}")
            if rep >= args.warmup:
                timings.append(elapsed * 1000)
            entries = body.count(b"<Contents>") + body.count(b"<CommonPrefixes>")
        print(f"{name}_p50 {percentile(timings, 50):.3f}")
        print(f"{name}_p99 {percentile(timings, 99):.3f}")
        print(f"{name}_entries {entries}")


def cmd_timeget(args):
    """Times signed GETs of one path+query (signing outside the timed region); prints p50 and
    p99 in ms and, for a catalog query, how many files the answer held."""
    import json

    signer = Signer(args.access_key, args.secret_key)
    conn = connection(args.endpoint)
    timings = []
    files = 0
    for rep in range(args.warmup + args.reps):
        headers = signer.headers("GET", args.endpoint + args.path)
        start = time.perf_counter()
        conn.request("GET", args.path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            sys.exit(f"GET {args.path}: HTTP {response.status}: {body[:300]!r}")
        if rep >= args.warmup:
            timings.append(elapsed * 1000)
        if body.startswith(b"{"):
            files = len(json.loads(body).get("files", []))
        else:
            files = body.count(b"<Contents>")
    print(f"p50 {percentile(timings, 50):.3f}")
    print(f"p99 {percentile(timings, 99):.3f}")
    print(f"files {files}")


def successor(data):
    data = bytearray(data)
    while data:
        if data[-1] < 0xFF:
            data[-1] += 1
            return bytes(data)
        data.pop()
    return None


def sqlite_page(conn, bucket, prefix, delimiter, max_keys):
    """The server's listing algorithm (ListingScan) in Python over the same SQL: one index
    seek per run of keys, one extra seek past each common prefix."""
    prefix_b = prefix.encode()
    delim_b = delimiter.encode()
    upper = successor(prefix_b) if prefix_b else None
    lower = prefix_b
    entries = 0
    columns = (
        "bucket, key, size, etag, modified_ms, content_type, cache_control, content_disposition,"
        " content_encoding, content_language, expires, user_metadata, storage_path, seq"
    )
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT 1 FROM buckets WHERE name = ?", (bucket,)).fetchone()
        while lower is not None:
            # Bounds are bound as bytes and cast to TEXT: a BINARY comparison of the raw UTF-8,
            # as the server's bindText (a successor may not be valid UTF-8).
            sql = f"SELECT {columns} FROM objects WHERE bucket = ?1 AND key >= CAST(?2 AS TEXT)"
            params = [bucket, lower]
            if upper is not None:
                sql += " AND key < CAST(?3 AS TEXT)"
                params.append(upper)
            sql += " ORDER BY key"
            cursor = conn.execute(sql, params)
            next_lower = None
            for row in cursor:
                key = row[1].encode()
                if not key.startswith(prefix_b):
                    break
                if entries >= max_keys:
                    break
                if delim_b:
                    at = key.find(delim_b, len(prefix_b))
                    if at >= 0:
                        entries += 1
                        next_lower = successor(key[: at + len(delim_b)])
                        break
                entries += 1
            else:
                next_lower = None
            cursor.close()
            lower = next_lower
    finally:
        conn.execute("COMMIT")
    return entries


def cmd_sqlref(args):
    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("PRAGMA query_only = 1")
    for case in args.case:
        name, prefix, delimiter = parse_case(case)
        timings = []
        entries = 0
        for rep in range(args.warmup + args.reps):
            start = time.perf_counter()
            entries = sqlite_page(conn, args.bucket, prefix, delimiter, args.max_keys)
            elapsed = time.perf_counter() - start
            if rep >= args.warmup:
                timings.append(elapsed * 1000)
        print(f"{name}_p50 {percentile(timings, 50):.3f}")
        print(f"{name}_p99 {percentile(timings, 99):.3f}")
        print(f"{name}_entries {entries}")


# --- durable local writes (baseline for 4 KiB PUT/s) ----------------------------------------

def cmd_durable(args):
    """Each thread loops: create a unique temp file, write 4 KiB, fsync, close, rename it to
    <dir>/part=NN/obj-T-N, fsync that directory. Same filesystem as the server's data."""
    payload = os.urandom(args.size)
    tmp = os.path.join(args.dir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    parts = []
    for p in range(16):
        d = os.path.join(args.dir, f"part={p:02d}")
        os.makedirs(d, exist_ok=True)
        parts.append(d)
    counts = [0] * args.threads
    stop = threading.Event()

    def worker(t):
        n = 0
        dir_fds = {d: os.open(d, os.O_RDONLY | os.O_DIRECTORY) for d in parts}
        while not stop.is_set():
            name = f"obj-{t}-{n}"
            tmp_path = os.path.join(tmp, name)
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, payload)
            os.fsync(fd)
            os.close(fd)
            d = parts[n % len(parts)]
            os.rename(tmp_path, os.path.join(d, name))
            os.fsync(dir_fds[d])
            n += 1
            counts[t] = n
        for fd in dir_fds.values():
            os.close(fd)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(f"writes_per_second {sum(counts) / elapsed:.1f}")


# --- RSS sampler ------------------------------------------------------------------------------

def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cmd_rss(args):
    peak = 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        try:
            peak = max(peak, status_kib(args.pid, "VmRSS"))
        except OSError:
            break
        stop.wait(args.interval)
    print(f"max_vmrss_kib {peak}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def s3(name):
        p = sub.add_parser(name)
        p.add_argument("--endpoint", required=True)
        p.add_argument("--access-key", required=True)
        p.add_argument("--secret-key", required=True)
        p.add_argument("--bucket", required=True)
        return p

    s3("mkbucket").set_defaults(func=cmd_mkbucket)
    p = s3("seed")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--prefix", default="small/obj-")
    p.add_argument("--partitions", type=int, default=0,
                   help="spread keys over N prefixes: {p} in --prefix becomes i %% N")
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_seed)
    p = s3("presign")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--prefix", default="put/obj-")
    p.add_argument("--out", required=True)
    p.add_argument("--partitions", type=int, default=0,
                   help="spread keys over N prefixes: {p} in --prefix becomes i %% N")
    p.add_argument("--method", default="PUT", choices=["GET", "PUT", "LIST"],
                   help="LIST: ListObjectsV2 of each partition prefix (--count not used)")
    p.add_argument("--max-keys", type=int, default=1000, help="for --method LIST")
    p.add_argument("--table", help="Lua table name (default paths, or signed with --headers)")
    p.add_argument("--headers", action="store_true", help="Authorization-header GETs instead")
    p.set_defaults(func=cmd_presign)
    p = s3("list")
    p.add_argument("--case", action="append", required=True)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-keys", type=int, default=1000)
    p.set_defaults(func=cmd_list)
    p = s3("timeget")
    p.add_argument("--path", required=True, help="path and query, already encoded")
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.set_defaults(func=cmd_timeget)
    p = sub.add_parser("sqlref")
    p.add_argument("--db", required=True)
    p.add_argument("--bucket", required=True)
    p.add_argument("--case", action="append", required=True)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-keys", type=int, default=1000)
    p.set_defaults(func=cmd_sqlref)
    p = sub.add_parser("durable")
    p.add_argument("--dir", required=True)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--size", type=int, default=4096)
    p.set_defaults(func=cmd_durable)
    p = sub.add_parser("rss")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--interval", type=float, default=0.02)
    p.set_defaults(func=cmd_rss)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
