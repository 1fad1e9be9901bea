import Foundation
import RunraEvents
import Testing

@Suite struct RotationRotatedSetTests {
    @Test func oldestFirstLiveLastWithGapsAndMixedCompression() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        for name in [
            "runra-events.jsonl", "runra-events.jsonl.1", "runra-events.jsonl.2.gz", "runra-events.jsonl.4.gz",
            "runra-events.jsonl.12",
            // Not members: temporaries, lock files, other logs, non-canonical numbers.
            ".runra-events.jsonl.3.gz.tmp-123", ".runra-events.jsonl.rotate-lock", "runra-events.jsonl.05",
            "runra-events.jsonl.x", "other.jsonl.1", "runra-events.jsonl.1.gz.tmp", "runra-events.jsonl.",
        ] {
            try RotationTestIO.write(dir + "/" + name, "")
        }
        let members = try RotatedSet(basePath: dir + "/runra-events.jsonl").members()
        #expect(
            members == [
                dir + "/runra-events.jsonl.12", dir + "/runra-events.jsonl.4.gz", dir + "/runra-events.jsonl.2.gz",
                dir + "/runra-events.jsonl.1", dir + "/runra-events.jsonl",
            ]
        )
    }

    @Test func uncompressedWinsWhenBothExist() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        for name in ["log.jsonl.2", "log.jsonl.2.gz", "log.jsonl.1.gz"] {
            try RotationTestIO.write(dir + "/" + name, "")
        }
        let members = try RotatedSet(basePath: dir + "/log.jsonl").members()
        #expect(members == [dir + "/log.jsonl.2", dir + "/log.jsonl.1.gz"])
    }

    @Test func missingFolderAndNoLiveFile() throws {
        #expect(try RotatedSet(basePath: "/nonexistent-runra-dir/log.jsonl").members() == [])
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        try RotationTestIO.write(dir + "/a.jsonl.1", "")
        // No live file: only the rotated ones.
        #expect(try RotatedSet(basePath: dir + "/a.jsonl").members() == [dir + "/a.jsonl.1"])
    }
}
