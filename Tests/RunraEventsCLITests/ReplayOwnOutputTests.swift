import Foundation
import RunraTestSupport
import Testing

/// A file the replay writes is never its input (issue #25, item 1): following `'out/*.jsonl'` while the jsonl exporter
/// writes `out/copy.jsonl` re-shipped its own output in a loop (8 events became 22 KB in 4 s), silently. Now it is
/// refused at the start (exit 2), whatever the spelling of the two paths.
@Suite(.timeLimit(.minutes(5))) struct ReplayOwnOutputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The followed inputs and the options that write into them, with `$D` for the test's folder.
        var inputs: [String]
        var options: [String]
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "jsonl filePath under the glob",
            inputs: ["$D/out/*.jsonl"],
            options: ["--to", "jsonl", "--set", "filePath=$D/out/copy.jsonl"],
            message: "jsonl's filePath $D/out/copy.jsonl is one of the files followed ('$D/out/*.jsonl')"
        ),
        Case(
            name: "spelled another way",
            inputs: ["$D/out/*.jsonl"],
            options: ["--to", "jsonl", "--set", "filePath=$D/out/../out/./copy.jsonl"],
            message: "jsonl's filePath $D/out/../out/./copy.jsonl is one of the files followed"
        ),
        Case(
            name: "through a symbolic link",
            inputs: ["$D/link/app.jsonl"],
            options: ["--to", "jsonl", "--set", "filePath=$D/out/app.jsonl"],
            message: "jsonl's filePath $D/out/app.jsonl is one of the files followed ('$D/link/app.jsonl')"
        ),
        Case(
            name: "dead-letter file",
            inputs: ["$D/out/*.jsonl"],
            options: ["--to", "console", "--dead-letter", "$D/out/dead.jsonl"],
            message: "--dead-letter $D/out/dead.jsonl is one of the files followed"
        ),
        Case(
            name: "checkpoint",
            inputs: ["$D/out/*"],
            options: ["--to", "console", "--checkpoint", "$D/out/ship.ckpt"],
            message: "--checkpoint $D/out/ship.ckpt is one of the files followed ('$D/out/*')"
        ),
    ]

    @Test(arguments: cases)
    func followingAFileTheShipperWritesIsRefused(_ test: Case) throws {
        let dir = try TemporaryDirectory()
        let base = dir.url.path
        try FileManager.default.createDirectory(atPath: dir.path("out"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir.path("link"), withDestinationPath: dir.path("out"))
        try FollowTest.append(0..<8, to: dir.path("out/app.jsonl"))
        let expand = { (text: String) in text.replacingOccurrences(of: "$D", with: base) }
        let result = try CLI.run(["replay", "--follow"] + test.options.map(expand) + test.inputs.map(expand))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(expand(test.message)), "\(result.stderr)")
        #expect(result.stderr.contains("would read what it writes and send it again, in a loop"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/copy.jsonl")))
        #expect(FollowTest.ids(inFile: dir.path("out/app.jsonl")).count == 8, "the log was written to")
    }

    /// Without --follow too: a relative input and an absolute output that are the same file; a neighbour is fine.
    @Test func replayingItsOwnOutputIsRefusedAndANeighbourIsNot() throws {
        let dir = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(dir, 20)
        let sameFile = FaultShell.command(["replay", "--to", "jsonl", "--set", "filePath=\(input)", "in.jsonl"])
        let refused = try FaultShell.run("cd \(FaultShell.quote(dir.url.path)) && exec \(sameFile)")
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(
            refused.stderr.contains("jsonl's filePath \(input) is one of the files read ('in.jsonl')"),
            "\(refused.stderr)"
        )
        #expect(ReplaySample.read(input) == lines)
        let neighbour = try CLI.run([
            "replay", "-q", "--to", "jsonl", "--set", "filePath=\(dir.path("copy.jsonl"))", input,
        ])
        #expect(neighbour.status == 0, "\(neighbour.stderr)")
        #expect(ReplaySample.read(dir.path("copy.jsonl")) == lines)
    }
}
