public import Foundation
public import Testing

/// Thrown when a child process is still running even after `waitForExit(timeout:)` killed it, so its
/// `terminationStatus` cannot be read.
public struct ProcessDidNotExit: Error, CustomStringConvertible {
    public var process: String
    public var description: String { "\(process) is still running after SIGKILL" }
}

extension Process {
    /// Waits until the process has ended, polling `isRunning` with short sleeps. Never `waitUntilExit()`: on Linux it
    /// can miss the exit and hang. After `timeout` it records an issue and kills the process with SIGKILL; it throws
    /// ``ProcessDidNotExit`` only when even that does not end it, so `terminationStatus` and `terminationReason` are
    /// safe to read once it returns.
    public func waitForExit(
        timeout: Duration = .seconds(120),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
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
    public func waitForExit(
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
