/// The constant strings of generated payloads, JSON-encoded once (quotes included) into one
/// pool of bytes, so the hot loop copies them without escaping or reference counting.
///
/// The lists carry what a parser must survive: CJK, emoji and accents, quotes, backslashes,
/// newlines, tabs and an ANSI escape (a control character, written `\u001b`).
final class GeneratorVocabulary {
    /// One encoded string in the pool.
    struct Entry {
        var offset: Int32
        var length: Int32
    }

    private(set) var pool: UnsafeMutablePointer<UInt8>

    let commands: [Entry]
    let images: [Entry]
    let regions: [Entry]
    let teams: [Entry]
    let agents: [Entry]
    let hosts: [Entry]
    let pauseReasons: [Entry]
    let terminationReasons: [Entry]
    let sandboxErrors: [Entry]
    let sandboxErrorCodes: [Entry]
    let streams: [Entry]
    let streamLines: [Entry]
    let execErrors: [Entry]
    let paths: [Entry]
    let fileModes: [Entry]
    let fileErrors: [Entry]
    let fileOperations: [Entry]
    let protocols: [Entry]
    let portCloseReasons: [Entry]
    let thoughts: [Entry]
    let tools: [Entry]
    let searchQueries: [Entry]
    let toolErrors: [Entry]
    let agentErrors: [Entry]
    let models: [Entry]
    /// `"type":"<name>",` for each ``GeneratedEventType``, by raw value.
    let typeFields: [Entry]

    init() {
        var bytes: [UInt8] = []
        func list(_ strings: [String]) -> [Entry] {
            strings.map { string in
                let start = bytes.count
                GeneratorVocabulary.appendJSONString(string, to: &bytes)
                return Entry(offset: Int32(start), length: Int32(bytes.count - start))
            }
        }
        commands = list(Self.commandStrings)
        images = list([
            "node:22", "python:3.12", "ubuntu:24.04", "rust:1.83", "golang:1.23", "ghcr.io/runra/agent-base:2.4.1",
        ])
        regions = list(["eu-west-1", "us-east-1", "ap-northeast-1"])
        teams = list(["infra", "search", "növa-labs", "データ", "platform"])
        agents = list(["claude-code", "codex-cli", "aider", "custom/planner-v2"])
        hosts = list(["worker-01", "worker-07", "worker-12", "gpu-a100-3"])
        pauseReasons = list(["idle", "user", "budget", "snapshot"])
        terminationReasons = list(["completed", "completed", "completed", "timeout", "error", "user"])
        sandboxErrors = list([
            "OOM killed", "disk quota exceeded (10 GiB)", "health check failed: \"GET /healthz\" returned 503",
            "kernel: segfault at 0 ip 00007f…",
        ])
        sandboxErrorCodes = list(["E_OOM", "E_DISK", "E_HEALTH", "E_KERNEL"])
        streams = list(["stdout", "stdout", "stdout", "stderr"])
        streamLines = list(Self.streamLineStrings)
        execErrors = list([
            "spawn ENOENT", "spawn EACCES", "command timed out after 600s", "E2BIG: argument list too long",
        ])
        paths = list(Self.pathStrings)
        fileModes = list(["0644", "0755", "0600"])
        fileErrors = list([
            "EACCES: permission denied", "ENOENT: no such file or directory",
            "EISDIR: illegal operation on a directory", "ENOSPC: no space left on device",
        ])
        fileOperations = list(["write", "read", "unlink", "rename"])
        protocols = list(["http", "http", "https", "tcp"])
        portCloseReasons = list(["sandbox idle", "process exited", "user"])
        thoughts = list(Self.thoughtStrings)
        tools = list(["run_command", "read_file", "write_file", "search", "browse", "edit_file"])
        searchQueries = list(["TODO", "func main(", "import React from \"react\"", "\\bfoo\\b", "東京", "naïve café"])
        toolErrors = list([
            "file not found", "command exited with status 1", "timeout after 30000ms",
            "patch did not apply:\n@@ -1,3 +1,4 @@",
        ])
        agentErrors = list([
            "rate limited by provider", "context window exceeded (200000 tokens)", "tool \"browse\" unavailable",
            "invalid JSON in tool arguments: unexpected '}'",
        ])
        models = list(["claude-sonnet-4", "claude-opus-4", "gpt-4.1", "gpt-4.1-mini", "llama-3.3-70b"])

        var typeFields: [Entry] = []
        for type in GeneratedEventType.allCases {
            let start = bytes.count
            bytes += Array("\"type\":\"\(type.name)\",".utf8)
            typeFields.append(Entry(offset: Int32(start), length: Int32(bytes.count - start)))
        }
        self.typeFields = typeFields

        pool = .allocate(capacity: bytes.count)
        pool.initialize(from: bytes, count: bytes.count)
    }

    deinit {
        pool.deallocate()
    }

    /// Appends `string` as a JSON string: quotes, backslash and control characters escaped,
    /// everything else as UTF-8.
    static func appendJSONString(_ string: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let commandStrings = [
        "node --version", "npm test", "npm ci", "npm run build", "python3 -m pytest -q",
        "pip install -r requirements.txt",
        "ls -la /workspace", "cat package.json", "git status", "git diff --stat",
        "git commit -m \"fix: handle empty input\"",
        "make build", "cargo test --release", "cargo clippy -- -D warnings", "go test ./...", "go vet ./...",
        "echo \"héllo wörld\" > /tmp/ü.txt", "grep -rn TODO src/", "rg -n \"fn main\\(\" --type rust",
        "curl -s http://localhost:3000/health", "bash -c 'for i in $(seq 1 3); do echo $i; done'",
        "python3 -c \"print('日本語')\"", "find . -name '*.swift' | xargs wc -l", "printf 'a\\tb\\n'",
        "docker build -t app:dev .", "tsc --noEmit", "pytest tests/test_🚀.py -k 'not slow'", "yarn lint --fix",
    ]

    private static let pathStrings = [
        "/workspace/src/index.ts", "/workspace/README.md", "/workspace/tests/test_app.py", "/workspace/日本語/ファイル.txt",
        "/workspace/data/emoji_🚀.json", "/tmp/out.log", "/workspace/src/main.rs", "/workspace/Sources/App/App.swift",
        "/workspace/docs/résumé café.md", "/workspace/package.json", "/workspace/.github/workflows/ci.yml",
        "C:\\Users\\dev\\project\\app.config", "/workspace/src/components/Button.tsx", "/workspace/数据/报告.csv",
    ]

    private static let streamLineStrings = [
        "PASS src/app.test.ts (1.2 s)", "FAIL tests/test_app.py::test_unicode - AssertionError: 'café' != 'cafe'",
        "\u{1B}[32m✓\u{1B}[0m 42 tests passed", "\u{1B}[31merror\u{1B}[0m: could not compile `app`",
        "Compiling serde v1.0.210", "npm WARN deprecated inflight@1.0.6", "Downloading 東京データ… 37%",
        "warning: unused variable `x`\n --> src/main.rs:3:9",
        "Traceback (most recent call last):\n  File \"app.py\", line 7",
        "ok  \tgithub.com/runra/app\t0.41s", "🚀 deployed to https://preview.runra.dev/sb", "col1\tcol2\tcol3",
        "C:\\path\\with\\backslashes", "{\"level\":\"info\",\"msg\":\"nested json in a string\"}",
    ]

    private static let thoughtStrings = [
        "I should check the test output first.",
        "The build failed because of a missing dependency; install it and retry.",
        "Plan:\n1. read the file\n2. patch the function\n3. run tests",
        "Unicode check: naïve café — 東京 — 🚀 — \"quoted\" and \\backslash\\",
        "The user wants the tests to pass on CI; the failure is in `parse_date`.",
        "Let me search for where `RUNRA_TOKEN` is read.\tThen update the docs.",
        "Die Tests schlagen fehl, weil die Umlaute (ä, ö, ü) falsch kodiert sind.",
        "テストが失敗しました。依存関係を確認します。",
    ]
}
