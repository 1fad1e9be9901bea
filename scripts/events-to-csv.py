#!/usr/bin/env python3
"""Converts a JSONL event log to CSV for `psql \\copy ... csv` (the load-pg anchor of scripts/bench.sh).

    python3 scripts/events-to-csv.py events.jsonl > events.csv

Columns, no header, in the order of SPEC §5: id,timestamp,type,sandbox_id,run_id,data (data as compact JSON).
Values are quoted as the csv module sees fit (quotes doubled); an absent sandboxId/runId is an empty
string written as "" (CSV's unquoted empty field would be NULL). jsonb refuses \\u0000 and lone surrogates,
so those become U+FFFD, as load-pg does. Blank and unparsable lines are skipped.
"""
import csv
import json
import re
import sys

UNREPRESENTABLE = re.compile("[\x00\ud800-\udfff]")


def clean(value):
    """value with NUL and lone surrogates in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return UNREPRESENTABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def main(paths):
    out = csv.writer(sys.stdout, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for path in paths:
        with open(path, encoding="utf-8", errors="surrogateescape") as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                data = json.dumps(clean(event.get("data", {})), ensure_ascii=False, separators=(",", ":"))
                out.writerow([
                    str(event.get("id", "")), str(event.get("timestamp", "")), str(event.get("type", "")),
                    str(event.get("sandboxId") or ""), str(event.get("runId") or ""), data,
                ])


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    main(sys.argv[1:] or ["/dev/stdin"])
