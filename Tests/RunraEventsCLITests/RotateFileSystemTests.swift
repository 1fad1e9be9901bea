import Foundation
import RunraTestSupport
import Testing

/// `rotate` on file systems that refuse it, each a tmpfs mounted in a private mount namespace (`unshare -m`, as
/// root; `unshare -rm` otherwise): a read-only one names the reason, not a missing file; a full one says that the
/// rotation happened and the uncompressed `.1` was kept.
@Suite(.enabled(if: MountNamespace.available, "needs unshare(1) and mount namespaces"), .timeLimit(.minutes(10)))
struct RotateFileSystemTests {
    /// Runs `script` in a new mount namespace with `$D` a fresh folder and `$RUNRA` the binary under test.
    func inNamespace(_ script: String) throws -> CLIResult {
        let directory = try TemporaryDirectory()
        let tool = ExternalTool(name: "unshare", path: MountNamespace.unshare!)
        return try tool.run(
            [MountNamespace.flags, "bash", "-c", "set -e; " + script],
            environment: ["D": directory.url.path, "RUNRA": CLI.executable.path]
        )
    }

    @Test func aReadOnlyFileSystemIsNamed() throws {
        let result = try inNamespace(
            #"""
            mount -t tmpfs tmpfs "$D"; printf '{"type":"a"}\n' > "$D/app.jsonl"; mount -o remount,ro "$D"
            "$RUNRA" rotate --force "$D/app.jsonl" || echo "exit $?"
            """#
        )
        #expect(result.stdoutText == "exit 2\n", "\(result.stderr)")
        #expect(result.stderr.contains("Read-only file system"), "\(result.stderr)")
        #expect(!result.stderr.contains("No such file"), "\(result.stderr)")
    }

    @Test func aFullFileSystemKeepsTheRotatedFileAndSaysSo() throws {
        let result = try inNamespace(
            #"""
            mount -t tmpfs -o size=200k tmpfs "$D"; head -c 140000 /dev/urandom | base64 -w 100 > "$D/app.jsonl"
            cksum < "$D/app.jsonl"
            "$RUNRA" rotate --force "$D/app.jsonl" || echo "exit $?"
            cksum < "$D/app.jsonl.1"; wc -c < "$D/app.jsonl"
            """#
        )
        let lines = result.stdoutLines
        #expect(lines.count == 4 && lines[1] == "exit 2", "\(result.stdoutText) \(result.stderr)")
        #expect(lines.first == lines.dropFirst(2).first, "app.jsonl.1 is not the whole log")
        #expect(lines.last == "0", "the live file is not empty")
        #expect(
            result.stderr.contains("but compressing it failed") && result.stderr.contains("No space left"),
            "\(result.stderr)"
        )
        #expect(result.stderr.contains("app.jsonl.1 is kept uncompressed"), "\(result.stderr)")
    }
}

/// Private mount namespaces, where a test may mount a tmpfs however it likes.
enum MountNamespace {
    static let unshare = FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") ? "/usr/bin/unshare" : nil
    static let flags = getuid() == 0 ? "-m" : "-rm"

    /// Whether `unshare` can make one here (a container may forbid it).
    static var available: Bool {
        guard let unshare else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = [flags, "sh", "-c", "mount -t tmpfs tmpfs /tmp"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        while process.isRunning { usleep(10_000) }
        return process.terminationStatus == 0
    }
}
