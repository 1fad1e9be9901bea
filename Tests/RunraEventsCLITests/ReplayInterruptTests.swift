import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `replay` stopped by SIGKILL (resume from the checkpoint) and by SIGINT (flush, checkpoint, 130).
@Suite(.serialized, .timeLimit(.minutes(5))) struct ReplayInterruptTests {
    /// Starts `runra-events arguments…` in the background.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the checkpoint at `path` records progress; returns its line.
    func waitForCheckpoint(_ path: String) throws -> Int {
        for _ in 0..<1000 {
            if let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let line = object["line"] as? Int, line > 0
            {
                return line
            }
            usleep(10_000)
        }
        throw CheckpointMissing()
    }

    struct CheckpointMissing: Error {}

    func checkpointLine(_ path: String) throws -> Int {
        let data = try #require(FileManager.default.contents(atPath: path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["line"] as? Int)
    }

    @Test func killedReplayResumesFromTheCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 4000, gapMs: 1)  // 4 s at real time
        let out = directory.path("out.jsonl")
        let checkpoint = directory.path("replay.ckpt")
        let arguments = [
            "replay", "--to", "jsonl", "--set", "filePath=\(out)", "--set", "batchSize=50", "--checkpoint", checkpoint,
            input,
        ]
        let first = try start(arguments + ["--speed", "realtime"])
        _ = try waitForCheckpoint(checkpoint)
        usleep(300_000)
        kill(first.processIdentifier, SIGKILL)
        try first.waitForExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let committed = try checkpointLine(checkpoint)
        let written = ReplaySample.read(out).count
        #expect(committed <= written && written < lines.count)

        let resumed = try CLI.run(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed after input 0 line \(committed)"))
        let output = ReplaySample.read(out)
        // The first run's lines, then everything after the checkpoint: each event at least once, and only the
        // batches in flight at the kill twice.
        #expect(output.count == written + lines.count - committed)
        #expect(Array(output.prefix(written)) == Array(lines.prefix(written)))
        #expect(Array(output.suffix(lines.count - committed)) == Array(lines.suffix(lines.count - committed)))
        #expect(written - committed <= 50 * 6)
        #expect(Set(output) == Set(lines))
        #expect(try checkpointLine(checkpoint) == lines.count)
    }

    @Test func interruptFlushesWritesTheCheckpointAndExits130() throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 4000, gapMs: 1)
        let out = directory.path("out.jsonl")
        let checkpoint = directory.path("replay.ckpt")
        let process = try start([
            "replay", "--to", "jsonl", "--set", "filePath=\(out)", "--set", "batchSize=50", "--checkpoint", checkpoint,
            "--speed", "1", input,
        ])
        _ = try waitForCheckpoint(checkpoint)
        process.interrupt()
        try process.waitForExit()
        #expect(process.terminationStatus == 130)
        let output = ReplaySample.read(out)
        #expect(!output.isEmpty && output.count < lines.count)
        #expect(output == Array(lines.prefix(output.count)))
        #expect(try checkpointLine(checkpoint) == output.count)
    }
}
