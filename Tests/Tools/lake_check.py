#!/usr/bin/env python3
"""Checks a lake written by runra-events' parquet exporter against its source lines, with independent readers.

usage: lake_check.py LAKE SOURCE.jsonl [--format parquet|delta] [--codec zstd|snappy|none]
                     [--partition hour|day|none] [--columns JSON] [--exactly-once]

SOURCE.jsonl holds the lines that must be in the lake (bad lines left out). Every reader (pyarrow, DuckDB with
hive_partitioning, polars; deltalake for a Delta table) must return one row per line, and each row must equal its
line: id, timestamp to the microsecond (UTC), type, sandbox_id, run_id, level (the runtime's rule), data (equal as
JSON, and its bytes as they are in the line), duration_ms and exit_code (when data holds integers), the promoted
columns, and raw (the line, only when the columns cannot hold it exactly). Then the footers: the codec of every
column chunk, each chunk's statistics against its rows, and each file's partition directory against its rows'
timestamps. Rows are matched by the line itself: an event twice in the lake, or missing, fails. Exits 1 with the
differences.
"""

import argparse
import datetime
import glob
import json
import os
import re
import sys
from collections import Counter

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq

CODEC = {"zstd": "ZSTD", "snappy": "SNAPPY", "none": "UNCOMPRESSED"}
LEVELS = {"debug", "info", "warn", "error"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
TIMESTAMP = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")

problems = []


def problem(message):
    if len(problems) < 60:
        problems.append(message)


def micros(text):
    """Microseconds since the epoch (floor) and whether that is exact (UTC `Z`, no finer than a microsecond)."""
    match = TIMESTAMP.match(text) if isinstance(text, str) else None
    if not match:
        return None, False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = (match.group(7) or ".")[1:]
    zone = match.group(8)
    offset = 0 if zone in "Zz" else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    base = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc) - EPOCH
    whole = (base.days * 86400 + base.seconds - offset) * 1_000_000
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    exact = zone == "Z" and nanos % 1000 == 0 and len(fraction) <= 9
    return whole + nanos // 1000, exact


def level(event):
    data = event.get("data")
    if isinstance(data, dict) and isinstance(data.get("level"), str) and data["level"].lower() in LEVELS:
        return data["level"].lower()
    kind = event.get("type", "")
    if kind.endswith(".error"):
        return "error"
    if kind == "exec.completed" and isinstance(data, dict):
        code = data.get("exitCode")
        if isinstance(code, (int, float)) and not isinstance(code, bool) and code != 0:
            return "error"
    if kind in ("agent.thinking", "exec.streamed"):
        return "debug"
    return "info"


def integer(value, bits):
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -(1 << (bits - 1)) <= value < (1 << (bits - 1)) else None


def data_text(line):
    """The bytes of `data`'s value as the line has them: the text after a `"data"` key that decodes to the event's
    `data` (keys may be followed by spaces; `"data"` may also occur inside strings before the member)."""
    wanted = json.loads(line).get("data")
    decoder = json.JSONDecoder()
    for match in re.finditer(r'"data"\s*:\s*', line):
        try:
            value, end = decoder.raw_decode(line, match.end())
        except ValueError:
            continue
        if value == wanted:
            return line[match.end():end]
    return None


def promoted(event, path, kind):
    value = event
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if kind == "string":
        return value if isinstance(value, str) else None
    if kind == "int64":
        return integer(value, 64)
    if kind == "int32":
        return integer(value, 32)
    if kind == "double":
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    return None


def expected_row(line, columns):
    event = json.loads(line)
    stamp, exact = micros(event.get("timestamp"))
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    six = {"id", "timestamp", "type", "sandboxId", "runId", "data"}
    strings = {key: event.get(key) if isinstance(event.get(key), str) else None
               for key in ("id", "type", "sandboxId", "runId")}
    needs_raw = (not exact or stamp is None or set(event) - six
                 or any(strings[key] is None for key in strings))
    row = {
        "id": strings["id"], "timestamp": stamp, "type": strings["type"], "sandbox_id": strings["sandboxId"],
        "run_id": strings["runId"], "level": level(event), "data": data_text(line) if "data" in event else None,
        "duration_ms": integer(data.get("durationMs"), 64), "exit_code": integer(data.get("exitCode"), 32),
        "raw": line if needs_raw else None,
    }
    for name, (path, kind) in columns.items():
        row[name] = promoted(event, path, kind)
    return row


def actual_value(name, value):
    if value is None:
        return None
    if name == "timestamp":
        if isinstance(value, int):
            return value
        delta = value - EPOCH if value.tzinfo else value - EPOCH.replace(tzinfo=None)
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def compare(reader, rows, expected_rows, names):
    """Matches rows to expected rows by (raw or id+timestamp+data) through the whole-row key."""
    def key(row):
        return tuple((name, actual_value(name, row.get(name))) for name in names)
    want = Counter(key(row) for row in expected_rows)
    got = Counter(key(row) for row in rows)
    if len(rows) != len(expected_rows):
        problem(f"{reader}: {len(rows)} rows, expected {len(expected_rows)}")
    missing = want - got
    extra = got - want
    for row, count in list(missing.items())[:5]:
        problem(f"{reader}: missing {count}x {dict(row)}")
    for row, count in list(extra.items())[:5]:
        problem(f"{reader}: unexpected {count}x {dict(row)}")


def check_data_json(rows, reader):
    for row in rows:
        if row.get("data") is not None:
            try:
                json.loads(row["data"])
            except ValueError:
                problem(f"{reader}: data is not JSON: {row['data'][:80]!r}")
                return


def partition_of(stamp, scheme):
    if scheme == "none":
        return ""
    if stamp is None:
        null = "dt=__HIVE_DEFAULT_PARTITION__"
        return null if scheme == "day" else null + "/hour=__HIVE_DEFAULT_PARTITION__"
    moment = EPOCH + datetime.timedelta(microseconds=stamp)
    day = "dt=" + moment.strftime("%Y-%m-%d")
    return day if scheme == "day" else f"{day}/hour={moment.hour:02d}"


def check_footers(files, root, codec, scheme):
    for path in files:
        meta = pq.ParquetFile(path).metadata
        table = pq.read_table(path, partitioning=None)
        directory = os.path.relpath(os.path.dirname(path), root)
        directory = "" if directory == "." else directory
        stamps = [actual_value("timestamp", value) for value in table.column("timestamp").to_pylist()]
        for stamp in set(stamps):
            if partition_of(stamp, scheme) != directory:
                problem(f"{path}: a row at {stamp} is not in its partition {partition_of(stamp, scheme)!r}")
                break
        offset = 0
        for group_index in range(meta.num_row_groups):
            group = meta.row_group(group_index)
            for column_index in range(group.num_columns):
                chunk = group.column(column_index)
                name = chunk.path_in_schema
                if chunk.compression != CODEC[codec]:
                    problem(f"{path}: row group {group_index} column {name} is {chunk.compression}, not {CODEC[codec]}")
                values = table.column(name).slice(offset, group.num_rows).to_pylist()
                stats = chunk.statistics
                if stats is None:
                    continue
                nulls = sum(1 for value in values if value is None)
                if stats.null_count != nulls:
                    problem(f"{path}: {name} null_count {stats.null_count}, rows have {nulls}")
                present = [value for value in values if value is not None]
                if stats.has_min_max and present:
                    low, high = min(present), max(present)
                    if isinstance(low, str):
                        low, high = min(v.encode() for v in present), max(v.encode() for v in present)
                        smin = stats.min if isinstance(stats.min, bytes) else stats.min.encode()
                        smax = stats.max if isinstance(stats.max, bytes) else stats.max.encode()
                    else:
                        smin, smax = stats.min, stats.max
                    if smin != low or smax != high:
                        problem(f"{path}: {name} min/max {smin!r}/{smax!r}, rows give {low!r}/{high!r}")
            offset += group.num_rows


def check_delta(root, expected_rows, names, scheme):
    from deltalake import DeltaTable
    table = DeltaTable(root)
    rows = table.to_pyarrow_table().to_pylist()
    compare("deltalake", rows, expected_rows, names)
    for row in rows:
        want = partition_of(actual_value("timestamp", row.get("timestamp")), scheme)
        got = "/".join(f"{name}={row[name]}" for name in (["dt", "hour"] if scheme == "hour" else ["dt"]))
        if scheme != "none" and row.get("dt") is not None and not want.startswith(f"dt={row['dt']}"):
            problem(f"deltalake: partition {got} for a row at {row.get('timestamp')}")
            break
    log = sorted(glob.glob(os.path.join(root, "_delta_log", "*.json")))
    actions = [json.loads(line) for path in log for line in open(path) if line.strip()]
    if not any("txn" in action and action["txn"].get("appId") for action in actions):
        problem("delta: no txn action")
    active = {}
    for action in actions:
        if "add" in action:
            active[action["add"]["path"]] = action["add"]
        if "remove" in action:
            active.pop(action["remove"]["path"], None)
    for path, add in active.items():
        stats = json.loads(add["stats"])
        real = pq.read_metadata(os.path.join(root, path)).num_rows
        if stats["numRecords"] != real:
            problem(f"delta: {path} stats say {stats['numRecords']} rows, the file has {real}")
    removed = {action["remove"]["path"] for action in actions if "remove" in action}
    on_disk = set(os.path.relpath(path, root) for path in parquet_files(root))
    if not set(active) <= on_disk:
        problem(f"delta: active files missing from the directory: {sorted(set(active) - on_disk)[:3]}")
    if on_disk - set(active) - removed:
        problem(f"delta: files neither in the table nor removed from it: {sorted(on_disk - set(active) - removed)[:3]}")


def parquet_files(root):
    return sorted(path for path in glob.glob(os.path.join(root, "**", "*.parquet"), recursive=True))


def count(root, form):
    """The rows in the lake now: in its active files for a Delta table, in its Parquet files otherwise."""
    if form == "delta":
        if not os.path.isdir(os.path.join(root, "_delta_log")):
            return 0
        from deltalake import DeltaTable
        return DeltaTable(root).to_pyarrow_table(columns=["id"]).num_rows
    return sum(pq.read_metadata(path).num_rows for path in parquet_files(root))


def main():
    if sys.argv[1:2] == ["--count"]:
        print(count(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "parquet"))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("lake")
    parser.add_argument("source")
    parser.add_argument("--format", default="parquet")
    parser.add_argument("--codec", default="zstd")
    parser.add_argument("--partition", default="hour")
    parser.add_argument("--columns", default="{}")
    arguments = parser.parse_args()
    columns = {name: (path.split(".")[0:], kind) for name, (path, kind) in json.loads(arguments.columns).items()}
    lines = [line.rstrip("\n") for line in open(arguments.source, encoding="utf-8") if line.strip()]
    expected_rows = [expected_row(line, columns) for line in lines]
    names = ["id", "timestamp", "type", "sandbox_id", "run_id", "level", "data", "duration_ms", "exit_code", "raw"]
    names += list(columns)
    files = parquet_files(arguments.lake)
    if os.path.isdir(arguments.lake) and any(name.endswith(".tmp") for _, _, names_ in os.walk(arguments.lake) for name in names_):
        problem("a temporary file was left in the lake")

    if arguments.format == "delta":
        check_delta(arguments.lake, expected_rows, names, arguments.partition)
    else:
        partitioning = "hive" if arguments.partition != "none" else None
        dataset = ds.dataset(arguments.lake, format="parquet", partitioning=partitioning,
                             exclude_invalid_files=False, ignore_prefixes=[".", "_"])
        rows = dataset.to_table().to_pylist()
        compare("pyarrow", rows, expected_rows, names)
        check_data_json(rows, "pyarrow")
        pattern = os.path.join(arguments.lake, "**", "*.parquet")
        con = duckdb.connect()
        relation = con.execute(
            f"SELECT {', '.join(names)} FROM read_parquet('{pattern}', hive_partitioning = {str(partitioning is not None).lower()})")
        duck = [dict(zip(names, row)) for row in relation.fetchall()]
        compare("duckdb", duck, expected_rows, names)
        frame = pl.read_parquet(pattern, hive_partitioning=partitioning is not None)
        compare("polars", frame.select(names).to_dicts(), expected_rows, names)
    check_footers(files, arguments.lake, arguments.codec, arguments.partition)

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"ok: {len(lines)} rows in {len(files)} files")


if __name__ == "__main__":
    main()
