#!/usr/bin/env python3
"""A second, independent generator of Runra event logs (JSONL), with a different shape from
`runra-events generate`: long lines and large nested payloads.

- Line lengths are long-tailed: most lines are a few hundred bytes, some a few KiB, a few close to 64 KiB
  (stdout/stderr blobs, file contents, tool results with arrays of objects, LLM messages).
- All 22 event types of SPEC §2; exec.completed carries command, exitCode (about 1 in 8 non-zero) and durationMs.
- Unicode (accents, CJK, emoji), JSON escapes (quotes, backslashes, tabs, newlines, control characters,
  ANSI colour codes), \\u escapes of non-ASCII text on some lines, key orders that vary, spaces after ':' and ','
  on some lines, timestamps with offsets and 0-9 fractional digits, extra top-level fields.
- Deterministic per --seed (Python's random.Random; no clock, no uuid4).

Usage: gen-foreign-events.py --size 256 [--seed 1] [--out FILE]   (--size in MB, 10^6 bytes; stdout by default)
"""
import argparse
import datetime as dt
import json
import random
import sys

TYPES = [  # (type, weight): every type of SPEC §2
    ("sandbox.created", 2), ("sandbox.started", 2), ("sandbox.paused", 1), ("sandbox.resumed", 1),
    ("sandbox.terminated", 2), ("sandbox.error", 1),
    ("exec.started", 14), ("exec.completed", 14), ("exec.streamed", 16), ("exec.error", 2),
    ("file.created", 5), ("file.read", 7), ("file.deleted", 1), ("file.error", 1),
    ("port.exposed", 1), ("port.closed", 1),
    ("agent.thinking", 8), ("agent.tool_call", 7), ("agent.tool_result", 7), ("agent.error", 1),
    ("cost.runtime", 3), ("cost.llm", 4),
]
WORDS = ("build test install error warning ok done cache layer module package request response timeout retry "
         "compile link deploy commit branch merge lint format the a of to in for with on async await").split()
UNICODE = ["héllo", "wörld", "naïve", "façade", "日本語", "中文字符", "한국어", "Ελληνικά", "кириллица", "🚀", "✅",
           "🔥", "∑∫√", "emoji 👩‍💻", "ß", "ø", "ℕ"]
ESCAPES = ['"quoted"', "back\\slash", "tab\there", "line\nbreak", "cr\r\n", "\x01ctl\x1f", "\x1b[31mred\x1b[0m",
           "</script>", "\u2028sep\u2029", "{\"json\": [1, 2]}"]
COMMANDS = ["npm test", "npm ci --no-audit", "python3 -m pytest -x -q", "cargo build --release", "go vet ./...",
            "make -j4", "git log --oneline -20", "ls -laR /workspace", "grep -rn \"TODO\" src/", "echo 'ünïcödé' | wc -c",
            "bash -lc 'for f in *.json; do jq . \"$f\"; done'", "docker build -t app:latest .", "pip install -e '.[dev]'"]
TOOLS = ["run_command", "read_file", "write_file", "search_code", "browse", "apply_patch", "list_dir"]
MODELS = ["claude-sonnet-4", "gpt-4.1", "llama-3.3-70b", "mistral-large"]
PATHS = ["/workspace/src/main.rs", "/workspace/app/routes/index.tsx", "/workspace/テスト/データ.csv",
         "/workspace/docs/guide with spaces.md", "/workspace/\"quoted\".txt", "/tmp/emoji_🚀/out.log"]
IMAGES = ["node:22-bookworm", "python:3.13-slim", "rust:1.85", "golang:1.24", "ubuntu:24.04"]
MAX_LINE = 64 * 1024


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.clock = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=dt.timezone.utc)
        self.sandboxes = [self.ident("sbx-", 12) for _ in range(40)]
        self.runs = [self.ident("run-", 8) for _ in range(120)]
        self.serial = 0
        self.type_names = [t for t, _ in TYPES]
        self.type_weights = [w for _, w in TYPES]

    def ident(self, prefix, length):
        alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    def blob_size(self):
        """Long-tailed: Pareto (alpha 0.9) from 100 bytes, capped below the line limit."""
        return min(int(100 / (1.0 - self.rng.random()) ** (1 / 0.9)), MAX_LINE - 4096)

    def text(self, size):
        """About `size` characters of log-like text with unicode and escapes."""
        r = self.rng
        parts, length = [], 0
        while length < size:
            roll = r.random()
            if roll < 0.70:
                piece = " ".join(r.choices(WORDS, k=r.randint(3, 12)))
            elif roll < 0.82:
                piece = r.choice(UNICODE)
            elif roll < 0.92:
                piece = r.choice(ESCAPES)
            else:
                piece = "%s:%d: %s" % (r.choice(PATHS), r.randint(1, 9999), r.choice(WORDS))
            parts.append(piece)
            parts.append("\n" if r.random() < 0.25 else " ")
            length += len(piece) + 1
        return "".join(parts)[:size]

    def timestamp(self):
        self.clock += dt.timedelta(microseconds=self.rng.randint(0, 40_000))
        r = self.rng
        offset_minutes = r.choice([0, 0, 0, 60, 120, -300, 330, -480])
        local = self.clock.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))
        digits = r.choice([0, 3, 3, 3, 6, 9])
        base = local.strftime("%Y-%m-%dT%H:%M:%S")
        if digits:
            fraction = "%06d" % local.microsecond + "%03d" % r.randint(0, 999)
            base += "." + fraction[:digits]
        if offset_minutes == 0 and r.random() < 0.8:
            return base + "Z"
        sign = "+" if offset_minutes >= 0 else "-"
        return base + "%s%02d:%02d" % (sign, abs(offset_minutes) // 60, abs(offset_minutes) % 60)

    def data(self, kind):
        r = self.rng
        if kind.startswith("exec."):
            command = r.choice(COMMANDS)
            if kind == "exec.started":
                return {"command": command, "cwd": r.choice(PATHS).rsplit("/", 1)[0], "env": {"CI": "1", "LANG": "C.UTF-8"}}
            if kind == "exec.completed":
                code = 0 if r.random() < 0.875 else r.choice([1, 2, 127, 130, -9])
                return {"command": command, "exitCode": code, "durationMs": round(r.lognormvariate(5, 1.6), 3),
                        "stdout": self.text(self.blob_size()), "stderr": self.text(self.blob_size() // 4) if code else "",
                        "resources": {"cpuMs": r.randint(1, 90_000), "maxRssKb": r.randint(1000, 4_000_000)}}
            if kind == "exec.streamed":
                return {"stream": r.choice(["stdout", "stderr"]), "chunk": self.text(self.blob_size()), "seq": r.randint(0, 10_000)}
            return {"command": command, "error": self.text(r.randint(20, 400)), "signal": r.choice([None, "SIGKILL", "SIGTERM"])}
        if kind.startswith("file."):
            path = r.choice(PATHS)
            if kind == "file.read":
                content = self.text(self.blob_size())
                return {"path": path, "bytes": len(content.encode()), "content": content,
                        "chunks": [{"offset": i * 4096, "sha": "%016x" % r.getrandbits(64)} for i in range(r.randint(0, 12))]}
            if kind == "file.created":
                return {"path": path, "mode": "0644", "bytes": r.randint(0, 10**7), "preview": self.text(r.randint(0, 300))}
            if kind == "file.deleted":
                return {"path": path}
            return {"path": path, "error": "EACCES: permission denied, open '%s'" % path, "errno": -13}
        if kind.startswith("agent."):
            if kind == "agent.thinking":
                return {"model": r.choice(MODELS), "text": self.text(self.blob_size()), "tokens": r.randint(10, 8000)}
            if kind == "agent.tool_call":
                return {"tool": r.choice(TOOLS), "callId": self.ident("call_", 10),
                        "arguments": {"query": self.text(r.randint(5, 200)), "options": {"limit": r.randint(1, 500),
                                      "include": [r.choice(PATHS) for _ in range(r.randint(0, 6))], "regex": r.random() < 0.3}}}
            if kind == "agent.tool_result":
                matches = []
                budget = self.blob_size()
                while budget > 0:
                    line = self.text(r.randint(20, 300))
                    matches.append({"path": r.choice(PATHS), "line": r.randint(1, 5000), "text": line,
                                    "score": round(r.random(), 4), "tags": r.sample(WORDS, 3)})
                    budget -= len(line) + 120
                return {"tool": r.choice(TOOLS), "callId": self.ident("call_", 10), "ok": r.random() < 0.95,
                        "result": {"matches": matches, "truncated": r.random() < 0.1}}
            return {"error": self.text(r.randint(20, 600)), "retryable": r.random() < 0.5}
        if kind.startswith("cost."):
            if kind == "cost.llm":
                return {"model": r.choice(MODELS), "inputTokens": r.randint(100, 200_000),
                        "outputTokens": r.randint(1, 8000), "usd": round(r.random() * 0.8, 6)}
            return {"cpuSeconds": round(r.random() * 600, 3), "memoryGbSeconds": round(r.random() * 900, 3), "usd": round(r.random() * 0.05, 6)}
        if kind.startswith("port."):
            return {"port": r.choice([3000, 5173, 8000, 8080, 9229]), "protocol": "tcp", "url": "https://%d-%s.runra.dev" % (r.randint(1000, 9999), self.ident("", 6))}
        if kind == "sandbox.created":
            return {"image": r.choice(IMAGES), "cpu": r.choice([1, 2, 4, 8]), "memoryMb": r.choice([512, 2048, 8192]),
                    "labels": {w: self.text(r.randint(1, 30)) for w in r.sample(WORDS, 4)}}
        if kind == "sandbox.error":
            return {"error": self.text(r.randint(20, 500)), "code": r.choice(["OOM", "TIMEOUT", "IMAGE_PULL"])}
        return {"reason": r.choice(["user", "idle", "schedule", "api"])}

    def line(self):
        r = self.rng
        kind = r.choices(self.type_names, weights=self.type_weights)[0]
        self.serial += 1
        event = {"id": "ev%s-%d" % (self.ident("", 6), self.serial), "timestamp": self.timestamp(), "type": kind,
                 "sandboxId": r.choice(self.sandboxes), "runId": r.choice(self.runs), "data": self.data(kind)}
        if r.random() < 0.3:  # another key order
            keys = list(event)
            r.shuffle(keys)
            event = {k: event[k] for k in keys}
        if r.random() < 0.1:  # extra top-level fields are kept as they are
            event["host"] = "worker-%02d" % r.randint(1, 40)
            event["v"] = 2
        spaced = r.random() < 0.25
        text = json.dumps(event, ensure_ascii=r.random() < 0.2,
                          separators=(", ", ": ") if spaced else (",", ":"))
        if len(text.encode()) > MAX_LINE:  # rare: the escaping of a large blob pushed it over; shorten
            event["data"] = {"truncated": True}
            text = json.dumps(event, separators=(",", ":"))
        return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, required=True, help="size in MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    target = int(args.size * 1_000_000)
    generator = Generator(args.seed)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    written, batch, batch_bytes = 0, [], 0
    while written + batch_bytes < target:
        line = (generator.line() + "\n").encode()
        batch.append(line)
        batch_bytes += len(line)
        if batch_bytes > 1 << 20:
            out.write(b"".join(batch))
            written += batch_bytes
            batch, batch_bytes = [], 0
    out.write(b"".join(batch))
    out.flush()
    if out is not sys.stdout.buffer:
        out.close()


if __name__ == "__main__":
    main()
