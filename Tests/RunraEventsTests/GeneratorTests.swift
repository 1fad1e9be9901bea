import Foundation
import RunraEvents
import Testing

/// Generates with the public API into memory (through a temporary file and a ``ByteWriter``).
private func generated(
    seed: UInt64,
    _ limit: EventLogGenerator.Limit,
    gzip: Bool = false
) throws -> (Data, EventLogGenerator.Summary) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("runra-gen-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    #expect(descriptor >= 0)
    let writer = ByteWriter(fileDescriptor: descriptor, name: path)
    let summary = try EventLogGenerator(seed: seed).write(limit, gzip: gzip, to: writer)
    try writer.flush()
    close(descriptor)
    return (try Data(contentsOf: URL(fileURLWithPath: path)), summary)
}

private func lines(_ data: Data) -> [Data] {
    data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { Data($0) }
}

private func events(_ data: Data) throws -> [[String: Any]] {
    try lines(data).map { line in
        let object = try JSONSerialization.jsonObject(with: line)
        return try #require(object as? [String: Any], "not a JSON object: \(String(decoding: line, as: UTF8.self))")
    }
}

@Suite struct GeneratorTests {
    static let allTypes: Set<String> = [
        "sandbox.created", "sandbox.started", "sandbox.paused", "sandbox.resumed", "sandbox.terminated",
        "sandbox.error",
        "exec.started", "exec.completed", "exec.streamed", "exec.error",
        "file.created", "file.read", "file.deleted", "file.error", "port.exposed", "port.closed",
        "agent.thinking", "agent.tool_call", "agent.tool_result", "agent.error", "cost.runtime", "cost.llm",
    ]

    @Test func sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws {
        let (first, _) = try generated(seed: 42, .events(3000))
        let (second, _) = try generated(seed: 42, .events(3000))
        let (other, _) = try generated(seed: 43, .events(3000))
        #expect(first.count > 0)
        #expect(first == second)
        #expect(first != other)
    }

    @Test func nextLineContinuesTheSameSequenceAsWrite() throws {
        let (data, _) = try generated(seed: 9, .events(20))
        let generator = EventLogGenerator(seed: 9)
        let joined = (0..<20).flatMap { _ in generator.nextLine() }
        #expect(Data(joined) == data)
    }

    @Test func everyLineIsAnObjectWithTheSixFields() throws {
        let (data, summary) = try generated(seed: 42, .events(5000))
        let all = try events(data)
        #expect(all.count == 5000)
        #expect(summary.events == 5000 && summary.bytes == data.count)
        for event in all {
            #expect(Set(event.keys) == ["id", "timestamp", "type", "sandboxId", "runId", "data"])
            #expect(event["id"] is String && event["timestamp"] is String && event["type"] is String)
            #expect(event["sandboxId"] is String && event["runId"] is String)
            #expect(event["data"] is [String: Any])
        }
    }

    @Test func allTwentyTwoTypesAppearInFiveThousandEvents() throws {
        let types = Set(try events(try generated(seed: 42, .events(5000)).0).compactMap { $0["type"] as? String })
        #expect(types == Self.allTypes)
    }

    @Test func idsAreUniqueBase36WithPrefix() throws {
        let ids = try events(try generated(seed: 5, .events(20000)).0).map { $0["id"] as! String }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(500) {
            #expect(id.wholeMatch(of: /evt_[0-9a-z]{10}/) != nil, "\(id)")
        }
    }

    @Test func timestampsStartFixedAndNeverDecrease() throws {
        let stamps = try events(try generated(seed: 42, .events(10000)).0).map { $0["timestamp"] as! String }
        #expect(stamps[0].hasPrefix("2026-06-15T10:30:00."))
        for stamp in stamps {
            #expect(stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(stamp)")
        }
        // Fixed width, so string order is time order.
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(stamps.map { $0.prefix(16) }).count > 1, "timestamps should move through several minutes")
    }

    @Test func execCompletedCarriesCommandAndAboutTenPercentFail() throws {
        let completed = try events(try generated(seed: 42, .events(20000)).0).filter {
            $0["type"] as? String == "exec.completed"
        }
        .map { $0["data"] as! [String: Any] }
        #expect(completed.count > 2000)
        var durations: [Int] = []
        var failures = 0
        for data in completed {
            #expect(data["command"] is String)
            let exitCode = try #require(data["exitCode"] as? Int)
            if exitCode != 0 { failures += 1 }
            durations.append(try #require(data["durationMs"] as? Int))
            #expect(data["stdoutBytes"] is Int && data["stderrBytes"] is Int)
        }
        let rate = Double(failures) / Double(completed.count)
        #expect(rate > 0.07 && rate < 0.13, "failure rate \(rate)")
        durations.sort()
        let median = durations[durations.count / 2]
        #expect(
            durations.last! > 10 * median,
            "durations should be long-tailed: median \(median), max \(durations.last!)"
        )
    }

    @Test func toolCallsHaveNestedArgumentsAndResultsAnswerThem() throws {
        let all = try events(try generated(seed: 42, .events(10000)).0)
        var pendingCall: [String: String] = [:]
        var answered = 0
        var sawPath = false
        for event in all {
            let data = event["data"] as! [String: Any]
            let sandbox = event["sandboxId"] as! String
            switch event["type"] as! String {
            case "agent.tool_call":
                #expect(data["tool"] is String)
                let args = try #require(data["args"] as? [String: Any])
                if args["path"] is String { sawPath = true }
                pendingCall[sandbox] = try #require(data["callId"] as? String)
            case "agent.tool_result":
                if let call = pendingCall.removeValue(forKey: sandbox) {
                    #expect(data["callId"] as? String == call)
                    answered += 1
                }
            case "cost.llm":
                #expect(data["model"] is String && data["inputTokens"] is Int && data["outputTokens"] is Int)
                #expect(data["costUsd"] is NSNumber)
            default: break
            }
        }
        #expect(sawPath)
        #expect(answered > 100)
    }

    @Test func sandboxesFollowTheirLifeCycleWithinRuns() throws {
        let all = try events(try generated(seed: 42, .events(30000)).0)
        var state: [String: String] = [:]  // sandbox → last lifecycle state
        var runOf: [String: String] = [:]
        for event in all {
            let type = event["type"] as! String
            let sandbox = event["sandboxId"] as! String
            let run = event["runId"] as! String
            if let known = runOf[sandbox] {
                #expect(known == run, "a sandbox stays in one run")
            } else {
                runOf[sandbox] = run
            }
            let previous = state[sandbox]
            switch type {
            case "sandbox.created": #expect(previous == nil)
            case "sandbox.started": #expect(previous == "sandbox.created")
            case "sandbox.paused": #expect(previous == "sandbox.started" || previous == "sandbox.resumed")
            case "sandbox.resumed": #expect(previous == "sandbox.paused")
            case "sandbox.terminated": #expect(previous != nil && previous != "sandbox.terminated")
            default:
                #expect(
                    previous == "sandbox.started" || previous == "sandbox.resumed",
                    "\(type) in a sandbox that is \(previous ?? "unknown")"
                )
            }
            if type.hasPrefix("sandbox.") && type != "sandbox.error" { state[sandbox] = type }
        }
        #expect(state.values.filter { $0 == "sandbox.terminated" }.count > 5)
        let sandboxesPerRun = Dictionary(grouping: runOf.keys, by: { runOf[$0]! })
        #expect(sandboxesPerRun.values.contains { $0.count > 1 }, "runs group several sandboxes")
    }

    @Test func linesCarryUnicodeAndEscapesAndAverageAbout250Bytes() throws {
        let (data, summary) = try generated(seed: 42, .events(5000))
        let text = String(decoding: data, as: UTF8.self)
        for needle in ["\\\"", "\\\\", "\\n", "\\t", "\\u001b", "東京", "🚀", "é"] {
            #expect(text.contains(needle), "no \(needle) in the output")
        }
        let average = Double(summary.bytes) / Double(summary.events)
        #expect(average > 200 && average < 300, "average line \(average) bytes")
        #expect(lines(data).map(\.count).max()! < 2048, "lines stay far below the generator's 4 KiB reserve")
    }

    @Test func sizeLimitStopsAfterTheLineThatReachesIt() throws {
        let limit = 300_000
        let (data, summary) = try generated(seed: 3, .bytes(limit))
        let all = lines(data)
        #expect(data.count == summary.bytes)
        #expect(all.count == summary.events)
        #expect(data.count >= limit)
        #expect(data.count - (all.last!.count + 1) < limit)
        #expect(data.last == UInt8(ascii: "\n"))
    }

    @Test func zeroEventsWriteNothing() throws {
        let (data, summary) = try generated(seed: 1, .events(0))
        #expect(data.isEmpty)
        #expect(summary.events == 0)
    }
}
