import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A log written by `Tests/Tools/log_writer.py` and rotated by the real `logrotate` (Debian's package) with a
/// configuration as users copy it, for the `replay --follow` tests.
final class LogrotateSetup {
    let dir: TemporaryDirectory
    let log: String
    let directives: [String]

    /// `logs/app.jsonl` under `dir`, rotated with `directives` (`rotate 200` and `missingok` are added, and a
    /// postrotate `kill -HUP` to the writer when `signalsWriter`).
    init(
        dir: TemporaryDirectory,
        logName: String = "app.jsonl",
        directives: [String],
        signalsWriter: Bool = false
    ) throws {
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path("archive"), withIntermediateDirectories: true)
        log = dir.path("logs/\(logName)")
        var body = ["rotate 200", "missingok"] + directives
        if signalsWriter {
            body += ["postrotate", "  kill -HUP $(cat \(dir.path("writer.pid"))) 2>/dev/null || true", "endscript"]
        }
        let conf = "\(log) {\n" + body.map { "  \($0)\n" }.joined() + "}\n"
        FileManager.default.createFile(
            atPath: dir.path("logrotate.conf"),
            contents: Data(conf.utf8),
            attributes: [.posixPermissions: 0o644]
        )
        self.directives = directives
    }

    /// Whether Debian's logrotate is installed (`make test` installs it).
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/logrotate") }

    /// One forced rotation, as cron's run would do when due; logrotate's own refusals (a dated name that already
    /// exists) are part of real life and are not errors here.
    @discardableResult
    func rotate() throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/logrotate")
        process.arguments = ["-f", "-s", dir.path("logrotate.state"), dir.path("logrotate.conf")]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit(timeout: .seconds(60))
        return CLIResult(
            status: process.terminationStatus,
            stdout: Data(),
            stderr: String(decoding: data, as: UTF8.self)
        )
    }

    /// Starts the writer: events `first` … `first + count - 1`, about 13,000 lines a second.
    func startWriter(mode: String, first: Int = 0, count: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = CLI.packageRoot.appendingPathComponent("Tests/Tools/log_writer.py").path
        process.arguments = [
            "python3", script, log, "--mode", mode, "--first", "\(first)", "--count", "\(count)",
            "--pidfile", dir.path("writer.pid"),
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        _ = FollowTest.wait(.seconds(10)) { FileManager.default.fileExists(atPath: dir.path("writer.pid")) }
        return process
    }

    /// Rotates every 0.4–1.1 s while `writer` runs; returns how many rotations logrotate reported as done.
    func rotateWhileRunning(_ writer: Process, seed: UInt64) throws -> Int {
        var generator = StatsRandom(seed: seed)
        var rotations = 0
        while writer.isRunning {
            Thread.sleep(forTimeInterval: Double.random(in: 0.4...1.1, using: &generator))
            if try rotate().status == 0 { rotations += 1 }
        }
        try writer.waitForExit(timeout: .seconds(60))
        return rotations
    }

    /// The ids of the events on disk now, in every file of `logs/` and `archive/` (gzip files decompressed by the
    /// system gzip): what a shipper can deliver. Lines written in `copytruncate`'s window between the copy and the
    /// truncation are on no disk.
    func idsOnDisk() throws -> Set<String> {
        var ids = Set<String>()
        for folder in ["logs", "archive"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path(folder)) {
                let path = dir.path("\(folder)/\(name)")
                var data = try Data(contentsOf: URL(fileURLWithPath: path))
                if name.hasSuffix(".gz") { data = try gunzip(data) }
                let copy = dir.path("ondisk.tmp")
                try data.write(to: URL(fileURLWithPath: copy))
                ids.formUnion(FollowTest.ids(inFile: copy))
            }
        }
        return ids
    }

    /// The names in `logs/` and `archive/`, for messages.
    var listing: String {
        ["logs", "archive"].map { folder in
            folder + ": "
                + ((try? FileManager.default.contentsOfDirectory(atPath: dir.path(folder)).sorted()) ?? []).joined(
                    separator: " "
                )
        }.joined(separator: "\n")
    }
}

/// What a sink holds compared with what was written: every id once, nothing else.
struct Delivery: CustomStringConvertible {
    var missing: Int
    var duplicated: Int
    var total: Int

    init(ids: [String], expected count: Int) {
        var seen: [String: Int] = [:]
        for id in ids { seen[id, default: 0] += 1 }
        missing = (0..<count).filter { seen["evt_\($0)"] == nil }.count
        duplicated = seen.values.reduce(0) { $0 + max(0, $1 - 1) }
        total = ids.count
    }

    var isExactlyOnce: Bool { missing == 0 && duplicated == 0 }
    var description: String { "\(total) delivered, \(missing) missing, \(duplicated) duplicated" }
}
