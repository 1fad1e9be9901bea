import Foundation
import RunraEvents
import RunraTestSupport
import Testing

/// A writer killed with SIGKILL mid-stream (and possibly mid-rotation or mid-gzip) leaves a
/// rotated set that reads back as exactly the lines it wrote, in order, apart from at most one
/// torn last line; the next writer starts on a fresh line.
///
/// The writer runs in a child process: this test binary itself, asked (through an environment
/// variable) to run only ``childWritesUntilKilled()``, which is skipped in normal runs.
@Suite(.timeLimit(.minutes(5))) struct RotationKillTests {
    static let childPathVariable = "RUNRA_TEST_KILL_CHILD_LOG"

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childPathVariable] != nil))
    func childWritesUntilKilled() throws {
        let log = ProcessInfo.processInfo.environment[Self.childPathVariable]!
        let writer = try JSONLWriter(
            path: log,
            options: .init(rotateSizeBytes: 512 * 1024, rotateFiles: 100_000, gzip: true, bufferSize: 16 * 1024)
        )
        var n = 0
        while true {
            try writer.append(line: RotationTestIO.event(n))
            n += 1
            if n % 40 == 0 { try writer.flush() }
        }
    }

    @Test func killedWriterLosesNoCompleteLine() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/runra-events.jsonl"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "childWritesUntilKilled"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childPathVariable] = log
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()

        // Wait until several rotations happened (bounded, so a child that never writes fails the test).
        var rotated = 0
        for _ in 0..<3000 where rotated < 6 {
            usleep(10_000)
            rotated = (try? RotatedSet(basePath: log).members().count) ?? 0
        }
        kill(child.processIdentifier, SIGKILL)
        try child.waitForExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(rotated >= 6)

        let (complete, fragment) = try Self.readBack(log)
        #expect(complete.count > 1000)
        #expect(complete == (0..<complete.count).map { RotationTestIO.event($0) })
        #expect(RotationTestIO.event(complete.count).hasPrefix(fragment))

        // A later rotation cleans up whatever the kill left behind; a new writer starts a fresh line.
        _ = try Rotator(path: log, options: .init(force: true, keep: 100_000)).rotate()
        #expect(try RotationTestIO.names(dir).allSatisfy { !$0.contains(".tmp-") && !$0.contains(".new-") })
        let writer = try JSONLWriter(path: log)
        try writer.append(line: "after")
        try writer.close()
        // The forced rotation may have moved the torn fragment into `.1`, where it stays a line of its own.
        let lines = try RotationTestIO.setContentsFileByFile(log).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        let expectedTail = (fragment.isEmpty ? [] : [fragment]) + ["after", ""]
        #expect(lines.suffix(expectedTail.count).map(String.init) == expectedTail)
        #expect(lines.count == complete.count + expectedTail.count)
    }

    /// The complete lines of the set and the torn fragment after the last newline ("" if none).
    static func readBack(_ log: String) throws -> (complete: [String], fragment: String) {
        var lines = try RotationTestIO.setContents(log).split(separator: "\n", omittingEmptySubsequences: false)
        let fragment = String(lines.removeLast())
        return (lines.map(String.init), fragment)
    }
}
