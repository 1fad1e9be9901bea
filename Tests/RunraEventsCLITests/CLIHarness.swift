import Foundation
import RunraTestSupport
import Testing

/// Runs the built `runra-events` binary and captures what it did.
struct CLIResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stdoutLines: [String] {
        stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

enum CLI {
    /// The executable under test: `RUNRA_EVENTS_BINARY` when set (`make test` runs this suite a second time
    /// against the release build), else the one SwiftPM built beside this test bundle.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["RUNRA_EVENTS_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("runra-events")
    }()

    /// The package's root folder, for `Fixtures/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ path: String) -> String {
        packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(path).path
    }

    /// Compresses `path` in place with the system gzip (no name or time in the header): returns `path.gz`.
    static func gzipInPlace(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", "-f", path]
        try process.run()
        try process.waitForExit()
        #expect(process.terminationStatus == 0)
        return path + ".gz"
    }

    /// Runs `runra-events arguments…` with `stdin` as standard input.
    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        // Read both pipes on threads while the process runs, so a large output cannot block it and a process that
        // hangs is killed by `waitForExit` (which ends the reads) instead of hanging the test.
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let outThread = Thread { outData = outPipe.fileHandleForReading.readDataToEndOfFile() }
        let errThread = Thread { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        outThread.start()
        errThread.start()
        if let stdin { inPipe.fileHandleForWriting.write(stdin) }
        try inPipe.fileHandleForWriting.close()
        try process.waitForExit()
        while !outThread.isFinished || !errThread.isFinished { usleep(1000) }
        return CLIResult(
            status: process.terminationStatus,
            stdout: outData,
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

/// A `runra-events` process whose output is read while it runs (`tail -f`), and whose standard input stays open
/// until the test closes it, as behind `tail -f log | runra-events …`.
final class RunningCLI: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()
    let input = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = input
        outPipe.fileHandleForReading.readabilityHandler = { [lock] handle in
            let data = handle.availableData
            lock.withLock { self.output.append(data) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [lock] handle in
            let data = handle.availableData
            lock.withLock { self.errors.append(data) }
        }
        try process.run()
    }

    /// Writes `text` to the child's standard input (which stays open).
    func send(_ text: String) {
        sendData(Data(text.utf8))
    }

    /// Writes `data` to the child's standard input (which stays open).
    func sendData(_ data: Data) {
        input.fileHandleForWriting.write(data)
    }

    /// Closes the child's standard input (the writer of the pipe goes away).
    func closeInput() throws {
        try input.fileHandleForWriting.close()
    }

    var stdoutText: String { lock.withLock { String(decoding: output, as: UTF8.self) } }

    /// Waits until `condition` holds for the output so far (or 30 s pass); returns whether it did.
    func waitForOutput(_ condition: (String) -> Bool) -> Bool {
        wait { condition(stdoutText) }
    }

    /// Whether the child ended within `timeout` by itself; it is killed otherwise (without recording an issue,
    /// so the caller's expectation names the failure). Its output is read to the end either way.
    func exitsWithin(_ timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        let exited = !process.isRunning
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { usleep(10_000) }
        }
        usleep(100_000)  // let the readability handlers take the last bytes
        return exited
    }

    var lines: [String] {
        lock.withLock { String(decoding: output, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    var stderr: String { lock.withLock { String(decoding: errors, as: UTF8.self) } }

    /// Waits until `condition` holds (or 30 s pass); returns whether it did.
    @discardableResult
    func wait(until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    func waitForLines(_ count: Int) -> Bool { wait { lines.count >= count } }

    /// Waits for the process to end (kills it after 30 s, a recorded issue) and for its output to be read.
    func finish(sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32 {
        try process.waitForExit(timeout: .seconds(30), sourceLocation: sourceLocation)
        usleep(100_000)  // let the readability handlers take the last bytes
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
