import Foundation
import RunraTestSupport
import Testing

/// `tail -f` while the file is appended to, renamed away, re-created, truncated and deleted.
@Suite(.serialized, .timeLimit(.minutes(5))) struct TailFollowTests {
    static func event(_ n: Int) -> String {
        "{\"id\":\"e\(n)\",\"timestamp\":\"2026-06-15T10:30:"
            + "00.000Z\",\"type\":\"exec.completed\",\"sandboxId\":\"sb_1\",\"data\":{\"n\":\(n)}}"
    }

    static func append(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    static func lines(_ range: ClosedRange<Int>) -> String { range.map { event($0) + "\n" }.joined() }

    @Test(.timeLimit(.minutes(5)))
    func followsAcrossRotationTruncationAndRecreationWithoutLossOrRepeat() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("app.jsonl", Self.lines(1...3))
        let tail = try RunningCLI(["tail", "-f", "-n", "2", "--sleep-interval", "0.05", path])
        #expect(tail.waitForLines(2))

        // Appends, one of them in two writes: the half line is held until its newline.
        try Self.append(path, Self.lines(4...4))
        let half = Self.event(5)
        try Self.append(path, String(half.prefix(30)))
        #expect(tail.waitForLines(3))
        usleep(300_000)
        #expect(tail.lines.count == 3)
        try Self.append(path, String(half.dropFirst(30)) + "\n" + Self.lines(6...6))
        #expect(tail.waitForLines(5))

        // Rename-rotation: the old file gets one more line after the rename, then a new file appears.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Self.append(path + ".1", Self.lines(7...7))
        _ = try dir.write("app.jsonl", Self.lines(8...8))
        try Self.append(path, Self.lines(9...9))
        #expect(tail.waitForLines(8))

        // Truncation, then fewer bytes than were read.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        handle.write(Data(Self.lines(10...10).utf8))
        try handle.close()
        #expect(tail.waitForLines(9))
        try Self.append(path, Self.lines(11...11))
        #expect(tail.waitForLines(10))

        // Deletion, then re-creation once the follower has noticed.
        try FileManager.default.removeItem(atPath: path)
        #expect(tail.wait { tail.stderr.contains("inaccessible") })
        _ = try dir.write("app.jsonl", Self.lines(12...13))
        #expect(tail.waitForLines(12))

        tail.process.interrupt()
        let status = try tail.finish()
        #expect(status == 130)
        #expect(tail.lines == (2...13).map { Self.event($0) })
        #expect(tail.stderr.contains("truncated"))
        #expect(tail.stderr.contains("replaced"))
    }

    @Test(.timeLimit(.minutes(5)))
    func selectionAndFormatApplyToFollowedEventsAndSIGTERMEndsCleanly() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("app.jsonl", Self.lines(1...3))
        let json = try RunningCLI([
            "tail", "-f", "-n", "1", "-s", "0.05", "-o", "json", "--fields", "id", "--where", "data.n >= 3", path,
        ])
        #expect(json.waitForLines(2))  // "[" and the first element
        try Self.append(path, Self.lines(4...5) + "not json\n")
        #expect(json.wait { json.lines.count >= 3 && json.stderr.contains("bad line near byte") })
        json.process.terminate()
        #expect(try json.finish() == 0)
        #expect(json.lines == ["[", "{\"id\":\"e3\"},", "{\"id\":\"e4\"},", "{\"id\":\"e5\"}", "]"])
    }

    @Test(.timeLimit(.minutes(5)))
    func followingStandardInputPrintsTheLastNThenEachNewEvent() throws {
        let tail = try RunningCLI(["tail", "-f", "-n", "2", "-s", "0.05"])
        tail.input.fileHandleForWriting.write(Data(Self.lines(1...5).utf8))
        #expect(tail.waitForLines(2))
        tail.input.fileHandleForWriting.write(Data(Self.lines(6...6).utf8))
        #expect(tail.waitForLines(3))
        tail.input.fileHandleForWriting.write(Data(Self.event(7).utf8))  // no newline: counts at the end
        try tail.input.fileHandleForWriting.close()
        #expect(try tail.finish() == 0)
        #expect(tail.lines == (4...7).map { Self.event($0) })
    }
}
