import Foundation
@testable import RunraEvents
import Testing

/// Runs an ``EventFilter`` over files and returns what it wrote and reported.
struct FilterRun {
    var output: String
    var badLines: [BadLine]
    var summary: EventFilter.Summary

    var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    static func run(
        _ filter: EventFilter,
        paths: [String],
        options: ReadOptions = ReadOptions()
    ) throws -> FilterRun {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runra-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let writer = ByteWriter(fileDescriptor: handle.fileDescriptor)
        var bad: [BadLine] = []
        let summary = try filter.run(paths: paths, options: options, output: writer, onBadLine: { bad.append($0) })
        try writer.flush()
        try handle.close()
        let data = try Data(contentsOf: url)
        return FilterRun(output: String(decoding: data, as: UTF8.self), badLines: bad, summary: summary)
    }
}

/// The package's `Fixtures/` folder.
enum Fixtures {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}

/// A temporary file removed when the value goes away.
final class TemporaryFile {
    let path: String
    init(_ contents: Data, suffix: String = ".jsonl") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("runra-\(UUID().uuidString)\(suffix)").path
        try contents.write(to: URL(fileURLWithPath: path))
    }
    convenience init(_ text: String) throws { try self.init(Data(text.utf8)) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// gzip-compresses `data` with the system gzip (`-n`: no timestamp).
func gzipped(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    try process.waitForExit()
    return result
}

/// Thrown when a child process is still running even after `waitForExit(timeout:)` killed it, so its
/// `terminationStatus` cannot be read.
struct ProcessDidNotExit: Error, CustomStringConvertible {
    var process: String
    var description: String { "\(process) is still running after SIGKILL" }
}

extension Process {
    /// Waits until the process has ended, polling `isRunning` with short sleeps. Never `waitUntilExit()`: on Linux it
    /// can miss the exit and hang. After `timeout` it records an issue and kills the process with SIGKILL; it throws
    /// ``ProcessDidNotExit`` only when even that does not end it, so `terminationStatus` and `terminationReason` are
    /// safe to read once it returns.
    func waitForExit(timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation) throws {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        guard isRunning else { return }
        killAfterWaiting(timeout, sourceLocation)
        let killDeadline = ContinuousClock.now + .seconds(10)
        while isRunning && ContinuousClock.now < killDeadline { usleep(10_000) }
        try checkExitedAfterKill()
    }

    /// ``waitForExit(timeout:sourceLocation:)`` for async code: sleeps with `Task.sleep`, so it never blocks a
    /// cooperative thread. A cancelled wait kills the process at once.
    func waitForExit(
        timeout: Duration = .seconds(120),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard isRunning else { return }
        killAfterWaiting(Task.isCancelled ? nil : timeout, sourceLocation)
        let killDeadline = ContinuousClock.now + .seconds(10)
        while isRunning && ContinuousClock.now < killDeadline {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { usleep(10_000) }  // cancelled: still bounded
        }
        try checkExitedAfterKill()
    }

    /// The program and its first argument ("env gzip", "runra-events filter"), for messages.
    private var shortName: String {
        ([executableURL?.lastPathComponent ?? "child process"] + (arguments ?? []).prefix(1)).joined(separator: " ")
    }

    private func killAfterWaiting(_ timeout: Duration?, _ sourceLocation: SourceLocation) {
        let waited = timeout.map { "did not exit within \($0)" } ?? "was running when the wait was cancelled"
        Issue.record("\(shortName) (pid \(processIdentifier)) \(waited); killed", sourceLocation: sourceLocation)
        kill(processIdentifier, SIGKILL)
    }

    private func checkExitedAfterKill() throws {
        guard isRunning else { return }
        throw ProcessDidNotExit(process: shortName)
    }
}
