import Foundation
import RunraEvents

/// Writes the checkpoint while the replay runs and keeps its ``CheckpointHealth``: a failed write is said at once
/// (once, with the reason, until a write succeeds again), counted, and tried again by the next write. With a
/// backlog limit it tells the dispatcher to stop reading while that many events were read since the last write.
final class CheckpointKeeper: @unchecked Sendable {
    let path: String
    private let backlogLimit: Int?
    private let notice: @Sendable (String) -> Void
    private let lock = NSLock()
    private var failure: String?
    private var failingSince: ContinuousClock.Instant?
    private var failedWrites = 0
    private var failedInARow = 0
    private var eventsAtWrite = 0
    private var paused = false
    private var pauseAnnounced = false

    /// A keeper of the checkpoint at `path`; `notice` hears of failures, pauses and recoveries.
    init(path: String, backlogLimit: Int?, notice: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.backlogLimit = backlogLimit
        self.notice = notice
    }

    /// Runs `write` for a checkpoint taken when `eventsRead` events had been read; false when it failed.
    @discardableResult
    func write(eventsRead: Int, _ write: () throws -> Void) -> Bool {
        do {
            try write()
        } catch {
            failed((error as? RunraError)?.message ?? "\(error)")
            return false
        }
        let recovered: Int? = lock.withLock {
            defer { (failure, failingSince, failedInARow, eventsAtWrite) = (nil, nil, 0, eventsRead) }
            return failure == nil ? nil : failedInARow
        }
        if let recovered {
            notice(
                "checkpoint \(path) written again after \(recovered) failed attempt\(recovered == 1 ? "" : "s"); "
                    + "reading goes on"
            )
        }
        return true
    }

    private func failed(_ reason: String) {
        let first = lock.withLock {
            defer {
                failure = reason
                failedWrites += 1
                failedInARow += 1
            }
            if failure == nil { failingSince = .now }
            return failure == nil
        }
        if first {
            notice(
                "warning: \(reason) (\(CheckpointFile.advice)); trying again until it is written, and until then "
                    + "a restart sends again the events read since the last checkpoint"
            )
        }
    }

    /// Whether reading must wait: `eventsRead` is at least the backlog limit past the last checkpoint written. While
    /// writes succeed (every interval) that takes more events than a shipper reads meanwhile; when they fail, this
    /// is what bounds what a restart sends again. Said once per pause, when writes are failing.
    func holdsReading(eventsRead: Int) -> Bool {
        guard let backlogLimit else { return false }
        let (holds, announce, backlog) = lock.withLock {
            let backlog = eventsRead - eventsAtWrite
            let holds = backlog >= backlogLimit
            let announce = holds && failure != nil && !pauseAnnounced
            paused = holds
            pauseAnnounced = holds && (pauseAnnounced || announce)
            return (holds, announce, backlog)
        }
        if announce {
            notice(
                "warning: reading paused: the checkpoint \(path) has not been written for \(backlog) events, which a "
                    + "restart would send again; reading resumes once it is written"
            )
        }
        return holds
    }

    /// The health now, `eventsRead` events having been read.
    func health(eventsRead: Int) -> CheckpointHealth {
        lock.withLock {
            CheckpointHealth(
                failure: failure,
                failingSeconds: failingSince.map { (ContinuousClock.now - $0).seconds } ?? 0,
                failedWrites: failedWrites,
                eventsSinceWritten: max(0, eventsRead - eventsAtWrite),
                readingPaused: paused
            )
        }
    }
}
