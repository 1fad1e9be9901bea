#!/usr/bin/env python3
"""The live shipping row of scripts/bench.sh: `replay --follow` behind a writer at a fixed rate. Bench only.

A writer appends events at --rate events/s (each holding "t_ns", when it was written) to LOG, renaming it
to LOG.1 (LOG.1 to LOG.2 ..., keeping 3) every --rotate-mib MiB, while `runra-events replay --follow` ships
LOG into scripts/bench-sink.c as Axiom NDJSON. After --seconds the writer stops; the row waits until the
sink has every event, then sends SIGTERM. Prints one JSON object: what was written and received, the
writer's achieved rate, the time the shipper needed to catch up after the writer stopped, the sink's
write-to-acknowledgement latency (p50, p99, max), the shipper's peak RSS and its exit status.

    bench-follow.py --runra BIN --sink-port PORT --dir DIR [--rate 200000] [--seconds 20]
                    [--rotate-mib 64] [--flush-ms 1000] [--lines-from FILE]

With --lines-from, the writer cycles through the first 100,000 lines of FILE (a log of another shape, such as
scripts/gen-foreign-events.py writes), each with "t_ns" put first, instead of its own 250-byte events.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request


def counts(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_counts" % port, timeout=30) as response:
        return json.load(response)


def rss_kib(pid, field):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rotate(log, keep=3):
    for index in range(keep, 0, -1):
        source = log + ("." + str(index - 1) if index > 1 else "")
        if os.path.exists(source):
            os.replace(source, log + "." + str(index))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runra", required=True)
    parser.add_argument("--sink-port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--rate", type=int, default=200000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rotate-mib", type=float, default=64)
    parser.add_argument("--flush-ms", type=int, default=1000)
    parser.add_argument("--lines-from")
    options = parser.parse_args()
    foreign = []
    if options.lines_from:
        with open(options.lines_from, encoding="utf-8") as source:
            for line in source:
                if line.startswith("{") and line.endswith("}\n"):
                    foreign.append(line[1:])
                if len(foreign) >= 100000:
                    break

    log = os.path.join(options.dir, "live.jsonl")
    for name in os.listdir(options.dir):
        if name.startswith("live.jsonl") or name == "ship.ckpt":
            os.remove(os.path.join(options.dir, name))
    open(log, "w").close()
    before = counts(options.sink_port).get("lines", 0)
    stderr = open(os.path.join(options.dir, "shipper.err"), "w")
    shipper = subprocess.Popen(
        [options.runra, "replay", "--follow", "-q", "--to", "axiom",
         "--set", "url=http://127.0.0.1:%d" % options.sink_port, "--set", "token=xaat-bench",
         "--set", "flushIntervalMs=%d" % options.flush_ms, "--checkpoint", os.path.join(options.dir, "ship.ckpt"), log],
        stdout=subprocess.DEVNULL, stderr=stderr)

    template = ('{"id":"evt_%d","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","level":"info",'
                '"sandboxId":"sbx_%d","runId":"run_%d","data":{"t_ns":%d,"exitCode":0,"durationMs":%d,'
                '"command":"pytest -q tests/test_shipping.py::test_case_%d"}}\n')
    rotate_bytes = int(options.rotate_mib * 1024 * 1024)
    output = open(log, "a")
    written = size = rotations = peak_rss = 0
    started = time.monotonic()
    next_sample = started
    while True:
        now = time.monotonic()
        elapsed = now - started
        if elapsed >= options.seconds:
            break
        due = int(options.rate * elapsed)
        if due > written:
            t_ns = time.time_ns()
            if foreign:
                head = '{"t_ns":%d,' % t_ns
                text = "".join(head + foreign[n % len(foreign)] for n in range(written, due))
            else:
                text = "".join(template % (n, n % 97, n // 5000, t_ns, n % 997, n % 1000) for n in range(written, due))
            output.write(text)
            output.flush()
            size += len(text)
            written = due
            if size >= rotate_bytes:
                output.close()
                rotate(log)
                output = open(log, "a")
                size = 0
                rotations += 1
        if now >= next_sample:
            peak_rss = max(peak_rss, rss_kib(shipper.pid, "VmRSS"))
            next_sample = now + 0.1
        time.sleep(0.002)
    output.close()
    writing = time.monotonic() - started

    # Catch up: every event at the sink.
    stopped = time.monotonic()
    received = 0
    while time.monotonic() - stopped < 60:
        received = counts(options.sink_port).get("lines", 0) - before
        if received >= written:
            break
        peak_rss = max(peak_rss, rss_kib(shipper.pid, "VmRSS"))
        time.sleep(0.05)
    catch_up = time.monotonic() - stopped
    peak_rss = max(peak_rss, rss_kib(shipper.pid, "VmHWM"))
    shipper.send_signal(signal.SIGTERM)
    try:
        status = shipper.wait(timeout=60)
    except subprocess.TimeoutExpired:
        shipper.kill()
        status = "did not exit within 60 s of SIGTERM"
    final = counts(options.sink_port)
    json.dump({
        "written": written, "received": final.get("lines", 0) - before, "seconds": round(writing, 2),
        "writeRate": round(written / writing), "catchUpSeconds": round(catch_up, 2), "rotations": rotations,
        "latencyCount": final.get("latencyCount"), "p50Ms": final.get("latencyP50Ms"), "p99Ms": final.get("latencyP99Ms"),
        "maxMs": final.get("latencyMaxMs"), "peakRssMiB": round(peak_rss / 1024, 1), "exitStatus": status,
        "flushMs": options.flush_ms,
    }, sys.stdout, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
