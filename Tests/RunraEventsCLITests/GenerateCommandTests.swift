import Foundation
import RunraTestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct GenerateCommandTests {
    @Test func writesTheRequestedNumberOfEventsTheSameEachTime() throws {
        let first = try CLI.run(["generate", "--events", "300", "--seed", "7"])
        let second = try CLI.run(["generate", "--events", "300", "--seed", "7"])
        #expect(first.status == 0)
        #expect(first.stdoutLines.count == 300)
        #expect(first.stdout == second.stdout)
        for line in first.stdoutLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["type"] is String)
        }
    }

    @Test func gzipOutputGunzipsToThePlainBytes() throws {
        let plain = try CLI.run(["generate", "--events", "3000", "--seed", "11"])
        let compressed = try CLI.run(["generate", "--events", "3000", "--seed", "11", "--gzip"])
        #expect(compressed.status == 0)
        #expect(compressed.stdout.prefix(2) == Data([0x1F, 0x8B]))
        #expect(compressed.stdout.count < plain.stdout.count / 3)
        #expect(try gunzip(compressed.stdout) == plain.stdout)
    }

    @Test func sizeStopsAfterTheLineThatReachesIt() throws {
        let result = try CLI.run(["generate", "--size", "100K", "--seed", "2"])
        #expect(result.status == 0)
        let limit = 100 * 1024
        let lastLine = result.stdoutLines.last!.utf8.count + 1
        #expect(result.stdout.count >= limit)
        #expect(result.stdout.count - lastLine < limit)
    }

    @Test func outWritesTheFileAndNothingToStandardOutput() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.jsonl.gz")
        let result = try CLI.run(["generate", "--events", "500", "--seed", "7", "--gzip", "--out", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let plain = try CLI.run(["generate", "--events", "500", "--seed", "7"])
        #expect(try gunzip(try Data(contentsOf: URL(fileURLWithPath: path))) == plain.stdout)
    }

    @Test func verbosePrintsASummaryOnStandardError() throws {
        let result = try CLI.run(["generate", "--events", "10", "--verbose"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("wrote 10 events, \(result.stdout.count) bytes"))
    }

    @Test(arguments: [
        ["generate"],
        ["generate", "--events", "5", "--size", "1M"],
        ["generate", "--size", "1.5XB"],
        ["generate", "--events", "-3"],
    ])
    func usageErrorsExitTwoWithAMessage(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--events") || result.stderr.contains("size '1.5XB'"), "\(result.stderr)")
    }

    @Test func anUnwritableOutFileExitsTwo() throws {
        let result = try CLI.run(["generate", "--events", "5", "--out", "/nonexistent-dir/x.jsonl"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot create /nonexistent-dir/x.jsonl"))
    }

    @Test func theSampleFixtureIsWhatGenerateMakes() throws {
        let fixture = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("events/sample.jsonl.gz")))
        let plain = try CLI.run(["generate", "--events", "2000", "--seed", "42"])
        #expect(
            try gunzip(fixture) == plain.stdout,
            "Fixtures/events/sample.jsonl.gz is stale; remake it as Fixtures/events/README.md says"
        )
    }

    /// `--start` moves the timestamps and nothing else: the same events, shifted by the same amount.
    @Test func startMovesTheTimestampsOnly() throws {
        let plain = try CLI.run(["generate", "--events", "50", "--seed", "3"])
        let moved = try CLI.run(["generate", "--events", "50", "--seed", "3", "--start", "2027-01-02T03:04:05.678Z"])
        #expect(moved.status == 0, "\(moved.stderr)")
        func fields(_ line: String) throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let shift =
            try #require(
                epochMilliseconds(try fields(moved.stdoutLines[0])["timestamp"] as! String)
            ) - epochMilliseconds(try fields(plain.stdoutLines[0])["timestamp"] as! String)!
        let first = try #require(epochMilliseconds(try fields(moved.stdoutLines[0])["timestamp"] as! String))
        let start = try #require(epochMilliseconds("2027-01-02T03:04:05.678Z"))
        #expect(first >= start && first < start + 1000, "the first event is \(first - start) ms after --start")
        for (before, after) in zip(plain.stdoutLines, moved.stdoutLines) {
            var a = try fields(before)
            var b = try fields(after)
            let gap = epochMilliseconds(b["timestamp"] as! String)! - epochMilliseconds(a["timestamp"] as! String)!
            #expect(gap == shift)
            a["timestamp"] = nil
            b["timestamp"] = nil
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b))
        }
        let relative = try CLI.run(["generate", "--events", "1", "--start", "1h"])
        #expect(relative.status == 0)
        let bad = try CLI.run(["generate", "--events", "1", "--start", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("'soon' is not a time"), "\(bad.stderr)")
    }
}

/// Milliseconds since the epoch of an RFC 3339 UTC timestamp with milliseconds, as `generate` writes them.
private func epochMilliseconds(_ text: String) -> Int64? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
}
