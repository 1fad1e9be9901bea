import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT (Ctrl-C) and SIGTERM, the one way every command handles them: a `sigaction` handler that only does what
/// a signal handler may (it records the signal, wakes a waiting thread through a pipe and, when a command drains,
/// exits at a second signal), and everything else outside it.
///
/// - `tail -f` runs on the main thread without Dispatch (``watchForPolling()``): its follow loop reads
///   ``received``. The handler is installed without `SA_RESTART`, so a signal cuts the loop's sleep or `poll` short
///   (`EINTR`) and the loop stops at once, whatever `--sleep-interval` is.
/// - `replay` and `load-pg` drain (``init(quiet:drainTimeout:draining:afterTimeout:onStop:)``): the first signal
///   stops reading and lets what is in flight drain, printed and acted on by a thread of its own, which is also the
///   one thread that takes the signals (Dispatch's threads block them); a second signal exits at once. The
///   checkpoint on disk is whole at any moment (it is replaced by rename), so stopping at once loses nothing: what
///   was not acknowledged is sent again by the next run.
///
/// A parent may start us with the signals blocked (Foundation's `Process` does): the thread that takes them
/// unblocks them for itself.
final class StopSignals: @unchecked Sendable {
    /// The first signal received (0: none yet). Written by the handler only.
    nonisolated(unsafe) private(set) static var received: Int32 = 0
    nonisolated(unsafe) private static var count: Int32 = 0
    /// A draining command: a second signal exits at once.
    nonisolated(unsafe) private static var exitsOnSecondSignal = false
    /// Where the handler writes a byte for the thread that acts on the first signal (-1: none).
    nonisolated(unsafe) private static var wakeDescriptor: Int32 = -1

    /// 130 after Ctrl-C, 143 after SIGTERM (128 + the signal, as shells report it).
    static func exitStatus(after signal: Int32) -> Int32 {
        signal == SIGTERM ? 128 + SIGTERM : ExitStatus.interrupted
    }

    /// For a loop that looks at ``received`` itself (`tail -f`): no second-signal exit, no thread.
    static func watchForPolling() {
        unblockOnThisThread()
        install(flags: 0)
    }

    private let descriptors: (read: Int32, write: Int32)

    /// Handles both signals; `onStop` runs once, at the first. With `drainTimeout`, the process exits that many
    /// seconds after the first signal if it has not ended by then. `draining` and `afterTimeout` say what happens,
    /// at the first signal and when the drain took too long (`afterTimeout` is taken then, so it can say how far
    /// the command got).
    init(
        quiet: Bool,
        drainTimeout: Double?,
        draining: String = "draining what is in flight and writing the checkpoint",
        afterTimeout: @escaping @autoclosure @Sendable () -> String =
            "the checkpoint keeps what was acknowledged, and the rest is sent again by the next run",
        onStop: @escaping @Sendable () -> Void
    ) {
        var pair: [Int32] = [-1, -1]
        _ = pair.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
        descriptors = (pair[0], pair[1])
        Self.wakeDescriptor = pair[1]
        Self.exitsOnSecondSignal = true
        let watch = FirstSignalWatch(
            descriptor: pair[0],
            quiet: quiet,
            drainTimeout: drainTimeout,
            draining: draining,
            afterTimeout: afterTimeout,
            onStop: onStop
        )
        Thread.detachNewThread { watch.run() }
        Self.install(flags: SA_RESTART)
    }

    /// Whether the first signal was SIGTERM (a service manager stopping a shipper: exit 0 after draining).
    var byTermination: Bool { Self.received == SIGTERM }

    /// 130 after Ctrl-C, 143 after SIGTERM.
    var exitStatus: Int32 { Self.exitStatus(after: Self.received) }

    /// Stops handling the signals: from now on they are ignored. (A drain timeout already running still ends the
    /// process.)
    func cancel() {
        for number in [SIGINT, SIGTERM] { signal(number, SIG_IGN) }
        var byte: UInt8 = 0
        _ = write(descriptors.write, &byte, 1)
    }

    /// Lets SIGINT and SIGTERM be delivered to the calling thread.
    static func unblockOnThisThread() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    private static func install(flags: Int32) {
        // The handler's state is set up here, so that the handler never initialises a global.
        _ = (received, count, exitsOnSecondSignal, wakeDescriptor)
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { StopSignals.handle($0) }
            #else
            action.__sigaction_u.__sa_handler = { StopSignals.handle($0) }
            #endif
            sigemptyset(&action.sa_mask)
            sigaddset(&action.sa_mask, SIGINT)
            sigaddset(&action.sa_mask, SIGTERM)
            action.sa_flags = flags
            sigaction(number, &action, nil)
        }
    }

    /// The handler: async-signal-safe calls only.
    private static func handle(_ number: Int32) {
        if received == 0 { received = number }
        count += 1
        if count > 1 && exitsOnSecondSignal { _exit(exitStatus(after: received)) }
        if wakeDescriptor >= 0 {
            var byte: UInt8 = 1
            _ = write(wakeDescriptor, &byte, 1)
        }
    }
}

/// The thread that acts on the first signal of a draining command: says so, calls `onStop`, and ends the process
/// when the drain outlasts its timeout.
private struct FirstSignalWatch: Sendable {
    let descriptor: Int32
    let quiet: Bool
    let drainTimeout: Double?
    let draining: String
    let afterTimeout: @Sendable () -> String
    let onStop: @Sendable () -> Void

    func run() {
        StopSignals.unblockOnThisThread()
        var byte: UInt8 = 0
        while true {
            let got = read(descriptor, &byte, 1)
            if got == 1 { break }
            if got < 0 && errno == EINTR { continue }
            return
        }
        // Ended before any signal.
        guard byte == 1 else { return }
        let number = StopSignals.received
        if !quiet {
            let how = number == SIGINT ? "interrupted" : "terminating"
            let again = number == SIGINT ? "Ctrl-C again" : "a second signal"
            StandardError.print("\nrunra-events: \(how): \(draining) (\(again) stops at once)")
        }
        onStop()
        guard let drainTimeout else { return }
        Thread.sleep(forTimeInterval: drainTimeout)
        if !quiet {
            let seconds = HumanDuration.text(seconds: drainTimeout)
            StandardError.print(
                "runra-events: the drain took longer than --drain-timeout (\(seconds)): stopping; \(afterTimeout())"
            )
        }
        _exit(StopSignals.received == SIGTERM ? ExitStatus.success : StopSignals.exitStatus(after: number))
    }
}
