public import RunraEvents
public import RunraReplay

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The `exec` exporter: pipes events as JSONL into the standard input of one long-running process.
///
/// - `initialize` starts `command` with `args` (looked up in `PATH`), optionally with extra `env` and a `cwd`.
///   The child's stdout and stderr are ours.
/// - `export` writes each event's line verbatim plus `"\n"`, in order, and returns once the child's stdin
///   (the pipe) has taken all of them; a slow reader slows the replay down, nothing is dropped.
/// - A child that has ended, or that closes its stdin, makes `export` and `flush` throw a
///   ``RunraError/Code/exporter`` error naming the command and its exit status or signal.
/// - `dispose` closes the child's stdin and waits up to `exitTimeoutMs` (10 s) for it to exit, then sends
///   SIGTERM (and SIGKILL two seconds later). A non-zero exit at that point is reported on stderr.
///
/// Writes and waits block, so the actor runs on its own ``BlockingExecutor``.
public actor ExecExporter: EventExporter {
    public nonisolated let id = "exec"

    private let executor = BlockingExecutor(label: "runra-events.exec-exporter")
    private var settings: ExecExporterSettings?
    private var child: ChildProcess?
    private var buffer: [UInt8] = []
    /// Whether a thrown error already told how the child ended (so `dispose` does not repeat it).
    private var endReported = false

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// An exporter that does nothing until ``initialize(configuration:)``.
    public init() {}

    public func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try ExecExporterSettings(configuration)
        self.settings = settings
        do {
            child = try ChildProcess(
                command: settings.command,
                arguments: settings.arguments,
                environment: settings.environment,
                directory: settings.workingDirectory
            )
        } catch {
            var message = "exec exporter: cannot start \(settings.displayName)"
            if error.step != ChildProcessError.spawning { message += " (\(error.step))" }
            message += ": \(error.reason)"
            if error.errno == ENOENT {
                if let directory = settings.workingDirectory {
                    message += " (check the command and the cwd \(directory))"
                } else if !settings.command.contains("/") {
                    message += " (not found in PATH; give the full path)"
                }
            }
            throw RunraError(.exporter, message)
        }
    }

    public func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        let (child, settings) = try started()
        if let status = child.poll() { throw ended(settings, status) }
        buffer.removeAll(keepingCapacity: true)
        for event in events {
            buffer += event.line
            buffer.append(UInt8(ascii: "\n"))
        }
        let result = child.write(buffer)
        if result == EPIPE {
            // The child closed its stdin: it has exited or is about to; say how, if it does so promptly.
            if let status = child.wait(milliseconds: 2_000) { throw ended(settings, status) }
            throw RunraError(
                .exporter,
                "exec exporter: \(settings.displayName) (pid \(child.pid)) closed its standard input; "
                    + "\(events.count) events were not delivered"
            )
        }
        if result != 0 {
            throw RunraError(
                .exporter,
                "exec exporter: writing to \(settings.displayName) failed: \(String(cString: strerror(result)))"
            )
        }
        return ExportOutcome(bytesSent: buffer.count)
    }

    /// Every ``export(_:)`` has written its lines to the pipe already; this only checks the child is still running.
    public func flush() async throws {
        let (child, settings) = try started()
        if let status = child.poll() { throw ended(settings, status) }
    }

    public func dispose() async {
        guard let child, let settings else { return }
        self.child = nil
        child.closeInput()
        var note: String?
        if let status = child.wait(milliseconds: settings.exitTimeoutMs) {
            if !status.isSuccess && !endReported { note = "\(settings.displayName) \(status) after its input ended" }
        } else {
            let status = child.terminate(graceMilliseconds: 2_000)
            note =
                "\(settings.displayName) did not exit within \(settings.exitTimeoutMs) ms of its input ending; "
                + "stopped it (\(status.map(String.init(describing:)) ?? "still running"))"
        }
        if let note {
            // dispose cannot throw; the replay has its result already, so this is for the user only.
            let line = "runra-events: exec exporter: \(note)\n"
            _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        }
    }

    private func started() throws -> (ChildProcess, ExecExporterSettings) {
        guard let child, let settings else {
            throw RunraError(.exporter, "exec exporter: used before initialize succeeded, or after dispose")
        }
        return (child, settings)
    }

    private func ended(_ settings: ExecExporterSettings, _ status: ChildExitStatus) -> RunraError {
        endReported = true
        return RunraError(
            .exporter,
            "exec exporter: \(settings.displayName) \(status) while events were still being sent; "
                + "it must keep reading its standard input until it ends"
        )
    }
}
