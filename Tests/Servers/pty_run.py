#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a person at a terminal would, for the progress and Ctrl-C tests.

    pty_run.py [--interrupt-after TEXT] -- COMMAND ARG...

Everything the command writes to the terminal (stdout and stderr together) is copied to our stdout. With
--interrupt-after, once TEXT has appeared, Ctrl-C is typed (the terminal sends SIGINT to the command). Exits with
the command's status (128 + N when a signal N ended it); after 120 s the command is killed.
"""
import os
import pty
import select
import sys
import time

args = sys.argv[1:]
trigger = None
if args[:1] == ["--interrupt-after"]:
    trigger, args = args[1].encode(), args[2:]
if args[:1] == ["--"]:
    args = args[1:]

pid, master = pty.fork()
if pid == 0:
    os.execvp(args[0], args)

seen = b""
interrupted = False
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    ready, _, _ = select.select([master], [], [], 0.1)
    if ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if trigger is not None and not interrupted and trigger in seen:
        os.write(master, b"\x03")
        interrupted = True
else:
    os.kill(pid, 9)

_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.waitstatus_to_exitcode(status) >= 0 else 128 - os.waitstatus_to_exitcode(status))
