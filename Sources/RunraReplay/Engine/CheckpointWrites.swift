import Foundation
import RunraEvents

/// Writes the checkpoint when it changed, one write at a time: every ``ReplayOptions/checkpointInterval``, and when
/// an exporter acknowledged at `flush` asks for it (``ReplayEngine/checkpointNow()``). Without a checkpoint file
/// it only tells the cursor how far everything is acknowledged (for the lag).
final class CheckpointWrites<Cursor: ReplayCursor>: @unchecked Sendable {
    private let cursor: Cursor
    private let keeper: CheckpointKeeper?
    private let tracker: CommitTracker
    private let eventsRead: @Sendable () -> Int
    private let lock = NSLock()
    private var written: Cursor.Checkpoint?

    init(
        cursor: Cursor,
        keeper: CheckpointKeeper?,
        tracker: CommitTracker,
        eventsRead: @escaping @Sendable () -> Int
    ) {
        self.cursor = cursor
        self.keeper = keeper
        self.tracker = tracker
        self.eventsRead = eventsRead
    }

    /// Writes the checkpoint if it moved since the last write; a failed write is said by the keeper and tried again
    /// by the next call.
    func writeIfChanged() {
        lock.withLock {
            let eventsRead = eventsRead()
            let committed = tracker.committed
            guard let keeper else {
                cursor.acknowledged(through: committed)
                return
            }
            guard let checkpoint = cursor.checkpoint(committed: committed), checkpoint != written else { return }
            if keeper.write(eventsRead: eventsRead, { try cursor.write(checkpoint, to: keeper.path) }) {
                written = checkpoint
            }
        }
    }
}
