#!/usr/bin/env python3
"""The data lake rows of scripts/bench.sh (the parquet exporter against DuckDB). Bench only; needs `duckdb`.

    bench-lake.py sql LOG OUT          print DuckDB's COPY of LOG to OUT (the statement the row times)
    bench-lake.py copy LOG OUT         run it: LOG (plain or .gz) to one Parquet file, ZSTD
    bench-lake.py check OURS THEIRS    compare runra-events' lake directory OURS with DuckDB's file THEIRS:
                                       rows, and per column the rows whose values differ (data compared as
                                       JSON, since DuckDB writes it back re-serialized); prints one JSON object
    bench-lake.py follow --runra BIN --dir DIR [--interval-ms 1000] [--trials 5]
                                       follow latency: prints one JSON object

The COPY makes the columns the parquet exporter writes (SPEC §10; all but `raw`, which keeps the lines the
columns cannot hold exactly and is null for every line of a generated log): `read_json` with an explicit
`columns` map, so `data` stays JSON text rather than an inferred struct; `timestamp` cast to TIMESTAMPTZ; `level`
by the runtime's rule (docs/event-format.md); `duration_ms` and `exit_code` only when the JSON value is an integer
(as the exporter does: `1.259` is null there, where a plain TRY_CAST would round it to 1).

follow: writes one event to DIR/log.jsonl, starts `runra-events replay --follow -q --to parquet` on it (lake in
DIR/lake, partitionBy none, rollIntervalMs --interval-ms) and waits for that event in a Parquet file (start-up, not
counted). Then, --trials times: appends one event with a unique id, and polls every 20 ms for a new `*.parquet`
file in the lake (files are written under a temporary `.part-….tmp` name and renamed when complete) until DuckDB
reads a row with that id from it; the latency is the time from the append to that read. Then SIGTERM.
"""
import argparse
import glob
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

import duckdb

COLUMNS = "{id: 'VARCHAR', timestamp: 'VARCHAR', type: 'VARCHAR', sandboxId: 'VARCHAR', runId: 'VARCHAR', data: 'JSON'}"


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


def copy_sql(log, out):
    return f"""COPY (
  SELECT id, timestamp::TIMESTAMPTZ AS timestamp, type, sandboxId AS sandbox_id, runId AS run_id,
    CASE
      WHEN lower(data->>'level') IN ('debug', 'info', 'warn', 'error') THEN lower(data->>'level')
      WHEN lower(data->>'level') = 'warning' THEN 'warn'
      WHEN type LIKE '%.error' THEN 'error'
      WHEN type = 'exec.completed' THEN
        CASE WHEN json_type(data, 'exitCode') IN ('BIGINT', 'UBIGINT', 'DOUBLE')
          AND (data->>'exitCode')::DOUBLE <> 0 THEN 'error' ELSE 'info' END
      WHEN type IN ('agent.thinking', 'exec.streamed') THEN 'debug'
      ELSE 'info'
    END AS level,
    data,
    CASE WHEN json_type(data, 'durationMs') IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(data->>'durationMs' AS BIGINT) END AS duration_ms,
    CASE WHEN json_type(data, 'exitCode') IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(data->>'exitCode' AS INTEGER) END AS exit_code
  FROM read_json({quoted(log)}, format = 'newline_delimited',
    columns = {COLUMNS})
) TO {quoted(out)} (FORMAT parquet, COMPRESSION zstd)"""


def check(ours, theirs):
    con = duckdb.connect()
    a = f"read_parquet({quoted(os.path.join(ours, '**', '*.parquet'))})"
    b = f"read_parquet({quoted(theirs)})"
    result = {
        "oursRows": con.execute(f"SELECT count(*) FROM {a}").fetchone()[0],
        "theirsRows": con.execute(f"SELECT count(*) FROM {b}").fetchone()[0],
        "oursFiles": len(glob.glob(os.path.join(ours, "**", "*.parquet"), recursive=True)),
        "oursRaw": con.execute(f"SELECT count(raw) FROM {a}").fetchone()[0],
    }
    columns = ["timestamp", "type", "sandbox_id", "run_id", "level", "duration_ms", "exit_code"]
    tests = [f"count(*) FILTER (WHERE a.{c} IS DISTINCT FROM b.{c})" for c in columns]
    tests.append("count(*) FILTER (WHERE json(a.data) IS DISTINCT FROM json(b.data))")
    tests.append("count(*)")
    counts = con.execute(f"SELECT {', '.join(tests)} FROM {a} a JOIN {b} b USING (id)").fetchone()
    result["joined"] = counts[-1]
    result["differing"] = {c: n for c, n in zip(columns + ["data"], counts[:-1]) if n}
    result["oursSchema"] = schema(con, os.path.join(ours, "**", "*.parquet"))
    result["theirsSchema"] = schema(con, theirs)
    print(json.dumps(result, separators=(",", ":")))


def schema(con, path):
    rows = con.execute(f"SELECT name, type, converted_type, logical_type FROM parquet_schema({quoted(path)}) "
                   "WHERE type IS NOT NULL").fetchall()
    seen, out = set(), []
    for name, physical, converted, logical in rows:
        if name in seen:
            continue
        seen.add(name)
        kind = converted or (logical.split("(")[0] if logical else None) or physical
        if logical and logical.startswith("Json"):
            kind = "JSON"
        out.append(f"{name} {physical}" + (f"/{kind}" if kind != physical else ""))
    return out


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def follow(options):
    lake = os.path.join(options.dir, "lake")
    log = os.path.join(options.dir, "log.jsonl")
    os.makedirs(options.dir, exist_ok=True)
    for path in glob.glob(os.path.join(lake, "**", "*"), recursive=True) + glob.glob(os.path.join(lake, ".*")):
        if os.path.isfile(path):
            os.remove(path)
    con = duckdb.connect()
    tag = "%x" % random.getrandbits(40)

    def line(n):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z"
        return ('{"id":"evt_lake_%s_%d","timestamp":"%s","type":"exec.completed","sandboxId":"sb_lake",'
                '"runId":"run_lake","data":{"command":"true","exitCode":0,"durationMs":%d}}\n' % (tag, n, stamp, n))

    seen = set()

    def wait_for(n, timeout):
        wanted = "evt_lake_%s_%d" % (tag, n)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in sorted(glob.glob(os.path.join(lake, "**", "*.parquet"), recursive=True)):
                if path in seen:
                    continue
                seen.add(path)  # complete once it has this name: read it once
                found = con.execute(f"SELECT count(*) FROM read_parquet({quoted(path)}) WHERE id = ?", [wanted]).fetchone()[0]
                if found:
                    return time.monotonic()
            time.sleep(0.02)
        return None

    with open(log, "w") as output:
        output.write(line(0))
    stderr = open(os.path.join(options.dir, "shipper.err"), "w")
    command = [options.runra, "replay", "--follow", "-q", "--to", "parquet", "--set", "path=" + lake,
               "--set", "rollIntervalMs=%d" % options.interval_ms, "--set", "partitionBy=none", log]
    started = time.monotonic()
    shipper = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    latencies, missed = [], 0
    startup = wait_for(0, options.interval_ms / 1000 + 30)
    if startup is not None:
        for n in range(1, options.trials + 1):
            time.sleep(random.uniform(0.05, 0.25))  # not in step with the shipper's 200 ms look at the file
            with open(log, "a") as output:
                output.write(line(n))
            written = time.monotonic()
            readable = wait_for(n, options.interval_ms / 1000 + 10)
            if readable is None:
                missed += 1
            else:
                latencies.append(round((readable - written) * 1000, 1))
    peak = rss_kib(shipper.pid)
    shipper.send_signal(signal.SIGTERM)
    try:
        status = shipper.wait(timeout=60)
    except subprocess.TimeoutExpired:
        shipper.kill()
        status = "did not exit within 60 s of SIGTERM"
    stderr.close()
    error = open(os.path.join(options.dir, "shipper.err")).read()[-300:].strip()
    json.dump({
        "command": " ".join(command), "intervalMs": options.interval_ms, "trials": options.trials,
        "startupMs": None if startup is None else round((startup - started) * 1000, 1),
        "latenciesMs": latencies, "missed": missed,
        "medianMs": round(statistics.median(latencies), 1) if latencies else None,
        "worstMs": max(latencies) if latencies else None,
        "peakRssMiB": round(peak / 1024, 1), "exitStatus": status, "stderr": error,
    }, sys.stdout, separators=(",", ":"))
    print()


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("sql", "copy"):
        sub = commands.add_parser(name)
        sub.add_argument("log")
        sub.add_argument("out")
    sub = commands.add_parser("check")
    sub.add_argument("ours")
    sub.add_argument("theirs")
    sub = commands.add_parser("follow")
    sub.add_argument("--runra", required=True)
    sub.add_argument("--dir", required=True)
    sub.add_argument("--interval-ms", type=int, default=1000)
    sub.add_argument("--trials", type=int, default=5)
    options = parser.parse_args()
    if options.command == "sql":
        print(copy_sql(options.log, options.out))
    elif options.command == "copy":
        duckdb.sql(copy_sql(options.log, options.out))
    elif options.command == "check":
        check(options.ours, options.theirs)
    else:
        follow(options)


if __name__ == "__main__":
    main()
