import RunraEvents

/// A replay of followed logs (`.live`): the reader, the ledger of the pieces it handed out, and where notices go.
struct LiveShipping: Sendable {
    let reader: LiveLogReader
    let ledger: LiveLedger
    var onNotice: @Sendable (String) -> Void = { _ in }
    /// Hears of a file lost before it was delivered, as soon as that is known.
    var onLoss: @Sendable (LiveCheckpoint.File) -> Void = { _ in }

    /// The checkpoint once everything through `committed` is acknowledged.
    func checkpoint(committed: EventPosition) -> LiveCheckpoint {
        ledger.commit(through: committed)
        return ledger.checkpoint(status: reader.status())
    }
}
