#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/ (docs/fuzzing.md).
#
#   scripts/fuzz.sh build [TARGET...]   build the targets (release, -sanitize=fuzzer,address) into .build-fuzz
#   scripts/fuzz.sh run [TARGET...]     build, then run each for FUZZ_SECONDS (default 60), one after another
#                                       (FUZZ_SKIP_BUILD=1: run what is built, e.g. several targets in parallel)
#
# TARGET is one of: json expression timestamp gzip config (default: all). Seeds are read from Fixtures/fuzz/<target>/;
# new inputs go to .build-fuzz/corpus/<target>/, crashes to .build-fuzz/crashes/, logs to .build-fuzz/logs/.
# Reproduce a crash: .build-fuzz/release/<Binary> .build-fuzz/crashes/<file>. Exit status 1 when a target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
SCRATCH=.build-fuzz
ALL_TARGETS=(json expression timestamp gzip config)

binary() {
    case $1 in
        json) echo FuzzJSONScanner ;;
        expression) echo FuzzExpression ;;
        timestamp) echo FuzzTimestamp ;;
        gzip) echo FuzzGzipReader ;;
        config) echo FuzzConfiguration ;;
        *) echo "unknown fuzz target '$1' (one of: ${ALL_TARGETS[*]})" >&2; exit 2 ;;
    esac
}

# The longest input libFuzzer generates, per target.
max_len() {
    case $1 in
        json) echo 4096 ;;
        expression) echo 512 ;;
        timestamp) echo 64 ;;
        gzip) echo 8192 ;;
        config) echo 4096 ;;
    esac
}

build() {
    for target in "$@"; do
        RUNRA_FUZZ=1 $SWIFT build -c release --scratch-path "$SCRATCH" --product "$(binary "$target")" \
            -Xswiftc -sanitize=fuzzer,address
    done
}

run() {
    # libFuzzer and ASan report crashes themselves; Swift's backtracer would only race them.
    export SWIFT_BACKTRACE=enable=no
    mkdir -p "$SCRATCH/crashes" "$SCRATCH/logs"
    local failed=()
    for target in "$@"; do
        local bin seeds corpus log dict=()
        bin="$SCRATCH/release/$(binary "$target")"
        seeds="Fixtures/fuzz/$target"
        corpus="$SCRATCH/corpus/$target"
        log="$SCRATCH/logs/$target.log"
        mkdir -p "$corpus"
        [[ -f "Fixtures/fuzz/$target.dict" ]] && dict=(-dict="Fixtures/fuzz/$target.dict")
        echo "fuzzing $target for ${FUZZ_SECONDS}s (log: $log)"
        # New inputs go to the first directory; the committed seeds stay untouched.
        if "$bin" "$corpus" "$seeds" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$target")" \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$SCRATCH/crashes/$target-" \
            >"$log" 2>&1; then
            grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | sed "s/^/  $target: /"
        else
            failed+=("$target")
            echo "  $target: CRASH (see $log and $SCRATCH/crashes/)"
            grep -E 'ERROR|Fatal error|SUMMARY' "$log" | head -5 | sed 's/^/    /'
        fi
    done
    if ((${#failed[@]})); then
        echo "crashed: ${failed[*]}" >&2
        exit 1
    fi
}

command=${1:-run}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do binary "$target" >/dev/null; done
case $command in
    build) build "${targets[@]}" ;;
    run)
        [[ ${FUZZ_SKIP_BUILD:-0} == 1 ]] || build "${targets[@]}"
        run "${targets[@]}"
        ;;
    *) echo "usage: scripts/fuzz.sh build|run [TARGET...]" >&2; exit 2 ;;
esac
