import Foundation
import RunraTestSupport
import Testing

@testable import RunraReplay

/// The path helpers behind issue #25's checks: the folder of a path (without Foundation's `deletingLastPathComponent`,
/// which traps on a one-character name), and paths and globs resolved for comparing outputs with inputs.
@Suite struct OutputPathTests {
    @Test(
        arguments: [
            ("a", nil), ("x.jsonl", nil), ("/", nil), ("/a", "/"), ("a/b", "a"), ("a/b/", "a"), ("a//b", "a"),
            ("/var/log/app.jsonl", "/var/log"), ("./b", "."), ("//a", "/"),
        ] as [(String, String?)]
    )
    func theFolderOfAPath(_ path: String, _ folder: String?) {
        #expect(OutputPath.parent(of: path) == folder)
    }

    @Test func pathsAndGlobsAreResolvedThroughTheirExistingFolders() throws {
        let folder = try TemporaryDirectory()
        let real = URL(fileURLWithPath: folder.url.path).resolvingSymlinksInPath().path
        try FileManager.default.createDirectory(atPath: folder.path("out"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link"), withDestinationPath: folder.path("out"))
        #expect(OwnOutputs.resolved(folder.path("link/a.jsonl")) == real + "/out/a.jsonl")
        #expect(OwnOutputs.resolved(folder.path("out/../out/./a.jsonl")) == real + "/out/a.jsonl")
        #expect(OwnOutputs.resolved(folder.path("gone/x/../a.jsonl")) == folder.url.standardized.path + "/gone/a.jsonl")
        #expect(OwnOutputs.resolvedPattern(folder.path("link/*.jsonl")) == real + "/out/*.jsonl")
        #expect(OwnOutputs.resolvedPattern(folder.path("out/*/app.jsonl")) == real + "/out/*/app.jsonl")
        #expect(OwnOutputs.resolvedPattern("/*.jsonl") == "/*.jsonl")
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        #expect(OwnOutputs.resolvedPattern("*.jsonl") == cwd + "/*.jsonl")
    }

    @Test func problemsAreFoundWithoutWriting() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("plain", lines: ["x"])
        #expect(OutputPath.problem(writing: folder.path("new/deeper/out.jsonl")) == nil)
        #expect(
            OutputPath.problem(writing: folder.path("new/out.jsonl"), creatingFolders: false)
                == "\(folder.path("new")): No such file or directory"
        )
        #expect(OutputPath.problem(writing: folder.url.path) == "\(folder.url.path): Is a directory")
        #expect(OutputPath.problem(writing: file + "/out.jsonl") == "\(file)/out.jsonl: Not a directory")
        #expect(!FileManager.default.fileExists(atPath: folder.path("new")))
        // A relative path whose first folder does not exist yet is made in the current folder (the README's
        // Fixtures/observability.yaml writes replayed/runra-events.jsonl).
        #expect(OutputPath.problem(writing: "no-such-folder-\(UUID().uuidString)/out.jsonl") == nil)
    }
}
