import Foundation
import RunraEvents
import Testing

@Suite(.timeLimit(.minutes(5))) struct RotationRotatorTests {
    /// Rotates `log` `times` times with `--force`, writing "round k\n" before each.
    func rotateRounds(_ log: String, times: Int, options: Rotator.Options) throws {
        for round in 1...times {
            try RotationTestIO.write(log, "round \(round)\n")
            _ = try Rotator(path: log, options: options).rotate()
        }
    }

    @Test func keepDropsTheOldestAndNamesNewestOne() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/runra-events.jsonl"
        try rotateRounds(log, times: 5, options: .init(force: true, keep: 3))
        #expect(
            try RotationTestIO.names(dir) == [
                ".runra-events.jsonl.rotate-lock", "runra-events.jsonl", "runra-events.jsonl.1.gz",
                "runra-events.jsonl.2.gz", "runra-events.jsonl.3.gz",
            ]
        )
        #expect(try RotationTestIO.contents(log + ".1.gz") == "round 5\n")
        #expect(try RotationTestIO.contents(log + ".3.gz") == "round 3\n")
        for index in 1...3 { #expect(try RotationTestIO.gzipValid(log + ".\(index).gz")) }
        #expect(try RotationTestIO.read(log) == "")
        #expect(try RotationTestIO.setContents(log) == "round 3\nround 4\nround 5\n")
    }

    @Test func noGzipKeepsPlainFiles() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try rotateRounds(log, times: 2, options: .init(force: true, gzip: false))
        #expect(try RotationTestIO.read(log + ".1") == "round 2\n")
        #expect(try RotationTestIO.read(log + ".2") == "round 1\n")
        #expect(!FileManager.default.fileExists(atPath: log + ".1.gz"))
    }

    @Test func recreatedFileKeepsTheOldMode() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, "line\n")
        chmod(log, 0o640)
        let before = RotationTestIO.info(log)
        let outcome = try Rotator(path: log, options: .init(force: true)).rotate()
        #expect(outcome == .rotated(size: 5, rotatedPath: log + ".1.gz"))
        let after = RotationTestIO.info(log)
        #expect(after.st_ino != before.st_ino)
        #expect(after.st_size == 0)
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(RotationTestIO.info(log + ".1.gz").st_mode & 0o7777 == 0o640)
    }

    @Test func copyTruncateKeepsTheInode() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, "one\ntwo\n")
        let before = RotationTestIO.info(log)
        _ = try Rotator(path: log, options: .init(force: true, copyTruncate: true)).rotate()
        let after = RotationTestIO.info(log)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_size == 0)
        #expect(try RotationTestIO.contents(log + ".1.gz") == "one\ntwo\n")
    }

    @Test func notLargerThanMaxSizeDoesNothing() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, String(repeating: "x", count: 99) + "\n")  // exactly 100 bytes
        #expect(try Rotator(path: log, options: .init(maxSize: 100)).rotate() == .notNeeded(size: 100))
        #expect(try Rotator(path: log, options: .init(maxSize: 1000)).rotate() == .notNeeded(size: 100))
        #expect(try RotationTestIO.names(dir).filter { !$0.hasPrefix(".") } == ["a.jsonl"])
        #expect(
            try Rotator(path: log, options: .init(maxSize: 99)).rotate()
                == .rotated(size: 100, rotatedPath: log + ".1.gz")
        )
    }

    @Test func missingFileIsAnError() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        #expect(throws: RunraError.self) {
            try Rotator(path: dir + "/nope.jsonl", options: .init(force: true)).rotate()
        }
        #expect(throws: RunraError.self) { try Rotator(path: dir + "/a", options: .init(keep: -1)) }
    }

    @Test func keepZeroEmptiesWithoutKeepingACopy() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        try RotationTestIO.write(log, "x\n")
        try RotationTestIO.write(log + ".1.gz", "old")
        #expect(
            try Rotator(path: log, options: .init(force: true, keep: 0)).rotate() == .rotated(size: 2, rotatedPath: nil)
        )
        #expect(try RotatedSet(basePath: log).members() == [log])
    }

    @Test func crashLeftoversAreRepaired() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/a.jsonl"
        // A crash mid-gzip left a temporary and the uncompressed .1; one after the rename left
        // both .2 and .2.gz (same content); a crash mid-rename left a replacement file.
        try RotationTestIO.write(log + ".1", "b\n")
        try RotationTestIO.write(dir + "/.a.jsonl.1.gz.tmp-99999", "partial")
        try RotationTestIO.write(log + ".2", "a\n")
        try RotationTestIO.write(log + ".2.gz", "stale copy")
        try RotationTestIO.write(dir + "/.a.jsonl.new-99999", "")
        try RotationTestIO.write(log, "c\n")
        #expect(try RotationTestIO.setContents(log) == "a\nb\nc\n")
        _ = try Rotator(path: log, options: .init(force: true)).rotate()
        #expect(
            try RotationTestIO.names(dir) == [
                ".a.jsonl.rotate-lock", "a.jsonl", "a.jsonl.1.gz", "a.jsonl.2.gz", "a.jsonl.3.gz",
            ]
        )
        #expect(try RotationTestIO.setContents(log) == "a\nb\nc\n")
    }
}
