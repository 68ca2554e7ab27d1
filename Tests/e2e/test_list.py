"""ListObjectsV2 and ListObjects (V1) answered from the catalog."""

import urllib.parse

import botocore
import pytest

KEYS = [
    "a.txt",
    "logs/2024/01/app.log",
    "logs/2024/02/app.log",
    "logs/readme",
    "sales/year=2024/month=05/part-0.parquet",
    "sales/year=2024/month=06/part-0.parquet",
    "z",
    "é-accent",
    "😀-emoji",
    "space key",
    "plus+key",
]


@pytest.fixture
def filled(s3, bucket):
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode())


def test_full_listing_in_utf8_binary_order(s3, filled):
    got = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in got["Contents"]] == utf8_sorted(KEYS)
    assert got["KeyCount"] == len(KEYS)
    assert got["IsTruncated"] is False
    first = got["Contents"][0]
    assert first["Size"] == len(first["Key"].encode()) and first["StorageClass"] == "STANDARD"
    assert "Owner" not in first


def test_prefix_delimiter_common_prefixes(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [p["Prefix"] for p in got["CommonPrefixes"]] == ["logs/", "sales/"]
    assert [o["Key"] for o in got["Contents"]] == utf8_sorted(
        [k for k in KEYS if "/" not in k]
    )
    got = s3.list_objects_v2(Bucket=filled, Prefix="logs/", Delimiter="/")
    assert [p["Prefix"] for p in got["CommonPrefixes"]] == ["logs/2024/"]
    assert [o["Key"] for o in got["Contents"]] == ["logs/readme"]
    got = s3.list_objects_v2(Bucket=filled, Prefix="sales/year=2024/", Delimiter="/")
    assert [p["Prefix"] for p in got["CommonPrefixes"]] == [
        "sales/year=2024/month=05/",
        "sales/year=2024/month=06/",
    ]


def test_pagination_reproduces_listing(s3, filled):
    for delimiter in (None, "/"):
        seen = []
        kwargs = {"Bucket": filled, "MaxKeys": 2}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        pages = 0
        while True:
            page = s3.list_objects_v2(**kwargs)
            pages += 1
            assert page["KeyCount"] <= 2
            seen += [o["Key"] for o in page.get("Contents", [])]
            seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            if not page["IsTruncated"]:
                break
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        full = s3.list_objects_v2(**{k: v for k, v in kwargs.items() if k not in ("MaxKeys", "ContinuationToken")})
        expected = [o["Key"] for o in full.get("Contents", [])] + [p["Prefix"] for p in full.get("CommonPrefixes", [])]
        assert sorted(seen) == sorted(expected)
        assert len(seen) == len(set(seen))
        assert pages >= 3


def test_paginator_and_start_after_and_fetch_owner(s3, filled):
    paginator = s3.get_paginator("list_objects_v2")
    keys = [o["Key"] for page in paginator.paginate(Bucket=filled, PaginationConfig={"PageSize": 3}) for o in page["Contents"]]
    assert keys == utf8_sorted(KEYS)
    got = s3.list_objects_v2(Bucket=filled, StartAfter="sales/")
    assert [o["Key"] for o in got["Contents"]] == [k for k in utf8_sorted(KEYS) if k.encode() > b"sales/"]
    got = s3.list_objects_v2(Bucket=filled, MaxKeys=1, FetchOwner=True)
    assert got["Contents"][0]["Owner"]["DisplayName"] == "lakestore"


def test_encoding_type_url(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, Prefix="space", EncodingType="url")
    # Asked for explicitly, botocore leaves the keys encoded; SDKs decode with unquote_plus.
    assert [urllib.parse.unquote_plus(o["Key"]) for o in got["Contents"]] == ["space key"]
    # When botocore asks for url encoding itself (its default), it decodes transparently.
    assert [o["Key"] for o in s3.list_objects(Bucket=filled, Prefix="é")["Contents"]] == ["é-accent"]
    raw = []
    s3.meta.events.register("after-call.s3.ListObjectsV2", lambda http_response, **kw: raw.append(http_response.text))
    s3.list_objects_v2(Bucket=filled, Prefix="plus", EncodingType="url")
    assert "<Key>plus%2Bkey</Key>" in raw[0]


def test_max_keys_zero_and_bad_token(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, MaxKeys=0)  # an empty page, not truncated (issue 12)
    assert got["KeyCount"] == 0 and got["IsTruncated"] is False
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.list_objects_v2(Bucket=filled, ContinuationToken="not-a-token!")
    assert e.value.response["Error"]["Code"] == "InvalidArgument"


def test_v1_marker_and_next_marker(s3, filled):
    got = s3.list_objects(Bucket=filled, MaxKeys=3)
    assert [o["Key"] for o in got["Contents"]] == utf8_sorted(KEYS)[:3]
    assert got["IsTruncated"] is True and "Owner" in got["Contents"][0]
    got2 = s3.list_objects(Bucket=filled, Marker=got["Contents"][-1]["Key"])
    assert [o["Key"] for o in got2["Contents"]] == utf8_sorted(KEYS)[3:]
    got = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert got["IsTruncated"] is True and "NextMarker" in got
    rest = s3.list_objects(Bucket=filled, Delimiter="/", Marker=got["NextMarker"])
    names = [o["Key"] for o in got.get("Contents", [])] + [p["Prefix"] for p in got.get("CommonPrefixes", [])]
    names += [o["Key"] for o in rest.get("Contents", [])] + [p["Prefix"] for p in rest.get("CommonPrefixes", [])]
    assert sorted(names) == sorted([k for k in KEYS if "/" not in k] + ["logs/", "sales/"])
