import Foundation
import RunraEvents

/// A replay of followed logs (`.live`): the reader, the ledger of the pieces it handed out, and where notices go.
/// Its checkpoint (``LiveCheckpoint``) is how far each followed file was delivered.
struct LiveShipping: ReplayCursor {
    let reader: LiveLogReader
    let ledger: LiveLedger
    var onNotice: @Sendable (String) -> Void = { _ in }
    /// Hears of a file lost before it was delivered, as soon as that is known.
    var onLoss: @Sendable (LiveCheckpoint.File) -> Void = { _ in }

    /// Positions are the ledger's own (piece, line): there is no earlier one to resume after, the ledger tells the
    /// reader where to start in each file.
    var resumePoint: EventPosition { .start }

    var inputFiles: (paths: [String], followed: Bool) { (reader.inputs, true) }

    /// Follows the logs until the channel closes: each piece becomes a chunk whose positions the ledger maps back
    /// to file offsets. While the channel is full (an exporter is slow or down), reading pauses, but the logs are
    /// still looked at, so that files rotated meanwhile are held open before rotation deletes them.
    func read(
        into channel: InputChannel,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void
    ) throws -> ReadSummary {
        let (reader, ledger, onLoss) = (self.reader, self.ledger, self.onLoss)
        return try reader.run(
            resume: ledger.resumePoints,
            onPiece: { piece in
                let sequence = ledger.record(piece)
                let chunk = InputChunk(
                    events: piece.events,
                    positions: (0..<piece.events.count).map { EventPosition(input: sequence, line: $0 + 1) },
                    targets: nil,
                    end: EventPosition(input: sequence, line: piece.events.count + 1)
                )
                return channel.put(chunk, whileWaiting: { reader.discover() })
            },
            onBadLine: onBadLine,
            onNotice: onNotice,
            onResumeChecked: { lost in
                for file in ledger.settleResume(lost: lost) { onLoss(file) }
            },
            shouldStop: { channel.isClosed }
        )
    }

    func origin(of position: EventPosition) -> BatchOrigin {
        ledger.origin(of: position)
    }

    /// The ledger follows the acknowledgements (for the lag) without a checkpoint file too.
    func acknowledged(through committed: EventPosition) {
        ledger.commit(through: committed)
    }

    /// The checkpoint once everything through `committed` is acknowledged.
    func checkpoint(committed: EventPosition) -> LiveCheckpoint? {
        ledger.commit(through: committed)
        return ledger.checkpoint(status: reader.status())
    }

    func write(_ checkpoint: LiveCheckpoint, to path: String) throws {
        try checkpoint.write(to: path)
    }

    /// The files lost; no position (a followed replay resumes per file).
    func report(_ report: inout ReplayReport, committed: EventPosition, kept: Bool) {
        report.lostFiles = ledger.lostFiles
    }

    func lag() -> [LogLag] {
        let now = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e9))
        return ledger.lag(status: reader.status(), now: now)
    }

    var lostFiles: [LiveCheckpoint.File] { ledger.lostFiles }
}
