"""Hostile requests against the real server, each on its own connection.

Every case is raw bytes on a socket (so malformed requests are possible; requests that must
pass authentication are signed here with SigV4). For each case the test asserts:

- the answer: an S3 error document with a 4xx status and the listed codes, or a closed
  connection where the HTTP framing itself cannot be parsed; where S3 or RFC 9110 says a bad
  value is ignored (an invalid If-Modified-Since, a malformed Range) the normal object;
- that it came within a second;
- that the same server process is still alive and answers a normal signed GET right after.

At the end every object stored before the hostile requests still reads back intact, and no
hostile request stored anything.
"""

import datetime
import hashlib
import hmac
import os
import re
import shutil
import socket
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable, Optional

import pytest

from conftest import ACCESS_KEY, REGION, SECRET_KEY, Server, make_client

BUCKET = "hostile"
ANSWER_WITHIN = 1.0  # seconds: the answer (or the close) must come this fast
HANG = 5.0  # seconds: past this the case counts as a hang

# Objects stored before any hostile request; all must read back intact at the end.
OBJECTS = {
    "ref/small.bin": os.urandom(1000),
    "ref/range.bin": bytes(range(256)) * 4,
    "ref/victim.txt": b"the target of smuggled requests",
    "ref/big.bin": os.urandom(300_000),
    "ref/empty": b"",
    "ref/\u00fcn\u00efc\u00f8d\u00e9 \u043a\u043b\u044e\u0447.txt": "unicode key".encode(),
}
META = {"ref/big.bin": {"origin": "hostile-suite"}}
# The only keys a hostile request may create: a PUT with both framings may be processed by
# its chunked body (RFC 9112 §6.3); every other hostile write must store nothing.
ALLOWED_NEW = {"accepted/cl-te", "accepted/te-cl"}


# --- SigV4, computed here so raw requests can carry hostile values in signed fields ---------


def uri_encode(raw: bytes, keep_slash: bool) -> str:
    out = []
    for byte in raw:
        ch = chr(byte)
        if (byte < 0x80 and ch.isalnum()) or ch in "-._~" or (keep_slash and ch == "/"):
            out.append(ch)
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def pct_decode(text: str, plus_is_space: bool) -> Optional[bytes]:
    raw = text.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x25:  # %
            pair = raw[i + 1:i + 3]
            if len(pair) < 2 or any(c not in b"0123456789abcdefABCDEF" for c in pair):
                return None
            out.append(int(pair, 16))
            i += 3
            continue
        out.append(0x20 if plus_is_space and b == 0x2B else b)
        i += 1
    return bytes(out)


def canonical_uri(raw_path: str) -> str:
    decoded = pct_decode(raw_path, False)
    if decoded is None:
        return raw_path  # the server refuses such a path before it looks at signatures
    return uri_encode(decoded, True) or "/"


def canonical_query(raw_query: str, excluding=()) -> str:
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        n, v = pct_decode(name, True), pct_decode(value, True)
        if n is None or v is None:
            return raw_query
        if n.decode("utf-8", "replace") in excluding:
            continue
        pairs.append((uri_encode(n, False), uri_encode(v, False)))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def text_of(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def sigv4_signature(method, raw_path, raw_query, headers, payload, amz_date, scope_date, excluding=()):
    names = sorted({n.lower() for n, _ in headers})
    lines = ""
    for name in names:
        values = [re.sub(r"[ \t]+", " ", text_of(v).strip(" \t")) for n, v in headers if n.lower() == name]
        lines += f"{name}:{','.join(values)}\n"
    canonical = "\n".join(
        [method, canonical_uri(raw_path), canonical_query(raw_query, excluding), lines, ";".join(names), payload]
    )
    scope = f"{scope_date}/{REGION}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()]
    )
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (scope_date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()
    return ";".join(names), hmac.new(key, to_sign.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def now_amz() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def request(
    ctx,
    method,
    path,
    query="",
    headers=(),
    body=b"",
    sign=True,
    payload="UNSIGNED-PAYLOAD",
    amz_date=None,
    date_header=None,
    authorization=None,
    content_length=True,
    after=(),
):
    """Raw request bytes. `sign`: add x-amz-date (or the given Date header), the payload hash
    and a valid Authorization over every header in `headers`; `after` headers are appended
    unsigned; `authorization` replaces the computed Authorization value."""
    # One clock reading for the header and the signature: two could straddle a second.
    stamp = now_amz()
    fields = [("Host", f"127.0.0.1:{ctx.port}")]
    if sign or authorization is not None:
        fields.append(("x-amz-content-sha256", payload))
        if date_header is not None:
            fields.append(("Date", date_header))
        else:
            fields.append(("x-amz-date", amz_date if amz_date is not None else stamp))
    fields += list(headers)
    if content_length and (body or method in ("PUT", "POST")):
        fields.append(("Content-Length", str(len(body))))
    if sign or authorization is not None:
        signed, signature = sigv4_signature(
            method, path, query, fields, payload, amz_date if amz_date is not None else stamp, stamp[:8]
        )
        value = (
            f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{stamp[:8]}/{REGION}/s3/aws4_request, "
            f"SignedHeaders={signed}, Signature={signature}"
        )
        fields.append(("Authorization", authorization if authorization is not None else value))
    fields += list(after)
    target = as_bytes(path) + (b"?" + as_bytes(query) if query else b"")
    head = as_bytes(method) + b" " + target + b" HTTP/1.1\r\n"
    head += b"".join(as_bytes(n) + b": " + as_bytes(v) + b"\r\n" for n, v in fields)
    return head + b"\r\n" + body


def presigned(ctx, path, amz_date=None, expires="60", params=None, drop=(), signature=None):
    """A presigned GET (SigV4 query authentication) with the given raw parameter values."""
    amz_date = amz_date if amz_date is not None else now_amz()
    values = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{ACCESS_KEY}/{amz_date[:8]}/{REGION}/s3/aws4_request",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": expires,
        "X-Amz-SignedHeaders": "host",
    }
    values.update(params or {})
    for name in drop:
        values.pop(name, None)
    query = "&".join(f"{n}={uri_encode(v.encode(), False)}" for n, v in values.items())
    host = f"127.0.0.1:{ctx.port}"
    _, computed = sigv4_signature(
        "GET", path, query, [("host", host)], "UNSIGNED-PAYLOAD", amz_date, amz_date[:8]
    )
    query += "&X-Amz-Signature=" + (signature if signature is not None else computed)
    return f"GET {path}?{query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


def chunked_put(ctx, key, chunked_body, extra_headers=()):
    return request(
        ctx, "PUT", f"/{BUCKET}/{key}", headers=[("Transfer-Encoding", "chunked"), *extra_headers],
        body=chunked_body, content_length=False,
    )


# --- One exchange on a fresh connection -----------------------------------------------------


@dataclass
class Reply:
    status: Optional[int] = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    elapsed: float = 0.0
    closed: bool = False  # the server closed the connection (EOF or reset)
    hung: bool = False  # neither an answer nor a close within HANG seconds
    extra: bytes = b""  # bytes after the first final response (a second, smuggled answer)

    @property
    def code(self):
        m = re.search(rb"<Code>([^<]*)</Code>", self.body)
        return m.group(1).decode() if m else None

    def summary(self):
        if self.hung:
            return f"no answer and no close within {HANG}s (hang)"
        if self.status is None:
            return f"connection closed without an answer after {self.elapsed:.3f}s"
        return f"{self.status} {self.code or ''} in {self.elapsed:.3f}s body={self.body[:160]!r}"


def parse_response(buf: bytes):
    """(status, headers, body, rest) of the first final response in buf, or None if incomplete."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = buf[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        rest = buf[end + 4:]
        if 100 <= status < 200:
            buf = rest  # interim response (100 Continue)
            continue
        length = int(headers.get("content-length", "0"))
        if len(rest) < length:
            return None
        return status, headers, rest[:length], rest[length:]


def exchange(port, payload, watch_extra=False):
    reply = Reply()
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG)
    sock.settimeout(0.05)
    start = time.monotonic()
    buf = b""
    sent = 0
    try:
        while True:
            if sent < len(payload):
                try:
                    sent += sock.send(payload[sent:sent + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    sent = len(payload)  # the server stopped reading: it has answered or closed
                except socket.timeout:
                    pass
            try:
                data = sock.recv(65536)
                if not data:
                    reply.closed = True
            except socket.timeout:
                data = b""
            except ConnectionResetError:
                data, reply.closed = b"", True
            buf += data
            parsed = parse_response(buf) if reply.status is None else None
            if parsed:
                reply.status, reply.headers, reply.body, buf = parsed
                reply.elapsed = time.monotonic() - start
                if not watch_extra:
                    break
            if reply.closed:
                break
            if time.monotonic() - start > (reply.elapsed + 1.0 if reply.status and watch_extra else HANG):
                reply.hung = reply.status is None
                break
        if reply.status is None:
            reply.elapsed = time.monotonic() - start
        reply.extra = buf if reply.status is not None else b""
    finally:
        sock.close()
    return reply


# --- Expected answers -----------------------------------------------------------------------


@dataclass
class Error:
    """An S3 error document with one of these statuses (and codes, when given)."""

    statuses: tuple
    codes: Optional[tuple] = None
    close_ok: bool = False  # a bare close is also right (unparseable HTTP framing)

    def check(self, reply, ctx):
        if reply.status is None:
            return None if (self.close_ok and reply.closed) else "no answer"
        if reply.status not in self.statuses:
            return f"status {reply.status}"
        if reply.headers.get("content-type") != "application/xml":
            return "not an XML error document"
        request_id = reply.headers.get("x-amz-request-id")
        if not request_id or f"<RequestId>{request_id}</RequestId>".encode() not in reply.body:
            return "no matching request ID"
        if self.codes and reply.code not in self.codes:
            return f"code {reply.code}"
        return None

    def __str__(self):
        codes = "/".join(self.codes) if self.codes else "any code"
        return f"{'/'.join(map(str, self.statuses))} {codes}" + (" or a close" if self.close_ok else "")


@dataclass
class Whole:
    """The whole object, as a 200 (or a 206 that covers every byte, when allowed)."""

    key: str
    allow_206: bool = False

    def check(self, reply, ctx):
        data = OBJECTS[self.key]
        if reply.status == 200 and reply.body == data:
            return None
        full = f"bytes 0-{len(data) - 1}/{len(data)}"
        if self.allow_206 and reply.status == 206 and reply.headers.get("content-range") == full and reply.body == data:
            return None
        return f"status {reply.status}, {len(reply.body)} body bytes"

    def __str__(self):
        return f"200 with all of {self.key}" + (" (or a 206 of all of it)" if self.allow_206 else "")


@dataclass
class AnyOf:
    options: tuple

    def check(self, reply, ctx):
        failures = [o.check(reply, ctx) for o in self.options]
        return None if any(f is None for f in failures) else "; ".join(filter(None, failures))

    def __str__(self):
        return " or ".join(map(str, self.options))


@dataclass
class Status:
    """A plain success status (the request was legitimately processed)."""

    status: int

    def check(self, reply, ctx):
        return None if reply.status == self.status else f"status {reply.status}"

    def __str__(self):
        return str(self.status)


@dataclass
class XMLListing:
    """A 200 listing that is well-formed XML, apart from character references to control
    characters, which S3 writes for key characters XML 1.0 cannot carry (its object key
    guidelines; clients that need them ask for encoding-type=url)."""

    def check(self, reply, ctx):
        if reply.status != 200:
            return f"status {reply.status}"
        try:
            ET.fromstring(re.sub(rb"&#(x0*[0-9a-fA-F]|x0*1[0-9a-fA-F]|0*[0-9]|0*[12][0-9]|0*3[01]);", b"", reply.body))
        except ET.ParseError as e:
            return f"listing is not well-formed XML: {e}"
        return None

    def __str__(self):
        return "200 with a well-formed listing"


DENIED = Error((403,), ("AccessDenied",))
BAD_DATE = Error((403,), ("AccessDenied", "RequestTimeTooSkewed"))
QUERY_AUTH = Error((400, 403), ("AuthorizationQueryParametersError", "AccessDenied"))
EXPIRES = Error((400,), ("AuthorizationQueryParametersError",))
INVALID_ARGUMENT = Error((400,), ("InvalidArgument",))
INVALID_URI = Error((400,), ("InvalidURI", "InvalidArgument"))
BAD_HTTP = Error((400,), ("BadRequest",), close_ok=True)
TOO_LARGE_HEAD = Error((431, 414, 400), close_ok=True)
MALFORMED_XML = Error((400,), ("MalformedXML",))
META_TOO_LARGE = Error((400,), ("MetadataTooLarge",))
BAD_CHUNKS = Error((400,), ("IncompleteBody", "EntityTooLarge", "BadRequest"), close_ok=True)
SIGV4 = Error((400, 403))
RANGE_416 = Error((416,), ("InvalidRange",))
SMALL = Whole("ref/small.bin")
WHOLE_RANGE = Whole("ref/range.bin", allow_206=True)
IGNORED_RANGE = Whole("ref/range.bin")
PRECONDITION = Error((412,), ("PreconditionFailed",))


# --- The cases -------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    build: Callable  # ctx -> request bytes
    expect: object
    after: Optional[Callable] = None  # ctx -> None, asserts (e.g. nothing stored)
    watch_extra: bool = False  # also wait for a second (smuggled) answer after the first


CASES = []


def case(id, build, expect, **kw):
    CASES.append(Case(id, build, expect, **kw))


YEARS = [
    ("year0", "0000"),
    ("year1969", "1969"),
    ("year10000", "10000"),
    ("year2p31", str(2**31)),
    ("year2p32", str(2**32)),  # past Int32 even after subtracting 1900 (struct tm's tm_year)
    ("year2p63", str(2**63)),
    ("year20digits", "9" * 20),
]
HTTP_FORMS = {
    "imf": lambda y: f"Thu, 01 Jan {y} 00:00:00 GMT",
    "rfc850": lambda y: f"Thursday, 01-Jan-{y} 00:00:00 GMT",
    "asctime": lambda y: f"Thu Jan  1 00:00:00 {y}",
}
AMZ_FORM = {"amz": lambda y: f"{y}0101T000000Z"}
SMALL_PATH = f"/{BUCKET}/ref/small.bin"

# Dates the server uses to authenticate: Date and x-amz-date headers, anonymous and with an
# Authorization header (the date is checked before the signature).
for year_id, year in YEARS:
    for form, make in HTTP_FORMS.items():
        value = make(year)
        case(f"date-header-{form}-{year_id}-signed",
             lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, date_header=v), BAD_DATE)
        case(f"date-header-{form}-{year_id}-anonymous",
             lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, sign=False, headers=[("Date", v)]), DENIED)
    for form, make in {**AMZ_FORM, **HTTP_FORMS}.items():
        value = make(year)
        case(f"x-amz-date-{form}-{year_id}-signed",
             lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, amz_date=v), BAD_DATE)
    case(f"x-amz-date-amz-{year_id}-anonymous",
         lambda ctx, v=f"{year}0101T000000Z": request(ctx, "GET", SMALL_PATH, sign=False, headers=[("x-amz-date", v)]),
         DENIED)
case("x-amz-date-empty-signed", lambda ctx: request(ctx, "GET", SMALL_PATH, amz_date=""), BAD_DATE)
case("x-amz-date-overlong-signed", lambda ctx: request(ctx, "GET", SMALL_PATH, amz_date="2" * 8000), BAD_DATE)

# Conditional dates after authentication: an invalid date is ignored (RFC 9110 §13.1.3/4), a
# valid but ancient one is a real comparison. Without authentication: refused.
for year_id, year in YEARS:
    for form, make in HTTP_FORMS.items():
        value = make(year)
        case(f"if-modified-since-{form}-{year_id}-signed",
             lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, headers=[("If-Modified-Since", v)]), SMALL)
        if year_id in ("year0", "year1969"):
            # A real date long before the object was written. RFC 850 has two-digit years, so
            # a four-digit one is either read leniently (412) or ignored as invalid (200).
            unmodified = PRECONDITION if form != "rfc850" else AnyOf((PRECONDITION, SMALL))
        else:
            unmodified = SMALL
        case(f"if-unmodified-since-{form}-{year_id}-signed",
             lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, headers=[("If-Unmodified-Since", v)]), unmodified)
    value = HTTP_FORMS["imf"](year)
    for name in ("If-Modified-Since", "If-Unmodified-Since"):
        case(f"{name.lower()}-imf-{year_id}-anonymous",
             lambda ctx, v=value, n=name: request(ctx, "GET", SMALL_PATH, sign=False, headers=[(n, v)]), DENIED)

# Presigned queries: X-Amz-Date in every form and year (checked before the signature, which
# is otherwise valid), X-Amz-Expires past 64 bits, negative and malformed.
for year_id, year in YEARS:
    for form, make in {**AMZ_FORM, **HTTP_FORMS}.items():
        case(f"presigned-x-amz-date-{form}-{year_id}",
             lambda ctx, v=make(year): presigned(ctx, SMALL_PATH, amz_date=v), QUERY_AUTH)
for expires_id, expires in [
    ("2p64", str(2**64)), ("2p63", str(2**63)), ("20digits", "9" * 20), ("minus1", "-1"),
    ("minus2p63-1", str(-(2**63) - 1)), ("zero", "0"), ("empty", ""), ("exponent", "1e3"),
    ("hex", "0x10"), ("week-plus-1", "604801"), ("2p31", str(2**31)),
]:
    case(f"presigned-x-amz-expires-{expires_id}",
         lambda ctx, e=expires: presigned(ctx, SMALL_PATH, expires=e), EXPIRES)

# Range: positions past 64 bits are beyond any object (416 when the first one is); a range that
# is not a well-formed single byte range is ignored (RFC 9110 §14.2), as S3 does.
RANGE_PATH = f"/{BUCKET}/ref/range.bin"
for range_id, value, expect in [
    ("first-2p64", f"bytes={2**64}-", RANGE_416),
    ("first-and-last-20digits", f"bytes={'9' * 20}-{'9' * 20}", RANGE_416),
    ("first-int64max", f"bytes={2**63 - 1}-", RANGE_416),
    ("first-2p63", f"bytes={2**63}-{2**63 + 5}", RANGE_416),
    ("last-2p64", f"bytes=0-{2**64}", WHOLE_RANGE),
    ("suffix-2p64", f"bytes=-{2**64}", WHOLE_RANGE),
    ("suffix-zero", "bytes=-0", RANGE_416),
    ("negative-first", "bytes=-1-5", IGNORED_RANGE),
    ("negative-last", "bytes=5--1", IGNORED_RANGE),
    ("double-minus", "bytes=--5", IGNORED_RANGE),
    ("reversed", "bytes=5-3", IGNORED_RANGE),
    ("hex", "bytes=0x10-0x20", IGNORED_RANGE),
    ("plus-sign", "bytes=+5-10", IGNORED_RANGE),
    ("two-ranges", "bytes=0-1,2-3", IGNORED_RANGE),
    ("other-unit", "items=0-5", IGNORED_RANGE),
    ("empty-spec", "bytes=", IGNORED_RANGE),
]:
    case(f"range-{range_id}", lambda ctx, v=value: request(ctx, "GET", RANGE_PATH, headers=[("Range", v)]), expect)
case("range-2p64-anonymous",
     lambda ctx: request(ctx, "GET", RANGE_PATH, sign=False, headers=[("Range", f"bytes={2**64}-")]), DENIED)

# max-keys: S3 accepts 0...2147483647 and answers anything else with InvalidArgument.
for mk_id, value in [
    ("minus1", "-1"), ("2p64", str(2**64)), ("20digits", "9" * 20), ("minus2p63-1", str(-(2**63) - 1)),
    ("2p63", str(2**63)), ("int64max", str(2**63 - 1)), ("2p31", str(2**31)), ("empty", ""),
    ("exponent", "1e3"), ("hex", "0x10"),
]:
    case(f"max-keys-{mk_id}",
         lambda ctx, v=value: request(ctx, "GET", f"/{BUCKET}", query=f"list-type=2&max-keys={v}"), INVALID_ARGUMENT)
case("max-keys-minus1-list-v1", lambda ctx: request(ctx, "GET", f"/{BUCKET}", query="max-keys=-1"), INVALID_ARGUMENT)

# partNumber: 1...10000.
for pn_id, value in [
    ("minus1", "-1"), ("zero", "0"), ("2p64", str(2**64)), ("20digits", "9" * 20), ("2p63", str(2**63)),
    ("10001", "10001"), ("decimal", "1.0"), ("minus2p63-1", str(-(2**63) - 1)),
]:
    case(f"part-number-{pn_id}",
         lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, query=f"partNumber={v}"), INVALID_ARGUMENT)


# Content-Length: not 1*DIGIT or past 63 bits is a framing error; a huge valid one is too large.
def put_with_length(ctx, value, sign=True, method="PUT", key="accepted/never"):
    return request(ctx, method, f"/{BUCKET}/{key}", sign=sign, content_length=False,
                   headers=[("Content-Length", value)])


def nothing_stored(key):
    def check(ctx):
        assert ctx.status_of(key) == 404, f"{key} was stored by a refused request"
    return check


for cl_id, value in [
    ("2p64", str(2**64)), ("2p63", str(2**63)), ("20digits", "9" * 20), ("minus1", "-1"),
    ("exponent", "1e3"), ("hex", "0x10"), ("plus-sign", "+5"), ("two-numbers", "5 5"), ("empty", ""),
]:
    case(f"content-length-{cl_id}-put", lambda ctx, v=value: put_with_length(ctx, v), BAD_HTTP,
         after=nothing_stored("accepted/never"))
case("content-length-minus1-get", lambda ctx: put_with_length(ctx, "-1", method="GET", key="ref/small.bin"), BAD_HTTP)
case("content-length-int64max-signed", lambda ctx: put_with_length(ctx, str(2**63 - 1)),
     Error((400,), ("EntityTooLarge",)), after=nothing_stored("accepted/never"))
case("content-length-int64max-anonymous", lambda ctx: put_with_length(ctx, str(2**63 - 1), sign=False), DENIED)

# Chunk sizes (Transfer-Encoding: chunked, signed, UNSIGNED-PAYLOAD).
for chunk_id, body in [
    ("2p64", b"10000000000000000\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n"),
    ("17-hex-digits-f", b"FFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"),
    ("int64max", b"7FFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"),
    ("uint64max", b"FFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"),
    ("minus1", b"-1\r\nabc\r\n0\r\n\r\n"),
    ("hex-prefix", b"0x3\r\nabc\r\n0\r\n\r\n"),
    ("empty-size", b"\r\nabc\r\n0\r\n\r\n"),
    ("size-line-8k", b"0" * 8000 + b"3\r\nabc\r\n0\r\n\r\n"),
    ("data-longer-than-size", b"3\r\nabcdef\r\n0\r\n\r\n"),
]:
    case(f"chunk-size-{chunk_id}", lambda ctx, b=body: chunked_put(ctx, "accepted/never", b), BAD_CHUNKS,
         after=nothing_stored("accepted/never"))

# Percent-encoding, NUL and UTF-8 in paths and queries.
for path_id, path, expect in [
    ("lone-percent", f"/{BUCKET}/%", INVALID_URI),
    ("percent-one-digit", f"/{BUCKET}/%4", INVALID_URI),
    ("percent-non-hex", f"/{BUCKET}/%zz", INVALID_URI),
    ("percent-percent", f"/{BUCKET}/%%30", INVALID_URI),
    ("invalid-utf8-ff", f"/{BUCKET}/%FF", INVALID_URI),
    ("overlong-utf8-slash", f"/{BUCKET}/%C0%AF", INVALID_URI),
    ("overlong-utf8-3byte", f"/{BUCKET}/%E0%80%AF", INVALID_URI),
    ("overlong-utf8-4byte", f"/{BUCKET}/%F0%80%80%AF", INVALID_URI),
    ("utf8-surrogate", f"/{BUCKET}/%ED%A0%80", INVALID_URI),
    ("utf8-past-10ffff", f"/{BUCKET}/%F4%90%80%80", INVALID_URI),
    ("truncated-utf8", f"/{BUCKET}/ref/small.bin%E2%82", INVALID_URI),
    ("bucket-invalid-utf8", "/%FF%FE/key", INVALID_URI),
    ("encoded-nul-key", f"/{BUCKET}/%00", Error((400, 404), ("InvalidArgument", "NoSuchKey"))),
    # A key that truncates at NUL would be ref/small.bin: it must not be answered as that.
    ("encoded-nul-after-key", f"/{BUCKET}/ref/small.bin%00", Error((400, 404), ("InvalidArgument", "NoSuchKey"))),
    ("dot-dot-traversal", f"/{BUCKET}/..%2F..%2F..%2Fetc%2Fpasswd", Error((400, 403, 404))),
]:
    case(f"path-{path_id}", lambda ctx, p=path: request(ctx, "GET", p), expect)
case("path-invalid-utf8-anonymous", lambda ctx: request(ctx, "GET", f"/{BUCKET}/%C0%AF", sign=False), INVALID_URI)
for raw_id, target in [
    ("raw-nul", b"/hostile/a\x00b"),
    ("raw-invalid-utf8", b"/hostile/\xff\xfe"),
    ("raw-overlong-utf8", b"/hostile/\xc0\xaf"),
    ("raw-del", b"/hostile/a\x7fb"),
]:
    case(f"path-{raw_id}", lambda ctx, t=target: b"GET " + t + b" HTTP/1.1\r\nHost: x\r\n\r\n", BAD_HTTP)
for query_id, query in [
    ("lone-percent", "list-type=2&prefix=%"),
    ("percent-non-hex", "list-type=2&prefix=%zz"),
    ("invalid-utf8-ff", "list-type=2&prefix=%FF"),
    ("overlong-utf8", "list-type=2&prefix=%C0%AF"),
    ("utf8-surrogate", "list-type=2&prefix=%ED%A0%80"),
    ("invalid-utf8-name", "list-type=2&%FF=1"),
]:
    case(f"query-{query_id}", lambda ctx, q=query: request(ctx, "GET", f"/{BUCKET}", query=q), INVALID_ARGUMENT)
case("query-encoded-nul-prefix", lambda ctx: request(ctx, "GET", f"/{BUCKET}", query="list-type=2&prefix=%00"),
     AnyOf((XMLListing(), INVALID_ARGUMENT)))
case("query-encoded-nul-anonymous",
     lambda ctx: request(ctx, "GET", f"/{BUCKET}", query="list-type=2&prefix=%00", sign=False), DENIED)


# Malformed, empty and oversized SigV4 fields.
def auth(value):
    return lambda ctx: request(ctx, "GET", SMALL_PATH, authorization=value)


def scope():
    return f"{now_amz()[:8]}/{REGION}/s3/aws4_request"


SIG = "0" * 64
# What request() signs, so each case gets past the signed-header check to the field it spoils.
SIGNED = "host;x-amz-content-sha256;x-amz-date"
for auth_id, make in [
    ("empty", lambda: ""),
    ("algorithm-only", lambda: "AWS4-HMAC-SHA256"),
    ("no-fields", lambda: "AWS4-HMAC-SHA256 "),
    ("only-separators", lambda: "AWS4-HMAC-SHA256 ,,,,===,,,"),
    ("credential-empty", lambda: f"AWS4-HMAC-SHA256 Credential=, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("credential-oversized-key",
     lambda: f"AWS4-HMAC-SHA256 Credential={'A' * 20000}/{scope()}, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("credential-thousands-of-slashes",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}{'/' * 5000}, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("credential-date-20digits",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{'9' * 20}/{REGION}/s3/aws4_request, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("credential-wrong-region",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{now_amz()[:8]}/mars-1/s3/aws4_request, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("credential-wrong-service",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{now_amz()[:8]}/{REGION}/iam/aws4_request, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("signed-headers-empty",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders=, Signature={SIG}"),
    ("signed-headers-oversized",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED};{'x' * 30000}, Signature={SIG}"),
    ("signed-headers-5000-empty-names",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED}{';' * 5000}, Signature={SIG}"),
    ("signature-empty", lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED}, Signature="),
    ("signature-not-hex",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED}, Signature={'zz' * 32}"),
    ("signature-oversized",
     lambda: f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED}, Signature={'ab' * 20000}"),
    ("signature-v2", lambda: f"AWS {ACCESS_KEY}:c2lnbmF0dXJl"),
    ("unknown-algorithm", lambda: f"AWS4-HMAC-SHA512 Credential={ACCESS_KEY}/{scope()}, SignedHeaders={SIGNED}, Signature={SIG}"),
    ("non-ascii-bytes",
     lambda: f"AWS4-HMAC-SHA256 Credential=\u00ff\u00fe/{scope()}, SignedHeaders={SIGNED}, Signature={SIG}"),
]:
    case(f"authorization-{auth_id}", lambda ctx, m=make: auth(m())(ctx), SIGV4)
for payload_id, value in [
    ("empty", ""), ("not-hex-64", "z" * 64), ("oversized", "a" * 20000), ("short-hex", "abcd"),
]:
    case(f"x-amz-content-sha256-{payload_id}",
         lambda ctx, v=value: request(ctx, "GET", SMALL_PATH, payload=v), Error((400, 403)))
for param_id, kwargs in [
    ("credential-empty", {"params": {"X-Amz-Credential": ""}}),
    ("credential-oversized", {"params": {"X-Amz-Credential": "A" * 12000}}),
    ("signature-empty", {"signature": ""}),
    ("signature-oversized", {"signature": "ab" * 6000}),
    ("signed-headers-empty", {"params": {"X-Amz-SignedHeaders": ""}}),
    ("algorithm-wrong", {"params": {"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}}),
    ("date-missing", {"drop": ("X-Amz-Date",)}),
    ("expires-missing", {"drop": ("X-Amz-Expires",)}),
]:
    case(f"presigned-{param_id}", lambda ctx, k=kwargs: presigned(ctx, SMALL_PATH, **k), SIGV4)


# XML bodies: deep nesting, entity expansion, external entities, oversized (CreateBucket).
def create_bucket(name, body, sign=True):
    return lambda ctx: request(ctx, "PUT", f"/{name}", body=body, sign=sign)


def no_bucket(name):
    def check(ctx):
        assert ctx.status_of(None, bucket=name) == 404, f"bucket {name} was created by a refused request"
    return check


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><CreateBucketConfiguration><LocationConstraint>&lol9;</LocationConstraint></CreateBucketConfiguration>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<CreateBucketConfiguration><LocationConstraint>&xxe;</LocationConstraint></CreateBucketConfiguration>"
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>'
    b"<CreateBucketConfiguration/>"
)
for xml_id, body in [
    # Deep but under the 64 KiB body limit, so the parser's depth limit is what refuses them.
    ("nested-5000", b"<a>" * 5000 + b"</a>" * 5000),
    ("nested-in-configuration", b"<CreateBucketConfiguration>" + b"<LocationConstraint>" * 1000
     + b"</LocationConstraint>" * 1000 + b"</CreateBucketConfiguration>"),
    ("billion-laughs", LAUGHS),
    ("external-entity", XXE),
    ("parameter-entity", PARAMETER_ENTITY),
    ("oversized-200k", b"<CreateBucketConfiguration><LocationConstraint>" + b"x" * 200_000
     + b"</LocationConstraint></CreateBucketConfiguration>"),
    ("unclosed", b"<CreateBucketConfiguration><LocationConstraint>"),
    ("nul-byte", b"<CreateBucketConfiguration>\x00</CreateBucketConfiguration>"),
    ("invalid-utf8", b"<CreateBucketConfiguration><LocationConstraint>\xc0\xaf</LocationConstraint></CreateBucketConfiguration>"),
]:
    name = f"hostile-xml-{xml_id}"
    case(f"xml-{xml_id}", create_bucket(name, body), MALFORMED_XML, after=no_bucket(name))
case("xml-billion-laughs-anonymous", create_bucket("hostile-xml-anon", LAUGHS, sign=False), DENIED,
     after=no_bucket("hostile-xml-anon"))

# Oversized heads and metadata.
case("header-value-70k", lambda ctx: request(ctx, "GET", SMALL_PATH, headers=[("X-Big", "a" * 70 * 1024)]),
     TOO_LARGE_HEAD)
case("headers-150", lambda ctx: request(ctx, "GET", SMALL_PATH, headers=[(f"X-H{i}", "v") for i in range(150)]),
     TOO_LARGE_HEAD)
case("request-line-20k", lambda ctx: request(ctx, "GET", f"/{BUCKET}/{'k' * 20000}"), TOO_LARGE_HEAD)
case("header-name-70k", lambda ctx: request(ctx, "GET", SMALL_PATH, sign=False, after=[("X" * 70 * 1024, "v")]),
     TOO_LARGE_HEAD)
for meta_id, headers in [
    ("one-value-3k", [("x-amz-meta-big", "v" * 3000)]),
    ("ninety-headers", [(f"x-amz-meta-k{i:02d}", "v" * 30) for i in range(90)]),
    ("name-2100", [("x-amz-meta-" + "n" * 2100, "v")]),
]:
    case(f"metadata-{meta_id}",
         lambda ctx, h=headers: request(ctx, "PUT", f"/{BUCKET}/accepted/meta", headers=h, body=b"data"),
         META_TOO_LARGE, after=nothing_stored("accepted/meta"))
for line_id, raw in [
    ("obs-fold", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"),
    ("nul-in-value", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"),
    ("bare-cr-in-value", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
    ("space-before-colon", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nX-A : v\r\n\r\n"),
    ("no-colon", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nJust text\r\n\r\n"),
    ("two-hosts", b"GET /hostile/ref/small.bin HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
    ("no-host", b"GET /hostile/ref/small.bin HTTP/1.1\r\n\r\n"),
    ("garbage-line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),
]:
    case(f"head-{line_id}", lambda ctx, r=raw: r, BAD_HTTP)


# Request smuggling shapes. A second request hidden in the body must never be answered or run;
# it would delete ref/victim.txt, which must still read back intact.
def victim_intact(ctx):
    assert ctx.get("ref/victim.txt") == (200, OBJECTS["ref/victim.txt"]), "a smuggled DELETE ran"


def smuggled_delete(ctx):
    return request(ctx, "DELETE", f"/{BUCKET}/ref/victim.txt")


def cl_te(ctx, sign=True):
    # CL.TE: Content-Length covers only the last chunk; the DELETE follows as "next request".
    body = b"0\r\n\r\n" + smuggled_delete(ctx)
    return request(ctx, "PUT", f"/{BUCKET}/accepted/cl-te", sign=sign, content_length=False,
                   headers=[("Content-Length", "5"), ("Transfer-Encoding", "chunked")], body=body)


def te_cl(ctx):
    # TE.CL: Content-Length covers everything, chunked framing ends before the DELETE.
    inner = smuggled_delete(ctx)
    body = b"5\r\nhello\r\n0\r\n\r\n" + inner
    return request(ctx, "PUT", f"/{BUCKET}/accepted/te-cl", content_length=False,
                   headers=[("Transfer-Encoding", "chunked"), ("Content-Length", str(len(body)))], body=body)


def dup_cl(ctx, values):
    inner = smuggled_delete(ctx)
    return request(ctx, "PUT", f"/{BUCKET}/accepted/dup-cl", content_length=False,
                   headers=[("Content-Length", v) for v in values], body=b"hello" + inner)


@dataclass
class ThenClosed:
    """`first`, then the connection closes (RFC 9112 §6.3 item 3: a message with both
    Content-Length and Transfer-Encoding may be refused, or processed by Transfer-Encoding
    alone, but the connection must close after the answer). Nothing may follow the answer;
    the test checks that for every `watch_extra` case."""

    first: object

    def check(self, reply, ctx):
        problem = self.first.check(reply, ctx)
        if problem is None and reply.status is not None:
            if not reply.closed or reply.headers.get("connection") != "close":
                return "connection kept open after a message with both framings"
        return problem

    def __str__(self):
        return f"{self.first}, then Connection: close"


# The PUT itself may be refused (400) or stored by its chunked body (200); never the DELETE.
BOTH_FRAMINGS = ThenClosed(Error((400,), ("BadRequest", "InvalidRequest", "IncompleteBody")))
case("smuggle-cl-te-signed", cl_te, AnyOf((BOTH_FRAMINGS, ThenClosed(Status(200)))), after=victim_intact,
     watch_extra=True)
case("smuggle-cl-te-anonymous", lambda ctx: cl_te(ctx, sign=False), ThenClosed(DENIED), after=victim_intact,
     watch_extra=True)
case("smuggle-te-cl-signed", te_cl, AnyOf((BOTH_FRAMINGS, ThenClosed(Status(200)))), after=victim_intact,
     watch_extra=True)
case("smuggle-duplicate-content-length", lambda ctx: dup_cl(ctx, ["5", "200"]), BAD_HTTP, after=victim_intact,
     watch_extra=True)
case("smuggle-content-length-list", lambda ctx: dup_cl(ctx, ["5, 200"]), BAD_HTTP, after=victim_intact,
     watch_extra=True)
case("smuggle-te-in-http10",
     lambda ctx: request(ctx, "PUT", f"/{BUCKET}/accepted/h10", content_length=False,
                         headers=[("Transfer-Encoding", "chunked")], body=b"0\r\n\r\n").replace(b"HTTP/1.1", b"HTTP/1.0", 1),
     BAD_HTTP)
case("smuggle-te-space-before-colon",
     lambda ctx: b"PUT /hostile/accepted/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
     BAD_HTTP)
case("smuggle-chunked-twice",
     lambda ctx: chunked_put(ctx, "accepted/x", b"0\r\n\r\n").replace(b"Transfer-Encoding: chunked",
                                                                       b"Transfer-Encoding: chunked, chunked"),
     BAD_HTTP)

assert len(CASES) >= 50 and len({c.id for c in CASES}) == len(CASES)


# --- The server under attack ----------------------------------------------------------------


class Target:
    """One lakestore process with the reference objects; restarted if a case kills it, so one
    crash does not hide the outcome of the cases after it."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="lakestore-hostile-")
        self.data = os.path.join(self.root, "data")
        self.server = Server(self.data).start()
        s3 = make_client(self.server.endpoint)
        s3.create_bucket(Bucket=BUCKET)
        for key, body in OBJECTS.items():
            s3.put_object(Bucket=BUCKET, Key=key, Body=body, Metadata=META.get(key, {}))

    @property
    def port(self):
        return self.server.port

    def ensure_running(self):
        if self.server.proc.poll() is not None:
            self.server.stop()
            self.server = Server(self.data).start()

    def get(self, key):
        reply = exchange(self.port, request(self, "GET", f"/{BUCKET}/{uri_encode(key.encode(), True)}"))
        return reply.status, reply.body

    def status_of(self, key, bucket=BUCKET):
        """The status of a signed GET of the key (or, without a key, of listing the bucket)."""
        if key is None:
            return exchange(self.port, request(self, "GET", f"/{bucket}", query="list-type=2")).status
        return exchange(self.port, request(self, "GET", f"/{bucket}/{uri_encode(key.encode(), True)}")).status

    def log_tail(self):
        return self.server.read_log()[-3000:]

    def close(self):
        self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def target():
    t = Target()
    yield t
    t.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_request(target, case):
    target.ensure_running()
    proc = target.server.proc
    reply = exchange(target.port, case.build(target), watch_extra=case.watch_extra)
    time.sleep(0.01)  # let a crash caused by the request land before polling
    assert proc.poll() is None, (
        f"server died (exit {proc.returncode}) on {case.id}; answer: {reply.summary()}\n{target.log_tail()}"
    )
    assert not reply.hung, f"{case.id}: {reply.summary()}"
    problem = case.expect.check(reply, target)
    assert problem is None, f"{case.id}: expected {case.expect}, got {reply.summary()} ({problem})"
    if case.watch_extra:
        assert reply.extra == b"", f"{case.id}: a second (smuggled) answer followed: {reply.extra[:200]!r}"
    assert reply.elapsed < ANSWER_WITHIN, f"{case.id}: answered in {reply.elapsed:.3f}s"
    # The same process answers a normal signed GET right after.
    status, body = target.get("ref/small.bin")
    assert (status, body) == (200, OBJECTS["ref/small.bin"]), (
        f"normal GET failed after {case.id}: {status} {body[:400]!r}")
    assert target.server.proc is proc and proc.poll() is None
    if case.after:
        case.after(target)


def test_objects_stored_before_read_back_intact(target):
    target.ensure_running()
    s3 = make_client(target.server.endpoint)
    for key, body in OBJECTS.items():
        got = s3.get_object(Bucket=BUCKET, Key=key)
        assert got["Body"].read() == body, key
        assert got["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), key
        assert got["Metadata"] == META.get(key, {}), key
    keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET) for o in p.get("Contents", [])]
    stray = [k for k in keys if k not in OBJECTS and k not in ALLOWED_NEW]
    assert stray == [], f"hostile requests stored {stray}"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [BUCKET]
    assert os.listdir(os.path.join(target.data, ".lakestore", "tmp")) == []
