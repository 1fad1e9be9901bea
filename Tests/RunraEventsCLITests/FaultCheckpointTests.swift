import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The checkpoint and dead-letter files are tried before any event leaves (issue #25, item 4): a missing folder, a
/// directory in the way, a read-only or full disk is exit 2 with the path and the errno text. Before, a checkpoint
/// that could not be written was reported only at the end, after everything was sent (with `--follow`: at SIGTERM),
/// and a restart sent it all again.
@Suite(.timeLimit(.minutes(5))) struct FaultCheckpointTests {
    static let kinds: [String] = ["missing folder", "directory"] + (TmpfsFolder.canMount ? ["read-only", "full"] : [])

    /// A checkpoint path of `kind` in `folder`, and the reason its write fails.
    static func unwritable(
        _ kind: String,
        in folder: TemporaryDirectory,
        mount: TmpfsFolder?
    ) throws -> (String, String) {
        switch kind {
        case "missing folder": return (folder.path("gone/ship.ckpt"), "No such file or directory")
        case "directory":
            try FileManager.default.createDirectory(
                atPath: folder.path("ship.ckpt"),
                withIntermediateDirectories: false
            )
            return (folder.path("ship.ckpt"), "Is a directory")
        case "read-only": return (try #require(mount).path + "/ship.ckpt", "Read-only file system")
        default:
            try #require(mount).fill()
            return (try #require(mount).path + "/ship.ckpt", "No space left on device")
        }
    }

    static func mount(for kind: String) -> TmpfsFolder? {
        switch kind {
        case "read-only": return TmpfsFolder(readOnly: true)
        case "full": return TmpfsFolder()
        default: return nil
        }
    }

    @Test(arguments: kinds, [false, true])
    func anUnwritableCheckpointIsRefusedBeforeAnythingIsSent(_ kind: String, follow: Bool) throws {
        let folder = try TemporaryDirectory()
        let mount = Self.mount(for: kind)
        let (checkpoint, reason) = try Self.unwritable(kind, in: folder, mount: mount)
        let (input, _) = try ReplaySample.file(folder, 50)
        let out = folder.path("out.jsonl")
        let result = try CLI.run(
            ["replay"] + (follow ? ["--follow"] : []) + [
                "--to", "jsonl", "--set", "filePath=\(out)", "--checkpoint", checkpoint, input,
            ]
        )
        #expect(result.status == 2, "\(result.stderr)")
        // A directory in the way is found when the checkpoint is read, before it is tried.
        let verb = kind == "directory" ? "read" : "write"
        #expect(
            result.stderr.contains("cannot \(verb) checkpoint \(checkpoint): \(reason) (make its folder exist"),
            "\(result.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: out), "an event left before the check")
    }

    @Test(arguments: [false, true])
    func anUnopenableDeadLetterFileIsRefusedBeforeAnythingIsSent(follow: Bool) throws {
        let folder = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(folder, 50)
        let out = folder.path("out.jsonl")
        let dead = folder.path("gone/dead.jsonl")
        let result = try CLI.run(
            ["replay"] + (follow ? ["--follow"] : []) + [
                "--to", "jsonl", "--set", "filePath=\(out)", "--dead-letter", dead, input,
            ]
        )
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "cannot open dead-letter file \(dead): No such file or directory (make its folder exist"
            ),
            "\(result.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func dryRunRefusesAnUnwritableCheckpointAndDeadLetterFile() throws {
        let folder = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(folder, 50)
        let base = ["replay", "--dry-run", "--to", "console", input]
        // Neither file's folders are created: a missing one is refused.
        let checkpoint = try CLI.run(base + ["--checkpoint", folder.path("gone/ship.ckpt")])
        #expect(checkpoint.status == 2, "\(checkpoint.stderr)")
        #expect(
            checkpoint.stderr.contains("cannot write checkpoint: \(folder.path("gone")): No such file or directory"),
            "\(checkpoint.stderr)"
        )
        let dead = try CLI.run(base + ["--dead-letter", folder.url.path])
        #expect(dead.status == 2, "\(dead.stderr)")
        #expect(
            dead.stderr.contains("cannot write dead-letter file: \(folder.url.path): Is a directory"),
            "\(dead.stderr)"
        )
    }

    /// `--follow` whose checkpoint folder disappears while shipping: a warning at once with the reason, the status line
    /// and the metrics say so while it lasts, each interval tries again, and once the folder is back the checkpoint
    /// is written and said so. Every event is delivered once.
    @Test func aFailingCheckpointIsSaidAtOnceShownAndRetriedUntilWritten() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let out = dir.path("out.jsonl")
        let folder = dir.path("state")
        let checkpoint = folder + "/ship.ckpt"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let port = try AxiomSink.freePort()
        try FollowTest.append(0..<20, to: log)
        let shipper = try Shipper(
            [
                "--to", "jsonl", "--set", "filePath=\(out)", "--set", "flushIntervalMs=50", "--checkpoint", checkpoint,
                "--status-interval", "0.3", "--metrics-address", "127.0.0.1:\(port)", log,
            ],
            stderrPath: dir.path("err")
        )
        #expect(
            FollowTest.wait(.seconds(30)) {
                FollowTest.ids(inFile: out).count >= 20 && FileManager.default.fileExists(atPath: checkpoint)
            }
        )

        try FileManager.default.removeItem(atPath: folder)
        try FollowTest.append(20..<40, to: log)
        let warning = "runra-events: warning: cannot write checkpoint \(checkpoint): No such file or directory"
        #expect(FollowTest.wait(.seconds(30)) { shipper.stderr.contains(warning) }, "\(shipper.stderr)")
        #expect(
            FollowTest.wait(.seconds(10)) {
                shipper.stderr.split(separator: "\n").contains {
                    $0.hasPrefix("runra-events: status: ") && $0.contains("; checkpoint failing for ")
                }
            },
            "\(shipper.stderr)"
        )
        var metrics = ""
        #expect(
            FollowTest.wait(.seconds(10)) {
                metrics = FollowTest.httpGet(port: port, path: "/metrics")
                return metrics.contains("runra_checkpoint_failing 1")
                    && !metrics.contains("runra_checkpoint_write_failures_total 0")
            },
            "\(metrics)"
        )
        #expect(shipper.stderr.components(separatedBy: warning).count == 2, "warned once, not at every attempt")

        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(
            FollowTest.wait(.seconds(30)) {
                shipper.stderr.contains("runra-events: checkpoint \(checkpoint) written again after ")
            }
        )
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        #expect(
            FollowTest.wait(.seconds(10)) {
                FollowTest.httpGet(port: port, path: "/metrics").contains("runra_checkpoint_failing 0")
            }
        )
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")
        #expect(FollowTest.ids(inFile: out) == (0..<40).map { "evt_\($0)" })
    }
}
