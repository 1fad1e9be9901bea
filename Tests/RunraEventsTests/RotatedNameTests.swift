import Testing

@testable import RunraEvents

/// The names logrotate gives rotated files (LOGROTATE.md §1 of the research notes; docs/replay.md "Rotation
/// schemes"), and names that only look alike.
@Suite struct RotatedNameTests {
    @Test(arguments: [
        ("app.jsonl.1", 1, RotatedName.Compression.none),
        ("app.jsonl.0", 0, .none),
        ("app.jsonl.12.gz", 12, .gzip),
        ("app.1.jsonl", 1, .none),
        ("app.3.jsonl.gz", 3, .gzip),
    ])
    func numberedNames(name: String, number: Int, compression: RotatedName.Compression) {
        let rotated = RotatedName(name, of: "app.jsonl")
        #expect(rotated?.number == number)
        #expect(rotated?.compression == compression)
    }

    @Test(arguments: [
        "app.jsonl-20261206", "app.jsonl-20261206.gz", "app.jsonl-2026120614", "app.jsonl-20261206-1733480000.gz",
        "app.jsonl.2026-12-06", "app.jsonl_2026-12-06_14+0100", "app-20261206.jsonl",
        "app-20261206-1733480000.jsonl.gz",
        "app.jsonl-1733480000",
    ])
    func datedNames(name: String) {
        let rotated = RotatedName(name, of: "app.jsonl")
        #expect(rotated != nil)
        #expect(rotated?.number == nil)
    }

    @Test func otherCompressionsAreRotatedButUnreadable() {
        #expect(RotatedName("app.jsonl.2.xz", of: "app.jsonl")?.compression == .unreadable(".xz"))
        #expect(RotatedName("app.jsonl-20261206.zst", of: "app.jsonl")?.compression == .unreadable(".zst"))
        #expect(RotatedName("app.jsonl.1.bz2", of: "app.jsonl")?.compression == .unreadable(".bz2"))
    }

    @Test(arguments: [
        "app.jsonl", "app-server.jsonl", "app.jsonl.bak", "app.jsonl.tmp", "app.jsonl-old", "app-2.jsonl",
        "app.jsonl-2026", "app.jsonl1", "app2.jsonl", ".app.jsonl.1.gz", "other.jsonl.1", "app.jsonl.1a", "app.jsonl.",
        "app.jsonl-20261206.backup",
    ])
    func namesThatAreNotRotatedFilesOfTheLog(name: String) {
        #expect(RotatedName(name, of: "app.jsonl") == nil)
    }

    @Test func aLogWithoutAnExtension() {
        #expect(RotatedName("app.1", of: "app")?.number == 1)
        #expect(RotatedName("app-20261206.gz", of: "app") != nil)
        #expect(RotatedName("application", of: "app") == nil)
    }

    @Test func workerLogsAreNotRotatedFilesOfEachOther() {
        #expect(RotatedName("worker-1.jsonl", of: "worker.jsonl") == nil)
        #expect(RotatedName("worker.jsonl", of: "worker-1.jsonl") == nil)
        #expect(RotatedName("worker-1.jsonl.1.gz", of: "worker-1.jsonl")?.number == 1)
    }
}
