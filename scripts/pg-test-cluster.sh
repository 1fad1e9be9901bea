#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the integration tests.
#
#   scripts/pg-test-cluster.sh start   # install (apt-get) if needed, initdb, start; prints RUNRA_TEST_PG_URL=…
#   scripts/pg-test-cluster.sh env     # prints RUNRA_TEST_PG_URL=… of the running cluster
#   scripts/pg-test-cluster.sh stop    # stop the server and delete the cluster
#   scripts/pg-test-cluster.sh restart [fast|immediate]   # restart the server, same port and data (fault tests)
#   scripts/pg-test-cluster.sh server-stop [fast|immediate]  # stop the server, keep the cluster (fault tests)
#   scripts/pg-test-cluster.sh server-start  # start a cluster stopped by server-stop again
#
# The cluster lives in a temporary directory owned by `postgres` when run as root (the server refuses root),
# listens only on 127.0.0.1 on a free port, runs with fsync=off and trusts local connections.
# RUNRA_PG_SERVER_OPTIONS replaces those three settings (e.g. "" for PostgreSQL's durable defaults).
# State is kept in $RUNRA_PG_STATE (default .build/pg-test-cluster.env) so `stop` finds it.
set -euo pipefail

STATE=${RUNRA_PG_STATE:-.build/pg-test-cluster.env}

# Nothing started here inherits the caller's descriptors: PostgreSQL subtracts the ones already open from
# max_files_per_process and refuses to start ("insufficient file descriptors") when a caller, such as a test
# runner in the middle of a parallel run, holds about a thousand.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

find_bindir() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir)
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    fi
    return 1
}

install_postgres() {
    echo "pg-test-cluster: installing postgresql with apt-get" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the cluster owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The server's options: loopback only, on PORT, its socket in ROOT, no durability (a test cluster).
server_options() {
    echo "-c listen_addresses=127.0.0.1 -p $1 -k $2 ${RUNRA_PG_SERVER_OPTIONS--c fsync=off -c synchronous_commit=off -c full_page_writes=off}"
}

load_state() {
    [ -f "$STATE" ] || { echo "pg-test-cluster: no cluster (run: $0 start)" >&2; exit 1; }
    # shellcheck disable=SC1090
    . "$STATE"
}

# Stops the server but keeps the cluster; MODE fast (clients disconnected) or immediate (as a crash).
server_stop() {
    load_state
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" -w -t 60 stop >/dev/null
}

# Starts the server of the cluster again, on the same port.
server_start() {
    load_state
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/server.log" -w -t 60 start \
        -o "$(server_options "$PG_PORT" "$PG_ROOT")" >/dev/null
}

start() {
    if [ -f "$STATE" ]; then
        # shellcheck disable=SC1090
        . "$STATE"
        if as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
            echo "RUNRA_TEST_PG_URL=$RUNRA_TEST_PG_URL"
            return
        fi
        stop >/dev/null 2>&1 || true
    fi
    local bin
    bin=$(find_bindir) || { install_postgres; bin=$(find_bindir); } || {
        echo "pg-test-cluster: PostgreSQL server binaries not found after installing" >&2
        exit 1
    }
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    local root data port
    root=$(mktemp -d /tmp/runra-pg.XXXXXX)
    data="$root/data"
    [ "$(id -u)" = 0 ] && chown postgres: "$root"
    chmod 700 "$root"
    as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
        || as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$root/initdb.log" 2>&1 \
        || { cat "$root/initdb.log" >&2; exit 1; }
    local tries
    for tries in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 start -o "$(server_options "$port" "$root")" \
            >/dev/null; then
            break
        fi
        port=""
    done
    [ -n "$port" ] || { echo "pg-test-cluster: the server did not start:" >&2; cat "$root/server.log" >&2; exit 1; }
    mkdir -p "$(dirname "$STATE")"
    cat >"$STATE" <<STATE_EOF
PG_BIN=$bin
PG_ROOT=$root
PG_DATA=$data
PG_PORT=$port
RUNRA_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/postgres
STATE_EOF
    echo "RUNRA_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/postgres"
}

stop() {
    [ -f "$STATE" ] || return 0
    # shellcheck disable=SC1090
    . "$STATE"
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    case "$PG_ROOT" in /tmp/runra-pg.*) rm -rf "$PG_ROOT" ;; esac
    rm -f "$STATE"
}

env_line() {
    [ -f "$STATE" ] || { echo "pg-test-cluster: no cluster running (run: $0 start)" >&2; exit 1; }
    # shellcheck disable=SC1090
    . "$STATE"
    echo "RUNRA_TEST_PG_URL=$RUNRA_TEST_PG_URL"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) env_line ;;
    restart) server_stop "${2:-fast}"; server_start ;;
    server-stop) server_stop "${2:-fast}" ;;
    server-start) server_start ;;
    *) echo "usage: $0 start|stop|env|restart [fast|immediate]|server-stop [fast|immediate]|server-start" >&2; exit 2 ;;
esac
