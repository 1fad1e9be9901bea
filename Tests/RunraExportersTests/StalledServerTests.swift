import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// A server that accepts requests and never answers them (issue #8, fault injection): the request
/// timeout fires, the batch is sent again, every event arrives exactly once, and nothing hangs.
///
/// The loopback server stalls with a scripted `delayMs` of two minutes: it reads the request (or only its
/// head, with `unread`) and answers nothing until the client closes the connection, which it records as
/// "cancelled". The time limit is shorter than the stall, so a timeout that never fired fails the test
/// instead of being rescued by the server.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct StalledServerTests {
    static var stall: [String: Any] { ["delayMs": 120_000] }
    static var stallUnread: [String: Any] { ["delayMs": 120_000, "unread": true] }

    /// The ids of `events`, for comparing with what the server saw.
    static func ids(_ events: [RuntimeEvent]) -> [String] {
        events.map { $0.value(at: JSONPath(keys: "id"))!.stringValue! }.sorted()
    }

    /// The statuses the server recorded, in order of arrival.
    static func statuses(_ requests: [[String: Any]]) -> [String] {
        requests.map { "\($0["status"] ?? "none")" }
    }

    @Test func customExporterTimesOutRetriesAndDeliversEveryEventOnce() async throws {
        try await withIngestServer { server in
            try await server.script([Self.stall, Self.stallUnread, Self.stall])
            let sleeps = SleepRecorder()
            let exporter = CustomExporter(policy: sleeps.policy())
            try await exporter.initialize(
                configuration: configuration([
                    "endpoint": .string(server.base + "/hook"), "timeoutMs": 300, "batchSize": 20,
                    "compression": "gzip",
                ])
            )
            let events = SampleEvents.many(100)  // 5 requests, up to 4 at once; the first 3 stall
            let outcome = try await Self.export(events, with: exporter)

            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 3)
            #expect(sleeps.waits.count == 3)  // one backoff after each timed-out request
            let requests = try await Self.requests(server, cancelled: 3)
            let cancelled = requests.filter { $0["status"] as? String == "cancelled" }
            let accepted = requests.filter { $0["status"] as? Int == 200 }
            #expect(cancelled.count == 3, "statuses: \(Self.statuses(requests))")
            #expect(cancelled.filter { $0["unread"] as? Bool == true }.count == 1)
            #expect(accepted.count == 5, "statuses: \(Self.statuses(requests))")
            let received = try accepted.flatMap { try Self.customIDs($0) }
            #expect(received.sorted() == Self.ids(events))  // every event exactly once
            // What timed out was sent again: the events of the stalled requests that were read arrived.
            let stalled = try cancelled.filter { $0["text"] != nil }.flatMap { try Self.customIDs($0) }
            #expect(stalled.count == 40 && Set(stalled).isSubset(of: Set(received)))
            #expect(try await server.stats()["events"] == 100)
        }
    }

    @Test func axiomExporterTimesOutRetriesAndDeliversEveryEventOnce() async throws {
        try await withIngestServer { server in
            try await server.script([Self.stallUnread, Self.stall])
            let sleeps = SleepRecorder()
            let exporter = AxiomExporter(policy: sleeps.policy())
            try await exporter.initialize(
                configuration: configuration(
                    ["url": .string(server.base), "dataset": "runs", "batchSize": 25, "timeoutMs": 300],
                    environment: ["AXIOM_TOKEN": "xaat-token-1"]
                )
            )
            let events = SampleEvents.many(100)
            let outcome = try await Self.export(events, with: exporter)

            #expect(outcome.rejected.isEmpty && outcome.rejectedWithoutDetail == 0)
            #expect(outcome.retries == 2)
            #expect(sleeps.waits.count == 2)
            let requests = try await Self.requests(server, cancelled: 2)
            let cancelled = requests.filter { $0["status"] as? String == "cancelled" }
            let accepted = requests.filter { $0["status"] as? Int == 200 }
            #expect(cancelled.count == 2, "statuses: \(Self.statuses(requests))")
            #expect(accepted.count == 4, "statuses: \(Self.statuses(requests))")
            #expect(accepted.allSatisfy { $0["path"] as? String == "/v1/datasets/runs/ingest" })
            let received = try accepted.flatMap { try Self.ndjsonIDs($0) }
            #expect(received.sorted() == Self.ids(events))
            #expect(try await server.stats()["lines"] == 100)
        }
    }

    /// A server that is slow but answers within the timeout is waited for, not abandoned.
    @Test func aSlowAnswerWithinTheTimeoutIsNotRetried() async throws {
        try await withIngestServer { server in
            try await server.script([["delayMs": 300]])
            let sleeps = SleepRecorder()
            let exporter = CustomExporter(policy: sleeps.policy())
            try await exporter.initialize(
                configuration: configuration(["endpoint": .string(server.base + "/hook"), "timeoutMs": 10_000])
            )
            let outcome = try await Self.export(SampleEvents.events, with: exporter)
            #expect(outcome.rejected.isEmpty && outcome.retries == 0 && sleeps.waits.isEmpty)
            let requests = try await server.requests()
            #expect(Self.statuses(requests) == ["200"])
            #expect(try await server.stats()["events"] == SampleEvents.lines.count)
        }
    }

    // MARK: The command line

    /// `runra-events replay --to custom` with a 300 ms timeout against a server whose first two
    /// requests stall: exit 0, the summary counts the retries, the server has every event once.
    @Test func replayCommandFinishesAgainstAStallingCustomEndpoint() async throws {
        try await withIngestServer { server in
            try await server.script([Self.stall, Self.stallUnread])
            let (status, stderr, ids) = try await Self.replay(
                [
                    "--to", "custom", "--set", "endpoint=\(server.base)/hook", "--set", "timeoutMs=300",
                    "--set", "batchSize=10", "--set", "compression=gzip",
                ],
                events: 60
            )
            #expect(status == 0, "stderr: \(stderr)")
            #expect(Self.summary(stderr, exporter: "custom") == ["60", "0", "0", "2", "0", "0"], "stderr: \(stderr)")
            let requests = try await Self.requests(server, cancelled: 2)
            #expect(requests.filter { $0["status"] as? String == "cancelled" }.count == 2)
            let received = try requests.filter { $0["status"] as? Int == 200 }.flatMap { try Self.customIDs($0) }
            #expect(received.sorted() == ids)
        }
    }

    /// The same through `--to otel` (OTLP/HTTP protobuf): one stalled request per signal.
    @Test func replayCommandFinishesAgainstAStallingOTLPReceiver() async throws {
        try await withIngestServer { server in
            var traces = Self.stall
            traces["path"] = "/v1/traces"
            var logs = Self.stallUnread
            logs["path"] = "/v1/logs"
            try await server.script([traces, logs])
            let (status, stderr, ids) = try await Self.replay(
                [
                    "--to", "otel", "--set", "endpoint=\(server.base)", "--set", "timeoutMs=300",
                    "--set", "batchConfig.maxExportBatchSize=10",
                ],
                events: 60
            )
            #expect(status == 0, "stderr: \(stderr)")
            #expect(Self.summary(stderr, exporter: "otel") == ["60", "0", "0", "2", "0", "0"], "stderr: \(stderr)")
            let requests = try await Self.requests(server, cancelled: 2)
            #expect(requests.filter { $0["status"] as? String == "cancelled" }.count == 2)
            var received: [String] = []
            for request in requests where request["status"] as? Int == 200 {
                let otlp = try #require(request["otlp"] as? [String: Any])
                for item in (otlp["spans"] as? [[String: Any]] ?? []) + (otlp["logs"] as? [[String: Any]] ?? []) {
                    // Root spans (one per run) carry no event id.
                    if let id = (item["attributes"] as? [String: Any])?["runra.event.id"] as? String {
                        received.append(String(id.dropFirst(4)))  // "str:…"
                    }
                }
            }
            #expect(received.sorted() == ids)
        }
    }

    // MARK: Helpers

    /// Exports, then disposes of the exporter, also when the export throws (the time limit cancels it).
    static func export(_ events: [RuntimeEvent], with exporter: any EventExporter) async throws -> ExportOutcome {
        do {
            let outcome = try await exporter.export(events)
            await exporter.dispose()
            return outcome
        } catch {
            await exporter.dispose()
            throw error
        }
    }

    /// The server's requests once it has recorded `cancelled` abandoned ones: it records a stalled request
    /// when it notices the closed connection, which may be a moment after the retry succeeded.
    static func requests(_ server: IngestServer, cancelled: Int) async throws -> [[String: Any]] {
        var requests = try await server.requests()
        for _ in 0..<100 where requests.filter({ $0["status"] as? String == "cancelled" }).count < cancelled {
            try await Task.sleep(for: .milliseconds(50))
            requests = try await server.requests()
        }
        return requests
    }

    static func customIDs(_ request: [String: Any]) throws -> [String] {
        let text = try #require(request["text"] as? String)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(body["events"] as? [[String: Any]])
        return events.compactMap { $0["id"] as? String }
    }

    static func ndjsonIDs(_ request: [String: Any]) throws -> [String] {
        try #require(request["lines"] as? [String]).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["id"] as? String)
        }
    }

    /// The sent, filtered, rejected, retried, gave-up and dead-lettered cells of `exporter`'s summary row.
    static func summary(_ stderr: String, exporter: String) -> [String] {
        for line in stderr.split(separator: "\n") {
            let cells = line.split(separator: " ").map(String.init)
            if cells.first == exporter, cells.count >= 7 { return Array(cells[1...6]) }
        }
        return []
    }

    /// The `runra-events` beside this test bundle.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("runra-events")

    /// Replays `events` generated events with `arguments`; returns the exit status, standard error
    /// and the events' ids, sorted. Polls for the exit: never blocks a cooperative thread in
    /// `Process.waitUntilExit()`.
    static func replay(_ arguments: [String], events: Int) async throws -> (Int32, String, [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stalled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let types = ["exec.completed", "agent.thinking", "file.created"]  // spans and log records
        let lines = (0..<events).map { index in
            #"{"id":"evt_\#(index)","timestamp":"2026-06-15T10:30:\#(String(format: "%02d", index % 60)).000Z","type":"#
                + #""\#(types[index % 3])","sandboxId":"sb_1","runId":"run_\#(index % 2)","data":{"command":"make","#
                + #""exitCode":0,"durationMs":5,"path":"/tmp/x"}}"#
        }
        let input = directory.appendingPathComponent("events.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        let errors = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = ["replay"] + arguments + [input.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(45)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("runra-events replay did not finish within 45 s against the stalling server")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let stderr = String(decoding: try Data(contentsOf: errors), as: UTF8.self)
        return (process.terminationStatus, stderr, (0..<events).map { "evt_\($0)" }.sorted())
    }
}
