import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A jsonl `filePath` that cannot be opened (issue #25, item 5): a directory, a file where a folder should be, a
/// read-only file system. Before, the writer freed its buffer twice and the process died of SIGSEGV (exit 139), taking
/// every other exporter with it. Now the configuration is refused when it is loaded, with the path and the errno text
/// (exit 2), before any exporter is sent anything, with `--dry-run` or without (issue #23: a configuration mistake is
/// caught before anything is sent). A file that becomes unopenable after that fails only its exporter (exit 4):
/// `JSONLExporterTests`.
@Suite(.timeLimit(.minutes(5))) struct FaultOutputPathTests {
    /// The unopenable paths, with the `strerror` text each gives (the read-only ones when a mount is possible).
    static let cases: [String] =
        ["directory", "file as folder"] + (TmpfsFolder.canMount ? ["read-only", "read-only folder"] : [])

    /// A path of `kind` in `folder`, the path the message names, and its reason.
    static func unopenable(
        _ kind: String,
        in folder: TemporaryDirectory,
        readOnly: TmpfsFolder?
    ) throws -> (String, String, String) {
        switch kind {
        case "directory":
            let path = folder.path("out.jsonl")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return (path, path, "Is a directory")
        case "file as folder":
            let file = try folder.write("plain", "x\n")
            return (file + "/out.jsonl", file + "/out.jsonl", "Not a directory")
        case "read-only":
            let path = try #require(readOnly).path + "/out.jsonl"
            return (path, path, "Read-only file system")
        default:
            let sub = try #require(readOnly).path + "/new"
            return (sub + "/out.jsonl", sub, "Read-only file system")
        }
    }

    @Test(arguments: cases)
    func anUnopenableFileIsRefusedBeforeAnythingIsSent(_ kind: String) throws {
        let folder = try TemporaryDirectory()
        let readOnly = kind.hasPrefix("read-only") ? TmpfsFolder(readOnly: true) : nil
        let (bad, named, reason) = try Self.unopenable(kind, in: folder, readOnly: readOnly)
        let (input, lines) = try ReplaySample.file(folder, 300)
        let good = folder.path("good.jsonl")
        let config = try folder.write(
            "replay.json",
            #"{"exporters":[{"provider":"jsonl","config":{"filePath":"\#(bad)"}},{"provider":"jsonl","config":"#
                + #"{"filePath":"\#(good)"}}]}"#
        )
        let result = try CLI.run(["replay", "--config", config, input])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(readOnly?.path ?? named) && result.stderr.contains(reason), "\(result.stderr)")
        #expect(
            result.stderr.contains("set filePath to a file that runra-events may create or append to"),
            "\(result.stderr)"
        )
        #expect(ReplaySample.read(good).isEmpty, "nothing is sent before the configuration is checked")
        #expect(lines.count == 300)
    }

    @Test(arguments: cases)
    func dryRunRefusesAnUnopenableFile(_ kind: String) throws {
        let folder = try TemporaryDirectory()
        let readOnly = kind.hasPrefix("read-only") ? TmpfsFolder(readOnly: true) : nil
        let (bad, named, reason) = try Self.unopenable(kind, in: folder, readOnly: readOnly)
        let (input, _) = try ReplaySample.file(folder, 30)
        let result = try CLI.run(["replay", "--dry-run", "--to", "jsonl", "--set", "filePath=\(bad)", input])
        #expect(result.status == 2, "\(result.stderr)")
        // Without writing, the dry run names the nearest folder that exists when the file does not.
        let checked = readOnly?.path ?? named
        #expect(
            result.stderr.contains("filePath: cannot be opened for writing: \(checked): \(reason)"),
            "\(result.stderr)"
        )
    }

    /// A file in folders that do not exist yet is fine: the run would create them; the dry run creates nothing.
    @Test func dryRunAcceptsAFileInFoldersItWouldCreate() throws {
        let folder = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(folder, 30)
        let result = try CLI.run([
            "replay", "--dry-run", "--to", "jsonl", "--set", "filePath=\(folder.path("a/b/out.jsonl"))", input,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("a")))
    }

    /// A one-character name in the current folder: swift-corelibs-foundation's `deletingLastPathComponent`, which the
    /// exporter used to find the folder, traps on it (SIGILL).
    @Test func aOneCharacterFileNameInTheCurrentFolderIsWritten() throws {
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 30)
        let command = FaultShell.command(["replay", "-q", "--to", "jsonl", "--set", "filePath=x", input])
        let result = try FaultShell.run("cd \(FaultShell.quote(folder.url.path)) && exec \(command)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ReplaySample.read(folder.path("x")) == lines)
    }

    /// `replay --follow DIR` waited, silently and for ever, for a log named DIR to appear.
    @Test func followingADirectoryIsRefusedWithAGlobToUse() throws {
        let folder = try TemporaryDirectory()
        let result = try CLI.run(["replay", "--follow", "--to", "console", folder.url.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "\(folder.url.path) is a directory: name the log file, or follow the logs in it with a quoted glob "
                    + "such as '\(folder.url.path)/*.jsonl'"
            ),
            "\(result.stderr)"
        )
    }

    /// `--from-dead-letter` of a directory: fopen succeeds and reading fails; before, it read nothing and exited 0.
    @Test func aDeadLetterInputThatIsADirectoryExitsTwo() throws {
        let folder = try TemporaryDirectory()
        let result = try CLI.run([
            "replay", "--to", "jsonl", "--set", "filePath=\(folder.path("out.jsonl"))", "--from-dead-letter",
            folder.url.path,
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("cannot read dead-letter file \(folder.url.path): Is a directory"),
            "\(result.stderr)"
        )
    }
}
