#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/ (docs/fuzzing.md).
#
#   scripts/fuzz.sh build [TARGET...]   build the targets (release, -sanitize=fuzzer,address) into .build-fuzz
#   scripts/fuzz.sh run [TARGET...]     build, then run each for FUZZ_SECONDS (default 60), one after another
#                                       (FUZZ_SKIP_BUILD=1: run what is built, e.g. several targets in parallel)
#
# TARGET is one of: json expression timestamp gzip config (default: all). Seeds are read from Fixtures/fuzz/<target>/;
# new inputs go to .build-fuzz/corpus/<target>/, crashes to .build-fuzz/crashes/, logs to .build-fuzz/logs/.
# FUZZ_CPU_SECONDS=N repeats rounds of FUZZ_SECONDS until the target has used N CPU-seconds (each round resumes
# from the saved corpus; executions add up, the last round's cov/ft is the total).
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
        local bin seeds corpus log dict=() cpu=0 executions=0 round=0 status times user system
        bin="$SCRATCH/release/$(binary "$target")"
        seeds="Fixtures/fuzz/$target"
        corpus="$SCRATCH/corpus/$target"
        log="$SCRATCH/logs/$target.log"
        mkdir -p "$corpus"
        : >"$log"
        [[ -f "Fixtures/fuzz/$target.dict" ]] && dict=(-dict="Fixtures/fuzz/$target.dict")
        echo "fuzzing $target: rounds of ${FUZZ_SECONDS}s${FUZZ_CPU_SECONDS:+ until ${FUZZ_CPU_SECONDS} CPU-seconds} (log: $log)"
        while true; do
            round=$((round + 1))
            echo "=== round $round" >>"$log"
            status=0
            # New inputs go to the first directory; the committed seeds stay untouched. `time` measures CPU,
            # since on a busy machine a fuzzer gets less than its wall time.
            TIMEFORMAT='%3U %3S'
            { time "$bin" "$corpus" "$seeds" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$target")" \
                -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$SCRATCH/crashes/$target-" \
                >>"$log" 2>&1; } 2>"$SCRATCH/logs/$target.time" || status=$?
            read -r user system <"$SCRATCH/logs/$target.time"
            cpu=$(awk -v a="$cpu" -v b="$user" -v c="$system" 'BEGIN { printf "%.0f", a + b + c }')
            executions=$((executions + $(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo 0)))
            ((status == 0)) || break
            [[ -n ${FUZZ_CPU_SECONDS:-} ]] && ((cpu < FUZZ_CPU_SECONDS)) || break
        done
        if ((status == 0)); then
            echo "  $target: $executions executions in $round round(s), ${cpu} CPU-seconds;" \
                "last: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
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
