#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (Tests/Fuzz/corpus/TARGET/).

Run it again after changing a target's input format; `scripts/fuzz` never writes here (it
copies the seeds to a scratch corpus). Crash inputs worth keeping are added by hand as
`crash-*` files and are left alone by this script.

The signed requests use the fixed key of Sources/LakeFuzz/FuzzKeys.swift (the AWS example
key) and its date, 2013-05-24T00:00:00Z, signed here with the same SigV4 rules.
"""
import gzip
import hashlib
import hmac
import os
import struct
import sys
import zlib
from urllib.parse import quote

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
ACCESS = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AMZ_DATE = "20130524T000000Z"
SCOPE_DATE = AMZ_DATE[:8]
SCOPE = f"{SCOPE_DATE}/us-east-1/s3/aws4_request"
EMPTY = hashlib.sha256(b"").hexdigest()
DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'
S3NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def uri_encode(data: bytes, keep_slash: bool) -> str:
    safe = "-._~" + ("/" if keep_slash else "")
    return quote(data, safe=safe)


def pct_decode(text: str, plus_is_space: bool) -> bytes:
    out = bytearray()
    raw = text.encode()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x25:
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
            continue
        out.append(0x20 if plus_is_space and c == 0x2B else c)
        i += 1
    return bytes(out)


def canonical_query(raw: str) -> str:
    pairs = []
    for piece in raw.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append(
            (
                uri_encode(pct_decode(name, True), False),
                uri_encode(pct_decode(value, True), False),
            )
        )
    pairs.sort()
    return "&".join(f"{n}={v}" for n, v in pairs)


def signing_key() -> bytes:
    key = ("AWS4" + SECRET).encode()
    for part in (SCOPE_DATE, "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature(method, path, query, headers, signed, payload):
    lines = [method, uri_encode(pct_decode(path, False), True) or "/", query]
    for name in signed:
        values = [" ".join(v.split()) for n, v in headers if n.lower() == name]
        lines.append(f"{name}:{','.join(values)}")
    lines += ["", ";".join(signed), payload]
    canonical = "\n".join(lines)
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", AMZ_DATE, SCOPE, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    return hmac.new(signing_key(), to_sign.encode(), hashlib.sha256).hexdigest()


def header_signed(method, target, headers, payload=EMPTY) -> bytes:
    path, _, query = target.partition("?")
    headers = headers + [("x-amz-date", AMZ_DATE), ("x-amz-content-sha256", payload)]
    signed = sorted({n.lower() for n, _ in headers})
    sig = signature(method, path, canonical_query(query), headers, signed, payload)
    auth = (
        f"AWS4-HMAC-SHA256 Credential={ACCESS}/{SCOPE}, "
        f"SignedHeaders={';'.join(signed)}, Signature={sig}"
    )
    lines = [f"{method} {target} HTTP/1.1"] + [f"{n}: {v}" for n, v in headers]
    lines.append(f"Authorization: {auth}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def presigned(method, path, host, extra_query="", expires=3600) -> bytes:
    params = [p for p in extra_query.split("&") if p] + [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        f"X-Amz-Credential={uri_encode(f'{ACCESS}/{SCOPE}'.encode(), False)}",
        f"X-Amz-Date={AMZ_DATE}",
        f"X-Amz-Expires={expires}",
        "X-Amz-SignedHeaders=host",
    ]
    query = canonical_query("&".join(params))
    sig = signature(method, path, query, [("host", host)], ["host"], "UNSIGNED-PAYLOAD")
    target = f"{path}?{query}&X-Amz-Signature={sig}"
    return f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


HOST = "localhost:9000"

SEEDS = {
    "http-head": {
        "get": b"GET /bucket/key HTTP/1.1\r\nHost: localhost:9000\r\n\r\n",
        "put-length-continue": b"PUT /bucket/big%20file HTTP/1.1\r\nHost: localhost:9000\r\n"
        b"Content-Length: 1048577\r\nExpect: 100-continue\r\nContent-Type: application/octet-stream\r\n\r\n",
        "put-chunked": b"PUT /bucket/k HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        b"x-amz-decoded-content-length: 5\r\n\r\n",
        "pipelined": b"GET /a/b HTTP/1.1\r\nHost: h\r\n\r\nHEAD /a/c?x=1 HTTP/1.1\r\nHost: h\r\n"
        b"Connection: close\r\n\r\n",
        "http10-keepalive": b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "bare-lf": b"\r\nDELETE /bucket/key HTTP/1.1\nHost: localhost\nContent-Length: 0\n\n",
        "both-framings": b"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
        "aws-cli-head": b"HEAD /bucket/dir/file.txt HTTP/1.1\r\nHost: localhost:9000\r\n"
        b"Accept-Encoding: identity\r\nUser-Agent: aws-cli/2.15.0 md/Botocore#1.34.0\r\n"
        b"X-Amz-Date: 20130524T000000Z\r\nX-Amz-Content-SHA256: UNSIGNED-PAYLOAD\r\n"
        b"Range: bytes=0-99\r\nIf-None-Match: \"abc\"\r\n\r\n",
    },
    "chunked": {
        "simple": b"5\r\nhello\r\n0\r\n\r\n",
        "extensions-trailer": b"3;name=value;q=\"x\"\r\nabc\r\nA \r\n0123456789\r\n0\r\n"
        b"x-amz-checksum-crc32: AAAAAA==\r\n\r\n",
        "aws-chunked": b"400;chunk-signature=" + b"0" * 64 + b"\r\n" + b"x" * 1024 + b"\r\n"
        b"0;chunk-signature=" + b"1" * 64 + b"\r\n\r\n",
        "uppercase-many": b"1\r\na\r\nF\r\n" + b"b" * 15 + b"\r\n10\r\n" + b"c" * 16 + b"\r\n0\r\n\r\nNEXT",
    },
    "dates": {
        "imf-fixdate": b"Sun, 06 Nov 1994 08:49:37 GMT",
        "rfc850": b"Sunday, 06-Nov-94 08:49:37 GMT",
        "asctime": b"Sun Nov  6 08:49:37 1994",
        "amz-presigned": b"20130524T000000Z\n3600",
        "iso8601": b"2013-05-24T00:00:00.000Z",
        "seed-date": b"Fri, 24 May 2013 00:00:00 GMT",
        "leap-second": b"20161231T235960Z\n604800",
        # Years past Int32 / past 9999 trapped the parser before commit e134538.
        "big-year": b"Sun, 06 Nov 99999999999 08:49:37 GMT",
        "year-10000": b"Sat, 01 Jan 10000 00:00:00 GMT\n604801",
    },
    "uri": {
        "path": b"/bucket/key%20with%20space/%E2%82%AC",
        "list-query": b"list-type=2&prefix=a%2Fb&delimiter=%2F&max-keys=10&encoding-type=url",
        "plus-and-bare": b"a+b=c+d&x&&=y",
        "presigned-query": b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
        b"%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z",
        "bad-escape": b"/a%2/b%zz%",
        "hex": b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    },
    "router": {
        "list-buckets": b"GET /\nHost: localhost:9000",
        "list-v2": b"GET /bucket?list-type=2&prefix=p&delimiter=%2F&max-keys=5&continuation-token=t\n"
        b"Host: localhost",
        "list-v1": b"GET /bucket/?marker=m&encoding-type=url\nHost: localhost",
        "copy": b"PUT /bucket/key/a%20b\nHost: localhost\nx-amz-copy-source: /a/b",
        "vhost-get": b"GET /key?partNumber=1&response-content-type=text%2Fplain\n"
        b"Host: bucket.s3.example.com",
        "vhost-port": b"HEAD /dir/key\nHost: my.bucket.LOCALHOST:9000",
        "delete-version": b"DELETE /bucket/key?versionId=null\nHost: localhost",
        "location": b"GET /bucket?location\nHost: localhost",
        "uploads": b"POST /bucket/key?uploads\nHost: localhost",
        "options": b"OPTIONS /bucket/key\nHost: localhost",
        "bulk-delete": b"POST /bucket?delete\nHost: localhost",
        "odd-method": b"PATCH /bucket/key\nHost: localhost",
    },
    "sigv4": {
        "get": header_signed("GET", "/bucket/key", [("Host", HOST)]),
        "list": header_signed(
            "GET", "/bucket?list-type=2&prefix=a%2Fb&delimiter=%2F", [("Host", HOST)]
        ),
        "put-meta": header_signed(
            "PUT",
            "/bucket/dir/a%20b.txt",
            [
                ("Host", HOST),
                ("Content-Length", "5"),
                ("Content-Type", "text/plain"),
                ("x-amz-meta-color", "  blue   green "),
            ],
            payload=hashlib.sha256(b"hello").hexdigest(),
        ),
        "put-streaming": header_signed(
            "PUT",
            "/bucket/k",
            [("Host", HOST), ("Content-Encoding", "aws-chunked"),
             ("x-amz-decoded-content-length", "5")],
            payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        ),
        "unsigned-payload": header_signed(
            "DELETE", "/bucket/key", [("Host", HOST)], payload="UNSIGNED-PAYLOAD"
        ),
        "presigned-get": presigned("GET", "/bucket/key", HOST),
        "presigned-put": presigned("PUT", "/bucket/a%2Bb", HOST, "x-id=PutObject", 604800),
        "anonymous": b"GET /bucket/key HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "sigv2": b"GET /bucket/key HTTP/1.1\r\nHost: localhost\r\n"
        b"Authorization: AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=\r\n\r\n",
    },
    "sigv4-roundtrip": {
        "header-get": b"h\nGET\n/bucket/key\n\nx-amz-meta-a: 1",
        "presigned-get": b"p\nGET\n/bucket/k%20y\nlist-type=2\n",
        "header-put-fields": b"hx\nPUT\n/bucket/a b/\xc3\xbc\nx=1&y&z=%2F\ncontent-type: text/plain\n"
        b"x-amz-meta-x:  a  b \nHost: bucket.localhost",
        "presigned-odd-path": b"p9\nDELETE\n/b/%41%2f..//x\n\n",
        "header-bad-escape": b"h2\nHEAD\n/b/%zz\na=%\n",
    },
    "xml": {
        "location": b'<?xml version="1.0" encoding="UTF-8"?>\n<CreateBucketConfiguration '
        b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1'
        b"</LocationConstraint></CreateBucketConfiguration>",
        "empty-location": b"<CreateBucketConfiguration><LocationConstraint/>"
        b"</CreateBucketConfiguration>",
        "features": b"\xef\xbb\xbf<?xml version='1.0'?><!-- c --><s3:Root a='1' b=\"x>y\">"
        b"t&amp;&lt;&#x41;&#66;<![CDATA[<raw>]]><?pi x?><Child/><!-- x --></s3:Root>\n",
        "delete": b"<Delete><Quiet>true</Quiet><Object><Key>a/b</Key></Object>"
        b"<Object><Key>c&amp;d</Key><VersionId>null</VersionId></Object></Delete>",
        "complete-multipart": b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
        b"<ETag>\"a54357aff0632cce46d942af68356b38\"</ETag></Part></CompleteMultipartUpload>",
        "dtd": b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        # Response documents as the server writes them (S3Document round trips).
        "list-v2-url": DECL + b"<ListBucketResult " + S3NS + b"><Name>bkt</Name>"
        b"<Prefix>%C3%A9%20</Prefix><ContinuationToken>AWE</ContinuationToken>"
        b"<StartAfter>a%01</StartAfter><NextContinuationToken>AWEudHh0</NextContinuationToken>"
        b"<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>"
        b"<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><Contents>"
        b"<Key>ctl%01%1Fx+y</Key><LastModified>2023-11-14T22:13:20.001Z</LastModified>"
        b"<ETag>&quot;a5e54d1fd7bb69a228ef0dcd2431367e&quot;</ETag><Size>5</Size>"
        b"<Owner><ID>0123</ID><DisplayName>lakestore</DisplayName></Owner>"
        b"<StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>a%26b/</Prefix>"
        b"</CommonPrefixes></ListBucketResult>",
        "list-v1": DECL + b"<ListBucketResult " + S3NS + b"><Name>bkt</Name><Prefix>p %</Prefix>"
        b"<Marker></Marker><NextMarker>a.txt</NextMarker><MaxKeys>1</MaxKeys>"
        b"<Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><Contents><Key>a&amp;&lt;.txt</Key>"
        b"<LastModified>2009-10-12T17:50:30Z</LastModified><ETag>\"e\"</ETag><Size>5</Size>"
        b"<StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>",
        # V1 leaves Prefix alone under url encoding; Marker is encoded.
        "list-v1-url": b"<ListBucketResult><Name>b</Name><Prefix>a+b%25</Prefix><Marker>m%2B"
        b"</Marker><MaxKeys>1</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false"
        b"</IsTruncated></ListBucketResult>",
        "list-versions": DECL + b"<ListVersionsResult " + S3NS + b"><Name>bkt</Name><Prefix></Prefix>"
        b"<KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><NextKeyMarker>a.txt"
        b"</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker><MaxKeys>1</MaxKeys>"
        b"<IsTruncated>true</IsTruncated><Version><Key>a.txt</Key><VersionId>null</VersionId>"
        b"<IsLatest>true</IsLatest><LastModified>2023-11-14T22:13:20.001Z</LastModified>"
        b"<ETag>&quot;e&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Version>"
        b"</ListVersionsResult>",
        "buckets": b"<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>"
        b"2019-12-11T23:32:47+00:00</CreationDate><Name>demo</Name></Bucket></Buckets>"
        b"<Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>"
        b"<ContinuationToken>AWJrMw</ContinuationToken></ListAllMyBucketsResult>",
        "delete-result": DECL + b"<DeleteResult " + S3NS + b"><Deleted><Key>d/1</Key></Deleted>"
        b"<Error><Key>k</Key><VersionId>v1</VersionId><Code>InvalidArgument</Code>"
        b"<Message>Invalid</Message></Error><Deleted><Key>x</Key><DeleteMarker>true</DeleteMarker>"
        b"<DeleteMarkerVersionId>m</DeleteMarkerVersionId></Deleted></DeleteResult>",
        "error": DECL + b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
        b"</Message><Key>a b</Key><Resource>/b/a b</Resource><RequestId>4442587FB7D0A2F9"
        b"</RequestId><HostId>h/+=</HostId></Error>",
        "list-parts": DECL + b"<ListPartsResult " + S3NS + b"><Bucket>bkt</Bucket><Key>k</Key>"
        b"<UploadId>U</UploadId><Initiator><ID>0123</ID></Initiator><Owner><ID>0123</ID>"
        b"<DisplayName>lakestore</DisplayName></Owner><StorageClass>STANDARD</StorageClass>"
        b"<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>"
        b"<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker>"
        b"<MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
        b"<LastModified>2023-11-14T22:13:20.001Z</LastModified><ETag>&quot;0b4e&quot;</ETag>"
        b"<Size>6</Size><ChecksumCRC32>WuQZ+A==</ChecksumCRC32></Part></ListPartsResult>",
        "list-uploads": DECL + b"<ListMultipartUploadsResult " + S3NS + b"><Bucket>bkt</Bucket>"
        b"<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><NextKeyMarker>mp/"
        b"</NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker><Delimiter>/</Delimiter>"
        b"<Prefix></Prefix><EncodingType>url</EncodingType><MaxUploads>1</MaxUploads>"
        b"<IsTruncated>true</IsTruncated><Upload><Key>%C3%A9</Key><UploadId>u</UploadId>"
        b"<StorageClass>STANDARD</StorageClass><Initiated>2010-11-10T20:48:33.000Z</Initiated>"
        b"<ChecksumAlgorithm>SHA256</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>"
        b"</Upload><CommonPrefixes><Prefix>mp/</Prefix></CommonPrefixes>"
        b"</ListMultipartUploadsResult>",
        "attributes": DECL + b"<GetObjectAttributesResponse " + S3NS + b"><ETag>d7fa-3</ETag>"
        b"<Checksum><ChecksumCRC32>kwMlOw==-3</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>"
        b"</Checksum><ObjectParts><PartsCount>3</PartsCount><PartNumberMarker>1</PartNumberMarker>"
        b"<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts>"
        b"<IsTruncated>true</IsTruncated><Part><PartNumber>2</PartNumber><Size>9</Size>"
        b"<ChecksumCRC32>kr7kbQ==</ChecksumCRC32></Part></ObjectParts><StorageClass>STANDARD"
        b"</StorageClass><ObjectSize>17</ObjectSize></GetObjectAttributesResponse>",
        "complete-result": DECL + b"<CompleteMultipartUploadResult " + S3NS + b"><Location>"
        b"http://h/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;d7fa-3&quot;</ETag>"
        b"<ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME><ChecksumType>FULL_OBJECT"
        b"</ChecksumType></CompleteMultipartUploadResult>",
        "copy-results": b"<CopyObjectResult><ETag>\"3793\"</ETag><LastModified>"
        b"2023-11-14T22:13:20.001Z</LastModified><ChecksumType>FULL_OBJECT</ChecksumType>"
        b"<ChecksumSHA1>x</ChecksumSHA1></CopyObjectResult>",
        "complete-checksums": b"<CompleteMultipartUpload><Part><PartNumber> +2 </PartNumber>"
        b"<ETag>e</ETag><ChecksumCRC32C>c</ChecksumCRC32C><ChecksumSHA256> s </ChecksumSHA256>"
        b"</Part></CompleteMultipartUpload>",
    },
    "key-path": {
        "plain": b"bucket\nphotos/2024/a.jpg",
        "dot-dot": b"my.bucket\n../../etc/passwd",
        "empty-component": b"bucket\na//b",
        "meta-dir": b"bucket\n.lakestore/catalog.db",
        "folder-marker": b"bucket\ndir/",
        "dot": b"bucket\n./x/.",
        "meta-bucket": b".lakestore\nx",
        "long": b"bucket\n" + b"x" * 256 + b"/y",
        "unicode": b"b-1\n\xc3\xa9t\xc3\xa9/e\xcc\x81/\xe2\x80\xae",
        "nul": b"bucket\na\x00b",
    },
    "range-etag": {
        "range": b"bytes=0-9\n100",
        "suffix": b"bytes=-5\n3",
        "open": b"bytes=10-\n5",
        "huge": b"bytes=0-99999999999999999999999\n9223372036854775807",
        "etags": b"\"abc\", W/\"def\"\n0\nabc",
        "star": b"*",
    },
}


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """One gzip member without a name and with mtime 0, so the seeds are reproducible."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def gzip_with_header_fields(data: bytes) -> bytes:
    """A member whose header has every optional field: FEXTRA, FNAME, FCOMMENT and FHCRC."""
    header = b"\x1f\x8b\x08\x1e" + struct.pack("<I", 0) + b"\x00\x03"
    header += struct.pack("<H", 6) + b"LS\x02\x00ok" + b"part-0.csv\x00" + b"a comment\x00"
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


GZIP_CSV = b'id,amount,day,note\r\n1,10.5,2024-05-01,"a, ""quoted""\nnote"\r\n2,,2024-05-02,plain\r\n'
GZIP_JSONL = b'{"n": 1, "s": "x", "at": "2024-05-01T10:00:00Z"}\n{"n": 2.5, "tags": [1, {"a": null}]}\n'
SEEDS["gzip"] = {
    "csv.gz": gzip_member(GZIP_CSV),
    "jsonl.gz": gzip_member(GZIP_JSONL, 9),
    "stored.gz": gzip_member(GZIP_CSV, 0),
    "two-members.gz": gzip_member(GZIP_CSV[:40]) + gzip_member(GZIP_CSV[40:]),
    "padded.gz": gzip_member(GZIP_JSONL) + b"\x00" * 16,
    "header-fields.gz": gzip_with_header_fields(GZIP_CSV),
    "truncated.gz": gzip_member(GZIP_CSV)[:-5],
    "empty.gz": gzip_member(b""),
    "semicolons": b"a;b\n1;2\n",
}


def main() -> int:
    for target, seeds in SEEDS.items():
        directory = os.path.join(ROOT, target)
        os.makedirs(directory, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
    print(f"wrote {sum(map(len, SEEDS.values()))} seeds under {ROOT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
