# runra-events — build, test, demo and benchmark.
# `make help` lists the targets. Everything installs what it needs itself (apt-get, pip).

.DEFAULT_GOAL := help
SHELL := /bin/bash

SWIFT ?= swift
BIN_DEBUG := .build/debug/runra-events
BIN_RELEASE := .build/release/runra-events
APT_PACKAGES := zlib1g-dev libisal-dev libpq-dev libzstd-dev libsnappy-dev pkg-config
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

help: ## List the targets.
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  %-18s %s\n", $$1, $$2}'

deps: ## Install the system packages the build needs (apt-get, when missing).
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

build: deps ## Debug build of every target, tests included.
	$(SWIFT) build --build-tests

release: deps ## Optimized build of the runra-events executable (Swift libraries linked statically: faster start-up).
	$(SWIFT) build -c release --product runra-events --static-swift-stdlib

demo: release ## Build, filter, summarize and gate on the bundled sample log; write the files the README's examples name.
	@echo '$$ runra-events filter -t exec.completed --where "data.exitCode != 0" -o tsv --fields timestamp,sandboxId,data.command,data.exitCode Fixtures/events/sample.jsonl.gz | head -n 8'
	@$(BIN_RELEASE) filter -t exec.completed --where 'data.exitCode != 0' -o tsv \
	  --fields timestamp,sandboxId,data.command,data.exitCode Fixtures/events/sample.jsonl.gz | head -n 8
	@echo
	@echo '$$ runra-events filter -c -t "agent.*" Fixtures/events/sample.jsonl.gz'
	@$(BIN_RELEASE) filter -c -t 'agent.*' Fixtures/events/sample.jsonl.gz
	@echo
	@echo '$$ runra-events stats --by data.command --top 5 --sort p95 Fixtures/events/sample.jsonl.gz'
	@$(BIN_RELEASE) stats --by data.command --top 5 --sort p95 Fixtures/events/sample.jsonl.gz
	@echo
	@echo '$$ runra-events stats -o markdown --fail-if "error_rate > 0.05" Fixtures/events/sample.jsonl.gz; echo "exit $$?"'
	@$(BIN_RELEASE) stats -o markdown --fail-if 'error_rate > 0.05' Fixtures/events/sample.jsonl.gz; echo "exit $$?"
	@echo
	@echo '$$ runra-events tail -n 3 -o pretty Fixtures/events/sample.jsonl.gz'
	@$(BIN_RELEASE) tail -n 3 -o pretty Fixtures/events/sample.jsonl.gz
	@bash scripts/demo-files.sh $(BIN_RELEASE)
	@echo
	@echo 'Wrote events.jsonl, events.jsonl.gz, logs/runra-events.jsonl (and .1.gz), main.jsonl and pr.jsonl for the'
	@echo 'examples of the README and --help. export PATH="$$PWD/.build/release:$$PATH" and try them.'

# The Parquet tests' independent readers live in their own virtual environment, so the system's pip packages are
# left alone; the tests find it at $(TEST_VENV)/bin/python3 (or RUNRA_TEST_PYTHON).
TEST_VENV := .build/test-venv
TEST_VENV_PACKAGES := pyarrow duckdb polars deltalake

test-deps: ## Install the Python packages the tests need (pip, when missing; the Parquet readers in .build/test-venv).
	@python3 -c 'import google.protobuf, opentelemetry.proto, grpc, google.rpc.error_details_pb2' 2>/dev/null || \
	  python3 -m pip install -q opentelemetry-proto protobuf grpcio grpcio-status
	@$(TEST_VENV)/bin/python3 -c 'import pyarrow.parquet, duckdb, polars, deltalake' 2>/dev/null || { \
	  echo "creating $(TEST_VENV) ($(TEST_VENV_PACKAGES))"; \
	  { [ -x $(TEST_VENV)/bin/python3 ] || python3 -m venv $(TEST_VENV); } && \
	  $(TEST_VENV)/bin/python3 -m pip install -q --disable-pip-version-check $(TEST_VENV_PACKAGES); }

# The end-to-end CLI suite runs twice: against the debug build beside the tests, then against the release
# binary that ships (RUNRA_EVENTS_BINARY), since an optimizer-only miscompilation has slipped past debug before.
test: APT_PACKAGES += postgresql openssl logrotate lnav chromium
test: lint deps test-deps ## Run every test (lint first; unit, CLI end-to-end on debug and release builds, integration, bench smoke).
	$(SWIFT) build --build-tests
	$(SWIFT) build -c release --product runra-events --static-swift-stdlib
	@line=$$(bash scripts/pg-test-cluster.sh start) || exit 1; echo "$$line"; \
	  trap 'bash scripts/pg-test-cluster.sh stop' EXIT; export "$$line"; \
	  RUNRA_SOAK_SEQUENCES=$(TEST_SOAK_SEQUENCES) timeout --signal=KILL 1800 $(SWIFT) test --skip-build && \
	  echo "== the end-to-end CLI tests again, against the release build $(BIN_RELEASE)" && \
	  RUNRA_EVENTS_BINARY=$(CURDIR)/$(BIN_RELEASE) timeout --signal=KILL 1200 \
	    $(SWIFT) test --skip-build --filter RunraEventsCLITests
	$(MAKE) bench-smoke

SOAK_SEQUENCES ?= 2000
# How many model-based rotation sequences `make test` runs (RotationModelTests; `make soak` runs SOAK_SEQUENCES).
TEST_SOAK_SEQUENCES ?= 200

soak: deps ## The model-based rotation test of replay --follow: SOAK_SEQUENCES random sequences (default 2000); prints the seed of any failure.
	$(SWIFT) build --build-tests
	RUNRA_SOAK_SEQUENCES=$(SOAK_SEQUENCES) $(SWIFT) test --skip-build --filter RotationModelTests

FUZZ_SECONDS ?= 60
SANITIZED_SUITES := RunraEventsTests|RunraReplayTests

fuzz: deps ## Run each libFuzzer target for FUZZ_SECONDS (default 60); crashes go to .build-fuzz/crashes/.
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh run

check: test asan tsan ## `make test`, then the unit tests under AddressSanitizer and ThreadSanitizer.

asan: deps ## The unit tests under AddressSanitizer (builds into .build-asan).
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZED_SUITES)'

tsan: deps ## The unit tests under ThreadSanitizer (builds into .build-tsan).
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZED_SUITES)'

.PHONY: fuzz check asan tsan soak

pg-up: ## Start a throwaway PostgreSQL on 127.0.0.1 for the integration tests; prints RUNRA_TEST_PG_URL.
	@bash scripts/pg-test-cluster.sh start

pg-down: ## Stop the throwaway PostgreSQL and delete its data.
	@bash scripts/pg-test-cluster.sh stop

bench: release ## Full benchmarks against jq, gojq, grep, zcat, pigz; writes docs/benchmarks.md.
	bash scripts/bench.sh

bench-smoke: ## A small, quick run of the benchmark script on the debug build (what `make test` runs).
	$(SWIFT) build --product runra-events
	BENCH_SMOKE=1 RUNRA=$(BIN_DEBUG) BENCH_SIZE_MB=8 BENCH_RUNS=1 BENCH_OUT=/dev/null BENCH_DATA=.build/bench-smoke bash scripts/bench.sh

PREFIX ?= /usr/local
# lnav reads formats from /etc/lnav/formats/*/*.json for every user (docs/lnav.md).
LNAV_FORMATS ?= /etc/lnav/formats

install: release ## Install the binary, shell completions (bash, zsh, fish), the man page and the lnav format.
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN_RELEASE) $(DESTDIR)$(PREFIX)/bin/runra-events
	install -m 644 .build/man/runra-events.1 $(DESTDIR)$(PREFIX)/share/man/man1/runra-events.1
	$(BIN_RELEASE) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/runra-events
	$(BIN_RELEASE) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_runra-events
	$(BIN_RELEASE) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/runra-events.fish
	install -d $(DESTDIR)$(PREFIX)/share/runra-events/lnav $(DESTDIR)$(LNAV_FORMATS)/runra-events
	install -m 644 share/lnav/runra_events.json $(DESTDIR)$(PREFIX)/share/runra-events/lnav/runra_events.json
	install -m 644 share/lnav/runra_events.json $(DESTDIR)$(LNAV_FORMATS)/runra-events/runra_events.json

docs: ## Regenerate docs/cli.md from the commands' --help.
	$(SWIFT) build --product runra-events
	bash scripts/cli-docs.sh $(BIN_DEBUG) docs/cli.md

format: ## Format the sources with swift-format.
	@echo "swift format format --in-place (Sources, Tests and Package.swift)"
	@$(SWIFT) format format --in-place --recursive Sources Tests Package.swift

lint: ## Check the formatting (swift-format, .swift-format); `make test` runs it first.
	@echo "swift format lint --strict (Sources, Tests and Package.swift)"
	@$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	@# swift-format does not report a long string literal or comment it cannot break: sources stay within
	@# .swift-format's 120 columns here (tests may hold longer fixture lines).
	@if LC_ALL=C.UTF-8 grep -rnP --include='*.swift' '^.{121,}$$' Sources Package.swift; then \
	  echo "error: the lines above are over 120 columns: split them"; exit 1; fi

clean: ## Remove build products.
	rm -rf .build

.PHONY: help deps test-deps build release install demo docs test bench bench-smoke format lint clean pg-up pg-down
