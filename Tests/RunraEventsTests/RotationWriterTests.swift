import Dispatch
import Foundation
import RunraEvents
import Testing

@Suite(.timeLimit(.minutes(5))) struct RotationWriterTests {
    @Test func appendsWholeLinesWithNewlines() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/sub.jsonl"
        let writer = try JSONLWriter(path: log)
        try writer.append(line: #"{"a":1}"#)
        try writer.append(line: Array(#"{"b":2}"#.utf8))
        try writer.append(lines: [Array("{}".utf8), Array("[]".utf8)])
        try writer.append(line: #"{"c":"é"}"#.utf8)
        try writer.close()
        #expect(try RotationTestIO.read(log) == "{\"a\":1}\n{\"b\":2}\n{}\n[]\n{\"c\":\"é\"}\n")
        #expect(throws: RunraError.self) { try writer.flush() }
    }

    /// Issue #25: a path that cannot be opened threw after the writer was whole, and the cleanup in `init` and then
    /// `deinit` both freed the buffer (SIGSEGV). Now it throws the path and the errno text, for every kind of writer.
    @Test(arguments: [JSONLWriter.Options(), .init(append: false), .init(rotateSizeBytes: 100, gzip: true)])
    func aPathThatCannotBeOpenedThrowsTheErrnoText(_ options: JSONLWriter.Options) throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        #expect {
            _ = try JSONLWriter(path: dir, options: options)
        } throws: { error in
            (error as? RunraError)?.message == "cannot open \(dir): Is a directory"
        }
    }

    @Test func appendFalseTruncatesAndAppendTrueKeeps() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, "old\n")
        var writer = try JSONLWriter(path: log)
        try writer.append(line: "kept")
        try writer.close()
        #expect(try RotationTestIO.read(log) == "old\nkept\n")
        writer = try JSONLWriter(path: log, options: .init(append: false))
        try writer.append(line: "new")
        try writer.close()
        #expect(try RotationTestIO.read(log) == "new\n")
    }

    @Test func aTornLastLineIsTerminatedBeforeTheFirstAppend() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, "{\"ok\":1}\n{\"torn\":")
        let writer = try JSONLWriter(path: log)
        try writer.append(line: "{\"ok\":2}")
        try writer.close()
        #expect(try RotationTestIO.read(log) == "{\"ok\":1}\n{\"torn\":\n{\"ok\":2}\n")
    }

    @Test func aLineLargerThanTheBufferIsWrittenWhole() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        let big = String(repeating: "y", count: 10_000)
        let writer = try JSONLWriter(path: log, options: .init(bufferSize: 64))
        try writer.append(line: "small")
        try writer.append(line: big)
        try writer.append(line: "after")
        try writer.close()
        #expect(try RotationTestIO.read(log) == "small\n\(big)\nafter\n")
    }

    @Test func reopensThePathAfterAnotherProcessRotatedIt() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        let writer = try JSONLWriter(path: log)
        try writer.append(line: "one")
        try writer.flush()
        _ = try Rotator(path: log, options: .init(force: true)).rotate()
        try writer.append(line: "two")
        try writer.flush()
        // Removed entirely (not rotated): the writer creates the file again.
        try FileManager.default.removeItem(atPath: log + ".1.gz")
        try FileManager.default.moveItem(atPath: log, toPath: dir + "/moved")
        try writer.append(line: "three")
        try writer.close()
        #expect(try RotationTestIO.read(dir + "/moved") == "two\n")
        #expect(try RotationTestIO.read(log) == "three\n")
    }

    @Test func rotatesBySizeWithGzipAndKeepsEveryLineOfTwoConcurrentWriters() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/runra-events.jsonl"
        let perWriter = 20_000
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            do {
                let writer = try JSONLWriter(
                    path: log,
                    options: .init(
                        rotateSizeBytes: 256 * 1024,
                        rotateFiles: 100_000,
                        gzip: true,
                        gzipLevel: 1,
                        bufferSize: 4096
                    )
                )
                for n in 0..<perWriter { try writer.append(line: RotationTestIO.event(n, tag: "w\(index)")) }
                try writer.close()
            } catch {
                errors.add(error)
            }
        }
        #expect(errors.all.isEmpty)
        let members = try RotatedSet(basePath: log).members()
        #expect(members.count > 10)
        #expect(members.dropLast().allSatisfy { $0.hasSuffix(".gz") })
        let lines = try RotationTestIO.setContents(log).split(separator: "\n").map(String.init)
        #expect(lines.count == 2 * perWriter)
        for tag in ["w0", "w1"] {
            let mine = lines.filter { $0.hasPrefix("{\"id\":\"evt_\(tag)_") }
            #expect(mine == (0..<perWriter).map { RotationTestIO.event($0, tag: tag) })
        }
        #expect(try RotationTestIO.names(dir).allSatisfy { !$0.contains(".tmp-") && !$0.contains(".new-") })
    }

    /// Batches much larger than `rotateSizeBytes` (the jsonl exporter flushes up to 256 KiB at once) are cut at the
    /// line that passes the limit: every rotated file ends within one line of it, and `rotateFiles` are kept.
    @Test(arguments: [false, true])
    func largeBatchesAreCutAtTheLimit(gzip: Bool) throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        let lines = (0..<6000).map { RotationTestIO.event($0) }
        let total = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        let limit = total / 17  // about 17 rotations
        let longest = lines.map { $0.utf8.count + 1 }.max()!
        let writer = try JSONLWriter(
            path: log,
            options: .init(rotateSizeBytes: Int64(limit), rotateFiles: 10, gzip: gzip, bufferSize: 256 * 1024)
        )
        for line in lines { try writer.append(line: line) }
        try writer.close()
        let members = try RotatedSet(basePath: log).members()
        #expect(members.count == 11, "\(members)")  // .10 … .1 and the live file
        for member in members.dropLast() {
            #expect(member.hasSuffix(".gz") == gzip, "\(member)")
            let size = try RotationTestIO.contents(member).utf8.count
            #expect(size > limit && size <= limit + longest, "\(member): \(size) bytes, limit \(limit)")
        }
        // What is kept is the input's end, in order, nothing repeated.
        let kept = try RotationTestIO.setContents(log)
        #expect(lines.map { $0 + "\n" }.joined().hasSuffix(kept))
        #expect(kept.utf8.count > 9 * limit)
    }

    @Test func aSingleWriterKeepsRotatedFilesNearTheLimit() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        let limit = 64 * 1024
        let writer = try JSONLWriter(
            path: log,
            options: .init(rotateSizeBytes: Int64(limit), rotateFiles: 1000, gzip: true, gzipLevel: 9, bufferSize: 4096)
        )
        for n in 0..<10_000 { try writer.append(line: RotationTestIO.event(n)) }
        try writer.close()
        let members = try RotatedSet(basePath: log).members()
        #expect(members.count >= 30)
        for member in members {
            // Each file holds at most one batch beyond the limit, even though gzip (level 9) is slower than writing.
            let size = try RotationTestIO.contents(member).utf8.count
            #expect(size <= limit + 4096, "\(member): \(size) bytes")
        }
        #expect(try RotationTestIO.setContents(log) == (0..<10_000).map { RotationTestIO.event($0) + "\n" }.joined())
    }
}

/// Errors collected from several threads.
final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ error: any Error) { lock.withLock { errors.append(error) } }
    var all: [any Error] { lock.withLock { errors } }
}
