#!/usr/bin/env bash
# Placeholder until the benchmark harness lands.
echo "bench: not yet implemented"
