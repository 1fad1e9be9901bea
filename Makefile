# runra-events — build, test, demo and benchmark.
# `make help` lists the targets. Everything installs what it needs itself (apt-get, pip).

.DEFAULT_GOAL := help
SHELL := /bin/bash

SWIFT ?= swift
BIN_DEBUG := .build/debug/runra-events
BIN_RELEASE := .build/release/runra-events
APT_PACKAGES := zlib1g-dev libpq-dev pkg-config
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

help: ## List the targets.
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  %-18s %s\n", $$1, $$2}'

deps: ## Install the system packages the build needs (apt-get, when missing).
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

build: deps ## Debug build of every target, tests included.
	$(SWIFT) build --build-tests

release: deps ## Optimized build of the runra-events executable.
	$(SWIFT) build -c release --product runra-events

demo: release ## Build, then filter and summarize the bundled sample log.
	@echo '$$ runra-events filter -t exec.completed --where "data.exitCode != 0" -o tsv --fields timestamp,sandboxId,data.command,data.exitCode Fixtures/events/sample.jsonl.gz'
	@$(BIN_RELEASE) filter -t exec.completed --where 'data.exitCode != 0' -o tsv \
	  --fields timestamp,sandboxId,data.command,data.exitCode Fixtures/events/sample.jsonl.gz | head -n 12
	@echo
	@echo '$$ runra-events filter -c -t "agent.*" Fixtures/events/sample.jsonl.gz'
	@$(BIN_RELEASE) filter -c -t 'agent.*' Fixtures/events/sample.jsonl.gz

test-deps: ## Install the Python packages the exporter tests' loopback servers need (pip, when missing).
	@python3 -c 'import google.protobuf, opentelemetry.proto' 2>/dev/null || \
	  python3 -m pip install -q opentelemetry-proto protobuf

test: APT_PACKAGES += postgresql
test: deps test-deps ## Run every test (unit, CLI end-to-end, integration, bench smoke).
	$(SWIFT) build --build-tests
	@line=$$(bash scripts/pg-test-cluster.sh start) || exit 1; echo "$$line"; \
	  trap 'bash scripts/pg-test-cluster.sh stop' EXIT; export "$$line"; $(SWIFT) test --skip-build
	$(MAKE) bench-smoke

pg-up: ## Start a throwaway PostgreSQL on 127.0.0.1 for the integration tests; prints RUNRA_TEST_PG_URL.
	@bash scripts/pg-test-cluster.sh start

pg-down: ## Stop the throwaway PostgreSQL and delete its data.
	@bash scripts/pg-test-cluster.sh stop

bench: release ## Full benchmarks against jq, gojq, grep, zcat, pigz; writes docs/benchmarks.md.
	bash scripts/bench.sh

bench-smoke: release ## A small, quick run of the benchmark script (what CI runs).
	BENCH_SIZE_MB=8 BENCH_RUNS=1 BENCH_OUT=/dev/null bash scripts/bench.sh

format: ## Format the sources with swift-format.
	$(SWIFT) format format --in-place --recursive Sources Tests Package.swift

lint: ## Check the formatting.
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean: ## Remove build products.
	rm -rf .build

.PHONY: help deps test-deps build release demo test bench bench-smoke format lint clean pg-up pg-down
