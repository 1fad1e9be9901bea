import Foundation
import RunraTestSupport
import Testing

/// `stats` numbers against a reference computation on generated logs.
@Suite(.timeLimit(.minutes(5))) struct StatsReportTests {
    let directory: TemporaryDirectory
    let log: GeneratedLog
    let path: String

    /// About 5 MB: several chunks, merged across threads. Generated once, written per test.
    static let sharedLog = GeneratedLog(count: 30_000, seed: 42)
    static let sharedText = sharedLog.jsonl

    init() throws {
        directory = try TemporaryDirectory()
        log = Self.sharedLog
        path = try directory.write("events.jsonl", Self.sharedText)
    }

    var completed: [GeneratedEvent] { log.events.filter { $0.type == "exec.completed" } }

    @Test func defaultReportMatchesReference() throws {
        let report = try statsJSON([path])
        let byType = try #require((report["events"] as? [String: Any])?["byType"] as? [[String: Any]])
        for type in GeneratedLog.types {
            let entry = byType.first { $0["type"] as? String == type }
            #expect(entry?["count"] as? Int == log.events.filter { $0.type == type }.count, "\(type)")
        }
        #expect((report["events"] as? [String: Any])?["total"] as? Int == log.events.count)
        #expect(report["metricTypes"] as? [String] == ["exec.completed"])
        #expect(report.rows.count == 1)
        let reference = ReferenceStatistics(completed)
        #expect(reference.missing > 0 && reference.nonNumeric > 0)  // the data exercises both
        reference.check(report.rows[0])
        #expect(abs((report.rows[0]["sum"] as? Double ?? 0) - reference.sum) <= 1e-9 * reference.sum)
    }

    @Test func groupsByTwoKeys() throws {
        let report = try statsJSON(["--by", "sandboxId", "--by", "data.command", path])
        #expect(report["keys"] as? [String] == ["sandboxId", "data.command"])
        var expected: [String: [GeneratedEvent]] = [:]
        for event in completed { expected["\(event.sandboxId)|\(event.command)", default: []].append(event) }
        #expect(report.rows.count == expected.count)
        for row in report.rows {
            let key = row.key
            let name = "\(key["sandboxId"]! ?? "")|\(key["data.command"]! ?? "")"
            let events = try #require(expected[name], "unexpected group \(name)")
            ReferenceStatistics(events).check(row)
        }
    }

    @Test func binsAreLabelledWithTheirRFC3339Start() throws {
        let report = try statsJSON(["--bin", "1m", path])
        #expect(report["keys"] as? [String] == ["bin"])
        #expect(report["binSeconds"] as? Int == 60)
        var expected: [String: [GeneratedEvent]] = [:]
        for event in completed {
            expected[GeneratedLog.timestamp(event.offsetMilliseconds / 60_000 * 60_000), default: []].append(event)
        }
        let labels = report.rows.compactMap { $0.key["bin"] ?? nil }
        #expect(labels == expected.keys.sorted())  // chronological without --sort
        #expect(labels.first == "2026-06-15T10:00:00.000Z")
        for row in report.rows {
            ReferenceStatistics(expected[row.key["bin"]!!]!).check(row)
        }
    }

    @Test func typeSelectionSetsTheMetricTypes() throws {
        let report = try statsJSON(["-t", "exec.*", "--by", "type", path])
        #expect(report["metricTypes"] as? [String] == ["exec.*"])
        let types = report.rows.compactMap { $0.key["type"] ?? nil }
        #expect(types == ["exec.completed", "exec.started"])
        let started = report.rows.first { $0.key["type"] == "exec.started" }
        #expect(started?["count"] as? Int == log.events.filter { $0.type == "exec.started" }.count)
        #expect(started?["missing"] as? Int == started?["count"] as? Int)  // no durationMs: missing, not zero
        #expect(started?["avg"] is NSNull)
    }

    @Test func missingAndNonNumericAreCountedNotZero() throws {
        let lines = [
            #"{"type":"exec.completed","data":{"durationMs":100}}"#,
            #"{"type":"exec.completed","data":{"durationMs":"slow"}}"#,
            #"{"type":"exec.completed","data":{"durationMs":null}}"#,
            #"{"type":"exec.completed","data":{}}"#,
            #"{"type":"exec.completed","data":{"durationMs":true}}"#,
            #"{"type":"exec.completed","data":{"durationMs":300}}"#,
        ]
        let file = try directory.write("mixed.jsonl", lines.joined(separator: "\n") + "\n")
        let row = try #require(try statsJSON([file]).rows.first)
        #expect(row["count"] as? Int == 6)
        #expect(row["values"] as? Int == 2)
        #expect(row["missing"] as? Int == 2)
        #expect(row["non_numeric"] as? Int == 2)
        #expect(row["avg"] as? Int == 200)
        #expect(row["min"] as? Int == 100)
    }

    @Test func failuresNeedANumericNonZeroExitCode() throws {
        let lines = [
            #"{"type":"exec.completed","data":{"exitCode":0}}"#,
            #"{"type":"exec.completed","data":{"exitCode":2}}"#,
            #"{"type":"exec.completed","data":{"exitCode":-1}}"#,
            #"{"type":"exec.completed","data":{"exitCode":"1"}}"#,
            #"{"type":"exec.completed","data":{}}"#,
        ]
        let file = try directory.write("codes.jsonl", lines.joined(separator: "\n") + "\n")
        let row = try #require(try statsJSON([file]).rows.first)
        #expect(row["failures"] as? Int == 2)
        #expect(row["error_rate"] as? Double == 0.4)
    }

    @Test func emptySelectionHasOneRowWithCountZero() throws {
        let report = try statsJSON(["--sandbox", "sb_none", path])
        #expect(report.rows.count == 1)
        #expect(report.rows[0]["count"] as? Int == 0)
        #expect(report.rows[0]["p95"] is NSNull)
        let failing = try CLI.run(["stats", "--sandbox", "sb_none", "--fail-if", "count == 0", path])
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("count == 0"))
        let passing = try CLI.run(["stats", "--fail-if", "count == 0", path])
        #expect(passing.status == 0, "\(passing.stderr)")
    }

    @Test func minCountLeavesOutSmallGroups() throws {
        // Add a sandbox with only two commands.
        let extra = #"{"type":"exec.completed","sandboxId":"sb_tiny","data":{"durationMs":99999,"exitCode":1}}"#
        let file = try directory.write("extra.jsonl", extra + "\n" + extra + "\n")
        let all = try statsJSON(["--by", "sandboxId", path, file])
        #expect(all.rows.contains { $0.key["sandboxId"] == "sb_tiny" })
        let judged = try statsJSON(["--by", "sandboxId", "--min-count", "3", "--fail-if", "max >= 99999", path, file])
        #expect(!judged.rows.contains { $0.key["sandboxId"] == "sb_tiny" })
        #expect(judged.rows.count == 5)
        #expect((judged["groups"] as? [String: Any])?["belowMinCount"] as? Int == 1)
    }

    @Test func topAndSortOrderRows() throws {
        let byP95 = try statsJSON(["--by", "data.command", "--sort", "p95", "--top", "2", path])
        #expect(byP95.rows.count == 2)
        #expect((byP95["groups"] as? [String: Any])?["total"] as? Int == 4)
        var expected: [String: [GeneratedEvent]] = [:]
        for event in completed { expected[event.command, default: []].append(event) }
        let exactOrder = expected.sorted {
            ReferenceStatistics($0.value).percentile(95) > ReferenceStatistics($1.value).percentile(95)
        }
        let p95s = byP95.rows.compactMap { $0["p95"] as? Double }
        #expect(p95s == p95s.sorted(by: >))
        #expect(byP95.rows.map { $0.key["data.command"]! } == exactOrder.prefix(2).map { $0.key })

        let ascending = try statsJSON(["--by", "sandboxId", "--sort", "count:asc", path])
        let counts = ascending.rows.compactMap { $0["count"] as? Int }
        #expect(counts.count == 5)
        #expect(counts == counts.sorted())

        let topOnly = try statsJSON(["--by", "sandboxId", "--top", "1", path])
        let largest = Dictionary(grouping: completed, by: \.sandboxId).max { $0.value.count < $1.value.count }
        #expect(topOnly.rows.map { $0.key["sandboxId"]! } == [largest?.key])
    }

    @Test func sortByKeyAndMissingKeys() throws {
        let descending = try statsJSON(["--by", "sandboxId", "--sort", "sandboxId", path])
        #expect(descending.rows.map { $0.key["sandboxId"]!! } == ["sb_4", "sb_3", "sb_2", "sb_1", "sb_0"])
        let ascending = try statsJSON(["--by", "sandboxId", "--sort", "sandboxId:asc", path])
        #expect(ascending.rows.map { $0.key["sandboxId"]!! } == ["sb_0", "sb_1", "sb_2", "sb_3", "sb_4"])
        // A path no event has: one group whose key is null, holding every event.
        let missing = try statsJSON(["--by", "data.nothing", "--by", "sandboxId", path])
        #expect(missing.rows.count == 5)
        #expect(missing.rows.allSatisfy { $0.key["data.nothing"]! == nil })
        #expect(missing.rows.compactMap { $0["count"] as? Int }.reduce(0, +) == completed.count)
        // Numbers as keys sort by value; a missing exit code is the last group.
        let codes = try statsJSON(["--by", "data.exitCode", path])
        #expect(codes.rows.map { $0.key["data.exitCode"]! } == ["0", "1", "2", nil])
    }

    @Test func customMetricAndPercentiles() throws {
        let report = try statsJSON(["--metric", "data.durationMs", "--percentiles", "10,99.9", path])
        #expect(
            report["columns"] as? [String] == [
                "count", "failures", "error_rate", "values", "missing", "non_numeric", "avg", "min", "p10", "p99_9",
                "max", "sum",
            ]
        )
        ReferenceStatistics(completed).check(report.rows[0], percentiles: [10, 99.9])
    }

    @Test func usageErrorsExitTwo() throws {
        for arguments in [
            ["--sort", "p96"], ["--fail-if", "p96 > 1"], ["--fail-if", "baseline.p95 > 1"], ["--bin", "soon"],
            ["--percentiles", "50,101"], ["--fail-if", "p95 >"],
        ] {
            let result = try CLI.run(["stats"] + arguments + [path])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
    }
}
