#!/usr/bin/env python3
"""The default `runra-events stats` metric row in plain Python (json module), for scripts/bench.sh.

Over exec.completed events: count, failures (numeric exitCode != 0), error rate, and data.durationMs
avg/min/p50/p90/p95/p99/max (exact nearest-rank percentiles), plus events by type.
"""
import json
import math
import sys

types = {}
count = failures = 0
values = []
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a bad line, skipped as runra-events does
        if not isinstance(event, dict) or "type" not in event:
            continue
        kind = event["type"]
        types[kind] = types.get(kind, 0) + 1
        if kind != "exec.completed":
            continue
        count += 1
        data = event.get("data") or {}
        code = data.get("exitCode")
        if isinstance(code, (int, float)) and not isinstance(code, bool) and code != 0:
            failures += 1
        duration = data.get("durationMs")
        if isinstance(duration, (int, float)) and not isinstance(duration, bool):
            values.append(duration)
values.sort()


def percentile(p):
    rank = min(max(math.ceil(p / 100 * len(values)), 1), len(values))
    return values[rank - 1]


for kind, n in sorted(types.items(), key=lambda item: -item[1]):
    print(kind, n)
if values:
    print(count, failures, failures / count, sum(values) / len(values), values[0],
          *(percentile(p) for p in (50, 90, 95, 99)), values[-1])
else:
    print(count, failures)
