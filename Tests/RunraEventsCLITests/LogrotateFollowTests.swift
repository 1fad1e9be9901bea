import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `replay --follow` against the real logrotate, with the configurations people copy from their distributions:
/// every line on disk reaches the sink exactly once (docs/replay.md, "Rotation schemes").
///
/// A writer appends about 13,000 lines a second (`Tests/Tools/log_writer.py`) while `logrotate -f` runs every
/// 0.4–1.1 s; then the shipper is stopped with SIGTERM and the sink's file compared with what was written.
@Suite(
    .serialized,
    .timeLimit(.minutes(10)),
    .enabled(if: LogrotateSetup.isInstalled, "needs logrotate (make test installs it)")
)
struct LogrotateFollowTests {
    static let lines = 40_000

    /// Writes `lines` events under `directives` while rotating, ships them, and checks the sink.
    func shipWhileRotating(
        _ directives: [String],
        writer: String = "reopen",
        signalsWriter: Bool = false,
        input: String? = nil,
        extraArguments: [String] = [],
        seed: UInt64
    ) throws {
        let dir = try TemporaryDirectory()
        let setup = try LogrotateSetup(dir: dir, directives: directives, signalsWriter: signalsWriter)
        let out = dir.path("shipped.jsonl")
        let arguments =
            ReplayFollowTests.jsonlSink(out) + ["--checkpoint", dir.path("ship.ckpt")] + extraArguments
            + [input.map(dir.path) ?? setup.log]
        let shipper = try Shipper(arguments, stderrPath: dir.path("shipper.err"))
        let process = try setup.startWriter(mode: writer, count: Self.lines)
        let rotations = try setup.rotateWhileRunning(process, seed: seed)
        let onDiskAtEnd = try setup.idsOnDisk().count
        _ = FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= onDiskAtEnd }
        Thread.sleep(forTimeInterval: 1)  // anything sent twice would arrive meanwhile
        let status = try shipper.stop(SIGTERM)
        let shipped = FollowTest.ids(inFile: out)
        let delivery = Delivery(ids: shipped, expected: Self.lines)
        #expect(rotations >= 2, "logrotate rotated \(rotations) times\n\(setup.listing)")
        let onDisk = try setup.idsOnDisk()
        let missing = onDisk.subtracting(shipped).sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }
        if directives.contains("copytruncate") {
            // Lines written between logrotate's copy and its truncation are on no disk (logrotate(8),
            // copytruncate): every line that is on disk is shipped, once.
            #expect(
                missing.isEmpty && delivery.duplicated == 0,
                "\(delivery), \(onDisk.count) on disk, not shipped: \(missing.prefix(5))"
            )
            #expect(onDisk.count > Self.lines * 9 / 10, "\(onDisk.count) on disk")
            #expect(Set(shipped).isSubset(of: FollowTest.expected(Self.lines)))
        } else {
            #expect(
                delivery.isExactlyOnce,
                """
                \(delivery), \(onDisk.count) on disk, not shipped: \(missing.prefix(5))
                \(setup.listing)
                \(shipper.stderr)
                """
            )
        }
        #expect(status == 0, "\(shipper.stderr)")
        #expect(!shipper.stderr.contains("LOST"), "\(shipper.stderr)")
    }

    @Test func dateextWithDelayedCompression() throws {
        try shipWhileRotating(["create", "compress", "delaycompress", "dateext", "dateformat -%Y%m%d-%s"], seed: 1)
    }

    @Test func olddirWithCompression() throws {
        try shipWhileRotating(
            ["create", "compress", "olddir ../archive"],
            extraArguments: ["--olddir", "../archive"],
            seed: 2
        )
    }

    @Test func olddirWithCompressionNeedsNoOptionWhileRunning() throws {
        // A rotated file is held open and read until it stops growing, wherever it went.
        try shipWhileRotating(["create", "compress", "olddir ../archive"], seed: 3)
    }

    @Test func dateextWithExtensionFollowingAGlob() throws {
        let directives = [
            "create", "compress", "delaycompress", "dateext", "dateformat -%Y%m%d-%s", "extension .jsonl",
        ]
        try shipWhileRotating(directives, input: "logs/*.jsonl", seed: 4)
    }

    @Test func numberedCreateWithDelayedCompression() throws {
        try shipWhileRotating(["create", "delaycompress", "compress"], seed: 5)
    }

    @Test func numberedCopytruncateWithAWriterThatReopens() throws {
        try shipWhileRotating(["copytruncate", "compress"], seed: 6)
    }

    @Test func numberedCopytruncateWithAWriterHoldingTheFile() throws {
        try shipWhileRotating(["copytruncate", "compress"], writer: "append", seed: 9)
    }

    @Test func numberedCreateWithAWriterThatReopensOnHUP() throws {
        try shipWhileRotating(["create", "compress"], writer: "hold", signalsWriter: true, seed: 7)
    }

    @Test func dateextCreateWithAWriterThatReopensOnHUP() throws {
        try shipWhileRotating(
            ["create", "compress", "dateext", "dateformat -%Y%m%d-%s"],
            writer: "hold",
            signalsWriter: true,
            seed: 8
        )
    }

    /// Rotations while the shipper is stopped: at restart the checkpointed file is found by its content in
    /// whatever name and form rotation gave it, and read on from where it was acknowledged.
    func restartAfterRotationsWhileStopped(_ directives: [String], extraArguments: [String] = []) throws {
        let dir = try TemporaryDirectory()
        let setup = try LogrotateSetup(dir: dir, directives: directives)
        let out = dir.path("shipped.jsonl")
        let arguments =
            ReplayFollowTests.jsonlSink(out) + ["--checkpoint", dir.path("ship.ckpt")] + extraArguments + [setup.log]
        var shipper = try Shipper(arguments, stderrPath: dir.path("shipper1.err"))
        try FollowTest.append(0..<3000, to: setup.log)
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 3000 }, "\(shipper.stderr)")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")

        try FollowTest.append(3000..<4500, to: setup.log)
        #expect(try setup.rotate().status == 0)
        Thread.sleep(forTimeInterval: 1.1)  // a dated name holds the second (%s)
        try FollowTest.append(4500..<6000, to: setup.log)
        #expect(try setup.rotate().status == 0)
        try FollowTest.append(6000..<6100, to: setup.log)

        shipper = try Shipper(arguments, stderrPath: dir.path("shipper2.err"))
        _ = FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 6100 }
        Thread.sleep(forTimeInterval: 1)
        let status = try shipper.stop(SIGTERM)
        let delivery = Delivery(ids: FollowTest.ids(inFile: out), expected: 6100)
        #expect(delivery.isExactlyOnce, "\(delivery)\n\(setup.listing)\n\(shipper.stderr)")
        #expect(status == 0, "\(shipper.stderr)")
        #expect(!shipper.stderr.contains("LOST") && !shipper.stderr.contains("lost"), "\(shipper.stderr)")
    }

    @Test func dateextRotationsWhileStopped() throws {
        try restartAfterRotationsWhileStopped(["create", "compress", "dateext", "dateformat -%Y%m%d-%s"])
    }

    @Test func olddirRotationsWhileStopped() throws {
        try restartAfterRotationsWhileStopped(
            ["create", "compress", "olddir ../archive"],
            extraArguments: ["--olddir", "../archive"]
        )
    }
}
