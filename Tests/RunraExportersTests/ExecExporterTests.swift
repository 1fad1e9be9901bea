import Foundation
import RunraEvents
import RunraExporters
import RunraReplay
import Testing

/// The `exec` exporter against real child processes (`/bin/sh`).
@Suite(.timeLimit(.minutes(5)))
struct ExecExporterTests {
    /// A fresh directory, removed after `body`.
    private func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("runra-exec-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    /// `/bin/sh -c script`, with `$0` set to `argument` (so paths need no quoting).
    private func shell(
        _ script: String,
        _ argument: String = "sh",
        extra: [String: JSONValue] = [:]
    )
        -> ExporterConfiguration
    {
        var values: [String: JSONValue] = [
            "command": .string("/bin/sh"), "args": .array([.string("-c"), .string(script), .string(argument)]),
        ]
        values.merge(extra) { $1 }
        return ExporterConfiguration(
            path: "observability.config",
            values: values,
            environment: ProcessInfo.processInfo.environment
        )
    }

    private func events(_ range: Range<Int>) throws -> [RuntimeEvent] {
        try range.map { i in
            try RuntimeEvent(
                #"{"id":"e\#(i)","type":"exec.completed","timestamp":"2026-06-15T10:00:00Z","data":{"out":"#
                    + #""é😀 \\ \"\#(i)\""}}"#
            )
        }
    }

    /// Exports until the exporter reports the child gone (it may take the child a moment to exit).
    private func exportUntilItFails(_ exporter: ExecExporter) async throws -> RunraError? {
        let batch = try events(0..<10)
        for _ in 0..<500 {
            do {
                _ = try await exporter.export(batch)
            } catch let error as RunraError {
                return error
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func deliversExactlyTheLinesInOrder() async throws {
        try await withDirectory { directory in
            let file = directory.appendingPathComponent("out.jsonl")
            let exporter = ExecExporter()
            try await exporter.initialize(configuration: shell(#"cat > "$0""#, file.path))
            let batches = [try events(0..<3), try events(3..<4), try events(4..<2000)]
            var bytes = 0
            for batch in batches { bytes += try await exporter.export(batch).bytesSent }
            try await exporter.flush()
            await exporter.dispose()
            let expected = batches.joined().map { String(decoding: $0.line, as: UTF8.self) + "\n" }.joined()
            let written = try String(contentsOf: file, encoding: .utf8)
            #expect(written == expected)
            #expect(bytes == expected.utf8.count)
        }
    }

    @Test(arguments: [
        ("exit 3", "exited with status 3"),
        (#"kill -9 $$"#, "was killed by signal 9 (SIGKILL)"),
    ])
    func aChildThatEndsEarlyMakesExportThrow(script: String, expected: String) async throws {
        let exporter = ExecExporter()
        try await exporter.initialize(configuration: shell(script))
        let error = try await exportUntilItFails(exporter)
        await exporter.dispose()
        #expect(error?.code == .exporter)
        #expect(error?.message.contains("`/bin/sh`") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        // And it keeps saying so.
        await #expect(throws: RunraError.self) { try await exporter.flush() }
    }

    @Test func aChildThatClosesItsInputIsReportedWithoutKillingUs() async throws {
        // The write meets EPIPE; SIGPIPE must not take the test process down, whatever its disposition.
        let exporter = ExecExporter()
        try await exporter.initialize(
            configuration: shell("exec 0<&-; sleep 300", extra: ["exitTimeoutMs": .number(0)])
        )
        let error = try await exportUntilItFails(exporter)
        await exporter.dispose()
        #expect(error?.message.contains("closed its standard input") == true, "\(error?.message ?? "no error")")
    }

    @Test func disposeWaitsForTheChildToFinish() async throws {
        try await withDirectory { directory in
            let marker = directory.appendingPathComponent("done")
            let exporter = ExecExporter()
            try await exporter.initialize(
                configuration: shell(#"n=$(wc -l); sleep 0.2; echo "$n" > "$0""#, marker.path)
            )
            _ = try await exporter.export(try events(0..<7))
            await exporter.dispose()
            let written = try String(contentsOf: marker, encoding: .utf8)
            #expect(written.trimmingCharacters(in: .whitespacesAndNewlines) == "7")
        }
    }

    @Test func disposeStopsAChildThatDoesNotExitAfterItsInputEnds() async throws {
        try await withDirectory { directory in
            let pidFile = directory.appendingPathComponent("pid")
            let exporter = ExecExporter()
            try await exporter.initialize(
                configuration: shell(
                    #"echo $$ > "$0.tmp"; mv "$0.tmp" "$0"; exec sleep 60"#,
                    pidFile.path,
                    extra: ["exitTimeoutMs": .number(50)]
                )
            )
            var pid: pid_t?
            for _ in 0..<1000 where pid == nil {
                pid = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap {
                    pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                if pid == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let child = try #require(pid)
            await exporter.dispose()
            // Reaped: the process no longer exists.
            #expect(kill(child, 0) == -1 && errno == ESRCH)
        }
    }

    @Test func envAndCwdReachTheChild() async throws {
        try await withDirectory { directory in
            let exporter = ExecExporter()
            try await exporter.initialize(
                configuration: shell(
                    #"cat > /dev/null; printf '%s|%s' "$RUNRA_EXEC_TEST" "$(pwd -P)" > out"#,
                    extra: [
                        "env": .object(["RUNRA_EXEC_TEST": .string("hello world")]), "cwd": .string(directory.path),
                    ]
                )
            )
            await exporter.dispose()
            let written = try String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)
            #expect(written == "hello world|\(directory.resolvingSymlinksInPath().path)")
        }
    }

    @Test func aMissingCommandFailsInitialize() async {
        let exporter = ExecExporter()
        let error = await #expect(throws: RunraError.self) {
            try await exporter.initialize(
                configuration: ExporterConfiguration(values: ["command": .string("runra-no-such-command-7f3a")])
            )
        }
        await exporter.dispose()
        // A configuration error (exit 2 at load time), not a sink that may come up later.
        #expect(error?.code == .configuration)
        #expect(
            error?.message
                == "config.command: `runra-no-such-command-7f3a` is not found in PATH (give the full "
                + "path of the program)"
        )
    }

    @Test(arguments: [
        (
            ["command": JSONValue.string("/no/such/program")],
            "config.command: `/no/such/program` is not an executable file"
        ),
        (
            ["command": .string("cat"), "cwd": .string("/no/such/dir")],
            #"config.cwd: "/no/such/dir" is not a directory"#
        ),
    ])
    func aMissingProgramOrDirectoryIsAConfigurationError(_ values: [String: JSONValue], _ says: String) async {
        let exporter = ExecExporter()
        let error = await #expect(throws: RunraError.self) {
            try await exporter.initialize(configuration: ExporterConfiguration(values: values))
        }
        await exporter.dispose()
        #expect(error?.code == .configuration)
        #expect(error?.message == says)
    }

    @Test func badConfigurationNamesTheKeyPath() async {
        let cases: [([String: JSONValue], String)] = [
            ([:], "observability.config.command: required"),
            (["command": .string("cat"), "args": .string("-n")], "observability.config.args: expected an array"),
            (
                ["command": .string("cat"), "args": .array([.string("-n"), .number(1)])],
                "observability.config.args[1]: "
            ),
            (["command": .string("cat"), "env": .object(["A": .number(1)])], "observability.config.env.A: "),
        ]
        for (values, prefix) in cases {
            let exporter = ExecExporter()
            let error = await #expect(throws: RunraError.self) {
                try await exporter.initialize(
                    configuration: ExporterConfiguration(path: "observability.config", values: values)
                )
            }
            await exporter.dispose()
            #expect(error?.code == .configuration)
            #expect(error?.message.hasPrefix(prefix) == true, "\(error?.message ?? "no error")")
        }
    }
}
