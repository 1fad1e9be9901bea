import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Input from a pipe whose writer stays open (`tail -f log | runra-events filter …`): a reader that has what it
/// needs stops at once, as `grep -m 1` does, and one that goes on passes each event on as it comes.
@Suite(.timeLimit(.minutes(5))) struct OpenPipeTests {
    static let other = #"{"id":"evt_a","timestamp":"2026-06-15T10:30:00Z","type":"exec.started","data":{}}"# + "\n"
    static let match =
        #"{"id":"evt_b","timestamp":"2026-06-15T10:30:01Z","type":"exec.completed","data":{"exitCode":0}}"# + "\n"
    static let second =
        #"{"id":"evt_c","timestamp":"2026-06-15T10:30:02Z","type":"exec.completed","data":{"exitCode":1}}"# + "\n"

    /// Every output form stops after `-n 1` while the writer is still there.
    @Test(arguments: [
        [], ["-o", "json"], ["-o", "pretty"], ["-o", "csv"], ["-o", "tsv"], ["-c"], ["--fields", "id", "-o", "json"],
    ])
    func limitStopsReadingAnOpenPipe(_ format: [String]) throws {
        let child = try RunningCLI(["filter", "-n", "1", "-t", "exec.completed", "--color", "never"] + format)
        child.send(Self.other + Self.match)
        #expect(child.exitsWithin(.seconds(15)), "filter -n 1 \(format) waited for more input after its match")
        #expect(child.process.terminationStatus == 0)
        let expected = format == ["-c"] ? "1" : format == ["-o", "pretty"] ? "exec.completed" : "evt_b"
        #expect(child.stdoutText.contains(expected), "output: \(child.stdoutText)")
        #expect(!child.stdoutText.contains("evt_a") && !child.stdoutText.contains("exec.started"))
        try? child.closeInput()
    }

    /// `-n 2` stops after the second match, which arrives later than the first.
    @Test func limitCountsMatchesAcrossWrites() throws {
        let child = try RunningCLI(["filter", "-n", "2", "-t", "exec.completed"])
        child.send(Self.match)
        #expect(
            child.waitForOutput { $0.contains("evt_b") },
            "the first match was not passed on while the pipe stayed open"
        )
        #expect(child.process.isRunning)
        child.send(Self.other + Self.second + Self.match)
        #expect(child.exitsWithin(.seconds(15)))
        #expect(child.process.terminationStatus == 0)
        #expect(
            child.stdoutText.split(separator: "\n").map(String.init)
                == [Self.match, Self.second].map { String($0.dropLast()) }
        )
        try? child.closeInput()
    }

    /// gzip data on the pipe (a whole member, writer still open) is read through as well.
    @Test func limitStopsReadingAnOpenPipeOfGzip() throws {
        let compressed = try gzip(Data((Self.other + Self.match).utf8))
        let child = try RunningCLI(["filter", "-n", "1", "-t", "exec.completed"])
        child.sendData(compressed)
        #expect(child.exitsWithin(.seconds(15)), "filter -n 1 waited for more gzip input after its match")
        #expect(child.stdoutText == Self.match)
        try? child.closeInput()
    }

    /// Without a limit, each match is written while the writer stays open (not held until the pipe closes).
    @Test(arguments: [[], ["-o", "tsv", "--fields", "id"], ["-o", "pretty", "--color", "never"]])
    func matchesFromAnOpenPipeAreWrittenAsTheyCome(_ format: [String]) throws {
        let child = try RunningCLI(["filter", "-t", "exec.completed"] + format)
        let pretty = format.contains("pretty")
        child.send(Self.other + Self.match)
        #expect(
            child.waitForOutput { $0.contains(pretty ? "10:30:01" : "evt_b") },
            "the match was held back while the pipe stayed open"
        )
        child.send(Self.second)
        #expect(child.waitForOutput { $0.contains(pretty ? "10:30:02" : "evt_c") })
        try child.closeInput()
        #expect(child.exitsWithin(.seconds(15)))
        #expect(child.process.terminationStatus == 0)
    }

    /// A named pipe given as a path behaves as standard input does.
    @Test func limitStopsReadingANamedPipe() throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.path("events.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = open(fifo, O_RDWR)  // read-write: does not wait for a reader, keeps the pipe open
        #expect(writer >= 0)
        defer { close(writer) }
        let child = try RunningCLI(["filter", "-n", "1", "-t", "exec.completed", fifo])
        let bytes = Array((Self.other + Self.match).utf8)
        #expect(write(writer, bytes, bytes.count) == bytes.count)
        #expect(child.exitsWithin(.seconds(15)), "filter -n 1 FIFO waited for more input after its match")
        #expect(child.stdoutText == Self.match)
    }

    /// `runra-events tail -f log | runra-events filter -n 1`: the filter stops at its match, and the follower sees
    /// that its reader went away without having to write again (as GNU `tail -f` does), so the pipeline ends.
    @Test func aFollowingTailEndsWithItsReader() throws {
        let folder = try TemporaryDirectory()
        let log = try folder.write("live.jsonl", Self.other)
        let binary = CLI.executable.path
        // `timeout` kills its whole process group when time is up, so a follower that never ends is not left behind.
        let pipeline = Process()
        pipeline.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        pipeline.arguments = [
            "-s", "KILL", "20", "/bin/bash", "-c",
            "'\(binary)' tail -f -n 0 -s 0.05 '\(log)' | '\(binary)' filter -n 1 -t exec.completed > "
                + "'\(folder.path("out"))'",
        ]
        pipeline.standardOutput = FileHandle.nullDevice
        pipeline.standardError = FileHandle.nullDevice
        try pipeline.run()
        usleep(500_000)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data((Self.other + Self.match).utf8))
        try handle.close()
        try pipeline.waitForExit(timeout: .seconds(40))
        #expect(
            pipeline.terminationStatus == 0,
            "the pipeline did not end by itself (timeout's status \(pipeline.terminationStatus))"
        )
        #expect(try String(contentsOfFile: folder.path("out"), encoding: .utf8) == Self.match)
    }

    @Test func limitZeroReadsNothing() throws {
        let child = try RunningCLI(["filter", "-n", "0"])
        #expect(child.exitsWithin(.seconds(15)))
        #expect(child.process.terminationStatus == 1)
        #expect(child.stdoutText.isEmpty)
        try? child.closeInput()
    }

    private func gzip(_ data: Data) throws -> Data {
        let folder = try TemporaryDirectory()
        let path = folder.path("x")
        try data.write(to: URL(fileURLWithPath: path))
        return try Data(contentsOf: URL(fileURLWithPath: try CLI.gzipInPlace(path)))
    }
}
