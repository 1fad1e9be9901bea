#!/usr/bin/env python3
"""The runtime page's configuration blocks, end to end, against an oracle of their own (issue #23).

    python3 check_runtime_page.py RUNRA_EVENTS FIXTURES_DIR INGEST_SERVER

Writes its own event log, runs `runra-events replay --config` with each YAML of FIXTURES_DIR (the page's
blocks as a user copies them) into local sinks (files, the console, the loopback Axiom-compatible and OTLP
server), and checks that each sink got exactly the events the page says, worked out here in Python from the
page's own words and SPEC §2 (levels), not with runra-events' filter. Prints one line per check; exit 0 when
all pass. With RUNRA_TEST_PG_URL set, the Postgres block loads into public.runra_events of a database made for
the run (and dropped after it), checked with psql; without it, as a dry run (the count it would get).
"""
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

BINARY, FIXTURES, SERVER = sys.argv[1:4]
FAILURES = []

TYPES = [
    "sandbox.created", "sandbox.started", "sandbox.paused", "sandbox.resumed", "sandbox.terminated", "sandbox.error",
    "exec.started", "exec.completed", "exec.streamed", "exec.error", "file.created", "file.read", "file.deleted",
    "file.error", "port.exposed", "port.closed", "agent.thinking", "agent.tool_call", "agent.tool_result",
    "agent.error", "cost.runtime", "cost.llm",
]
# exitCode values of exec.completed, JavaScript's edge cases included (a string "0", null, missing).
EXIT_CODES = [0, 0, 1, 0, 2, 0, "0", None, "missing", 0, 127, 0.0]


def make_events():
    events = []
    for n in range(440):
        kind = TYPES[n % len(TYPES)] if n % 3 else "exec.completed"
        data = {"n": n}
        if kind == "exec.completed":
            code = EXIT_CODES[(n // 3) % len(EXIT_CODES)]
            if code != "missing":
                data["exitCode"] = code
            data["command"] = "npm test" if n % 2 else "node --version"
            data["durationMs"] = 10 + n
            if n % 33 == 0:
                data["level"] = "info"  # a declared level wins over the exit code (SPEC §2)
        events.append({
            "id": "evt_%04d" % n, "timestamp": "2026-06-15T10:%02d:%02d.000Z" % (30 + n // 60, n % 60),
            "type": kind, "sandboxId": "sb_%d" % (n % 5), "runId": "run_%d" % (n % 3), "data": data,
        })
    return events


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def level(event):
    """SPEC §2."""
    declared = event["data"].get("level")
    if declared in ("debug", "info", "warn", "error"):
        return declared
    kind, code = event["type"], event["data"].get("exitCode")
    if kind.endswith(".error") or (kind == "exec.completed" and is_number(code) and code != 0):
        return "error"
    return "debug" if kind in ("agent.thinking", "exec.streamed") else "info"


# The page's filters, in Python: types with "*" globs, and the two conditions with JavaScript's semantics.
def types(*patterns):
    return lambda e: any(fnmatch.fnmatchcase(e["type"], p) for p in patterns)


def failed_command(e):  # (e) => e.data.exitCode !== 0: strict, so "0", null and a missing code are not 0
    code = e["data"].get("exitCode", "undefined")
    return not (is_number(code) and code == 0)


def not_file(e):  # (e) => !e.type.startsWith("file.")
    return not e["type"].startswith("file.")


def attribute(attributes, key):
    """The server shows attribute values typed (`str:evt_1`)."""
    value = attributes.get(key, "")
    return value[4:] if value.startswith("str:") else value


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        FAILURES.append(name)


def replay(config, log, cwd, env=None, extra=()):
    full_env = dict(os.environ, NO_COLOR="1", **(env or {}))
    for name in ("AXIOM_TOKEN", "DATABASE_URL", "OTEL_API_KEY", "AXIOM_EDGE_URL"):
        if env is None or name not in env:
            full_env.pop(name, None)
    return subprocess.run([BINARY, "replay", "--config", os.path.join(FIXTURES, config), *extra, log],
                          cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)


def ids_in_file(path):
    with open(path) as handle:
        return [json.loads(line)["id"] for line in handle]


def pretty_keys(stdout):
    """(timestamp, type) of each pretty console line: `TIMESTAMP LEVEL TYPE SANDBOX RUN data…`."""
    return [tuple(line.split()[i] for i in (0, 2)) for line in stdout.splitlines()]


class Server:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.base = "http://127.0.0.1:%s" % self.process.stdout.readline().split()[1]

    def requests(self):
        with urllib.request.urlopen(self.base + "/_control/requests") as response:
            return json.load(response)["requests"]

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.base + "/_control/reset", data=b"{}", method="POST"))

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def main():
    events = make_events()
    lines = [json.dumps(e, separators=(",", ":")) for e in events]
    work = tempfile.mkdtemp(prefix="runtime-page-")
    log = os.path.join(work, "events.jsonl")
    with open(log, "w") as handle:
        handle.write("".join(line + "\n" for line in lines))
    every = [e["id"] for e in events]
    server = Server()
    try:
        run_files(work, log, events, every)
        run_console(work, log, events, lines)
        run_network(work, log, events, every, server)
        run_multiple(work, log, events, every, server)
        run_dry_runs(work, log, events)
        if os.environ.get("RUNRA_TEST_PG_URL"):
            run_postgres(work, log, events)
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(FAILURES) if FAILURES else "all passed")
    return 1 if FAILURES else 0


def fresh(work, name):
    cwd = os.path.join(work, name)
    os.makedirs(cwd)
    return cwd


def run_files(work, log, events, every):
    cases = [
        ("jsonl.yaml", "logs/runra-events.jsonl", lambda e: True),
        ("filter-errors.yaml", "logs/errors.jsonl", lambda e: types("exec.completed")(e) and failed_command(e)),
        ("filter-no-files.yaml", "logs/no-files.jsonl", lambda e: types("*")(e) and not_file(e)),
        ("filter-sandbox.yaml", "logs/sandbox.jsonl", types("sandbox.*")),
    ]
    for config, output, selects in cases:
        cwd = fresh(work, config)
        result = replay(config, log, cwd)
        check(config + " exits 0", result.returncode == 0, result.stderr)
        path = os.path.join(cwd, output)
        got = ids_in_file(path) if os.path.exists(path) else []
        want = [e["id"] for e in events if selects(e)]
        check(config + " writes %d events to %s" % (len(want), output), got == want, "got %d" % len(got))


def run_console(work, log, events, lines):
    result = replay("console-json.yaml", log, fresh(work, "console-json"), extra=["-q"])
    check("console-json.yaml prints every line as it is", result.stdout.splitlines() == lines,
          result.stderr or "got %d lines" % len(result.stdout.splitlines()))
    result = replay("console-pretty.yaml", log, fresh(work, "console-pretty"), extra=["-q"])
    want = [(e["timestamp"], e["type"]) for e in events]
    check("console-pretty.yaml prints one line per event", pretty_keys(result.stdout) == want, result.stderr)


def run_network(work, log, events, every, server):
    server.reset()
    result = replay("axiom.yaml", log, fresh(work, "axiom"),
                    env={"AXIOM_TOKEN": "xaat-page", "AXIOM_EDGE_URL": server.base})
    check("axiom.yaml exits 0", result.returncode == 0, result.stderr)
    requests = [r for r in server.requests() if "/ingest/runra-events" in r["path"]]
    got = sorted(json.loads(line)["id"] for r in requests for line in r.get("lines", []))
    check("axiom.yaml sends every event to dataset runra-events", got == every, "got %d" % len(got))
    check("axiom.yaml batches at most 100", all(len(r.get("lines", [])) <= 100 for r in requests))
    check("axiom.yaml sends the token", all(r["headers"].get("authorization") == "Bearer xaat-page" for r in requests))

    server.reset()
    config = os.path.join(work, "otel.yaml")
    with open(os.path.join(FIXTURES, "otel.yaml")) as handle:
        text = handle.read()
    page_endpoint = "https://otel-collector.internal:4318/v1/traces"
    check("otel.yaml names the page's endpoint", page_endpoint in text)
    with open(config, "w") as handle:  # the one change: the collector is ours
        handle.write(text.replace(page_endpoint, server.base + "/v1/traces"))
    result = subprocess.run([BINARY, "replay", "--config", config, log], cwd=fresh(work, "otel"),
                            env=dict(os.environ, OTEL_API_KEY="page-key"), capture_output=True, text=True, timeout=120)
    check("otel.yaml exits 0", result.returncode == 0, result.stderr)
    requests = server.requests()
    spans = [s for r in requests for s in r.get("otlp", {}).get("spans", [])]
    logs = [l for r in requests for l in r.get("otlp", {}).get("logs", [])]
    mapping = {"sandbox.created": "sandbox.create", "exec.completed": "sandbox.execute",
               "file.created": "sandbox.file.write", "file.read": "sandbox.file.read",
               "agent.tool_call": "agent.tool_call", "sandbox.paused": "sandbox.pause",
               "sandbox.terminated": "sandbox.terminate"}
    want_spans = sorted((e["id"], mapping[e["type"]]) for e in events if e["type"] in mapping)
    got_spans = sorted((attribute(s["attributes"], "runra.event.id"), s["name"]) for s in spans if s["name"] != "runra.run")
    check("otel.yaml sends the page's span for each mapped event", got_spans == want_spans,
          "got %d, want %d" % (len(got_spans), len(want_spans)))
    roots = sorted(attribute(s["attributes"], "runra.run.id") for s in spans if s["name"] == "runra.run")
    check("otel.yaml sends one root span per run", len(roots) == len({e["runId"] for e in events}), str(roots))
    want_logs = sorted(e["id"] for e in events if e["type"] not in mapping)
    check("otel.yaml sends every other event as a log record",
          sorted(attribute(l["attributes"], "runra.event.id") for l in logs) == want_logs)
    check("otel.yaml sends the X-API-Key header", all(r["headers"].get("x-api-key") == "page-key" for r in requests))
    resources = [res for r in requests for res in r.get("otlp", {}).get("resources", [])]
    check("otel.yaml names the service", resources and all(
        attribute(res, "service.name") == "runra-runtime" and attribute(res, "service.version") == "1.2.0" for res in resources))


def run_multiple(work, log, events, every, server):
    server.reset()
    cwd = fresh(work, "multiple")
    # Nothing listens on port 1: the postgres exporter fails, and the page says the others go on.
    result = replay("multiple-exporters.yaml", log, cwd, extra=["-q"], env={
        "AXIOM_TOKEN": "xaat-page", "AXIOM_EDGE_URL": server.base,
        "DATABASE_URL": "postgresql://runra@127.0.0.1:1/runra?connect_timeout=2"})
    check("multiple-exporters.yaml exits 4 (postgres is down)", result.returncode == 4, result.stderr)
    got = sorted(json.loads(line)["id"] for r in server.requests() for line in r.get("lines", []))
    check("multiple-exporters.yaml: axiom gets everything", got == every, "got %d" % len(got))
    path = os.path.join(cwd, "logs/runra.jsonl")
    want = [e["id"] for e in events if types("exec.*", "sandbox.*")(e)]
    check("multiple-exporters.yaml: jsonl gets sandbox and exec events",
          os.path.exists(path) and ids_in_file(path) == want)
    want = [(e["timestamp"], e["type"]) for e in events
            if types("exec.completed")(e) and failed_command(e) and level(e) == "error"]
    check("multiple-exporters.yaml: the console (level error) prints the failed commands (%d)" % len(want),
          pretty_keys(result.stdout) == want, "got %d" % len(result.stdout.splitlines()))


def run_dry_runs(work, log, events):
    """The summary's 'sent' column of a dry run, for the sinks not run for real (PostgreSQL)."""
    for config, env, want in [
        ("postgres.yaml", {"DATABASE_URL": "postgresql://runra@127.0.0.1:1/runra"}, {"postgres": len(events)}),
        ("multiple-exporters.yaml", {"AXIOM_TOKEN": "t", "DATABASE_URL": "postgresql://127.0.0.1:1/x"}, {
            "axiom": len(events), "postgres": len(events),
            "jsonl": sum(1 for e in events if types("exec.*", "sandbox.*")(e)),
            "console": sum(1 for e in events if types("exec.completed")(e) and failed_command(e))}),
    ]:
        result = replay(config, log, fresh(work, "dry-" + config), env=env, extra=["--dry-run"])
        rows = {line.split()[0]: int(line.split()[1]) for line in result.stderr.splitlines()
                if line.split() and line.split()[0] in want}
        check(config + " --dry-run would send %s" % want, result.returncode == 0 and rows == want,
              "%s %s" % (rows, result.stderr))


def psql(url, sql):
    return subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True,
                          text=True, timeout=60, check=True).stdout.split()


def run_postgres(work, log, events):
    """The page's Postgres block into a database of its own; ssl: true is overruled by the URL's sslmode."""
    server = os.environ["RUNRA_TEST_PG_URL"]
    name = "runra_page_%d" % os.getpid()
    psql(server, "CREATE DATABASE " + name)
    try:
        url = server.rsplit("/", 1)[0] + "/" + name + "?sslmode=disable"
        result = replay("postgres.yaml", log, fresh(work, "postgres"), env={"DATABASE_URL": url})
        check("postgres.yaml exits 0", result.returncode == 0, result.stderr)
        got = psql(url, "SELECT id FROM public.runra_events ORDER BY id")
        check("postgres.yaml loads every event into public.runra_events", got == sorted(e["id"] for e in events),
              "got %d" % len(got))
        kind = psql(url, "SELECT data_type FROM information_schema.columns WHERE table_name = 'runra_events' "
                         "AND column_name = 'data'")
        check("postgres.yaml stores data as JSONB (useJsonColumn: true)", kind == ["jsonb"], str(kind))
        failed = psql(url, "SELECT count(*) FROM runra_events WHERE type = 'exec.completed' "
                           "AND (data->>'exitCode')::numeric <> 0 AND jsonb_typeof(data->'exitCode') = 'number'")
        want = sum(1 for e in events if e["type"] == "exec.completed" and is_number(e["data"].get("exitCode"))
                   and e["data"]["exitCode"] != 0)
        check("postgres.yaml: the page's failure query counts %d" % want, failed == [str(want)], str(failed))
    finally:
        psql(server, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


if __name__ == "__main__":
    sys.exit(main())
