import Foundation
import RunraTestSupport
import Testing

/// A seeded generator (SplitMix64) so generated logs are the same on every run.
struct StatsRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// One generated event, kept for the reference computation.
struct GeneratedEvent {
    enum Duration {
        case number(Double)
        case missing, null
        case text(String)
    }
    var type: String
    var sandboxId: String
    var command: String
    /// Milliseconds after 2026-06-15T10:00:00Z.
    var offsetMilliseconds: Int
    var exitCode: Int?
    var duration: Duration
}

/// A generated log and a straightforward reference computation over it.
struct GeneratedLog {
    static let types = ["exec.completed", "exec.started", "sandbox.created", "agent.thinking", "file.read", "cost.llm"]

    var events: [GeneratedEvent] = []

    /// `count` events over about ten minutes; exec.completed durations are long-tailed (lognormal), with some
    /// missing, null, or strings, and exit codes mostly 0, sometimes missing.
    init(count: Int, seed: UInt64, durationScale: Double = 1) {
        var random = StatsRandom(seed: seed)
        var offset = 0
        for _ in 0..<count {
            offset += Int.random(in: 0...60, using: &random)
            let type =
                random.next() % 3 == 0 ? "exec.completed" : Self.types[Int(random.next() % UInt64(Self.types.count))]
            let sandbox = "sb_\(random.next() % 5)"
            let command = ["npm test", "ls -la", "make", "pytest \"a,b\""][Int(random.next() % 4)]
            let roll = Double.random(in: 0..<1, using: &random)
            let duration: GeneratedEvent.Duration
            if roll < 0.02 {
                duration = .missing
            } else if roll < 0.03 {
                duration = .null
            } else if roll < 0.05 {
                duration = .text("slow")
            } else if roll < 0.15 {
                duration = .number((exp(5 + random.normal()) * durationScale * 1000).rounded() / 1000)
            } else {
                duration = .number((exp(5 + random.normal()) * durationScale).rounded())
            }
            let codeRoll = random.next() % 10
            let exitCode: Int? = codeRoll == 0 ? nil : (codeRoll < 3 ? Int(codeRoll) : 0)
            events.append(
                GeneratedEvent(
                    type: type,
                    sandboxId: sandbox,
                    command: command,
                    offsetMilliseconds: offset,
                    exitCode: exitCode,
                    duration: duration
                )
            )
        }
    }

    /// RFC 3339 with milliseconds, `offsetMilliseconds` after 10:00 on 2026-06-15 (within the day).
    static func timestamp(_ offsetMilliseconds: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: width - text.count) + text
        }
        let seconds = offsetMilliseconds / 1000
        let hour = 10 + seconds / 3600
        return
            "2026-06-15T\(pad(hour, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            + ".\(pad(offsetMilliseconds % 1000, 3))Z"
    }

    var jsonl: String {
        var out = ""
        for (index, event) in events.enumerated() {
            var data: [String] = []
            if event.type == "exec.completed" {
                data.append("\"command\":\(Self.quoted(event.command))")
                if let code = event.exitCode { data.append("\"exitCode\":\(code)") }
                switch event.duration {
                case .number(let value):
                    data.append("\"durationMs\":\(value == value.rounded() ? String(Int(value)) : String(value))")
                case .null: data.append("\"durationMs\":null")
                case .text(let text): data.append("\"durationMs\":\(Self.quoted(text))")
                case .missing: break
                }
            } else {
                data.append("\"note\":\"x\"")
            }
            let time = Self.timestamp(event.offsetMilliseconds)
            out +=
                "{\"id\":\"evt_\(index)\",\"timestamp\":\"\(time)\",\"type\":\"\(event.type)\",\"sandboxId\""
                + ":\"\(event.sandboxId)\","
            out += "\"runId\":\"run_1\",\"data\":{\(data.joined(separator: ","))}}\n"
        }
        return out
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    func write(to directory: TemporaryDirectory, name: String) throws -> String {
        try directory.write(name, jsonl)
    }
}

/// The reference numbers for a set of events, computed the obvious way.
struct ReferenceStatistics {
    var count = 0
    var failures = 0
    var missing = 0
    var nonNumeric = 0
    var values: [Double] = []

    init(_ events: [GeneratedEvent]) {
        for event in events {
            count += 1
            if let code = event.exitCode, code != 0 { failures += 1 }
            switch event.duration {
            case .number(let value): values.append(value)
            case .missing, .null: missing += 1
            case .text: nonNumeric += 1
            }
        }
        values.sort()
    }

    var sum: Double { values.reduce(0, +) }
    var average: Double { sum / Double(values.count) }

    /// Nearest rank ⌈p/100 · n⌉.
    func percentile(_ p: Double) -> Double {
        let rank = min(max(Int((p / 100 * Double(values.count) - 1e-7).rounded(.up)), 1), values.count)
        return values[rank - 1]
    }

    /// Checks a row's numbers: exact for counts, min, max and average; within the bound for percentiles.
    func check(
        _ row: [String: Any],
        percentiles: [Double] = [50, 90, 95, 99],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(row["count"] as? Int == count, sourceLocation: sourceLocation)
        #expect(row["failures"] as? Int == failures, sourceLocation: sourceLocation)
        #expect(row["missing"] as? Int == missing, sourceLocation: sourceLocation)
        #expect(row["non_numeric"] as? Int == nonNumeric, sourceLocation: sourceLocation)
        #expect(row["values"] as? Int == values.count, sourceLocation: sourceLocation)
        #expect(row["min"] as? Double == values.first, sourceLocation: sourceLocation)
        #expect(row["max"] as? Double == values.last, sourceLocation: sourceLocation)
        let average = row["avg"] as? Double ?? .nan
        #expect(abs(average - self.average) <= 1e-9 * abs(self.average), sourceLocation: sourceLocation)
        let errorRate = row["error_rate"] as? Double ?? .nan
        #expect(abs(errorRate - Double(failures) / Double(count)) < 1e-12, sourceLocation: sourceLocation)
        for p in percentiles {
            let name = p == p.rounded() ? "p\(Int(p))" : "p" + "\(p)".replacingOccurrences(of: ".", with: "_")
            let estimate = row[name] as? Double ?? .nan
            let exact = percentile(p)
            #expect(
                abs(estimate - exact) <= 0.005 * abs(exact) + 1e-9,
                "\(name): \(estimate) vs \(exact)",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// Runs `stats -o json` and returns the parsed object.
func statsJSON(
    _ arguments: [String],
    expectStatus: Int32 = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: Any] {
    let result = try CLI.run(["stats", "-o", "json"] + arguments)
    #expect(result.status == expectStatus, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
    return try #require(object, sourceLocation: sourceLocation)
}

extension Dictionary where Key == String, Value == Any {
    var rows: [[String: Any]] { self["rows"] as? [[String: Any]] ?? [] }
}

extension [String: Any] {
    var key: [String: String?] {
        (self["key"] as? [String: Any] ?? [:]).mapValues { $0 as? String }
    }
}
