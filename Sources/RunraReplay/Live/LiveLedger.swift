import Foundation
import RunraEvents

/// Turns the engine's acknowledged position into how far each followed file was delivered: the checkpoint of
/// `replay --follow`, and the lag the status line shows.
///
/// Each piece the reader hands out gets a sequence number; its events are positions `(sequence, 1…n)` and its
/// end is `(sequence, n + 1)`. When the engine reports that everything through a position was acknowledged,
/// every piece before it is delivered to its end, and the piece it falls in up to that event.
final class LiveLedger: @unchecked Sendable {
    private struct Pending {
        var sequence: Int
        var fingerprint: String
        var ends: [Int64]
        var lines: [Int]
        var end: Int64
        var endLine: Int
        var firstEvent: RuntimeEvent?
    }

    private let lock = NSLock()
    private var pending: [Pending] = []
    private var head = 0
    private var nextSequence = 1
    /// Per fingerprint, in the order first seen.
    private var files: [String: LiveCheckpoint.File] = [:]
    private var order: [String] = []
    private var lost: [LiveCheckpoint.File] = []
    /// Files of the checkpoint that the reader has not looked for yet: they stay in the checkpoint, whatever their
    /// recorded size, until it has found them or called them lost. Delivered ones too: a checkpoint written
    /// before the reader found them again must not forget them, or a restart would send them again.
    private var unsettled = Set<String>()

    /// A ledger that starts from `checkpoint` (or from nothing).
    init(resumingFrom checkpoint: LiveCheckpoint?) {
        for file in checkpoint?.files ?? [] where files[file.fingerprint] == nil {
            files[file.fingerprint] = file
            order.append(file.fingerprint)
            unsettled.insert(file.fingerprint)
        }
    }

    /// Where the reader starts in each file the checkpoint knows.
    var resumePoints: [String: LiveLogReader.Resume] {
        lock.withLock {
            files.mapValues { LiveLogReader.Resume(offset: $0.offset, line: $0.line, isComplete: $0.complete) }
        }
    }

    /// The reader has looked for every file of the checkpoint; those in `lost` are gone, not known complete:
    /// forget them, and keep for the report (and return) those that may have held more than was delivered. A
    /// rotated file delivered to the size it was last seen at and deleted while no shipper ran (retention, or one
    /// still watched for late writes when the shipper stopped) lost nothing anyone can tell of; the live file may
    /// have grown meanwhile, so it counts as lost.
    @discardableResult
    func settleResume(lost fingerprints: [String]) -> [LiveCheckpoint.File] {
        lock.withLock {
            unsettled = []
            var found: [LiveCheckpoint.File] = []
            for fingerprint in fingerprints {
                guard let file = files.removeValue(forKey: fingerprint) else { continue }
                order.removeAll { $0 == fingerprint }
                let mayHaveGrown = file.live ?? (file.path == file.log)
                if let size = file.size, file.offset >= size, !mayHaveGrown { continue }
                found.append(file)
            }
            lost += found
            return found
        }
    }

    /// The files found lost.
    var lostFiles: [LiveCheckpoint.File] { lock.withLock { lost } }

    /// Records a piece the reader handed out; returns its sequence number.
    func record(_ piece: LiveLogReader.Piece) -> Int {
        lock.withLock {
            let sequence = nextSequence
            nextSequence += 1
            pending.append(
                Pending(
                    sequence: sequence,
                    fingerprint: piece.file.fingerprint,
                    ends: piece.ends,
                    lines: piece.lines,
                    end: piece.end,
                    endLine: piece.endLine,
                    firstEvent: piece.events.first
                )
            )
            note(piece.file)
            return sequence
        }
    }

    /// Where the event at `position` (not yet acknowledged) is: its file's fingerprint and its line, which a
    /// restart resuming before it reads again alike.
    func origin(of position: EventPosition) -> BatchOrigin {
        lock.withLock {
            // Pieces are numbered consecutively in the order they are recorded: the piece is found by arithmetic.
            let index = head < pending.count ? head + (position.input - pending[head].sequence) : -1
            guard index >= head, index < pending.count, pending[index].sequence == position.input,
                position.line >= 1, position.line <= pending[index].lines.count
            else {
                // Not expected: a name no other run uses, so nothing is overwritten.
                return BatchOrigin(key: "unknown-\(UInt64.random(in: 0...UInt64.max))")
            }
            let piece = pending[index]
            return BatchOrigin(key: "\(BatchOrigin.fileNamePart(piece.fingerprint))-\(piece.lines[position.line - 1])")
        }
    }

    /// Everything through `position` was acknowledged by every exporter.
    func commit(through position: EventPosition) {
        lock.withLock {
            while head < pending.count && pending[head].sequence < position.input {
                let piece = pending[head]
                advance(piece.fingerprint, to: piece.end, line: piece.endLine)
                head += 1
            }
            if head < pending.count && pending[head].sequence == position.input && position.line > 0 {
                let piece = pending[head]
                let index = position.line - 1
                if index < piece.ends.count {
                    advance(piece.fingerprint, to: piece.ends[index], line: piece.lines[index])
                } else {
                    advance(piece.fingerprint, to: piece.end, line: piece.endLine)
                    head += 1
                }
            }
            if head > 64 {
                pending.removeFirst(head)
                head = 0
            }
        }
    }

    private func advance(_ fingerprint: String, to offset: Int64, line: Int) {
        guard var file = files[fingerprint], offset > file.offset else { return }
        file.offset = offset
        file.line = max(file.line, line)
        files[fingerprint] = file
    }

    /// Updates what is known of a file (call holding the lock).
    private func note(_ state: LiveLogReader.FileState) {
        if var file = files[state.fingerprint] {
            file.log = state.log
            file.path = state.path
            file.device = state.device
            file.inode = state.inode
            // A gzip file resumed in the middle has no known size until it is read to its end; the plain file it
            // was compressed from had the same content.
            file.size = state.size ?? file.size
            file.live = state.isLive
            files[state.fingerprint] = file
        } else {
            files[state.fingerprint] = LiveCheckpoint.File(
                log: state.log,
                fingerprint: state.fingerprint,
                path: state.path,
                device: state.device,
                inode: state.inode,
                compressed: state.isCompressed,
                offset: 0,
                line: 0,
                size: state.size,
                complete: false,
                live: state.isLive
            )
            order.append(state.fingerprint)
        }
    }

    /// The checkpoint now, given what the reader knows of the files (`status`). Files the reader forgot (read to
    /// their end and gone from their set) leave it once delivered to their end.
    func checkpoint(status: [LiveLogReader.FileState]) -> LiveCheckpoint {
        lock.withLock {
            var current = Set<String>()
            for state in status {
                note(state)
                current.insert(state.fingerprint)
                if var file = files[state.fingerprint] {
                    file.complete = state.isFinished && file.offset >= state.readOffset
                    files[state.fingerprint] = file
                }
            }
            order.removeAll { fingerprint in
                guard !current.contains(fingerprint), !unsettled.contains(fingerprint), let file = files[fingerprint]
                else {
                    return false
                }
                let delivered = file.complete || (file.size.map { file.offset >= $0 } ?? false)
                if delivered { files[fingerprint] = nil }
                return delivered
            }
            return LiveCheckpoint(files: order.compactMap { files[$0] })
        }
    }

    /// Per followed log: bytes not yet acknowledged (of the files whose size is known), how many files are not
    /// delivered to their end, and how old the oldest unacknowledged event is (when it was read).
    func lag(status: [LiveLogReader.FileState], now: Timestamp) -> [LogLag] {
        lock.withLock {
            var result: [LogLag] = []
            for state in status {
                let behind = max(0, (state.size ?? state.readOffset) - (files[state.fingerprint]?.offset ?? 0))
                if let index = result.firstIndex(where: { $0.log == state.log }) {
                    result[index].bytes += behind
                    result[index].files += behind > 0 ? 1 : 0
                } else {
                    result.append(LogLag(log: state.log, bytes: behind, files: behind > 0 ? 1 : 0, seconds: nil))
                }
            }
            // The oldest piece not yet acknowledged: its first event's timestamp.
            if head < pending.count, let timestamp = pending[head].firstEvent?.timestamp,
                let log = status.first(where: { $0.fingerprint == pending[head].fingerprint })?.log,
                let index = result.firstIndex(where: { $0.log == log })
            {
                result[index].seconds = max(
                    0,
                    Double(now.nanosecondsSinceEpoch - timestamp.nanosecondsSinceEpoch) / 1e9
                )
            }
            return result
        }
    }
}
