import RunraEvents

/// A batch the dispatcher cut for one exporter: its events, in order, and where the first one is in the input.
struct ExportBatch: Sendable {
    var events: [RuntimeEvent]
    /// The position of the first event (the cursor turns it into the batch's ``BatchOrigin``).
    var first: EventPosition
}
