import RunraEvents

/// What following live logs needs besides the reader: the ledger of delivered pieces and where notices go.
struct LiveShipping: Sendable {
    let ledger: LiveLedger
    var onNotice: @Sendable (String) -> Void = { _ in }
}
