#!/usr/bin/env bash
# Benchmarks runra-events against the anchors of SPEC §8 (jq, gojq, grep, pigz, zcat), the fast gzip
# decoders (igzip, rapidgzip) and DuckDB (the parquet exporter, #26) on a generated log, in one run on one machine,
# and writes docs/benchmarks.md.
#
# `make bench` runs it after a release build; `make bench-smoke` runs a small, quick pass
# (BENCH_SIZE_MB=8 BENCH_RUNS=1 BENCH_OUT=/dev/null) that still exercises every command.
#
# Knobs (environment):
#   BENCH_SIZE_MB    size of the generated log in MiB (default 1024)
#   BENCH_RUNS       hyperfine runs of the fast commands (default 5)
#   BENCH_SLOW_RUNS  runs of jq and gojq, which take ~20 s per GB (default 2, at most BENCH_RUNS)
#   BENCH_OUT        the report (default docs/benchmarks.md; with BENCH_ONLY, bench-data/benchmarks-partial.md,
#                    so a partial run never replaces the full report: merge its rows by hand)
#   BENCH_DATA       folder of the generated logs (default bench-data, gitignored)
#   RUNRA            the binary under test (default .build/release/runra-events)
#   BENCH_PG_EVENTS  events loaded into PostgreSQL by the load-pg row (default 1000000; 5000 in a smoke
#                    run: BENCH_SMOKE set or BENCH_SIZE_MB < 64)
#   BENCH_FOREIGN_MB size in MB of the log from scripts/gen-foreign-events.py, the second generator (long
#                    lines, large nested payloads), for the foreign rows (default 256; BENCH_SIZE_MB in a smoke run)
#   BENCH_ONLY       space-separated benches to run (default all: generate filter_type filter_where
#                    filter_count filter_gzip gzip_foreign foreign memory stats tail since replay_jsonl startup loadpg
#                    replay_custom replay_axiom replay_otel follow lake lake_follow); when only loadpg, replay_*, follow
#                    and lake_follow run, the 1 GB log is not needed (`BENCH_ONLY="replay_custom replay_axiom replay_otel"`)
#   BENCH_NET_EVENTS events replayed by each network row (replay_custom, replay_axiom, replay_otel) into
#                    scripts/bench-sink.c (default 1000000; 5000 in a smoke run)
#   BENCH_PG_SERVER_OPTIONS  server settings of the load-pg row's cluster (default "": PostgreSQL's durable
#                    defaults, fsync and synchronous_commit on, as a real server; the test cluster's
#                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" is quicker and quieter)
#   BENCH_PG_RUNS    repetitions of the load-pg row (default 3, at most BENCH_RUNS)
#   BENCH_FOLLOW_SECONDS  how long the live shipping row's writer writes (default 20; 3 in a smoke run)
#   BENCH_FOLLOW_RATE     the writer's events/s (default 200000; 20000 in a smoke run)
#   BENCH_LAKE_TRIALS     events whose follow latency the lake_follow row measures (default 5; 1 in a smoke run)
#   BENCH_DUCKDB_PYTHON   a python3 that imports duckdb, for the lake rows (default: $BENCH_DATA/venv-duckdb, made
#                    with pip on first use; a smoke run makes none and also takes .build/test-venv's, which
#                    `make test-deps` installs, or skips the DuckDB rows and the follow latency, saying so)
#
# Exit status: 1 when a runra-events command fails (an exit status other than 0, or 1 for "nothing
# matched") or the binary is missing. A missed target is reported as FAIL, not as a failure here.
#
# Adding a row (stats, tail, load-pg, replay): write a function bench_NAME that calls `measure`
# (hyperfine timings), `measure_rss` (peak memory) and `target`, and add NAME to BENCHES.
set -uo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${BENCH_SIZE_MB:-1024}
RUNS=${BENCH_RUNS:-5}
SLOW_RUNS=${BENCH_SLOW_RUNS:-2}
if ((SLOW_RUNS > RUNS)); then SLOW_RUNS=$RUNS; fi
OUT=${BENCH_OUT:-docs/benchmarks.md}
[[ -n ${BENCH_ONLY:-} && -z ${BENCH_OUT:-} ]] && OUT=${BENCH_DATA:-bench-data}/benchmarks-partial.md
DATA=${BENCH_DATA:-bench-data}
RUNRA=${RUNRA:-.build/release/runra-events}
BENCHES=(generate filter_type filter_where filter_count filter_gzip gzip_foreign foreign memory stats tail since replay_jsonl
    startup loadpg replay_custom replay_axiom replay_otel follow lake lake_follow)
LOGLESS_BENCHES=" loadpg replay_custom replay_axiom replay_otel foreign follow lake_follow "  # the benches that do not read the 1 GB log
if [[ -n ${BENCH_ONLY:-} ]]; then read -r -a BENCHES <<<"$BENCH_ONLY"; fi

if [[ -n ${BENCH_SMOKE:-} ]] || ((SIZE_MB < 64)); then PG_EVENTS=${BENCH_PG_EVENTS:-5000}; else PG_EVENTS=${BENCH_PG_EVENTS:-1000000}; fi
if [[ -n ${BENCH_SMOKE:-} ]] || ((SIZE_MB < 64)); then NET_EVENTS=${BENCH_NET_EVENTS:-5000}; else NET_EVENTS=${BENCH_NET_EVENTS:-1000000}; fi
if [[ -n ${BENCH_SMOKE:-} ]]; then FOREIGN_MB=${BENCH_FOREIGN_MB:-$SIZE_MB}; else FOREIGN_MB=${BENCH_FOREIGN_MB:-256}; fi
PG_RUNS=${BENCH_PG_RUNS:-3}
if ((PG_RUNS > RUNS)); then PG_RUNS=$RUNS; fi
if [[ -n ${BENCH_SMOKE:-} ]]; then LAKE_TRIALS=${BENCH_LAKE_TRIALS:-1}; else LAKE_TRIALS=${BENCH_LAKE_TRIALS:-5}; fi

TMP=$(mktemp -d)
PG_STARTED=""
cleanup() {
    # The load-pg row's throwaway cluster keeps its state under $TMP: stop it first.
    [[ -z $PG_STARTED ]] || RUNRA_PG_STATE="$TMP/pg-cluster.env" bash scripts/pg-test-cluster.sh stop >/dev/null 2>&1
    # The network rows' sink (it also exits by itself once this script is gone).
    [[ -z ${SINK_PID:-} ]] || kill "$SINK_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A NAME CMD MEDIAN STATUS RSS
PG_ROWS=()    # "command|median s|rows/s|note" lines of the load-pg section
PG_NOTE=""    # why the load-pg section is missing, or the server it ran on
ORDER=()      # ids of timed rows, in report order
TARGETS=()    # "description|measured|PASS/FAIL/n/a" lines
FAILURES=()   # runra-events commands that failed

log() { echo "bench: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# MARK: Setup

install_anchors() {
    local -A package_of=([jq]=jq [gojq]=gojq [pigz]=pigz [igzip]=isal [hyperfine]=hyperfine [/usr/bin/time]=time [strace]=strace)
    local missing=() tool
    for tool in "${!package_of[@]}"; do have "$tool" || missing+=("${package_of[$tool]}"); done
    ((${#missing[@]})) || return 0
    local sudo=""
    if [[ $(id -u) != 0 ]]; then
        if have sudo && sudo -n true 2>/dev/null; then sudo="sudo"; else
            log "missing ${missing[*]} and cannot install them (not root); those anchors are skipped"
            return 0
        fi
    fi
    if have apt-get; then
        log "installing ${missing[*]}"
        { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >&2 ||
            log "could not install some of ${missing[*]}; those anchors are skipped"
    else
        log "missing ${missing[*]} and no apt-get; those anchors are skipped"
    fi
}

make_data() {
    mkdir -p "$DATA"
    PLAIN="$DATA/events-${SIZE_MB}MB-seed1.jsonl"
    GZ="$PLAIN.gz"
    if [[ ! -s $PLAIN || $RUNRA -nt $PLAIN ]]; then
        log "generating $PLAIN"
        "$RUNRA" generate --size "${SIZE_MB}MB" --seed 1 --out "$PLAIN.tmp" || fail_hard "runra-events generate failed"
        mv "$PLAIN.tmp" "$PLAIN"
    fi
    if [[ ! -s $GZ || $PLAIN -nt $GZ ]]; then
        log "generating $GZ"
        "$RUNRA" generate --size "${SIZE_MB}MB" --seed 1 --gzip --out "$GZ.tmp" || fail_hard "runra-events generate --gzip failed"
        mv "$GZ.tmp" "$GZ"
    fi
    PLAIN_BYTES=$(stat -c %s "$PLAIN")
    GZ_BYTES=$(stat -c %s "$GZ")
    EVENTS=$(wc -l <"$PLAIN")
    log "warming the page cache"
    cat "$PLAIN" "$GZ" >/dev/null
}

fail_hard() {
    log "error: $*"
    exit 1
}

# rapidgzip (PyPI) in a virtual environment under $DATA, made on first use; RAPIDGZIP is its path, or empty
# with the reason in RAPIDGZIP_NOTE. A smoke run only uses one that is already there (no network, quick).
RAPIDGZIP="" RAPIDGZIP_NOTE=""
install_rapidgzip() {
    [[ -z $RAPIDGZIP && -z $RAPIDGZIP_NOTE ]] || return 0
    local venv="$DATA/venv-rapidgzip"
    if [[ ! -x $venv/bin/rapidgzip ]]; then
        if [[ -n ${BENCH_SMOKE:-} ]]; then
            RAPIDGZIP_NOTE="skipped in a smoke run (not installed in $venv; \`make bench\` installs it)"
            return 0
        fi
        log "installing rapidgzip into $venv (pip)"
        mkdir -p "$DATA"
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q rapidgzip; } >"$TMP/rapidgzip-install.log" 2>&1; then
            RAPIDGZIP_NOTE="skipped: pip could not install rapidgzip ($(tail -n 2 "$TMP/rapidgzip-install.log" | tr '\n' ' ' | head -c 300))"
            log "$RAPIDGZIP_NOTE"
            return 0
        fi
    fi
    RAPIDGZIP="$venv/bin/rapidgzip"
}

# DuckDB (PyPI) for the lake rows, the same way: DUCKDB_PY is a python3 that imports duckdb, or empty with the reason
# in DUCKDB_NOTE. BENCH_DUCKDB_PYTHON names one; else $DATA/venv-duckdb, made on first use. A smoke run makes none:
# it takes $DATA/venv-duckdb or the tests' .build/test-venv (`make test-deps`) when either has duckdb.
DUCKDB_PY="" DUCKDB_NOTE=""
install_duckdb() {
    [[ -z $DUCKDB_PY && -z $DUCKDB_NOTE ]] || return 0
    local venv="$DATA/venv-duckdb" candidate
    if [[ -n ${BENCH_DUCKDB_PYTHON:-} ]]; then
        if "$BENCH_DUCKDB_PYTHON" -c 'import duckdb' 2>/dev/null; then DUCKDB_PY=$BENCH_DUCKDB_PYTHON; else
            DUCKDB_NOTE="skipped: BENCH_DUCKDB_PYTHON=$BENCH_DUCKDB_PYTHON cannot import duckdb"
            log "$DUCKDB_NOTE"
        fi
        return 0
    fi
    for candidate in "$venv/bin/python3" ${BENCH_SMOKE:+.build/test-venv/bin/python3}; do
        if [[ -x $candidate ]] && "$candidate" -c 'import duckdb' 2>/dev/null; then
            DUCKDB_PY=$candidate
            return 0
        fi
    done
    if [[ -n ${BENCH_SMOKE:-} ]]; then
        DUCKDB_NOTE="skipped in a smoke run (duckdb not installed in $venv nor .build/test-venv; \`make bench\` installs it)"
        log "$DUCKDB_NOTE"
        return 0
    fi
    log "installing duckdb into $venv (pip)"
    mkdir -p "$DATA"
    if ! { { [[ -x $venv/bin/python3 ]] || python3 -m venv "$venv"; } &&
        "$venv/bin/pip" install -q --disable-pip-version-check duckdb; } >"$TMP/duckdb-install.log" 2>&1; then
        DUCKDB_NOTE="skipped: pip could not install duckdb ($(tail -n 2 "$TMP/duckdb-install.log" | tr '\n' ' ' | head -c 300))"
        log "$DUCKDB_NOTE"
        return 0
    fi
    DUCKDB_PY="$venv/bin/python3"
}

# skip_row ID NAME NOTE: a row that was not measured, with the reason.
skip_row() {
    NAME[$1]=$2 STATUS[$1]=$3
    ORDER+=("$1")
}

# MARK: Measuring

# Runs a runra-events command once (its output discarded); records a failure unless it exits 0 or 1,
# and leaves the status in CHECK_STATUS.
check_runra() {
    local name=$1 command=$2 status=0
    bash -c "$command" >/dev/null 2>"$TMP/stderr" || status=$?
    if ((status > 1)); then
        log "error: '$name' exited $status: $(head -c 600 "$TMP/stderr")"
        FAILURES+=("$name (exit $status)")
        return 1
    fi
    CHECK_STATUS=$status
}

# The medians and whether every run exited 0, one "median ok|failed" line per command, in order.
medians() {
    if have jq; then
        jq -r '.results[] | "\(.median) \(if ([.exit_codes[] | select(. != 0)] | length) == 0 then "ok" else "nonzero" end)"' "$1"
    else
        python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["median"], "ok" if all(c == 0 for c in r.get("exit_codes", [])) else "nonzero")' "$1"
    fi
}

# measure GROUP RUNS ID NAME COMMAND [ID NAME COMMAND]...
# Times the commands with hyperfine in one invocation. Ids starting with `runra` are runra-events
# commands: each is run once first (it must exit 0 or 1). Other commands are anchors, skipped when
# their tool is not installed. Output goes to a pipe that hyperfine drains (--output=pipe), the same
# for every command: GNU grep stops at the first match when its output is /dev/null. PREPARE[ID], when set, is
# the command's hyperfine --prepare: run before each of its timed runs (not timed), e.g. to remove its output.
declare -A PREPARE
measure() {
    local group=$1 runs=$2
    shift 2
    local args=() ids=() prepares=() id name command tool
    while (($#)); do
        id=$1 name=$2 command=$3
        shift 3
        NAME[$id]=$name CMD[$id]=$command
        ORDER+=("$id")
        tool=${command%% *}
        if [[ $id == runra* ]]; then
            check_runra "$name" "$command" || { STATUS[$id]="failed"; continue; }
            if ((CHECK_STATUS == 1)); then STATUS[$id]="nothing matched"; fi
        elif ! have "$tool"; then
            STATUS[$id]="skipped: $tool not installed"
            continue
        fi
        args+=(--command-name "$name" "$command")
        ids+=("$id")
        prepares+=("${PREPARE[$id]:-}")
    done
    ((${#ids[@]})) || return 0
    log "timing: ${ids[*]} ($runs runs)"
    local results=() line
    if have hyperfine; then
        local prepare_args=() prepare
        if [[ -n ${prepares[*]// /} ]]; then
            for prepare in "${prepares[@]}"; do prepare_args+=(--prepare "${prepare:-:}"); done
        fi
        hyperfine --runs "$runs" --warmup 0 --ignore-failure --output=pipe --style basic "${prepare_args[@]}" \
            --export-json "$TMP/$group.json" "${args[@]}" >&2 || fail_hard "hyperfine failed"
        mapfile -t results < <(medians "$TMP/$group.json")
    else
        local i
        for ((i = 2; i < ${#args[@]}; i += 3)); do results+=("$(fallback_time "$runs" "${args[i]}" "${prepares[i / 3]}")"); done
    fi
    local i=0
    for id in "${ids[@]}"; do
        line=${results[i]}
        i=$((i + 1))
        MEDIAN[$id]=${line% *}
        if [[ ${line#* } != ok && $id != runra* && $id != grep* ]]; then STATUS[$id]="failed (non-zero exit)"; fi
    done
}

# Without hyperfine: the median wall time of RUNS runs of COMMAND (each after PREPARE, untimed), as "seconds ok".
fallback_time() {
    local runs=$1 command=$2 prepare=${3:-} times=() start end
    for ((r = 0; r < runs; r++)); do
        [[ -z $prepare ]] || bash -c "$prepare"
        start=$(date +%s%N)
        bash -c "$command" | cat >/dev/null
        end=$(date +%s%N)
        times+=("$(calc "($end - $start) / 1e9" 4)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m, "ok" }'
}

# measure_rss ID NAME COMMAND: the peak resident memory (KiB) of a runra-events command.
measure_rss() {
    local id=$1 name=$2 command=$3 status=0
    NAME[$id]=$name CMD[$id]=$command
    if [[ ! -x /usr/bin/time ]]; then
        RSS[$id]="n/a"
        return 0
    fi
    /usr/bin/time -f %M -o "$TMP/rss" bash -c "exec $command" >/dev/null 2>"$TMP/stderr" || status=$?
    if ((status > 1)); then
        log "error: '$name' exited $status: $(head -c 600 "$TMP/stderr")"
        FAILURES+=("$name (exit $status)")
        RSS[$id]="failed"
        return 0
    fi
    RSS[$id]=$(tail -n 1 "$TMP/rss")
}

# valid ID: whether ID was measured without a note (a failure, or nothing matched).
valid() { [[ -n ${MEDIAN[$1]:-} && -z ${STATUS[$1]:-} ]]; }

# ratio A B: median(A) / median(B), or empty when either is missing.
ratio() {
    [[ -n ${MEDIAN[$1]:-} && -n ${MEDIAN[$2]:-} ]] || return 0
    calc "${MEDIAN[$1]} / ${MEDIAN[$2]}" 2
}

# target DESCRIPTION VALUE OP THRESHOLD UNIT: records PASS/FAIL (n/a when VALUE is empty).
target() {
    local description=$1 value=$2 op=$3 threshold=$4 unit=$5 verdict
    if [[ -n ${BENCH_SMOKE:-} ]]; then
        verdict="not judged (smoke run)"
        value="$value$unit"
    elif [[ -z $value || $value == n/a || $value == failed ]]; then
        verdict="n/a"
        value="—"
    elif awk "BEGIN { exit !($value $op $threshold) }"; then
        verdict="PASS"
        value="$value$unit"
    else
        verdict="FAIL"
        value="$value$unit"
    fi
    TARGETS+=("$description|$value|$verdict")
}

# MARK: Benchmarks

R=$RUNRA
EXEC_COMPLETED='"type":"exec.completed"'

bench_generate() {
    measure generate "$RUNS" \
        runra_generate "runra-events generate --size ${SIZE_MB}MB" "$R generate --size ${SIZE_MB}MB --seed 1"
}

bench_filter_type() {
    measure type "$RUNS" \
        runra_type "runra-events filter -t exec.completed" "$R filter -t exec.completed $PLAIN" \
        grep_F "grep -F" "grep -F '$EXEC_COMPLETED' $PLAIN" \
        grep_cF "grep -cF" "grep -cF '$EXEC_COMPLETED' $PLAIN"
    measure type_slow "$SLOW_RUNS" \
        jq_type "jq -c 'select(.type==\"exec.completed\")'" "jq -c 'select(.type==\"exec.completed\")' $PLAIN" \
        gojq_type "gojq -c 'select(.type==\"exec.completed\")'" "gojq -c 'select(.type==\"exec.completed\")' $PLAIN"
    target "filter by type: at least 20x jq" "$(valid runra_type && ratio jq_type runra_type)" ">=" 20 "x"
    target "filter by type: within 2.5x grep -cF" "$(valid runra_type && ratio runra_type grep_cF)" "<=" 2.5 "x"
    target "#12: filter by type within 1.3x grep -cF" "$(valid runra_type && ratio runra_type grep_cF)" "<=" 1.3 "x"
}

bench_filter_where() {
    # SPEC §9: a missing path != 0 is true, as in jq, so the plain jq select is the equivalent.
    measure where "$RUNS" \
        runra_where "runra-events filter --where 'data.exitCode != 0'" "$R filter --where 'data.exitCode != 0' $PLAIN"
    measure where_slow "$SLOW_RUNS" \
        jq_where "jq -c 'select(.data.exitCode != 0)'" "jq -c 'select(.data.exitCode != 0)' $PLAIN"
    target "filter --where on a data field: at least 10x jq" "$(valid runra_where && ratio jq_where runra_where)" ">=" 10 "x"
    target "#12: filter --where on a data field at least 30x jq" "$(valid runra_where && ratio jq_where runra_where)" ">=" 30 "x"
}

bench_filter_count() {
    measure count "$RUNS" \
        runra_count "runra-events filter -c -t exec.completed" "$R filter -c -t exec.completed $PLAIN"
    # In a generated log the type key is the only place the text occurs, so the counts must agree.
    local ours theirs
    ours=$("$R" filter -c -t exec.completed "$PLAIN" 2>/dev/null)
    theirs=$(grep -cF "$EXEC_COMPLETED" "$PLAIN")
    if [[ $ours != "$theirs" ]]; then
        log "warning: filter -c -t exec.completed counted '$ours', grep -cF $theirs"
        STATUS[runra_count]="counted $ours, grep -cF $theirs"
    fi
}

bench_filter_gzip() {
    install_rapidgzip
    measure gzip "$RUNS" \
        runra_gz "runra-events filter -t exec.completed (.gz)" "$R filter -t exec.completed $GZ" \
        igzip_dc "igzip -dc" "igzip -dc $GZ" \
        pigz_dc "pigz -dc" "pigz -dc $GZ" \
        zcat "zcat" "zcat $GZ"
    if [[ -n $RAPIDGZIP ]]; then
        measure gzip_rapid "$RUNS" rapidgzip_dc "rapidgzip -P 2 -d -c" "$RAPIDGZIP -P 2 -d -c $GZ"
    else
        skip_row rapidgzip_dc "rapidgzip -P 2 -d -c" "$RAPIDGZIP_NOTE"
    fi
    target "read of the .gz: at most 1.1x pigz -dc" "$(valid runra_gz && ratio runra_gz pigz_dc)" "<=" 1.1 "x"
    target "read of the .gz: at most 1.1x igzip -dc" "$(valid runra_gz && ratio runra_gz igzip_dc)" "<=" 1.1 "x"
    target "#12: our block gzip: filter at least 2x faster than igzip -dc" "$(valid runra_gz && ratio igzip_dc runra_gz)" ">=" 2 "x"
    target "#12: our block gzip: filter at least 1.5x faster than rapidgzip -P 2" "$(valid runra_gz && valid rapidgzip_dc && ratio rapidgzip_dc runra_gz)" ">=" 1.5 "x"
}

# The same log compressed by gzip -6 (one member, made by another program than ours), counted by filter -c.
bench_gzip_foreign() {
    local gz6="${PLAIN%.jsonl}.gzip6.jsonl.gz"
    if [[ ! -s $gz6 || $PLAIN -nt $gz6 ]]; then
        log "compressing $PLAIN with gzip -6"
        gzip -6 -c "$PLAIN" >"$gz6.tmp" || fail_hard "gzip -6 failed"
        mv "$gz6.tmp" "$gz6"
    fi
    GZ6=$gz6 GZ6_BYTES=$(stat -c %s "$gz6")
    cat "$gz6" >/dev/null
    install_rapidgzip
    measure gzip6 "$RUNS" \
        runra_gz6 "runra-events filter -c -t exec.completed (gzip -6 file)" "$R filter -c -t exec.completed $gz6" \
        igzip_dc6 "igzip -dc (gzip -6 file)" "igzip -dc $gz6" \
        pigz_dc6 "pigz -dc (gzip -6 file)" "pigz -dc $gz6"
    if [[ -n $RAPIDGZIP ]]; then
        measure gzip6_rapid "$RUNS" rapidgzip_dc6 "rapidgzip -P 2 -d -c (gzip -6 file)" "$RAPIDGZIP -P 2 -d -c $gz6"
    else
        skip_row rapidgzip_dc6 "rapidgzip -P 2 -d -c (gzip -6 file)" "$RAPIDGZIP_NOTE"
    fi
    local ours
    ours=$("$R" filter -c -t exec.completed "$gz6" 2>/dev/null)
    [[ $ours == "$("$R" filter -c -t exec.completed "$PLAIN" 2>/dev/null)" ]] ||
        { log "error: filter -c on the gzip -6 file counted '$ours', not what it counts on the plain log"; FAILURES+=("filter -c (gzip -6 file): count"); }
    target "filter -c -t on a gzip -6 file: at most 1.1x igzip -dc" "$(valid runra_gz6 && ratio runra_gz6 igzip_dc6)" "<=" 1.1 "x"
    target "#12: block gzip size / gzip -6 size of the same log: at most 1.03" "$(calc "$GZ_BYTES / $GZ6_BYTES" 4)" "<=" 1.03 "x"
}

# MARK: Foreign data

# A log from scripts/gen-foreign-events.py (our second generator: long lines, large nested payloads, every
# type; not `runra-events generate`), read from the file and from standard input, with the peak RSS of
# every row, next to grep and jq on the same file.
FOREIGN_IDS=()   # ids of the foreign rows, in report order (reported in their own section)
FOREIGN_NOTE=""
bench_foreign() {
    mkdir -p "$DATA"
    local file="$DATA/foreign-${FOREIGN_MB}MB-seed1.jsonl"
    if [[ ! -s $file || scripts/gen-foreign-events.py -nt $file ]]; then
        log "generating $file (scripts/gen-foreign-events.py)"
        python3 scripts/gen-foreign-events.py --size "$FOREIGN_MB" --seed 1 --out "$file.tmp" || fail_hard "scripts/gen-foreign-events.py failed"
        mv "$file.tmp" "$file"
    fi
    local gz="$file.gz"
    if [[ ! -s $gz || $file -nt $gz ]]; then
        log "compressing $file with gzip -6"
        gzip -6 -c "$file" >"$gz.tmp" || fail_hard "gzip -6 failed"
        mv "$gz.tmp" "$gz"
    fi
    cat "$file" "$gz" >/dev/null
    FOREIGN_FILE=$file FOREIGN_BYTES=$(stat -c %s "$file") FOREIGN_GZ_BYTES=$(stat -c %s "$gz")
    FOREIGN_EVENTS=$(grep -c '' "$file")
    FOREIGN_LINES=$(awk '{ n = length($0) + 1; if (n > max) max = n; s += n } END { printf "mean %.0f bytes, longest %d bytes", s / NR, max }' "$file")
    local where="--where 'data.exitCode != 0'" type_re='"type": ?"exec\.completed"'
    foreign_rows fg_type "runra-events filter -t exec.completed" "$R filter -t exec.completed" "$file"
    foreign_rows fg_where "runra-events filter $where" "$R filter $where" "$file"
    foreign_rows fg_stats "runra-events stats" "$R stats" "$file"
    foreign_rows fg_gz "runra-events filter -c -t exec.completed (gzip -6)" "$R filter -c -t exec.completed" "$gz"
    FOREIGN_IDS+=(fg_grep fg_grep_c fg_jq_type fg_jq_where fg_igzip)
    measure foreign_anchors "$RUNS" \
        fg_grep "grep -E '$type_re'" "grep -E '$type_re' $file" \
        fg_grep_c "grep -cE '$type_re'" "grep -cE '$type_re' $file" \
        fg_igzip "igzip -dc (.gz, gzip -6)" "igzip -dc $gz"
    measure foreign_slow "$SLOW_RUNS" \
        fg_jq_type "jq -c 'select(.type==\"exec.completed\")'" "jq -c 'select(.type==\"exec.completed\")' $file" \
        fg_jq_where "jq -c 'select(.data.exitCode != 0)'" "jq -c 'select(.data.exitCode != 0)' $file"
    local id
    for id in fg_grep fg_grep_c fg_jq_type fg_jq_where fg_igzip; do
        have "${CMD[$id]%% *}" && measure_rss "$id" "${NAME[$id]}" "${CMD[$id]}"
    done
    # The counts must agree with jq's (the type key can have a space after the colon here, so grep is not exact).
    if have jq; then
        local ours theirs
        ours=$("$R" filter -c -t exec.completed "$file" 2>/dev/null)
        theirs=$(jq -c 'select(.type == "exec.completed")' "$file" | wc -l)
        [[ $ours == "$theirs" ]] || { log "error: foreign log: filter -c -t exec.completed counted '$ours', jq $theirs"; FAILURES+=("foreign filter -c: count"); }
        ours=$("$R" filter -c --where 'data.exitCode != 0' "$file" 2>/dev/null)
        theirs=$(jq -c 'select(.data.exitCode != 0)' "$file" | wc -l)
        [[ $ours == "$theirs" ]] || { log "error: foreign log: filter -c --where counted '$ours', jq $theirs"; FAILURES+=("foreign filter --where: count"); }
        FOREIGN_NOTE="filter -c counts agree with jq's"
    fi
    target "foreign log: filter -c -t on the gzip -6 file at most 1.1x igzip -dc" "$(valid runra_fg_gz_file && ratio runra_fg_gz_file fg_igzip)" "<=" 1.1 "x"
}

# foreign_rows ID NAME COMMAND FILE: times `COMMAND FILE` and `cat FILE | COMMAND` (ids runra_ID_file and
# runra_ID_stdin), and measures the peak RSS of each.
foreign_rows() {
    local id=$1 name=$2 command=$3 file=$4
    FOREIGN_IDS+=("runra_${id}_file" "runra_${id}_stdin")
    measure "$id" "$RUNS" \
        "runra_${id}_file" "$name FILE" "$command $file" \
        "runra_${id}_stdin" "cat FILE | $name" "cat $file | $command"
    measure_rss "runra_${id}_file" "$name FILE" "$command $file"
    measure_rss "runra_${id}_stdin" "cat FILE | $name" "cat $file | $command"
}

bench_memory() {
    measure_rss rss_plain "runra-events filter -t exec.completed" "$R filter -t exec.completed $PLAIN"
    measure_rss rss_gz "runra-events filter -t exec.completed (.gz)" "$R filter -t exec.completed $GZ"
    local id mib
    for id in rss_plain rss_gz; do
        mib=""
        [[ ${RSS[$id]} =~ ^[0-9]+$ ]] && mib=$(calc "${RSS[$id]} / 1024" 1)
        target "peak RSS of ${NAME[$id]}: under 50 MiB" "$mib" "<" 50 " MiB"
    done
}

bench_stats() {
    measure stats "$RUNS" \
        runra_stats "runra-events stats" "$R stats $PLAIN"
    measure stats_slow "$SLOW_RUNS" \
        jq_stats "jq -r 'select(.type == \"exec.completed\") | .data.durationMs' | awk (average)" \
        "jq -r 'select(.type == \"exec.completed\") | .data.durationMs' $PLAIN | awk '{ s += \$1; n++ } END { print n, s / n }'" \
        python_stats "python3 scripts/stats-equivalent.py (json module)" "python3 scripts/stats-equivalent.py $PLAIN"
    target "stats default report: at least 20x the jq+awk pipeline" "$(valid runra_stats && ratio jq_stats runra_stats)" ">=" 20 "x"
    target "stats default report: faster than Python" "$(valid runra_stats && ratio python_stats runra_stats)" ">" 1 "x"
    target "#12: stats default report at least 35x the jq+awk pipeline" "$(valid runra_stats && ratio jq_stats runra_stats)" ">=" 35 "x"
    measure_rss rss_stats_bin "runra-events stats --by sandboxId --bin 1m" "$R stats --by sandboxId --bin 1m $PLAIN"
    local mib=""
    [[ ${RSS[rss_stats_bin]} =~ ^[0-9]+$ ]] && mib=$(calc "${RSS[rss_stats_bin]} / 1024" 1)
    target "peak RSS of stats --by sandboxId --bin 1m: under 100 MiB" "$mib" "<" 100 " MiB"
}

# MARK: load-pg

# SPEC §5, the table every load of this row goes into, created fresh before each timed load.
PG_TABLE_SQL="SET client_min_messages = warning; DROP TABLE IF EXISTS runra_events;
CREATE TABLE runra_events (
  id TEXT PRIMARY KEY, timestamp TIMESTAMPTZ NOT NULL, type TEXT NOT NULL,
  sandbox_id TEXT NOT NULL, run_id TEXT NOT NULL, data JSONB NOT NULL,
  created_at TIMESTAMPTZ DEFAULT NOW());
CREATE INDEX idx_events_type ON runra_events (type);
CREATE INDEX idx_events_sandbox ON runra_events (sandbox_id);
CREATE INDEX idx_events_run ON runra_events (run_id);
CREATE INDEX idx_events_timestamp ON runra_events (timestamp DESC);"

pg_sql() { psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

# pg_time ID COMMAND: runs COMMAND once after a CHECKPOINT (so no load pays for the previous one's dirty
# pages), appends its wall time in seconds to PG_TIMES[ID], its stdout to $TMP/ID.out, its peak RSS (KiB)
# to $TMP/ID.rss. Returns the command's status.
declare -A PG_TIMES
pg_time() {
    local id=$1 command=$2 start end status=0
    pg_sql "CHECKPOINT" || return 1
    start=$(date +%s%N)
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f %M -o "$TMP/$id.rss" bash -c "exec $command" >"$TMP/$id.out" 2>"$TMP/stderr" || status=$?
    else
        bash -c "exec $command" >"$TMP/$id.out" 2>"$TMP/stderr" || status=$?
    fi
    end=$(date +%s%N)
    if ((status != 0)); then
        log "error: '$command' exited $status: $(head -c 600 "$TMP/stderr")"
        return "$status"
    fi
    PG_TIMES[$id]+="$(calc "($end - $start) / 1e9" 4) "
}

median_of() { printf '%s\n' $1 | sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# load-pg against psql \copy of the same rows pre-converted to CSV, in the same run on the same server, each
# into a freshly created §5 table with its indexes; then load-pg again into the full table (all duplicates).
bench_loadpg() {
    local line
    if ! line=$(RUNRA_PG_STATE="$TMP/pg-cluster.env" RUNRA_PG_SERVER_OPTIONS="${BENCH_PG_SERVER_OPTIONS-}" \
        bash scripts/pg-test-cluster.sh start 2>"$TMP/pg-start.log"); then
        PG_NOTE="skipped: the throwaway PostgreSQL did not start ($(head -c 300 "$TMP/pg-start.log"))"
        log "$PG_NOTE"
        return 0
    fi
    PG_STARTED=1
    PG_URL=${line#RUNRA_TEST_PG_URL=}
    if ! have psql; then
        PG_NOTE="skipped: psql not installed"
        return 0
    fi
    PG_NOTE="PostgreSQL $(pg_sql "SHOW server_version") from scripts/pg-test-cluster.sh (127.0.0.1, $(pg_sql "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')"))"
    mkdir -p "$DATA"
    local jsonl="$DATA/pg-events-$PG_EVENTS-seed1.jsonl" csv="$DATA/pg-events-$PG_EVENTS-seed1.csv"
    if [[ ! -s $jsonl || $RUNRA -nt $jsonl ]]; then
        log "generating $jsonl"
        "$R" generate --events "$PG_EVENTS" --seed 1 --out "$jsonl.tmp" || fail_hard "runra-events generate failed"
        mv "$jsonl.tmp" "$jsonl"
    fi
    if [[ ! -s $csv || $jsonl -nt $csv ]]; then
        log "converting $jsonl to CSV for psql"
        python3 scripts/events-to-csv.py "$jsonl" >"$csv.tmp" || fail_hard "scripts/events-to-csv.py failed"
        mv "$csv.tmp" "$csv"
    fi
    cat "$jsonl" "$csv" >/dev/null
    PG_LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
    local copy="psql '$PG_URL' -X -q -v ON_ERROR_STOP=1 -c \"\\\\copy runra_events(id,timestamp,type,sandbox_id,run_id,data) from '$csv' csv\""
    local load="$R load-pg --database-url '$PG_URL' $jsonl"
    local r count failed=""
    log "timing: psql \\copy, load-pg, load-pg again ($PG_RUNS runs of $PG_EVENTS events)"
    for ((r = 1; r <= PG_RUNS; r++)); do
        pg_sql "$PG_TABLE_SQL" || { failed="creating the table failed"; break; }
        pg_time pg_copy "$copy" || { failed="psql \\copy failed"; break; }
        count=$(pg_sql "SELECT count(*) FROM runra_events")
        [[ $count == "$PG_EVENTS" ]] || log "warning: psql \\copy stored $count rows, not $PG_EVENTS"
        pg_sql "$PG_TABLE_SQL" || { failed="creating the table failed"; break; }
        pg_time runra_loadpg "$load" || { FAILURES+=("load-pg"); failed="load-pg failed"; break; }
        grep -q " $PG_EVENTS inserted, 0 duplicates" "$TMP/runra_loadpg.out" ||
            { log "error: load-pg into the empty table: $(cat "$TMP/runra_loadpg.out")"; FAILURES+=("load-pg (counts)"); }
        pg_time runra_loadpg_dup "$load" || { FAILURES+=("load-pg again"); failed="load-pg again failed"; break; }
        grep -q " 0 inserted, $PG_EVENTS duplicates" "$TMP/runra_loadpg_dup.out" ||
            { log "error: load-pg into the full table: $(cat "$TMP/runra_loadpg_dup.out")"; FAILURES+=("load-pg again (counts)"); }
        count=$(pg_sql "SELECT count(*) FROM runra_events")
        [[ $count == "$PG_EVENTS" ]] || { log "error: the table holds $count rows, not $PG_EVENTS"; FAILURES+=("load-pg (row count $count)"); }
    done
    [[ -z $failed ]] || PG_NOTE+="; stopped: $failed"
    local id median
    for id in pg_copy runra_loadpg runra_loadpg_dup; do
        median=$(median_of "${PG_TIMES[$id]:-}")
        [[ -n $median ]] && MEDIAN[$id]=$median
    done
    NAME[pg_copy]="psql -c \"\\copy runra_events(…) from 'x.csv' csv\""
    NAME[runra_loadpg]="runra-events load-pg (empty table)"
    NAME[runra_loadpg_dup]="runra-events load-pg again (full table: all duplicates)"
    for id in pg_copy runra_loadpg runra_loadpg_dup; do
        median=${MEDIAN[$id]:-}
        if [[ -z $median ]]; then
            PG_ROWS+=("${NAME[$id]}|not measured|||")
        else
            PG_ROWS+=("${NAME[$id]}|$(calc "$median" 2)|${PG_TIMES[$id]% }|$(calc "$PG_EVENTS / $median" 0)|$(ratio pg_copy "$id")x")
        fi
    done
    RSS[rss_loadpg]=$(tail -n 1 "$TMP/runra_loadpg.rss" 2>/dev/null || echo n/a)
    NAME[rss_loadpg]="runra-events load-pg ($PG_EVENTS events)"
    target "load-pg ≥ psql \\copy (ratio ≥ 1.0, \\copy time / load-pg time)" "$(ratio pg_copy runra_loadpg)" ">=" 1.0 "x"
    target "load-pg again (all duplicates) ≥ psql \\copy" "$(ratio pg_copy runra_loadpg_dup)" ">=" 1.0 "x"
    local mib=""
    [[ ${RSS[rss_loadpg]} =~ ^[0-9]+$ ]] && mib=$(calc "${RSS[rss_loadpg]} / 1024" 1)
    target "peak RSS of load-pg: under 50 MiB" "$mib" "<" 50 " MiB"
    RUNRA_PG_STATE="$TMP/pg-cluster.env" bash scripts/pg-test-cluster.sh stop >/dev/null 2>&1
    PG_STARTED=""
}

bench_tail() {
    measure tail 20 \
        runra_tail "runra-events tail -n 10" "$R tail -n 10 $PLAIN" \
        tail_n "tail -n 10 (coreutils)" "tail -n 10 $PLAIN" \
        runra_tail_gz "runra-events tail -n 10 (our .gz)" "$R tail -n 10 $GZ" \
        zcat_tail "zcat, then tail -n 10 (our .gz)" "zcat $GZ | tail -n 10"
    local ms="" gz_ms=""
    [[ -n ${MEDIAN[runra_tail]:-} ]] && ms=$(calc "${MEDIAN[runra_tail]} * 1000" 1)
    [[ -n ${MEDIAN[runra_tail_gz]:-} ]] && gz_ms=$(calc "${MEDIAN[runra_tail_gz]} * 1000" 1)
    target "tail -n 10: under 20 ms" "$ms" "<" 20 " ms"
    target "#12: tail -n 10 under 5 ms" "$ms" "<" 5 " ms"
    target "#12: tail -n 10 on our .gz under 20 ms" "$gz_ms" "<" 20 " ms"
}

# --since of the last hour of the log, on our block gzip: the members outside are skipped unread. The share of the
# archive read is the bytes the process read (strace) over the file's size.
bench_since() {
    local since read_bytes
    since=$("$R" tail -n 1 "$GZ" | python3 -c 'import json, sys, datetime
t = datetime.datetime.fromisoformat(json.load(sys.stdin)["timestamp"].replace("Z", "+00:00"))
print((t - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
    measure since "$RUNS" \
        runra_since "runra-events filter -c --since (the last hour, our .gz)" "$R filter -c --since $since $GZ" \
        runra_since_plain "runra-events filter -c --since (the last hour, plain log)" "$R filter -c --since $since $PLAIN"
    local ours theirs
    ours=$("$R" filter -c --since "$since" "$GZ" 2>/dev/null)
    theirs=$("$R" filter -c --since "$since" "$PLAIN" 2>/dev/null)
    [[ $ours == "$theirs" ]] ||
        { log "error: filter -c --since counted $ours on the .gz and $theirs on the plain log"; FAILURES+=("filter --since (.gz): count"); }
    SINCE_NOTE="since $since: $ours events"
    local share=""
    if have strace; then
        strace -f -qq -e trace=read,pread64 -o "$TMP/since.strace" "$R" filter -c --since "$since" "$GZ" >/dev/null 2>&1
        read_bytes=$(awk '{ if (match($0, /= [0-9]+$/)) s += substr($0, RSTART + 2) } END { print s + 0 }' "$TMP/since.strace")
        share=$(calc "100 * $read_bytes / $GZ_BYTES" 2)
        SINCE_NOTE="$SINCE_NOTE; read $read_bytes of $GZ_BYTES bytes"
    fi
    target "#12: --since of the last hour reads under 10% of our archive" "$share" "<" 10 " %"
}

bench_replay_jsonl() {
    local out="$TMP/replay-out.jsonl" events
    events=$(grep -c '' "$PLAIN")
    measure replay_jsonl "$RUNS" \
        runra_replay_jsonl "runra-events replay --to jsonl" "rm -f $out; $R replay -q --to jsonl --set filePath=$out $PLAIN"
    local rate=""
    [[ -n ${MEDIAN[runra_replay_jsonl]:-} ]] && rate=$(calc "$events / ${MEDIAN[runra_replay_jsonl]}" 0)
    target "replay --to jsonl: at least 500,000 events/s" "$rate" ">=" 500000 " events/s"
    measure_rss rss_replay "runra-events replay --to jsonl" "$R replay -q --to jsonl --set filePath=$out $PLAIN"
    local mib=""
    [[ ${RSS[rss_replay]} =~ ^[0-9]+$ ]] && mib=$(calc "${RSS[rss_replay]} / 1024" 1)
    target "peak RSS of replay --to jsonl: under 50 MiB" "$mib" "<" 50 " MiB"
    rm -f "$out"
    # The writer with rotation every 64 MiB and gzip of rotated files on the other core (the jsonl exporter).
    local dir="$TMP/rotating"
    measure writer "$RUNS" \
        runra_writer "runra-events replay --to jsonl (rotate every 64 MiB, gzip)" \
        "rm -rf $dir; mkdir -p $dir; $R replay -q --to jsonl --set filePath=$dir/out.jsonl --set rotateSizeBytes=67108864 --set rotateFiles=1000 --set gzip=true $PLAIN"
    rate=""
    [[ -n ${MEDIAN[runra_writer]:-} ]] && rate=$(calc "$events / ${MEDIAN[runra_writer]}" 0)
    target "writer with rotation every 64 MiB and gzip: at least 500,000 events/s" "$rate" ">=" 500000 " events/s"
    rm -rf "$dir"
}

bench_startup() {
    measure startup 20 runra_version "runra-events --version" "$R --version"
    local ms=""
    [[ -n ${MEDIAN[runra_version]:-} ]] && ms=$(calc "${MEDIAN[runra_version]} * 1000" 1)
    target "runra-events --version: under 20 ms" "$ms" "<" 20 " ms"
    target "#12: runra-events --version under 10 ms" "$ms" "<" 10 " ms"
}

# MARK: Network replay

# The network exporters replay NET_EVENTS generated events into scripts/bench-sink.c, a counting HTTP
# sink on 127.0.0.1 (a free port), built here with cc. It answers each request as soon as it has read
# it and counts afterwards, so it adds ~50 µs per request to a replay that sends one request at a time,
# and it counts what it got: a row whose sink did not receive exactly NET_EVENTS events per run fails.
# A fresh sink per row; the check run and the timed runs of the row all add to its counts.
NET_IDS=()     # ids of the network rows (reported in their own section)
NET_ROWS=()    # "command|median s|events/s|requests per run|MB sent per run|sink s per run|received" lines
NET_NOTE=""    # the data the rows ran on, or why they were skipped
NET_SKIPPED="" NET_FILE="" NET_ROOTS="" NET_LOAD_AT_START="" SINK_BIN="" SINK_PID="" SINK_PORT=""

# Builds the sink and generates the data (once); returns 1 when the rows cannot run (the reason in NET_NOTE).
net_setup() {
    [[ -z $NET_SKIPPED ]] || return 1
    [[ -z $NET_FILE ]] || return 0
    NET_SKIPPED=1
    if ! have cc; then
        NET_NOTE="skipped: no C compiler (cc) to build scripts/bench-sink.c"
        log "$NET_NOTE"
        return 1
    fi
    SINK_BIN="$TMP/bench-sink"
    if ! cc -O2 -o "$SINK_BIN" scripts/bench-sink.c -lz -lpthread 2>"$TMP/sink-build.log"; then
        NET_NOTE="skipped: scripts/bench-sink.c did not build ($(head -c 300 "$TMP/sink-build.log"))"
        log "$NET_NOTE"
        return 1
    fi
    mkdir -p "$DATA"
    local file="$DATA/events-$NET_EVENTS-seed1.jsonl" lines markers run_ids
    if [[ ! -s $file || $RUNRA -nt $file ]]; then
        log "generating $file"
        "$R" generate --events "$NET_EVENTS" --seed 1 --out "$file.tmp" || fail_hard "runra-events generate failed"
        mv "$file.tmp" "$file"
    fi
    # The sink counts custom events by their {"id":" marker: there must be exactly one per line.
    lines=$(grep -c '' "$file")
    markers=$(grep -oF '{"id":"' "$file" | wc -l)
    ((lines == NET_EVENTS && markers == NET_EVENTS)) ||
        fail_hard "$file has $lines lines and $markers {\"id\":\" markers, expected $NET_EVENTS of each"
    # otel also sends one root span per run: as many as distinct runIds, when every event names one.
    run_ids=$(grep -oE '"runId":"[^"]*"' "$file" | wc -l)
    ((run_ids == NET_EVENTS)) && NET_ROOTS=$(grep -oE '"runId":"[^"]*"' "$file" | sort -u | wc -l)
    cat "$file" >/dev/null
    NET_FILE=$file NET_SKIPPED=""
    NET_NOTE="$NET_EVENTS events ($(stat -c %s "$file") bytes) from \`runra-events generate --events $NET_EVENTS --seed 1\`"
    NET_LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
}

start_sink() {
    rm -f "$TMP/sink.out"  # not the previous row's port
    "$SINK_BIN" --parent $$ >"$TMP/sink.out" 2>"$TMP/sink.err" &
    SINK_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        SINK_PORT=$(sed -n 's/^PORT //p' "$TMP/sink.out" 2>/dev/null)
        [[ -n $SINK_PORT ]] && return 0
        sleep 0.05
    done
    fail_hard "scripts/bench-sink.c did not start: $(head -c 300 "$TMP/sink.err")"
}

stop_sink() {
    [[ -n $SINK_PID ]] || return 0
    kill "$SINK_PID" 2>/dev/null
    wait "$SINK_PID" 2>/dev/null
    SINK_PID=""
}

# The sink's counts as JSON, over bash's /dev/tcp (no curl needed).
sink_counts() {
    local reply
    exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT" || return 1
    printf 'GET /_counts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    reply=$(cat <&3)
    exec 3<&-
    echo "${reply##*$'\r\n\r\n'}"
}

# count_of KEY JSON: one number of the sink's counts.
count_of() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }

# net_row ID NAME ARGS: times `runra-events replay -q ARGS FILE` into a fresh sink ({SINK} in ARGS
# becomes its base URL), then checks that the sink received every event exactly once per run.
net_row() {
    local id=$1 name=$2 args=$3
    NET_IDS+=("$id")
    net_setup || return 0
    # The summary must account for every event (a release-only engine bug once delivered every event
    # but counted one batch); a run of its own, into a sink of its own, so the counts below stay exact.
    local summary sent
    start_sink
    summary=$($R replay ${args//\{SINK\}/http://127.0.0.1:$SINK_PORT} "$NET_FILE" 2>&1 >/dev/null) || true
    stop_sink
    sent=$(awk -v provider="${id#runra_}" '$1 == provider || $1 == substr(provider, 1, index(provider "_", "_") - 1) { print $2 }' <<<"$summary" | tail -1)
    if [[ $sent != "$NET_EVENTS" ]]; then
        STATUS[$id]="FAILED: the replay summary says sent ${sent:-nothing}, not $NET_EVENTS"
        log "$name: ${STATUS[$id]}"
        FAILURES+=("$name: replay summary")
        NET_ROWS+=("\`$name\`|${STATUS[$id]}|||||")
        return 0
    fi
    start_sink
    log "$name: sink on 127.0.0.1:$SINK_PORT"
    measure "$id" "$RUNS" "$id" "$name" "$R replay -q ${args//\{SINK\}/http://127.0.0.1:$SINK_PORT} $NET_FILE"
    local counts median=${MEDIAN[$id]:-}
    counts=$(sink_counts) || counts=""
    stop_sink
    if [[ -z $median ]]; then
        NET_ROWS+=("\`$name\`|${STATUS[$id]:-not measured}|||||")
        return 0
    fi
    # The check run, then the timed runs; each must have exited 0.
    local runs=$((RUNS + 1)) expected problem="" requests bytes seconds bad events roots="" received
    expected=$((runs * NET_EVENTS))
    [[ $(medians "$TMP/$id.json" 2>/dev/null) == *" ok" ]] || problem="a timed run exited non-zero"
    requests=$(count_of requests "$counts")
    bytes=$(count_of bodyBytes "$counts")
    seconds=$(count_of serverSeconds "$counts")
    bad=$(count_of badBodies "$counts")
    case $id in
    *otel*)
        roots=$(count_of roots "$counts")
        events=$(($(count_of spans "$counts") - roots + $(count_of logs "$counts")))
        ;;
    *axiom*) events=$(count_of lines "$counts") ;;
    *) events=$(count_of events "$counts") ;;
    esac
    if [[ -z $requests ]]; then
        problem="no counts from the sink"
        received="—"
    else
        received="$events of $runs × $NET_EVENTS events"
        if ((events != expected)); then
            problem="the sink received $events events, not $runs × $NET_EVENTS"
        elif ((bad != 0)); then
            problem="the sink could not read $bad request bodies"
        elif [[ -n $roots && -n $NET_ROOTS ]] && ((roots != runs * NET_ROOTS)); then
            problem="the sink received $roots root spans, not $runs × $NET_ROOTS (one per runId)"
        fi
        [[ -n $roots ]] && received+=" (+ $roots root spans)"
    fi
    if [[ -n $problem ]]; then
        log "error: $name: $problem (sink: $counts)"
        STATUS[$id]=$problem
        FAILURES+=("$name ($problem)")
        received+=" — FAILED: $problem"
    else
        received+=" ✓"
    fi
    NET_ROWS+=("\`$name\`|$(calc "$median" 3)|$(calc "$NET_EVENTS / $median" 0)|$(calc "${requests:-0} / $runs" 0)|$(calc "${bytes:-0} / $runs / 1e6" 1)|$(calc "${seconds:-0} / $runs" 2)|$received")
}

# net_target ID DESCRIPTION THRESHOLD: events/s of a network row against its target.
net_target() {
    local rate=""
    valid "$1" && rate=$(calc "$NET_EVENTS / ${MEDIAN[$1]}" 0)
    target "$2" "$rate" ">=" "$3" " events/s"
}

# SPEC §7 batch sizes: custom and axiom 100 events per request, otel 512. A bulk replay of an archive
# would raise batchSize; the second custom and axiom rows show batchSize=1000.
bench_replay_custom() {
    net_row runra_custom "runra-events replay --to custom (gzip; batchSize 100, the default)" \
        "--to custom --set endpoint={SINK}/events --set compression=gzip"
    net_target runra_custom "replay --to custom with gzip (default batchSize 100): at least 150,000 events/s" 150000
    net_row runra_custom_1000 "runra-events replay --to custom (gzip; batchSize 1000)" \
        "--to custom --set endpoint={SINK}/events --set compression=gzip --set batchSize=1000"
    net_target runra_custom_1000 "replay --to custom with gzip (batchSize 1000): at least 150,000 events/s" 150000
}

bench_replay_axiom() {
    net_row runra_axiom "runra-events replay --to axiom (gzip; batchSize 100, the default)" \
        "--to axiom --set url={SINK} --set token=xaat-bench"
    net_target runra_axiom "replay --to axiom (default batchSize 100): at least 150,000 events/s" 150000
    net_row runra_axiom_1000 "runra-events replay --to axiom (gzip; batchSize 1000)" \
        "--to axiom --set url={SINK} --set token=xaat-bench --set batchSize=1000"
    net_target runra_axiom_1000 "replay --to axiom (batchSize 1000): at least 150,000 events/s" 150000
}

bench_replay_otel() {
    net_row runra_otel "runra-events replay --to otel (http/protobuf, gzip; 512 per request, the default)" \
        "--to otel --set endpoint={SINK}"
    net_target runra_otel "replay --to otel, OTLP/HTTP protobuf (defaults): at least 100,000 events/s" 100000
    net_target runra_otel "#12: replay --to otel at least 200,000 events/s" 200000
}

# MARK: Live shipping

# `replay --follow` behind a writer at a fixed rate that renames its log every 64 MiB (scripts/bench-follow.py),
# into the counting sink as Axiom NDJSON; the sink measures each event's write-to-acknowledgement time.
FOLLOW_ROWS=()
FOLLOW_NOTE=""
bench_follow() {
    net_setup || return 0
    have python3 || { FOLLOW_NOTE="skipped: no python3"; return 0; }
    local seconds rate foreign_rate foreign_mb
    if [[ -n ${BENCH_SMOKE:-} ]] || ((SIZE_MB < 64)); then
        seconds=${BENCH_FOLLOW_SECONDS:-3} rate=${BENCH_FOLLOW_RATE:-20000} foreign_rate=5000 foreign_mb=10
    else
        seconds=${BENCH_FOLLOW_SECONDS:-20} rate=${BENCH_FOLLOW_RATE:-200000} foreign_rate=50000 foreign_mb=100
    fi
    follow_row "our 250-byte events" "$rate" "$seconds" "" yes
    # The second generator's lines (about 800 bytes, large nested payloads): the same bytes per second at a
    # quarter of the events.
    local foreign="$DATA/foreign-follow-${foreign_mb}MB-seed2.jsonl"
    if [[ ! -s $foreign || scripts/gen-foreign-events.py -nt $foreign ]]; then
        python3 scripts/gen-foreign-events.py --size "$foreign_mb" --seed 2 --out "$foreign.tmp" && mv "$foreign.tmp" "$foreign"
    fi
    [[ -s $foreign ]] && follow_row "lines of scripts/gen-foreign-events.py" "$foreign_rate" "$seconds" "$foreign" ""
}

# follow_row WHAT RATE SECONDS [LINES_FILE] [JUDGED]: one run of scripts/bench-follow.py; JUDGED adds the targets.
follow_row() {
    local what=$1 rate=$2 seconds=$3 lines=$4 judged=$5 result flush=1000
    mkdir -p "$DATA/follow"
    start_sink
    log "live shipping ($what): $rate events/s for $seconds s, rotation every 64 MiB, sink on 127.0.0.1:$SINK_PORT"
    result=$(python3 scripts/bench-follow.py --runra "$R" --sink-port "$SINK_PORT" --dir "$DATA/follow" \
        --rate "$rate" --seconds "$seconds" --rotate-mib 64 --flush-ms "$flush" ${lines:+--lines-from "$lines"}) || result=""
    stop_sink
    rm -f "$DATA"/follow/live.jsonl*
    if [[ -z $result ]]; then
        FAILURES+=("live shipping ($what): scripts/bench-follow.py failed")
        FOLLOW_ROWS+=("| $what, $rate events/s | failed: scripts/bench-follow.py did not finish | | | | | | | | |")
        return 0
    fi
    log "live shipping ($what): $result"
    local written received write_rate catch_up p50 p99 max rss status rotations
    written=$(count_of written "$result") received=$(count_of received "$result")
    write_rate=$(count_of writeRate "$result") catch_up=$(count_of catchUpSeconds "$result")
    p50=$(count_of p50Ms "$result") p99=$(count_of p99Ms "$result") max=$(count_of maxMs "$result")
    rss=$(count_of peakRssMiB "$result") rotations=$(count_of rotations "$result")
    status=$(sed -n 's/.*"exitStatus":\([^,}]*\).*/\1/p' <<<"$result")
    [[ $status == 0 ]] || FAILURES+=("replay --follow ($what) exited with $status after SIGTERM")
    FOLLOW_ROWS+=("| $what at $rate events/s, $seconds s, $rotations rotations | $written | $received | $write_rate | $catch_up | $p50 | $p99 | $max | $rss | $status |")
    [[ -n $judged ]] || return 0
    local verdict=FAIL
    ((received == written)) && awk -v r="$write_rate" -v t="$rate" 'BEGIN { exit !(r >= 0.95 * t) }' && verdict=PASS
    [[ -n ${BENCH_SMOKE:-} ]] && verdict="not judged (smoke run)"
    TARGETS+=("replay --follow keeps up with a writer at $rate events/s renaming its log every 64 MiB (every event delivered, writer at ≥ 95 % of that rate)|$received of $written delivered; writer at $write_rate/s|$verdict")
    target "replay --follow: p99 write-to-acknowledgement latency under flushInterval + 50 ms ($((flush + 50)) ms)" "$p99" "<" "$((flush + 50))" " ms"
    target "replay --follow: peak RSS under 50 MB" "$rss" "<" 50 " MiB"
}

# MARK: Data lake

# The parquet exporter (#26) against DuckDB's COPY … TO parquet of the same columns (scripts/bench-lake.py), from the
# plain log and from its .gz, each into a cleared output (hyperfine --prepare); then the output sizes, a check that
# both outputs hold the same rows and values, and the peak RSS of one run of each.
LAKE_IDS=()    # ids of the lake rows (reported in their own section)
LAKE_BYTES=()  # "id bytes" of each row's output
LAKE_NOTE=""   # the check of the outputs, or why DuckDB's rows are missing
LAKE_SQL=""    # DuckDB's statement, as the report shows it
LAKE_SCHEMA_OURS="" LAKE_SCHEMA_DUCKDB=""
LAKE_FOLLOW_ROW="" LAKE_FOLLOW_NOTE=""

# files_bytes PATH: the bytes of the files at PATH (a file, or a directory's files: du -b without the directories).
files_bytes() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

bench_lake() {
    install_duckdb
    local lake="$TMP/lake-runra" lake_gz="$TMP/lake-runra-gz" duck="$TMP/lake-duckdb.parquet" duck_gz="$TMP/lake-duckdb-gz.parquet"
    local settings="--set partitionBy=none --set compression=zstd"
    LAKE_IDS=(runra_lake duckdb_lake runra_lake_gz duckdb_lake_gz)
    rm -rf "$lake" "$lake_gz" "$duck" "$duck_gz"
    PREPARE[runra_lake]="rm -rf $lake" PREPARE[runra_lake_gz]="rm -rf $lake_gz"
    PREPARE[duckdb_lake]="rm -f $duck" PREPARE[duckdb_lake_gz]="rm -f $duck_gz"
    if [[ -n $DUCKDB_PY ]]; then
        LAKE_SQL=$("$DUCKDB_PY" scripts/bench-lake.py sql LOG x.parquet)
        measure lake "$RUNS" \
            runra_lake "runra-events replay --to parquet (zstd)" "$R replay -q --to parquet --set path=$lake $settings $PLAIN" \
            duckdb_lake "DuckDB COPY (… read_json(…)) TO parquet (zstd)" "$DUCKDB_PY scripts/bench-lake.py copy $PLAIN $duck" \
            runra_lake_gz "runra-events replay --to parquet (zstd; our .gz)" "$R replay -q --to parquet --set path=$lake_gz $settings $GZ" \
            duckdb_lake_gz "DuckDB COPY (… read_json(…)) TO parquet (zstd; our .gz)" "$DUCKDB_PY scripts/bench-lake.py copy $GZ $duck_gz"
    else
        measure lake "$RUNS" \
            runra_lake "runra-events replay --to parquet (zstd)" "$R replay -q --to parquet --set path=$lake $settings $PLAIN" \
            runra_lake_gz "runra-events replay --to parquet (zstd; our .gz)" "$R replay -q --to parquet --set path=$lake_gz $settings $GZ"
        skip_row duckdb_lake "DuckDB COPY (… read_json(…)) TO parquet (zstd)" "$DUCKDB_NOTE"
        skip_row duckdb_lake_gz "DuckDB COPY (… read_json(…)) TO parquet (zstd; our .gz)" "$DUCKDB_NOTE"
    fi
    # What the last timed run of each left.
    local id path
    for id in "${LAKE_IDS[@]}"; do
        case $id in runra_lake) path=$lake ;; runra_lake_gz) path=$lake_gz ;; duckdb_lake) path=$duck ;; *) path=$duck_gz ;; esac
        [[ -e $path ]] && LAKE_BYTES+=("$id $(files_bytes "$path")")
    done
    local size_ratio=""
    [[ -e $lake && -e $duck ]] && size_ratio=$(calc "$(files_bytes "$lake") / $(files_bytes "$duck")" 4)
    if [[ -n $DUCKDB_PY && -e $lake && -e $duck ]]; then
        lake_check "$lake" "$duck" "from the plain log"
        [[ -e $lake_gz && -e $duck_gz ]] && lake_check "$lake_gz" "$duck_gz" "from our .gz"
    elif [[ -n $DUCKDB_PY ]]; then
        LAKE_NOTE="not checked: an output is missing"
    fi
    rm -rf "$lake_gz" "$duck_gz"
    rm -rf "$lake" && measure_rss rss_lake "runra-events replay --to parquet (zstd)" "$R replay -q --to parquet --set path=$lake $settings $PLAIN"
    if [[ -n $DUCKDB_PY ]]; then
        rm -f "$duck" && measure_rss rss_lake_duckdb "DuckDB COPY (… read_json(…)) TO parquet (zstd)" "$DUCKDB_PY scripts/bench-lake.py copy $PLAIN $duck"
    fi
    rm -rf "$lake" "$duck"
    target "#26: replay --to parquet (zstd) at least as fast as DuckDB's COPY … TO parquet (DuckDB time / ours)" \
        "$(valid runra_lake && valid duckdb_lake && ratio duckdb_lake runra_lake)" ">=" 1 "x"
    target "#26: its files no larger than DuckDB's (our bytes / DuckDB's)" "$size_ratio" "<=" 1 "x"
    local mb=""
    [[ ${RSS[rss_lake]:-} =~ ^[0-9]+$ ]] && mb=$(calc "${RSS[rss_lake]} * 1024 / 1e6" 1)
    target "#26: peak RSS of replay --to parquet: under 100 MB" "$mb" "<" 100 " MB"
}

# lake_check OURS THEIRS LABEL: scripts/bench-lake.py check; our rows must be the log's events.
lake_check() {
    local result ours_rows theirs_rows joined differing
    if ! result=$("$DUCKDB_PY" scripts/bench-lake.py check "$1" "$2" 2>"$TMP/lake-check.err"); then
        LAKE_NOTE+="${LAKE_NOTE:+; }$3: the check failed: $(tail -n 1 "$TMP/lake-check.err" | head -c 300)"
        log "warning: lake check ($3): $(tail -n 3 "$TMP/lake-check.err")"
        return 0
    fi
    ours_rows=$(count_of oursRows "$result") theirs_rows=$(count_of theirsRows "$result") joined=$(count_of joined "$result")
    differing=$(sed -n 's/.*"differing":{\([^}]*\)}.*/\1/p' <<<"$result")
    if [[ $ours_rows != "$EVENTS" ]]; then
        log "error: replay --to parquet ($3) wrote $ours_rows rows, not the log's $EVENTS events"
        FAILURES+=("replay --to parquet ($3): $ours_rows rows, not $EVENTS")
    fi
    local note="$3, runra-events wrote $ours_rows rows in $(count_of oursFiles "$result") file(s) ($(count_of oursRaw "$result") with \`raw\`), DuckDB $theirs_rows; joined on \`id\`: $joined rows, "
    if [[ -z $differing ]]; then note+="every column the same (\`data\` compared as JSON)"; else
        note+="**values differ**: ${differing//\"/} rows"
        log "warning: lake check ($3): values differ: $differing"
    fi
    LAKE_NOTE+="${LAKE_NOTE:+; }$note"
    LAKE_SCHEMA_OURS=$(sed -n 's/.*"oursSchema":\[\([^]]*\)\].*/\1/p' <<<"$result" | sed 's/","/, /g; s/"//g')
    LAKE_SCHEMA_DUCKDB=$(sed -n 's/.*"theirsSchema":\[\([^]]*\)\].*/\1/p' <<<"$result" | sed 's/","/, /g; s/"//g')
}

# `replay --follow --to parquet` (rollIntervalMs 1000): the time from appending an event to a Parquet file DuckDB reads
# it from, LAKE_TRIALS times (scripts/bench-lake.py follow).
bench_lake_follow() {
    install_duckdb
    if [[ -z $DUCKDB_PY ]]; then
        LAKE_FOLLOW_NOTE="follow latency $DUCKDB_NOTE"
        return 0
    fi
    local interval=1000 result
    log "lake follow latency: $LAKE_TRIALS events, rollIntervalMs $interval"
    rm -rf "$TMP/lake-follow"
    if ! result=$("$DUCKDB_PY" scripts/bench-lake.py follow --runra "$R" --dir "$TMP/lake-follow" \
        --interval-ms "$interval" --trials "$LAKE_TRIALS" 2>"$TMP/lake-follow.err"); then
        FAILURES+=("replay --follow --to parquet: scripts/bench-lake.py follow failed")
        LAKE_FOLLOW_NOTE="failed: scripts/bench-lake.py follow: $(tail -n 1 "$TMP/lake-follow.err" | head -c 300)"
        return 0
    fi
    log "lake follow latency: $result"
    local latencies median worst missed rss status startup
    latencies=$(sed -n 's/.*"latenciesMs":\[\([^]]*\)\].*/\1/p' <<<"$result")
    median=$(count_of medianMs "$result") worst=$(count_of worstMs "$result") missed=$(count_of missed "$result")
    rss=$(count_of peakRssMiB "$result") startup=$(count_of startupMs "$result")
    status=$(sed -n 's/.*"exitStatus":\([^,}]*\).*/\1/p' <<<"$result")
    [[ $status == 0 ]] || FAILURES+=("replay --follow --to parquet exited with $status after SIGTERM")
    if [[ -z $startup ]]; then
        FAILURES+=("replay --follow --to parquet: the first event never became readable")
        LAKE_FOLLOW_NOTE="failed: the first event never became readable ($(sed -n 's/.*"stderr":"\(.*\)"}.*/\1/p' <<<"$result" | head -c 300))"
        worst=""
    elif ((missed > 0)); then
        FAILURES+=("replay --follow --to parquet: $missed of $LAKE_TRIALS events not readable within rollIntervalMs + 10 s")
        worst=""
    fi
    LAKE_FOLLOW_ROW="| $LAKE_TRIALS events, rollIntervalMs $interval | ${latencies//,/, } | ${median:-—} | ${worst:-—} | $missed | $startup | $rss | $status |"
    target "#26: replay --follow --to parquet: an event readable within rollIntervalMs + 1 s ($((interval + 1000)) ms; worst of $LAKE_TRIALS)" \
        "$worst" "<=" "$((interval + 1000))" " ms"
}

# MARK: Report

# The speed-up over jq and the time relative to the fast anchor for each row.
jq_of() {
    case $1 in
    runra_type | runra_count | grep_F | grep_cF | gojq_type) echo jq_type ;;
    runra_where) echo jq_where ;;
    runra_stats | python_stats) echo jq_stats ;;
    esac
}
anchor_of() {
    case $1 in
    runra_type | runra_count | grep_F | jq_type | gojq_type) echo grep_cF ;;
    runra_gz | zcat | pigz_dc | rapidgzip_dc) echo igzip_dc ;;
    runra_gz6 | pigz_dc6 | rapidgzip_dc6) echo igzip_dc6 ;;
    runra_tail) echo tail_n ;;
    esac
}

# The foreign data section: every row's median, throughput and peak RSS; 50 MB or more is flagged.
foreign_report() {
    local id median rss flag name
    echo
    echo "## Foreign data (a second generator)"
    echo
    echo "\`$FOREIGN_FILE\`: $FOREIGN_BYTES bytes, $FOREIGN_EVENTS events (line lengths: $FOREIGN_LINES), from"
    echo "\`python3 scripts/gen-foreign-events.py --size $FOREIGN_MB --seed 1\`: our second, independent generator, with"
    echo "another shape than \`runra-events generate\` (long-tailed line lengths up to 64 KiB, large nested \`data\`:"
    echo "stdout/stderr blobs, arrays of objects, unicode, escapes, varied key order and spacing, every SPEC §2 type);"
    echo "\`.gz\` is that file compressed by \`gzip -6\` ($FOREIGN_GZ_BYTES bytes). Each runra-events row reads the file"
    echo "(FILE) and standard input (\`cat FILE |\`). Peak RSS by \`/usr/bin/time -f %M\` (for a pipeline: its largest"
    echo "process). Medians of $RUNS runs ($SLOW_RUNS for jq).${FOREIGN_NOTE:+ Checked: $FOREIGN_NOTE.}"
    echo
    echo "| command | median (s) | MB/s | peak RSS (MiB) | |"
    echo "|---|---:|---:|---:|---|"
    for id in "${FOREIGN_IDS[@]}"; do
        median=${MEDIAN[$id]:-}
        rss=${RSS[$id]:-}
        name=${NAME[$id]//|/\\|}  # `cat FILE | …` in a table cell
        flag=""
        if [[ $rss =~ ^[0-9]+$ ]]; then
            ((rss * 1024 >= 50000000)) && flag="**≥ 50 MB**"
            rss=$(calc "$rss / 1024" 1)
        fi
        if [[ -z $median ]]; then
            echo "| \`$name\` | ${STATUS[$id]:-not measured} | | $rss | $flag |"
        else
            echo "| \`$name\`${STATUS[$id]:+ (${STATUS[$id]})} | $(calc "$median" 3) | $(calc "$FOREIGN_BYTES / 1e6 / $median" 0) | $rss | $flag |"
        fi
    done
}

# The data lake section: the parquet exporter against DuckDB, then the follow latency.
lake_report() {
    echo
    echo "## Data lake (Parquet)"
    echo
    if ((${#LAKE_IDS[@]})); then
        echo "\`runra-events replay -q --to parquet --set path=DIR --set partitionBy=none --set compression=zstd LOG\` (the"
        echo "parquet exporter's other settings at their defaults) against DuckDB writing the same columns to one Parquet file"
        echo "with ZSTD, \`python3 scripts/bench-lake.py copy LOG x.parquet\` (PyPI \`duckdb\` in its own virtual environment;"
        echo "its default threads, one per core; the Python start-up and \`import duckdb\`, about 0.1 s, are in its times), from"
        echo "the plain log and from our .gz. Before every timed run the outputs are removed (hyperfine \`--prepare\`). Bytes:"
        echo "the files each wrote (\`find -type f\`, no directory entries). Medians of $RUNS runs; MB/s of the uncompressed log."
        echo "Our files also have the \`raw\` column (the lines the columns cannot hold exactly; null for every line here)."
        echo
        echo "| command | median (s) | MB/s | output bytes | time vs DuckDB | bytes vs DuckDB |"
        echo "|---|---:|---:|---:|---:|---:|"
        local id median bytes entry duck_id duck_bytes vs_time vs_bytes
        for id in "${LAKE_IDS[@]}"; do
            median=${MEDIAN[$id]:-} bytes="" duck_bytes=""
            for entry in "${LAKE_BYTES[@]}"; do [[ ${entry% *} == "$id" ]] && bytes=${entry#* }; done
            if [[ -z $median ]]; then
                echo "| \`${NAME[$id]}\` | ${STATUS[$id]:-not measured} | | | | |"
                continue
            fi
            duck_id=${id/runra_/duckdb_} vs_time="" vs_bytes=""
            if [[ $id == runra_* ]]; then
                for entry in "${LAKE_BYTES[@]}"; do [[ ${entry% *} == "$duck_id" ]] && duck_bytes=${entry#* }; done
                vs_time=$(ratio "$id" "$duck_id") && [[ -n $vs_time ]] && vs_time="${vs_time}x"
                [[ -n $bytes && -n $duck_bytes ]] && vs_bytes="$(calc "$bytes / $duck_bytes" 4)x"
            fi
            echo "| \`${NAME[$id]}\`${STATUS[$id]:+ (${STATUS[$id]})} | $(calc "$median" 3) | $(calc "$PLAIN_BYTES / 1e6 / $median" 0) | $bytes | $vs_time | $vs_bytes |"
        done
        echo
        echo "Peak memory (max RSS, \`/usr/bin/time -f %M\`, one run from the plain log):"
        echo
        for id in rss_lake rss_lake_duckdb; do
            [[ -n ${RSS[$id]:-} ]] || continue
            if [[ ${RSS[$id]} =~ ^[0-9]+$ ]]; then
                echo "- \`${NAME[$id]}\`: $(calc "${RSS[$id]} * 1024 / 1e6" 1) MB ($(calc "${RSS[$id]} / 1024" 1) MiB)"
            else
                echo "- \`${NAME[$id]}\`: ${RSS[$id]}"
            fi
        done
        if [[ -n $LAKE_NOTE ]]; then
            echo
            echo "Outputs checked (\`scripts/bench-lake.py check\`, both read back by DuckDB): $LAKE_NOTE."
        fi
        if [[ -n $LAKE_SCHEMA_OURS ]]; then
            echo
            echo "- our schema: $LAKE_SCHEMA_OURS"
            echo "- DuckDB's: $LAKE_SCHEMA_DUCKDB"
        fi
        if [[ -n $LAKE_SQL ]]; then
            echo
            echo "DuckDB's statement (\`python3 scripts/bench-lake.py sql LOG x.parquet\`):"
            echo
            echo '```sql'
            echo "$LAKE_SQL"
            echo '```'
        fi
    fi
    if [[ -n $LAKE_FOLLOW_ROW || -n $LAKE_FOLLOW_NOTE ]]; then
        echo
        echo "### Follow latency"
        echo
        echo "\`python3 scripts/bench-lake.py follow\`: \`runra-events replay --follow -q --to parquet --set path=DIR --set"
        echo "rollIntervalMs=1000 --set partitionBy=none LOG\` on a log holding one event (start-up: until that event is"
        echo "readable). Then, one at a time, it appends an event with a unique id (after a random 50–250 ms, out of step"
        echo "with the shipper's 200 ms look at the log) and polls the lake every 20 ms for a new \`*.parquet\` file (they"
        echo "are written as \`.part-….tmp\` and renamed when complete) until DuckDB reads that id from it: the latency is"
        echo "from the append to that read. Then SIGTERM. Peak RSS of the shipper: VmHWM from /proc."
        echo
        [[ -n $LAKE_FOLLOW_NOTE ]] && echo "$LAKE_FOLLOW_NOTE"
        if [[ -n $LAKE_FOLLOW_ROW ]]; then
            echo "| run | latencies (ms) | median (ms) | worst (ms) | missed | start-up (ms) | peak RSS (MiB) | exit after SIGTERM |"
            echo "|---|---|---:|---:|---:|---:|---:|---:|"
            echo "$LAKE_FOLLOW_ROW"
        fi
    fi
}

report() {
    local id median speed vs_jq vs_anchor note
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh): runra-events against jq, gojq, grep, pigz, zcat, igzip,"
    echo "rapidgzip and DuckDB, in one run on one machine, on a log made by \`runra-events generate --size ${SIZE_MB}MB --seed 1\`"
    echo "(and, in its own section, on a log from our second generator, scripts/gen-foreign-events.py)."
    echo "Absolute times drift between machines; compare the ratios (SPEC §8)."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') |"
    echo "| cores (nproc) | $(nproc) |"
    echo "| load average at start (1, 5, 15 min) | $LOAD_AT_START |"
    echo "| memory | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
    echo "| OS | $(uname -sr) |"
    echo "| runra-events | $("$R" --version 2>/dev/null) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)) |"
    local tool
    for tool in jq gojq grep pigz igzip hyperfine; do
        have "$tool" && echo "| $tool | $("$tool" --version 2>&1 | head -n 1) |"
    done
    [[ -n $RAPIDGZIP ]] && echo "| rapidgzip | $("$RAPIDGZIP" --version 2>&1 | head -n 1) (PyPI, in \`$DATA/venv-rapidgzip\`) |"
    [[ -n $DUCKDB_PY ]] && echo "| DuckDB | $("$DUCKDB_PY" -c 'import duckdb; print(duckdb.__version__)' 2>&1 | head -n 1) (PyPI \`duckdb\`, \`$DUCKDB_PY\`) |"
    echo
    echo "## Data"
    echo
    [[ -n $PLAIN ]] && echo "- \`$PLAIN\`: $PLAIN_BYTES bytes ($(calc "$PLAIN_BYTES / 1048576" 1) MiB), $EVENTS events"
    [[ -n $GZ ]] && echo "- \`$GZ\`: $GZ_BYTES bytes (\`generate --gzip\`: block gzip, members of 1 MiB at zlib level 6)"
    [[ -n ${SINCE_NOTE:-} ]] && echo "- \`--since\` row: $SINCE_NOTE"
    [[ -n ${GZ6:-} ]] && echo "- \`$GZ6\`: $GZ6_BYTES bytes (the same log compressed by \`gzip -6\`: one member, not made by us)"
    echo "- warm page cache; medians of $RUNS runs ($SLOW_RUNS for jq and gojq) measured by hyperfine;"
    echo "  every command's output goes to a pipe that hyperfine drains (\`--output=pipe\`)."
    echo
    echo "## Results"
    echo
    echo "| command | median (s) | MB/s | speed-up vs jq | time vs grep -cF / igzip -dc |"
    echo "|---|---:|---:|---:|---:|"
    for id in "${ORDER[@]}"; do
        [[ " ${NET_IDS[*]} " == *" $id "* ]] && continue  # in the network replay section
        [[ " ${FOREIGN_IDS[*]} " == *" $id "* ]] && continue  # in the foreign data section
        [[ " ${LAKE_IDS[*]} " == *" $id "* ]] && continue  # in the data lake section
        median=${MEDIAN[$id]:-}
        if [[ -z $median ]]; then
            echo "| \`${NAME[$id]}\` | ${STATUS[$id]:-not measured} | | | |"
            continue
        fi
        speed=$(calc "$PLAIN_BYTES / 1e6 / $median" 0)
        [[ $id =~ ^(runra_gz6?|pigz_dc6?|igzip_dc6?|rapidgzip_dc6?|zcat)$ ]] && speed="$speed (uncompressed)"
        vs_jq=""
        vs_anchor=""
        [[ -n $(jq_of "$id") ]] && vs_jq=$(ratio "$(jq_of "$id")" "$id") && [[ -n $vs_jq ]] && vs_jq="${vs_jq}x"
        [[ -n $(anchor_of "$id") ]] && vs_anchor=$(ratio "$id" "$(anchor_of "$id")") && [[ -n $vs_anchor ]] && vs_anchor="${vs_anchor}x"
        note=${STATUS[$id]:+ (${STATUS[$id]})}
        echo "| \`${NAME[$id]}\`$note | $(calc "$median" 3) | $speed | $vs_jq | $vs_anchor |"
    done
    echo
    echo "Peak memory (max RSS, \`/usr/bin/time -f %M\`):"
    echo
    for id in rss_plain rss_gz rss_stats_bin rss_replay rss_loadpg; do
        [[ -n ${RSS[$id]:-} ]] || continue
        if [[ ${RSS[$id]} =~ ^[0-9]+$ ]]; then
            echo "- \`${NAME[$id]}\`: $(calc "${RSS[$id]} / 1024" 1) MiB"
        else
            echo "- \`${NAME[$id]}\`: ${RSS[$id]}"
        fi
    done
    ((${#FOREIGN_IDS[@]})) && foreign_report
    if [[ -n $PG_NOTE ]]; then
        echo
        echo "## PostgreSQL load"
        echo
        echo "$PG_EVENTS events from \`runra-events generate --events $PG_EVENTS --seed 1\`; the same rows pre-converted to CSV"
        echo "(scripts/events-to-csv.py, not timed) for psql. Each load goes into a freshly created SPEC §5 table with its"
        echo "four indexes, after a CHECKPOINT; \"again\" loads the same file into the full table. Medians of $PG_RUNS runs."
        echo "Server: $PG_NOTE. Load average before the loads: ${PG_LOAD_AT_START:-unknown}."
        echo
        echo "| command | median (s) | runs (s) | rows/s | speed vs psql \\copy |"
        echo "|---|---:|---:|---:|---:|"
        local pg_row
        for pg_row in "${PG_ROWS[@]}"; do echo "| ${pg_row//|/ | } |"; done
    fi
    if [[ -n $NET_NOTE ]]; then
        echo
        echo "## Network replay"
        echo
    fi
    if [[ -n $NET_NOTE && -z $NET_FILE ]]; then
        echo "$NET_NOTE"
    elif [[ -n $NET_NOTE ]]; then
        echo "$NET_NOTE,"
        echo "replayed by \`runra-events replay -q --to PROVIDER …\` into scripts/bench-sink.c, a counting HTTP sink"
        echo "on 127.0.0.1 (a fresh one on a free port per row, built with \`cc -O2\`). The sink answers each"
        echo "request as soon as it has read it, then inflates and counts it: custom events by their \`{\"id\":\"\` marker"
        echo "(one per line in this file), Axiom NDJSON lines, OTLP spans and log records by walking the protobuf. A"
        echo "row fails unless the sink received exactly $NET_EVENTS events in each of its $((RUNS + 1)) runs (a check run, then the"
        echo "timed ones), and unless the summary of one more run, into a sink of its own, says every event was sent."
        echo "\"sink time\": from reading a request to having answered it, summed over a run's requests."
        echo "Medians of $RUNS runs. Load average before the rows: ${NET_LOAD_AT_START:-unknown}."
        if ((${#NET_ROWS[@]})); then
            echo
            echo "| command | median (s) | events/s | requests per run | MB sent per run (gzip) | sink time per run (s) | sink received |"
            echo "|---|---:|---:|---:|---:|---:|---|"
            local net_entry
            for net_entry in "${NET_ROWS[@]}"; do echo "| ${net_entry//|/ | } |"; done
        fi
    fi
    if ((${#FOLLOW_ROWS[@]})) || [[ -n $FOLLOW_NOTE ]]; then
        echo
        echo "## Live shipping (\`replay --follow\`)"
        echo
        echo "scripts/bench-follow.py appends events, each holding the time it was written, to a log at a fixed rate and"
        echo "renames it to \`.1\` every 64 MiB (keeping 3), while \`runra-events replay --follow --to axiom\` (defaults:"
        echo "batchSize 100, gzip, flushIntervalMs 1000) ships it into scripts/bench-sink.c. The sink takes each line's"
        echo "write-to-acknowledgement time when it answers the request. After the writer stops, the row waits until the"
        echo "sink has every event (\"catch-up\"), then sends SIGTERM. Peak RSS of the shipper from /proc. The second row"
        echo "writes the lines of scripts/gen-foreign-events.py (about 800 bytes each) at about the same bytes per second."
        echo
        [[ -n $FOLLOW_NOTE ]] && echo "$FOLLOW_NOTE"
        if ((${#FOLLOW_ROWS[@]})); then
            echo "| run | written | received | writer events/s | catch-up (s) | p50 (ms) | p99 (ms) | max (ms) | peak RSS (MiB) | exit after SIGTERM |"
            echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            local follow_entry
            for follow_entry in "${FOLLOW_ROWS[@]}"; do echo "$follow_entry"; done
        fi
    fi
    ((${#LAKE_IDS[@]})) || [[ -n $LAKE_FOLLOW_ROW || -n $LAKE_FOLLOW_NOTE ]] && lake_report
    echo
    echo "## Targets (SPEC §8)"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---:|---|"
    local entry
    for entry in "${TARGETS[@]}"; do echo "| ${entry//|/ | } |"; done
    if ((${#FAILURES[@]})); then
        echo
        echo "**Failed commands:** ${FAILURES[*]}"
    fi
}

# MARK: Main

[[ -x $RUNRA ]] || fail_hard "$RUNRA not found; run \`make release\` first (or set RUNRA)"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
install_anchors
PLAIN="" GZ="" PLAIN_BYTES=0 GZ_BYTES=0 EVENTS=0
for bench in "${BENCHES[@]}"; do
    if [[ $LOGLESS_BENCHES != *" $bench "* ]]; then
        make_data
        break
    fi
done
GZ6=""
for bench in "${BENCHES[@]}"; do "bench_$bench"; done
mkdir -p "$(dirname "$OUT")"
report >"$TMP/report.md"
cp "$TMP/report.md" "$OUT"
log "targets:"
for entry in "${TARGETS[@]}"; do log "  ${entry//|/ | }"; done
[[ $OUT == /dev/null ]] || log "wrote $OUT"
if ((${#FAILURES[@]})); then
    log "error: failed: ${FAILURES[*]}"
    exit 1
fi
