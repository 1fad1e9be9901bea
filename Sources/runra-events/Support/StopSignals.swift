import Dispatch
import Foundation

/// SIGINT (Ctrl-C) and SIGTERM for `replay`: the first stops reading and lets what is in flight drain; a second
/// one exits at once. The checkpoint on disk is whole at any moment (it is replaced by rename), so stopping at
/// once loses nothing: what was not acknowledged is sent again by the next run.
final class StopSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var first: Int32?
    private var count = 0

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
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let seen = lock.withLock {
                    count += 1
                    if first == nil { first = number }
                    return count
                }
                guard seen == 1 else { _exit(exitStatus) }
                if !quiet {
                    let how = number == SIGINT ? "interrupted" : "terminating"
                    let again = number == SIGINT ? "Ctrl-C again" : "a second signal"
                    StandardError.print("\nrunra-events: \(how): \(draining) (\(again) stops at once)")
                }
                onStop()
                if let drainTimeout {
                    DispatchQueue.global().asyncAfter(deadline: .now() + drainTimeout) { [self] in
                        if !quiet {
                            let seconds = HumanDuration.text(seconds: drainTimeout)
                            StandardError.print(
                                "runra-events: the drain took longer than --drain-timeout (\(seconds)): stopping; \(afterTimeout())"
                            )
                        }
                        _exit(byTermination ? ExitStatus.success : exitStatus)
                    }
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether the first signal was SIGTERM (a service manager stopping a shipper: exit 0 after draining).
    var byTermination: Bool { lock.withLock { first == SIGTERM } }

    /// 130 after Ctrl-C, 143 after SIGTERM (128 + the signal, as shells report it).
    var exitStatus: Int32 { lock.withLock { first == SIGTERM ? 128 + SIGTERM : ExitStatus.interrupted } }

    /// Stops handling the signals.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
