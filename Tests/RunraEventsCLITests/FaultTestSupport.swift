import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Shell plumbing for the fault-injection tests: `/bin/sh -c` scripts (redirections, `ulimit`, pipes into `head`).
enum FaultShell {
    /// `text` in single quotes for `/bin/sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `runra-events arguments…` as a shell command line.
    static func command(_ arguments: [String]) -> String {
        ([CLI.executable.path] + arguments).map(quote).joined(separator: " ")
    }

    /// Runs `script` with `/bin/sh -c`; returns its status and standard error (standard output is the script's).
    static func run(_ script: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `runra-events arguments… | head -1` and returns runra-events' own exit status and standard error
    /// (POSIX sh has no PIPESTATUS: the status goes through a file).
    static func pipedIntoHead(
        _ arguments: [String],
        folder: TemporaryDirectory
    ) throws -> (status: String, stderr: String) {
        let statusFile = folder.path("status-\(UUID().uuidString)")
        let errorFile = folder.path("stderr-\(UUID().uuidString)")
        let script =
            "( \(command(arguments)) 2> \(quote(errorFile)); echo $? > \(quote(statusFile)) ) | head -1 > /dev/null"
        _ = try run(script)
        let status = try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        return (status, (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
    }
}

/// A generated log shared by the fault tests that need a big input.
enum FaultSample {
    static let events = 150_000

    /// 150,000 generated events (about 37 MB): more than the reader's read-ahead and a pipe's buffer. Deterministic,
    /// so it is generated once (into a temporary name, then renamed) and reused by later runs.
    static let big: String = {
        let folder = FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("runra-fault-sample-s11-\(events).jsonl").path
        if !FileManager.default.fileExists(atPath: path) {
            let partial = folder.appendingPathComponent("runra-fault-sample-\(UUID().uuidString).partial").path
            _ = try? CLI.run(["generate", "--events", "\(events)", "--seed", "11", "--out", partial])
            rename(partial, path)
        }
        return path
    }()

    /// The lines of ``big``.
    static var bigLines: [Substring] {
        get throws { try String(contentsOfFile: big, encoding: .utf8).split(separator: "\n") }
    }
}

/// `psql` against a test server.
enum PSQL {
    /// Runs `psql -tA -c sql` on `url` and returns its trimmed output; its standard error is dropped unless
    /// `quietErrors` is false.
    static func run(_ url: String, _ sql: String, quietErrors: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        if quietErrors { process.standardError = FileHandle.nullDevice }
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
