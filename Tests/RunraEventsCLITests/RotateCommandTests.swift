import Foundation
import RunraEvents
import RunraTestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct RotateCommandTests {
    func gunzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        #expect(process.terminationStatus == 0, "gzip -dc \(path)")
        return String(decoding: data, as: UTF8.self)
    }

    func gzipTest(_ path: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-t", path]
        try process.run()
        try process.waitForExit()
        return process.terminationStatus
    }

    func visibleNames(_ dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    func inode(_ path: String) throws -> UInt64 {
        try (FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as! NSNumber).uint64Value
    }

    @Test func keepNamesAndDropsTheOldest() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("runra-events.jsonl")
        for round in 1...4 {
            _ = try dir.write("runra-events.jsonl", "{\"round\":\(round)}\n")
            let result = try CLI.run(["rotate", "--force", "--keep", "2", log])
            #expect(result.status == 0)
            #expect(result.stderr.contains("rotated \(log)"))
            #expect(result.stdout.isEmpty)
        }
        #expect(try visibleNames(dir) == ["runra-events.jsonl", "runra-events.jsonl.1.gz", "runra-events.jsonl.2.gz"])
        #expect(try gzipTest(log + ".1.gz") == 0)
        #expect(try gzipTest(log + ".2.gz") == 0)
        #expect(try gunzip(log + ".1.gz") == "{\"round\":4}\n")
        #expect(try gunzip(log + ".2.gz") == "{\"round\":3}\n")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "")
    }

    @Test func noGzipAndQuiet() throws {
        let dir = try TemporaryDirectory()
        let log = try dir.write("a.jsonl", "x\n")
        let result = try CLI.run(["rotate", "--force", "--no-gzip", "-q", log])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(try visibleNames(dir) == ["a.jsonl", "a.jsonl.1"])
        #expect(try String(contentsOfFile: log + ".1", encoding: .utf8) == "x\n")
    }

    /// On a mixed set (some members gzipped, some plain), each rotation gzips (or not) only the file it rotates:
    /// every shifted member keeps its form and its exact bytes, whatever this run's --gzip/--no-gzip says.
    @Test(arguments: [
        [["--no-gzip"], [], ["--no-gzip"], [], [], ["--no-gzip"]],
        [[], ["--no-gzip"], ["--no-gzip", "--copytruncate"], ["--copytruncate"], ["--no-gzip"]],
    ])
    func shiftedMembersKeepTheirFormAndBytes(_ runs: [[String]]) throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("x.jsonl")
        var expected: [(compressed: Bool, bytes: Data)] = []  // .1 first
        for (round, options) in runs.enumerated() {
            let content = Data("{\"type\":\"t\",\"round\":\(round)}\n".utf8)
            try content.write(to: URL(fileURLWithPath: log))
            // What each member holds before the rotation (read raw: a shift must not re-encode it).
            let before = try (1...expected.count + 1).compactMap { index -> Data? in
                for name in ["x.jsonl.\(index)", "x.jsonl.\(index).gz"]
                where FileManager.default.fileExists(atPath: dir.path(name)) {
                    return try Data(contentsOf: URL(fileURLWithPath: dir.path(name)))
                }
                return nil
            }
            let result = try CLI.run(["rotate", "-q", "--force"] + options + [log])
            #expect(result.status == 0, "\(result.stderr)")
            let gzip = !options.contains("--no-gzip")
            expected.insert((gzip, content), at: 0)
            #expect(
                try visibleNames(dir) == ["x.jsonl"]
                    + expected.indices.map { "x.jsonl.\($0 + 1)\(expected[$0].compressed ? ".gz" : "")" }.sorted()
            )
            for (index, member) in expected.enumerated() {
                let path = dir.path("x.jsonl.\(index + 1)\(member.compressed ? ".gz" : "")")
                if index == 0 {
                    let text = member.compressed ? try gunzip(path) : try String(contentsOfFile: path, encoding: .utf8)
                    #expect(text == String(decoding: content, as: UTF8.self))
                } else {
                    #expect(
                        try Data(contentsOf: URL(fileURLWithPath: path)) == before[index - 1],
                        "round \(round): \(path) changed on the way"
                    )
                }
            }
        }
        // The whole set still reads back oldest first.
        let rounds = try CLI.run(["filter", "-c", "--rotated", log])
        #expect(rounds.stdoutText == "\(runs.count)\n")
    }

    @Test func copytruncateKeepsTheInodeAndModeIsKept() throws {
        let dir = try TemporaryDirectory()
        let log = try dir.write("a.jsonl", "x\ny\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: log)
        let before = try inode(log)
        #expect(try CLI.run(["rotate", "--force", "--copytruncate", log]).status == 0)
        #expect(try inode(log) == before)
        #expect(try gunzip(log + ".1.gz") == "x\ny\n")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "")

        _ = try dir.write("a.jsonl", "z\n")
        #expect(try CLI.run(["rotate", "--force", log]).status == 0)
        #expect(try inode(log) != before)
        let mode = try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as! NSNumber
        #expect(mode.intValue == 0o600)
    }

    /// Issue #25: `rotate --force DIR` renamed the directory to `DIR.1` and created an empty file in its place.
    @Test func aDirectoryIsNotRotated() throws {
        let dir = try TemporaryDirectory()
        let folder = dir.path("logs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        _ = try dir.write("logs/app.jsonl", "{}\n")
        let result = try CLI.run(["rotate", "--force", folder])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("cannot rotate \(folder): it is a directory; name the log file itself"),
            "\(result.stderr)"
        )
        #expect(try visibleNames(dir) == ["logs"])
        #expect(FileManager.default.fileExists(atPath: dir.path("logs/app.jsonl")))
    }

    @Test func belowOrEqualToMaxSizeDoesNothing() throws {
        let dir = try TemporaryDirectory()
        let log = try dir.write("a.jsonl", String(repeating: "x", count: 1023) + "\n")  // 1 KiB
        var result = try CLI.run(["rotate", "--max-size", "1K", log])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty && result.stdout.isEmpty)
        result = try CLI.run(["rotate", "--max-size", "1MB", "--verbose", log])
        #expect(result.status == 0)
        #expect(result.stderr.contains("not rotated"))
        #expect(try visibleNames(dir) == ["a.jsonl"])
        result = try CLI.run(["rotate", "--max-size", "1023", log])
        #expect(result.status == 0)
        #expect(try visibleNames(dir) == ["a.jsonl", "a.jsonl.1.gz"])
    }

    @Test func defaultMaxSizeIs100MiB() throws {
        let dir = try TemporaryDirectory()
        let log = try dir.write("a.jsonl", "x\n")
        #expect(try CLI.run(["rotate", log]).status == 0)
        #expect(try visibleNames(dir) == ["a.jsonl"])
    }

    @Test(arguments: [
        (["rotate", "--max-size", "10XB", "FILE"], "invalid size '10XB'"),
        (["rotate", "--keep", "-1", "FILE"], "--keep"),
        (["rotate", "--force", "MISSING"], "no such file"),
        (["rotate"], "file"),
    ])
    func usageAndInputErrorsExitTwo(arguments: [String], message: String) throws {
        let dir = try TemporaryDirectory()
        let log = try dir.write("a.jsonl", "x\n")
        let resolved = arguments.map { $0 == "FILE" ? log : $0 == "MISSING" ? dir.path("missing.jsonl") : $0 }
        let result = try CLI.run(resolved)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message))
    }

    @Test func helpHasExamples() throws {
        let result = try CLI.run(["rotate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("Examples:"))
        #expect(result.stdoutText.contains("--copytruncate"))
    }
}
