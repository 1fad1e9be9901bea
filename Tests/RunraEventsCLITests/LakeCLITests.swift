import Foundation
import RunraEvents
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The independent readers of a lake: Tests/Tools/lake_check.py with pyarrow, DuckDB, polars and deltalake from the
/// test virtual environment (`make test-deps`).
enum LakeReaders {
    static var python: String {
        ProcessInfo.processInfo.environment["RUNRA_TEST_PYTHON"] ?? CLI.packageRoot.path
            + "/.build/test-venv/bin/python3"
    }

    /// Runs the checker on `lake` against `source`; returns its status and output.
    static func check(
        _ lake: String,
        source: String,
        _ options: [String] = []
    ) throws -> (status: Int32, output: String) {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python with the lake readers at \(python): run `make test-deps` (or set RUNRA_TEST_PYTHON)"
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CLI.packageRoot.path + "/Tests/Tools/lake_check.py", lake, source] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try process.waitForExit()
        return (process.terminationStatus, text)
    }

    /// The rows in the lake now (`format`: parquet or delta).
    static func count(_ lake: String, format: String) -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CLI.packageRoot.path + "/Tests/Tools/lake_check.py", "--count", lake, format]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try? process.waitForExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// `replay --to parquet`: archives and followed logs into Parquet files and Delta tables that pyarrow, DuckDB,
/// polars and delta-rs read back row for row (docs/lake.md).
@Suite(.serialized, .timeLimit(.minutes(10))) struct LakeCLITests {
    /// The generated archive (gzip) and the edge cases, and one file with every line, for the checker.
    func sources(in dir: TemporaryDirectory, events: Int = 30_000) throws -> (inputs: [String], all: String) {
        let archive = dir.path("events.jsonl.gz")
        #expect(
            try CLI.run(["generate", "--events", "\(events)", "--seed", "5", "--gzip", "--out", archive]).status == 0
        )
        let edges = CLI.fixture("lake/edge-cases.jsonl")
        let plain = try gunzip(Data(contentsOf: URL(fileURLWithPath: archive)))
        var all = plain
        all.append(try Data(contentsOf: URL(fileURLWithPath: edges)))
        let allPath = dir.path("all.jsonl")
        try all.write(to: URL(fileURLWithPath: allPath))
        return ([archive, edges], allPath)
    }

    func expectReadBack(_ lake: String, _ source: String, _ options: [String] = []) throws {
        let (status, output) = try LakeReaders.check(lake, source: source, options)
        #expect(status == 0, "\(output)")
    }

    @Test(arguments: [("zstd", "hour"), ("snappy", "day"), ("none", "none")])
    func anArchiveBecomesPartitionedFilesThatEveryReaderReadsRowForRow(codec: String, partition: String) throws {
        let dir = try TemporaryDirectory()
        let (inputs, all) = try sources(in: dir)
        let lake = dir.path("lake")
        let result = try CLI.run(
            [
                "replay", "-q", "--to", "parquet", "--set", "path=\(lake)", "--set", "compression=\(codec)",
                "--set", "partitionBy=\(partition)", "--set", "rollRows=8000", "--set", "rowGroupBytes=262144",
            ] + inputs
        )
        #expect(result.status == 0, "\(result.stderr)")
        try expectReadBack(lake, all, ["--codec", codec, "--partition", partition])
        let files = try FileManager.default.subpathsOfDirectory(atPath: lake).filter { $0.hasSuffix(".parquet") }
        #expect(files.count > 2, "rolled by rows: \(files)")
    }

    @Test func promotedColumnsHoldTheValuesOfTheirTypeAndNullOtherwise() throws {
        let dir = try TemporaryDirectory()
        let (inputs, all) = try sources(in: dir, events: 5000)
        let lake = dir.path("lake")
        let config = try dir.write(
            "lake.yaml",
            """
            observability:
              exporters:
                - provider: parquet
                  config:
                    path: \(lake)
                    columns: { "data.tool": string, "data.outputBytes": int64, "data.ok": boolean, "data.command": string }
            """
        )
        let result = try CLI.run(["replay", "-q", "--config", config] + inputs)
        #expect(result.status == 0, "\(result.stderr)")
        let columns =
            #"{"tool": ["data.tool", "string"], "output_bytes": ["data.outputBytes", "int64"], "ok": ["data.ok", "boolean"], "command": ["data.command", "string"]}"#
        try expectReadBack(lake, all, ["--columns", columns])
    }

    @Test func aDeltaTableIsReadByDeltaRsAndAgainAfterASecondRun() throws {
        let dir = try TemporaryDirectory()
        let (inputs, all) = try sources(in: dir, events: 8000)
        let lake = dir.path("table")
        let arguments = [
            "replay", "-q", "--to", "parquet", "--set", "path=\(lake)", "--set", "format=delta", "--set",
            "rollRows=3000",
        ]
        var result = try CLI.run(arguments + [inputs[0]])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(arguments + [inputs[1]])
        #expect(result.status == 0, "\(result.stderr)")
        try expectReadBack(lake, all, ["--format", "delta"])
        // A table written with other columns is refused before anything is written (exit 2).
        result = try CLI.run(arguments + ["--set", "partitionBy=day", inputs[1]])
        #expect(result.status == 2)
        #expect(result.stderr.contains("partitioned by"), "\(result.stderr)")
    }

    /// A shipper whose lake's disk fills: the group is tried again until space is freed, then every event lands
    /// once (the failed flush's files were discarded, and the group was exported again with the same origins).
    @Test func aShipperWaitsOutAFullDiskAndWritesEachEventOnce() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try CLI.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])
        try #require(mounted == 0, "mounting a 256 KiB tmpfs needs root (CI runs as root)")
        defer { _ = try? CLI.runTool("/bin/umount", [mountPoint]) }
        let log = dir.path("app.jsonl")
        let lake = mountPoint + "/lake"
        let total = 6000
        try FollowTest.appendLines((0..<total).map { LakeEvents.event($0) }, to: log)
        let shipper = try Shipper(
            [
                "--to", "parquet", "--set", "path=\(lake)", "--set", "compression=none", "--set", "partitionBy=none",
                "--set", "rollIntervalMs=300", "--checkpoint", dir.path("ship.ckpt"), log,
            ],
            stderrPath: dir.path("err")
        )
        let waiting = FollowTest.wait(.seconds(60)) { shipper.stderr.contains("trying again until it is delivered") }
        #expect(waiting, "the full disk was not noticed: \(shipper.stderr)")
        #expect(try CLI.runTool("/bin/mount", ["-o", "remount,size=16m", mountPoint]) == 0)
        let arrived = FollowTest.wait(.seconds(90)) { LakeReaders.count(lake, format: "parquet") >= total }
        #expect(arrived, "\(LakeReaders.count(lake, format: "parquet")) of \(total): \(shipper.stderr.suffix(2000))")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")
        let source = try dir.write("all.jsonl", (0..<total).map { LakeEvents.event($0) }.joined(separator: "\n") + "\n")
        try expectReadBack(lake, source, ["--codec", "none", "--partition", "none"])
    }

    /// Bad input lines are reported and skipped, as in every replay (docs/replay.md): the files hold the others.
    @Test func badLinesAreReportedAndTheFilesStayWhole() throws {
        let dir = try TemporaryDirectory()
        let good = (0..<50).map { LakeEvents.event($0) }
        let input = try dir.write(
            "mixed.jsonl",
            (good.prefix(20) + ["{not json", #"{"id":"x"}"#] + good.dropFirst(20)).joined(separator: "\n") + "\n"
        )
        let source = try dir.write("good.jsonl", good.joined(separator: "\n") + "\n")
        let lake = dir.path("lake")
        let result = try CLI.run(["replay", "--to", "parquet", "--set", "path=\(lake)", input])
        #expect(
            result.stderr.contains("mixed.jsonl:21:") && result.stderr.contains("mixed.jsonl:22:"),
            "\(result.stderr)"
        )
        try expectReadBack(lake, source)
    }

    /// A disk that fills while a file is written: the group is given up and dead-lettered (on another disk), no
    /// partial or temporary file is left, and the exit says an exporter failed.
    @Test func aFullDiskGivesUpTheFileAndDeadLettersItsEvents() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try CLI.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])
        try #require(mount == 0, "mounting a 256 KiB tmpfs needs root (CI runs as root)")
        defer { _ = try? CLI.runTool("/bin/umount", [mountPoint]) }
        let events = (0..<20_000).map { LakeEvents.event($0) }
        let input = try dir.write("in.jsonl", events.joined(separator: "\n") + "\n")
        let lake = mountPoint + "/lake"
        let result = try CLI.run(
            [
                "replay", "--to", "parquet", "--set", "path=\(lake)", "--set", "compression=none", "--set",
                "partitionBy=none",
                "--dead-letter", dir.path("dead.jsonl"), input,
            ])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        let dead = try String(contentsOfFile: dir.path("dead.jsonl"), encoding: .utf8).split(separator: "\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: lake)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "\(files)")
        // What is in the lake and what was dead-lettered are all the events, once.
        let stored = files.filter { $0.hasSuffix(".parquet") }.isEmpty ? 0 : LakeReaders.count(lake, format: "parquet")
        #expect(stored + dead.count == events.count, "\(stored) stored, \(dead.count) dead-lettered")
        #expect(dead.count > 0)
    }

    /// A pipe (`<(zcat …)`) has no stable origin: naming its files must not read from it (that once took its
    /// first lines from the replay).
    @Test func aPipeAsInputLosesNoLine() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.path("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let lines = (0..<300).map { LakeEvents.event($0) }
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                try? handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
                try? handle.close()
            }
        }
        writer.start()
        let lake = dir.path("lake")
        let result = try CLI.run(["replay", "-q", "--to", "parquet", "--set", "path=\(lake)", fifo])
        #expect(result.status == 0, "\(result.stderr)")
        try expectReadBack(lake, try dir.write("all.jsonl", lines.joined(separator: "\n") + "\n"))
    }

    @Test func aPathThatCannotHoldTheLakeIsRefusedBeforeAnythingIsRead() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("file", "x")
        let input = try dir.write("in.jsonl", LakeEvents.event(1) + "\n")
        for path in ["\(file)/lake", "/proc/runra-lake"] {
            let result = try CLI.run(["replay", "--to", "parquet", "--set", "path=\(path)", input])
            #expect(result.status == 2, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("config.path"), "\(result.stderr)")
        }
    }

    /// A run stopped after it renamed (or committed) a file and before its checkpoint said so: the next run starts
    /// that file again from the checkpoint and writes it under the same name (a Delta commit removes the earlier
    /// one), even when it ends elsewhere this time.
    @Test(arguments: ["parquet", "delta"])
    func aRunResumedFromABehindCheckpointReplacesTheFileItWroteAgain(format: String) throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let lake = dir.path("lake")
        let checkpoint = dir.path("run.ckpt")
        func replay(rollRows: Int) throws {
            let result = try CLI.run(
                [
                    "replay", "-q", "--to", "parquet", "--set", "path=\(lake)", "--set", "format=\(format)", "--set",
                    "batchSize=500",
                    "--set", "rollRows=\(rollRows)", "--checkpoint", checkpoint, log,
                ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try FollowTest.appendLines((0..<2000).map { LakeEvents.event($0) }, to: log)
        try replay(rollRows: 1000)
        let behind = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        try FollowTest.appendLines((2000..<3000).map { LakeEvents.event($0) }, to: log)
        try replay(rollRows: 1000)
        // The crash: the checkpoint is back before the last file, and more lines came.
        try behind.write(to: URL(fileURLWithPath: checkpoint))
        try FollowTest.appendLines((3000..<5000).map { LakeEvents.event($0) }, to: log)
        try replay(rollRows: 1500)
        let source = try dir.write("all.jsonl", (0..<5000).map { LakeEvents.event($0) }.joined(separator: "\n") + "\n")
        try expectReadBack(lake, source, ["--format", format])
    }

    /// A Delta writer killed between a file's rename and its commit leaves a file no commit added: the next run
    /// removes it (no reader of the table saw it; its events are written again from the checkpoint).
    @Test func aDeltaFileThatWasNeverCommittedIsRemovedByTheNextRun() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("in.jsonl", (0..<300).map { LakeEvents.event($0) }.joined(separator: "\n") + "\n")
        let lake = dir.path("table")
        let arguments = ["replay", "-q", "--to", "parquet", "--set", "path=\(lake)", "--set", "format=delta", input]
        #expect(try CLI.run(arguments).status == 0)
        let committed = try #require(
            try FileManager.default.subpathsOfDirectory(atPath: lake).first { $0.hasSuffix(".parquet") }
        )
        let orphan = (committed as NSString).deletingLastPathComponent + "/part-orphan-0-1-1234.zstd.parquet"
        try FileManager.default.copyItem(atPath: "\(lake)/\(committed)", toPath: "\(lake)/\(orphan)")
        let empty = try dir.write("empty.jsonl", "")
        #expect(try CLI.run(Array(arguments.dropLast()) + [empty]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(lake)/\(orphan)"))
        #expect(FileManager.default.fileExists(atPath: "\(lake)/\(committed)"))
        try expectReadBack(lake, input, ["--format", "delta"])
    }

    /// kill -9 at random moments while the log rotates, and restarts: every event in the lake exactly once.
    @Test(arguments: ["parquet", "delta"])
    func killNineWhileFollowingARotatingLogLeavesEachEventOnce(format: String) throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let lake = dir.path("lake")
        let total = 12_000
        let arguments = [
            "--to", "parquet", "--set", "path=\(lake)", "--set", "format=\(format)", "--set", "rollIntervalMs=300",
            "--set", "rollRows=700", "--set", "batchSize=200", "--checkpoint", dir.path("ship.ckpt"), log,
        ]
        let writer = Thread {
            for start in stride(from: 0, to: total, by: 100) {
                try? FollowTest.appendLines((start..<(start + 100)).map { LakeEvents.event($0) }, to: log)
                usleep(20_000)
            }
        }
        writer.start()
        var shipper = try Shipper(arguments, stderrPath: dir.path("err0"))
        var kills = 0
        let clock = ContinuousClock()
        let writingEnds = clock.now + .seconds(3)
        while clock.now < writingEnds || kills < 4 {
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...0.7))
            if kills % 2 == 0 { #expect(try CLI.run(["rotate", "--force", "--keep", "1000", "-q", log]).status == 0) }
            kill(shipper.process.processIdentifier, SIGKILL)
            try shipper.process.waitForExit(timeout: .seconds(30))
            kills += 1
            shipper = try Shipper(arguments, stderrPath: dir.path("err\(kills)"))
        }
        let source = try dir.write("all.jsonl", (0..<total).map { LakeEvents.event($0) }.joined(separator: "\n") + "\n")
        let arrived = FollowTest.wait(.seconds(90)) { LakeReaders.count(lake, format: format) >= total }
        #expect(arrived, "\(LakeReaders.count(lake, format: format)) of \(total) rows: \(shipper.stderr.suffix(2000))")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")
        try expectReadBack(lake, source, ["--format", format])
    }
}

/// Events spread over three hours, with the fields every row has.
enum LakeEvents {
    static func event(_ n: Int) -> String {
        let seconds = n  // one a second from 10:00: 12,000 events reach 13:20
        let time = String(
            format: "2026-06-15T%02d:%02d:%02d.%06dZ",
            10 + seconds / 3600,
            (seconds / 60) % 60,
            seconds % 60,
            n % 1_000_000
        )
        return
            #"{"id":"evt_\#(n)","timestamp":"\#(time)","type":"exec.completed","sandboxId":"sb_\#(n % 7)","runId":"run_1","data":{"command":"make","exitCode":\#(n % 5 == 0 ? 1 : 0),"durationMs":\#(n % 977)}}"#
    }
}

extension FollowTest {
    /// Appends `lines` to `path` in one write.
    static func appendLines(_ lines: [String], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension CLI {
    /// Runs a system program quietly; returns its exit status.
    static func runTool(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try process.waitForExit()
        return process.terminationStatus
    }
}
