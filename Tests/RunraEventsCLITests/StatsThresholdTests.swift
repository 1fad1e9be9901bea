import Foundation
import RunraTestSupport
import Testing

/// `--fail-if` and `--baseline` end to end, with exit statuses.
@Suite(.timeLimit(.minutes(5))) struct StatsThresholdTests {
    static let currentText = GeneratedLog(count: 6_000, seed: 21, durationScale: 1.5).jsonl
    static let baselineText = GeneratedLog(count: 6_000, seed: 21).jsonl
    let directory: TemporaryDirectory
    let current: String
    let baseline: String

    init() throws {
        directory = try TemporaryDirectory()
        current = try directory.write("pr.jsonl", Self.currentText)
        baseline = try directory.write("main.jsonl", Self.baselineText)
    }

    @Test func crossedThresholdExitsThreeNamingEachGroup() throws {
        let report = try statsJSON(["--by", "sandboxId", current])
        let p95s = report.rows.map { ($0.key["sandboxId"]!!, $0["p95"] as? Double ?? 0) }
        let sorted = p95s.map(\.1).sorted()
        let threshold = (sorted[2] + sorted[3]) / 2  // two groups are above it, clearly
        let result = try CLI.run(["stats", "--by", "sandboxId", "--fail-if", "p95 > \(threshold)", current])
        #expect(result.status == 3)
        let crossing = p95s.filter { $0.1 > threshold }.map(\.0)
        #expect(crossing.count == 2)
        for sandbox in p95s.map(\.0) {
            let named = result.stderr.contains("crossed by sandboxId=\(sandbox) (p95=")
            #expect(named == crossing.contains(sandbox), "\(sandbox): \(result.stderr)")
        }
        #expect(result.stdoutText.contains("sandboxId"))  // the report is still written
    }

    @Test func passingThresholdsExitZero() throws {
        let result = try CLI.run([
            "stats", "--by", "sandboxId", "--fail-if", "p95 > 1e12", "--fail-if", "error_rate > 0.99", "--fail-if",
            "count == 0", current,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("crossed"))
    }

    @Test func everyCheckIsReported() throws {
        let report = try statsJSON(["--fail-if", "max > 0", "--fail-if", "min < 0", current], expectStatus: 3)
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.map { $0["expression"] as? String } == ["max > 0", "min < 0"])
        #expect(checks.map { $0["passed"] as? Bool } == [false, true])
        let crossing = try #require(checks[0]["crossing"] as? [[String: Any]])
        #expect(crossing.map { $0["group"] as? String } == ["all"])
    }

    @Test func baselineColumnsAndChange() throws {
        let report = try statsJSON(["--by", "sandboxId", "--baseline", baseline, current])
        let base = try statsJSON(["--by", "sandboxId", baseline])
        #expect((report["baselineInput"] as? [String: Any])?["events"] as? Int == 6_000)
        #expect(report.rows.count == 5)
        for row in report.rows {
            let expected = try #require(base.rows.first { $0.key["sandboxId"]!! == row.key["sandboxId"]!! })
            let baselineColumns = try #require(row["baseline"] as? [String: Any])
            let change = try #require(row["change"] as? [String: Any])
            for column in ["count", "failures", "p50", "p95", "max", "avg"] {
                let old = try #require((expected[column] as? NSNumber)?.doubleValue)
                let new = try #require((row[column] as? NSNumber)?.doubleValue)
                #expect(abs(((baselineColumns[column] as? NSNumber)?.doubleValue ?? .nan) - old) <= 1e-12 * abs(old))
                let ratio = try #require((change[column] as? NSNumber)?.doubleValue, "\(column)")
                #expect(abs(ratio - (new - old) / old) < 1e-9, "\(column)")
            }
            // Same events, durations 1.5x: the same counts, and p95 about 50% higher.
            #expect((change["count"] as? NSNumber)?.doubleValue == 0)
            let p95Change = (change["p95"] as? NSNumber)?.doubleValue ?? 0
            #expect(p95Change > 0.45 && p95Change < 0.55)
        }
    }

    @Test func baselineInFailIf() throws {
        let slower = try CLI.run(["stats", "--baseline", baseline, "--fail-if", "p95 > baseline.p95 * 1.2", current])
        #expect(slower.status == 3)
        #expect(slower.stderr.contains("crossed by all (p95="))
        #expect(slower.stderr.contains("baseline.p95="))
        let same = try CLI.run(["stats", "--baseline", baseline, "--fail-if", "p95 > baseline.p95 * 1.2", baseline])
        #expect(same.status == 0, "\(same.stderr)")
        let change = try CLI.run([
            "stats", "--baseline", baseline, "--by", "sandboxId", "--fail-if", "change.p95 > 0.3", current,
        ])
        #expect(change.status == 3)
        #expect(change.stderr.components(separatedBy: "crossed by").count - 1 == 5)
    }

    @Test func baselineInHumanFormats() throws {
        let result = try CLI.run(["stats", "-o", "markdown", "--baseline", baseline, current])
        #expect(result.status == 0)
        let table = StatsOutputFormatTests.markdownTable(result.stdoutText, firstColumn: "count")
        let header = try #require(table.first)
        #expect(header.prefix(3) == ["count", "baseline_count", "change_count"])
        let index = try #require(header.firstIndex(of: "change_p95"))
        let cell = table[1][index]
        #expect(cell.hasPrefix("+") && cell.hasSuffix("%"))
        let csv = try CLI.run(["stats", "-o", "csv", "--baseline", baseline, current])
        #expect(csv.stdoutLines.first?.contains("baseline_non_numeric,change_non_numeric") == true)
    }

    @Test func unreadableBaselineIsAnInputError() throws {
        let result = try CLI.run(["stats", "--baseline", directory.path("missing.jsonl"), current])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.jsonl"))
    }
}
