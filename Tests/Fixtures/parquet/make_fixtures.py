#!/usr/bin/env python3
"""Writes the Parquet fixtures of ParquetFooterTests and what pyarrow reads back from them.

Run from anywhere: `python3 make_fixtures.py` (pyarrow needed). For every NAME.parquet it
writes its footer as a seed of the parquet-footer fuzz target
(Tests/Fuzz/corpus/parquet-footer/NAME.footer) and NAME.expected.json with pyarrow's own reading of the footer
(`pq.ParquetFile(...).metadata`): row counts, leaf columns (path, physical type, logical
type, levels), per row group and column the statistics pyarrow reports (converted to the
forms of LakeQuery's TypedValue), and whole-file min/max/null counts merged from them.

Rules the Swift parser must share (they are written once here, once in Swift):
- a row group without a min (or max) for a column makes the file's min (or max) unknown
  (None), unless that row group holds only nulls for it (null count == value count); min
  and max are merged each on its own;
- a file's null count is the sum, unknown when any row group lacks one;
- values pyarrow cannot map to a TypedValue (binary, UUID, INT96, uint64 past int64, NaN)
  are None.
Decimals are written as Python's repr of the float ("0.1", "inf"), which reads back exactly.
"""

import datetime
import decimal
import json
import math
import os

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "..", "..", "Fuzz", "corpus", "parquet-footer")
EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
INT64_MAX = 2**63 - 1


def write(name, table, **options):
    path = os.path.join(HERE, name + ".parquet")
    pq.write_table(table, path, **options)
    metadata = pq.ParquetFile(path).metadata
    with open(path, "rb") as parquet:
        data = parquet.read()
    length = int.from_bytes(data[-8:-4], "little")
    os.makedirs(SEEDS, exist_ok=True)
    with open(os.path.join(SEEDS, name + ".footer"), "wb") as seed:
        seed.write(data[-8 - length:-8])
    with open(os.path.join(HERE, name + ".expected.json"), "w") as out:
        json.dump(expected(metadata), out, indent=1, sort_keys=True, ensure_ascii=False)
        out.write("\n")


def typed(stats, bound, column):
    """pyarrow's statistic `bound` ("min" or "max") as {case: value} of TypedValue, or None."""
    raw = getattr(stats, bound + "_raw")
    logical = json.loads(column.logical_type.to_json())
    kind = logical["Type"]
    physical = column.physical_type
    if physical in ("INT96", "FIXED_LEN_BYTE_ARRAY", "BYTE_ARRAY") and kind not in (
        "String", "Enum", "JSON", "Decimal"
    ):
        return None
    if kind == "Timestamp" and logical["timeUnit"] == "nanoseconds":
        return {"timestamp": raw // 1000}  # floor, also for negative values
    if kind == "Time":
        return {"integer": raw}  # in the column's unit
    value = getattr(stats, bound)  # pyarrow's logical value
    if isinstance(value, bool):
        return {"integer": int(value)}
    if kind == "Timestamp":
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        return {"timestamp": (moment - EPOCH) // datetime.timedelta(microseconds=1)}
    if kind == "Date":
        return {"date": (value - EPOCH_DATE).days}
    if isinstance(value, decimal.Decimal):
        return {"decimal": repr(float(value))}
    if isinstance(value, float):
        return None if math.isnan(value) else {"decimal": repr(value)}
    if isinstance(value, int):
        return {"integer": value} if -(2**63) <= value <= INT64_MAX else None
    if isinstance(value, str):
        return {"string": value}
    return None


def expected(metadata):
    schema = metadata.schema
    columns = []
    for i in range(metadata.num_columns):
        column = schema.column(i)
        columns.append({
            "path": column.path.split("."),
            "physical_type": column.physical_type,
            "logical_type": json.loads(column.logical_type.to_json()),
            "converted_type": column.converted_type,
            "max_definition_level": column.max_definition_level,
            "max_repetition_level": column.max_repetition_level,
        })
    row_groups = []
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        stats = []
        for i in range(group.num_columns):
            chunk = group.column(i)
            s = chunk.statistics
            entry = {"min": None, "max": None, "null_count": None, "num_values": chunk.num_values}
            if s is not None and s.has_min_max:
                entry["min"] = typed(s, "min", schema.column(i))
                entry["max"] = typed(s, "max", schema.column(i))
            if s is not None and s.has_null_count:
                entry["null_count"] = s.null_count
            stats.append(entry)
        row_groups.append({"num_rows": group.num_rows, "columns": stats})
    file_stats = []
    for i in range(metadata.num_columns):
        chunks = [group["columns"][i] for group in row_groups]
        file_stats.append({
            "min": merged(chunks, "min", min),
            "max": merged(chunks, "max", max),
            "null_count": None if any(c["null_count"] is None for c in chunks)
            else sum(c["null_count"] for c in chunks),
        })
    return {
        "num_rows": metadata.num_rows,
        "num_row_groups": metadata.num_row_groups,
        "created_by": metadata.created_by,
        "columns": columns,
        "row_groups": row_groups,
        "file_statistics": file_stats,
    }


def merged(chunks, bound, pick):
    """The least min or greatest max of the row groups' `bound`s, each taken on its own,
    row groups of nulls only left out: None when another row group lacks it."""
    with_values = [c for c in chunks
                   if c["null_count"] is None or c["null_count"] != c["num_values"]]
    if not with_values or any(c[bound] is None for c in with_values):
        return None
    return pick((c[bound] for c in with_values), key=order)


def order(typed_value):
    """Sort key of a {case: value}; one column's values all share a case."""
    ((case, value),) = typed_value.items()
    if case == "decimal":
        return float(value)
    return value.encode() if case == "string" else value


def main():
    ms = datetime.datetime(2024, 1, 1, 12, 30, 15, 123000)
    utc = datetime.timezone.utc
    typed_rows = 10
    write("typed", pa.table({
        "i32": pa.array([3, None, -7, 42, 0, None, 5, 2**31 - 1, -(2**31), 9], pa.int32()),
        "i64": pa.array([2**40, -(2**62), 0, 1, None, 7, 8, 9, 10, 11], pa.int64()),
        "f64": pa.array([1.5, -2.25, None, 3e10, 0.1, float("nan"), 2.0, -0.0, 8.5, 9.75]),
        "s": pa.array(["pear", "apple", None, "fig", "kiwi", "date", "plum", "lime", None, None]),
        "d": pa.array([datetime.date(2024, 5, 1) + datetime.timedelta(days=40 * i)
                       for i in range(typed_rows)], pa.date32()),
        "ts_ms": pa.array([ms + datetime.timedelta(hours=7 * i) for i in range(typed_rows)],
                          pa.timestamp("ms")),
        "ts_us_utc": pa.array([datetime.datetime(1969, 12, 31, 23, 0, tzinfo=utc)
                               + datetime.timedelta(minutes=13 * i, microseconds=i)
                               for i in range(typed_rows)], pa.timestamp("us", tz="UTC")),
        "dec": pa.array([decimal.Decimal(v) for v in
                         ["12.34", "-5.00", "99999999.99", "0.01", "-0.99", "7.10", "3.33",
                          "-99999999.99", "1.00", "2.50"]], pa.decimal128(10, 2)),
        "flag": pa.array([True, True, None, True, False, True, True, True, True, True]),
    }), row_group_size=4)

    write("nested", pa.table({
        "id": pa.array(range(6), pa.int64()),
        "point": pa.array([{"x": i * 2 - 3, "label": f"p{i}"} if i != 2 else None
                           for i in range(6)],
                          pa.struct([("x", pa.int32()), ("label", pa.string())])),
        "tags": pa.array([[1, 2], [], None, [5], [-8, 9, 10], [4]], pa.list_(pa.int64())),
        "attrs": pa.array([[("a", 1)], [], [("b", 2), ("c", -3)], None, [("z", 0)], []],
                          pa.map_(pa.string(), pa.int32())),
    }), row_group_size=3)

    write("nostats", pa.table({
        "n": pa.array([1, 2, 3], pa.int64()),
        "s": pa.array(["x", None, "y"]),
    }), write_statistics=False)

    write("allnull", pa.table({
        "nothing": pa.array([None] * 5, pa.null()),
        "no_ints": pa.array([None] * 5, pa.int64()),
        "some": pa.array([None, 4, None, 6, None], pa.int32()),
    }), row_group_size=2)

    write("mixed", pa.table({
        "city": pa.array(["Zürich", "東京", "Zürich", "Åre", "東京", "naïve", "Zürich"]
                         ).dictionary_encode(),
        "emoji": pa.array(["b🙂", "a", "ä", "z", None, "🙃", "é"]),
        "u32": pa.array([1, 2**32 - 1, 7, 0, 5, 6, 2**31], pa.uint32()),
        "u64": pa.array([1, 2**64 - 1, 3, 4, 5, 6, 2**63], pa.uint64()),
        "i8": pa.array([-128, 127, 0, 1, 2, 3, 4], pa.int8()),
        "f32": pa.array([1.5, -0.25, 2.0, None, 3.5, float("inf"), 0.0], pa.float32()),
        "ts_ns": pa.array([-1, -1_000_001, 5_000_999, 0, 1_999, -999, 7], pa.timestamp("ns")),
        "t_ms": pa.array([0, 1000, 86_399_999, 5, 6, 7, 8], pa.time32("ms")),
        "dec_i32": pa.array([decimal.Decimal(v) for v in
                             ["1.23", "-4.56", "999.99", "0.00", "5.55", "-999.99", "2.00"]],
                            pa.decimal128(5, 2)),
        "dec_i64": pa.array([decimal.Decimal(v) for v in
                             ["123456789.123", "-1.001", "0.5", "2", "3", "4", "5"]],
                            pa.decimal128(12, 3)),
        "blob": pa.array([b"\x00\xff", b"a", b"b", b"c", b"d", b"e", b"f"], pa.binary()),
    }), row_group_size=4, store_decimal_as_integer=True)

    write("wide_decimal", pa.table({
        "dec38": pa.array([decimal.Decimal(v) for v in
                           ["-12345678901234.5678", "0.0001", "-0.0001", "42.4200"]],
                          pa.decimal128(20, 4)),
        "dec_small": pa.array([decimal.Decimal(v) if v != "0" else None for v in ["-1.5", "2.5", "0", "-0.5"]],
                              pa.decimal128(4, 1)),
    }), row_group_size=2)


if __name__ == "__main__":
    main()
