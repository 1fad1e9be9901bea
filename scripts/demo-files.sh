#!/usr/bin/env bash
# Writes the files the README's quick start and the --help examples name, into the current folder: make demo runs
# it in the checkout, ExamplesRunTests in a temporary folder. The logs under logs/ are recent (their first events an
# hour and three hours ago), so `--since 2h` finds events in them. Usage: scripts/demo-files.sh RUNRA_EVENTS_BINARY
set -euo pipefail
runra=${1:?usage: scripts/demo-files.sh RUNRA_EVENTS_BINARY}
mkdir -p logs
"$runra" generate -q --events 20000 --seed 7 --out events.jsonl
"$runra" generate -q --events 20000 --seed 8 --gzip --out events.jsonl.gz
"$runra" generate -q --events 20000 --seed 9 --start 3h --gzip --out logs/runra-events.jsonl.1.gz
"$runra" generate -q --events 20000 --seed 10 --start 1h --out logs/runra-events.jsonl
"$runra" generate -q --events 20000 --seed 11 --out main.jsonl
"$runra" generate -q --events 20000 --seed 12 --out pr.jsonl
