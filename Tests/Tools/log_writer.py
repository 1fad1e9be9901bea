#!/usr/bin/env python3
"""Appends runtime events to a log the way real writers do, for the rotation tests.

  reopen  opens the log, appends a batch and closes it, every batch (a batch may land in the renamed file when
          the rename comes between the open and the write)
  hold    keeps the log open, and reopens it by name after SIGHUP (logrotate's `create` with a postrotate
          `kill -HUP`); until then it appends to the renamed file
  append  keeps the log open with O_APPEND and never reopens it (logrotate's `copytruncate`)

Events evt_FIRST … evt_{FIRST+COUNT-1} are written in batches of BATCH lines, BATCH_INTERVAL seconds apart. The pid
goes to PIDFILE before the first write; "done" is printed at the end.
"""
import argparse
import os
import signal
import time

parser = argparse.ArgumentParser()
parser.add_argument("path")
parser.add_argument("--mode", choices=["reopen", "hold", "append"], default="reopen")
parser.add_argument("--first", type=int, default=0)
parser.add_argument("--count", type=int, required=True)
parser.add_argument("--batch", type=int, default=130)
parser.add_argument("--batch-interval", type=float, default=0.01)
parser.add_argument("--pidfile")
args = parser.parse_args()

reopen_requested = False


def on_hup(signum, frame):
    global reopen_requested
    reopen_requested = True


signal.signal(signal.SIGHUP, on_hup)
if args.pidfile:
    with open(args.pidfile + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(args.pidfile + ".tmp", args.pidfile)


def event(n):
    return ('{"id":"evt_%d","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed",'
            '"sandboxId":"sbx_1","data":{"n":%d,"command":"make test"}}\n' % (n, n))


def open_log():
    return os.open(args.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


descriptor = open_log() if args.mode != "reopen" else None
n = args.first
end = args.first + args.count
while n < end:
    batch = "".join(event(i) for i in range(n, min(n + args.batch, end))).encode()
    if args.mode == "reopen":
        descriptor = open_log()
    elif args.mode == "hold" and reopen_requested:
        reopen_requested = False
        os.close(descriptor)
        descriptor = open_log()
    written = 0
    while written < len(batch):
        written += os.write(descriptor, batch[written:])
    if args.mode == "reopen":
        os.close(descriptor)
    n = min(n + args.batch, end)
    time.sleep(args.batch_interval)
print("done", flush=True)
