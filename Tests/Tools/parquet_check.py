#!/usr/bin/env python3
"""Checks Parquet files written by RunraParquet with three independent readers: pyarrow, DuckDB and polars.

usage: parquet_check.py CASE.parquet [CASE.parquet ...]

Beside each CASE.parquet the test writes:
  CASE.spec.json  {"columns": [{"name", "kind", "dictionary"}], "compression": "zstd|snappy|none",
                   "rowGroupBytes": N, "pageBytes": N, "keyValueMetadata": [[k, v], ...]}
  CASE.jsonl      one JSON array per row, one entry per column: null, or for string/json columns the hex of
                  the bytes, for double columns "0x" + the hex bit pattern, else the number / boolean.

Every value is compared with what each reader returns (timestamps as microseconds since the epoch, UTC; bytes
exactly; doubles by bit pattern, NaN as NaN), then the footer: the schema's physical and logical types, the codec
of every column chunk, each chunk's statistics (null_count, min, max) against the rows of its row group, the
dictionary page of dictionary columns, and the row groups' sizes against rowGroupBytes. Exits 1 with a diff on
any mismatch.
"""

import json
import math
import struct
import sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

MAX_BOUND_LENGTH = 1024  # ColumnStatistics.maxByteArrayBoundLength: longer byte arrays drop a chunk's min/max
PHYSICAL = {"string": "BYTE_ARRAY", "json": "BYTE_ARRAY", "int64": "INT64", "int32": "INT32", "double": "DOUBLE",
            "boolean": "BOOLEAN", "timestampMicros": "INT64"}
CODEC = {"zstd": "ZSTD", "snappy": "SNAPPY", "none": "UNCOMPRESSED"}


class Failures:
    def __init__(self, path):
        self.path = path
        self.messages = []

    def add(self, message):
        if len(self.messages) < 40:
            self.messages.append(message)
        elif len(self.messages) == 40:
            self.messages.append("… (more)")


def decode(kind, value):
    """The expected value as Python: bytes, int, float (from its bits), bool or None."""
    if value is None:
        return None
    if kind in ("string", "json"):
        return bytes.fromhex(value)
    if kind == "double":
        return struct.unpack("<d", int(value, 16).to_bytes(8, "little"))[0]
    return value


def same(kind, expected, actual):
    if expected is None or actual is None:
        return expected is None and actual is None
    if kind in ("string", "json"):
        if isinstance(actual, str):
            actual = actual.encode("utf-8")
        return bytes(actual) == expected
    if kind == "double":
        if math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return struct.pack("<d", expected) == struct.pack("<d", float(actual))
    if kind == "boolean":
        return isinstance(actual, bool) and actual == expected
    return int(actual) == expected


def show(value):
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value)
        return repr(text[:80]) + (f"… ({len(text)} bytes)" if len(text) > 80 else "")
    if isinstance(value, str):
        return show(value.encode("utf-8"))
    if isinstance(value, float):
        return f"{value!r} (bits {struct.pack('<d', value).hex()})"
    return repr(value)


def compare_columns(reader, columns, expected_rows, actual_columns, failures):
    for index, column in enumerate(columns):
        actual = actual_columns[index]
        if len(actual) != len(expected_rows):
            failures.add(f"{reader}: column {column['name']}: {len(actual)} values, expected {len(expected_rows)}")
            continue
        for row, expected_row in enumerate(expected_rows):
            if not same(column["kind"], expected_row[index], actual[row]):
                failures.add(f"{reader}: row {row} column {column['name']}: got {show(actual[row])}, "
                             f"expected {show(expected_row[index])}")


def read_pyarrow(path, columns):
    table = pq.read_table(path)
    result = []
    for index, column in enumerate(columns):
        data = table.column(index)
        if column["kind"] == "timestampMicros":
            if not (pa.types.is_timestamp(data.type) and data.type.unit == "us" and data.type.tz in ("UTC", "+00:00")):
                raise AssertionError(f"pyarrow: column {column['name']} reads as {data.type}, expected timestamp[us, UTC]")
            data = data.cast(pa.int64())
        if pa.types.is_binary(data.type) or pa.types.is_large_binary(data.type):
            raise AssertionError(f"pyarrow: column {column['name']} reads as binary, expected a string type")
        result.append(data.to_pylist())
    return table, result


def read_duckdb(path, columns):
    selects = []
    for column in columns:
        quoted = '"' + column["name"].replace('"', '""') + '"'
        if column["kind"] == "timestampMicros":
            selects.append(f"epoch_us({quoted})")
        elif column["kind"] == "json":
            selects.append(f"CAST({quoted} AS VARCHAR)")
        else:
            selects.append(quoted)
    connection = duckdb.connect()
    types = {row[0]: row[1] for row in connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()}
    for column in columns:
        if column["kind"] == "timestampMicros" and types.get(column["name"]) != "TIMESTAMP WITH TIME ZONE":
            raise AssertionError(f"duckdb: column {column['name']} is {types.get(column['name'])}, "
                                 "expected TIMESTAMP WITH TIME ZONE")
    rows = connection.execute(f"SELECT {', '.join(selects)} FROM read_parquet(?)", [path]).fetchall()
    return [[row[index] for row in rows] for index in range(len(columns))]


def read_polars(path, columns):
    frame = pl.read_parquet(path)
    result = []
    for index, column in enumerate(columns):
        series = frame.to_series(index)
        if column["kind"] == "timestampMicros":
            if series.dtype != pl.Datetime("us", "UTC"):
                raise AssertionError(f"polars: column {column['name']} is {series.dtype}, expected Datetime(us, UTC)")
            series = series.dt.epoch("us")
        result.append(series.to_list())
    return result


def expected_bounds(kind, values):
    """(min, max) the statistics must hold for these non-null values, or None when they hold none."""
    if kind == "json" or not values:
        return None
    if kind == "string":
        if any(len(v) > MAX_BOUND_LENGTH for v in values):
            return None
        return min(values), max(values)
    if kind == "double":
        numbers = [v for v in values if not math.isnan(v)]
        if not numbers:
            return None
        low, high = min(numbers), max(numbers)
        return (-0.0 if low == 0 else low), (0.0 if high == 0 else high)
    return min(values), max(values)


def same_bound(kind, expected, actual):
    if kind == "double":
        return struct.pack("<d", expected) == struct.pack("<d", actual)
    if kind == "boolean":
        return bool(actual) == expected
    return actual == expected


def check_metadata(path, spec, expected_rows, failures):
    columns = spec["columns"]
    parquet_file = pq.ParquetFile(path)
    metadata = parquet_file.metadata
    if metadata.num_rows != len(expected_rows):
        failures.add(f"footer: num_rows {metadata.num_rows}, expected {len(expected_rows)}")
    if metadata.num_columns != len(columns):
        failures.add(f"footer: {metadata.num_columns} columns, expected {len(columns)}")
        return
    if "version" not in (metadata.created_by or ""):
        failures.add(f"footer: created_by {metadata.created_by!r} does not say '<app> version <version>'")
    key_values = {k.decode(): v.decode() for k, v in (metadata.metadata or {}).items()}
    for key, value in spec.get("keyValueMetadata", []):
        if key_values.get(key) != value:
            failures.add(f"footer: key_value_metadata[{key!r}] = {key_values.get(key)!r}, expected {value!r}")

    schema = parquet_file.schema
    for index, column in enumerate(columns):
        leaf = schema.column(index)
        kind = column["kind"]
        if leaf.name != column["name"]:
            failures.add(f"schema: column {index} is named {leaf.name!r}, expected {column['name']!r}")
        if leaf.physical_type != PHYSICAL[kind]:
            failures.add(f"schema: {column['name']} is {leaf.physical_type}, expected {PHYSICAL[kind]}")
        if leaf.max_definition_level != 1 or leaf.max_repetition_level != 0:
            failures.add(f"schema: {column['name']} is not a flat OPTIONAL column")
        logical = leaf.logical_type
        expected_logical = {"string": "String", "json": "JSON", "timestampMicros": "Timestamp"}.get(kind, "None")
        if logical.type.lower() != expected_logical.lower():
            failures.add(f"schema: {column['name']} has logical type {logical.type}, expected {expected_logical}")
        if kind == "timestampMicros":
            annotation = json.loads(logical.to_json())
            if annotation.get("isAdjustedToUTC") is not True or annotation.get("timeUnit") != "microseconds":
                failures.add(f"schema: {column['name']} timestamp annotation {annotation}")
        expected_converted = {"string": "UTF8", "json": "JSON", "timestampMicros": "TIMESTAMP_MICROS"}.get(kind, "NONE")
        if leaf.converted_type != expected_converted:
            failures.add(f"schema: {column['name']} converted type {leaf.converted_type}, expected {expected_converted}")

    first_row = 0
    row_group_bytes = spec["rowGroupBytes"]
    widest_row = 0
    for row in expected_rows:
        width = 0
        for index, column in enumerate(columns):
            value = row[index]
            if value is None:
                continue
            width += {"string": 0, "json": 0, "boolean": 1, "int32": 4}.get(column["kind"], 8)
            if column["kind"] in ("string", "json"):
                width += 4 + len(value) // 2
        widest_row = max(widest_row, width)
    slack = widest_row + 160 * len(columns) + row_group_bytes // 20 + 1024
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        rows = expected_rows[first_row:first_row + row_group.num_rows]
        first_row += row_group.num_rows
        if row_group.num_rows == 0:
            failures.add(f"row group {group}: no rows")
        compressed = sum(row_group.column(i).total_compressed_size for i in range(row_group.num_columns))
        if compressed > row_group_bytes + slack:
            failures.add(f"row group {group}: {compressed} bytes, more than rowGroupBytes {row_group_bytes} "
                         f"+ one row and page overhead ({slack})")
        for index, column in enumerate(columns):
            chunk = row_group.column(index)
            kind = column["kind"]
            where = f"row group {group} column {column['name']}"
            if chunk.compression != CODEC[spec["compression"]]:
                failures.add(f"{where}: codec {chunk.compression}, expected {CODEC[spec['compression']]}")
            if chunk.num_values != len(rows):
                failures.add(f"{where}: num_values {chunk.num_values}, expected {len(rows)}")
            values = [decode(kind, row[index]) for row in rows if row[index] is not None]
            wants_dictionary = column["dictionary"] and kind != "boolean" and len(values) > 0
            if chunk.has_dictionary_page != wants_dictionary:
                failures.add(f"{where}: has_dictionary_page {chunk.has_dictionary_page}, expected {wants_dictionary}")
            if wants_dictionary and "RLE_DICTIONARY" not in chunk.encodings:
                failures.add(f"{where}: encodings {chunk.encodings} lack RLE_DICTIONARY")
            if chunk.has_dictionary_page and chunk.dictionary_page_offset >= chunk.data_page_offset:
                failures.add(f"{where}: dictionary page at {chunk.dictionary_page_offset}, not before the data pages")
            stats = chunk.statistics
            if stats is None or not stats.has_null_count:
                failures.add(f"{where}: no null_count")
                continue
            nulls = len(rows) - len(values)
            if stats.null_count != nulls:
                failures.add(f"{where}: null_count {stats.null_count}, expected {nulls}")
            bounds = expected_bounds(kind, values)
            if bounds is None:
                if stats.has_min_max:
                    failures.add(f"{where}: min/max {show(stats.min_raw)}…{show(stats.max_raw)}, expected none")
                continue
            if not stats.has_min_max:
                failures.add(f"{where}: no min/max, expected {show(bounds[0])}…{show(bounds[1])}")
                continue
            if not same_bound(kind, bounds[0], stats.min_raw):
                failures.add(f"{where}: min {show(stats.min_raw)}, expected {show(bounds[0])}")
            if not same_bound(kind, bounds[1], stats.max_raw):
                failures.add(f"{where}: max {show(stats.max_raw)}, expected {show(bounds[1])}")
    if first_row != len(expected_rows):
        failures.add(f"row groups hold {first_row} rows, expected {len(expected_rows)}")
    if row_group_bytes == 1 and metadata.num_row_groups != len(expected_rows):
        failures.add(f"rowGroupBytes 1: {metadata.num_row_groups} row groups, expected one per row ({len(expected_rows)})")


def check(path):
    base = path[:-len(".parquet")]
    with open(base + ".spec.json") as handle:
        spec = json.load(handle)
    columns = spec["columns"]
    with open(base + ".jsonl") as handle:
        expected_rows = [[decode(c["kind"], v) for c, v in zip(columns, json.loads(line))] for line in handle]
    raw_rows = []
    with open(base + ".jsonl") as handle:
        raw_rows = [json.loads(line) for line in handle]
    failures = Failures(path)
    for name, reader in (("pyarrow", lambda: read_pyarrow(path, columns)[1]),
                         ("duckdb", lambda: read_duckdb(path, columns)),
                         ("polars", lambda: read_polars(path, columns))):
        try:
            compare_columns(name, columns, expected_rows, reader(), failures)
        except Exception as error:  # a reader refusing the file is a failure, with its words
            failures.add(f"{name}: cannot read: {type(error).__name__}: {error}")
    try:
        check_metadata(path, spec, raw_rows, failures)
    except Exception as error:
        failures.add(f"footer: {type(error).__name__}: {error}")
    return failures


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for path in sys.argv[1:]:
        failures = check(path)
        if failures.messages:
            bad += 1
            print(f"FAIL {path}", file=sys.stderr)
            for message in failures.messages:
                print(f"  {message}", file=sys.stderr)
        else:
            print(f"ok {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
