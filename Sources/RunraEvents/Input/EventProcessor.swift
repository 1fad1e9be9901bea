/// Per-thread work on the events of one chunk of input, for ``EventPipeline``.
///
/// Each scanning thread gets its own processor, so a processor needs no locking. The pipeline hands
/// results to the caller in input order.
protocol EventProcessor: SendableMetatype {
    associatedtype Output
    /// Handles one valid event of the current chunk.
    mutating func process(_ event: EventLine)
    /// Handles one valid event at `lineNumber` (1-based, within the chunk). Defaults to ``process(_:)``.
    mutating func process(_ event: EventLine, lineNumber: Int)
    /// Returns what the chunk produced and resets for the next one.
    mutating func finishChunk() -> Output
    /// The members of `data` the processor reads, for the scan to record as it validates. Defaults to none.
    var dataMemberKeys: DataMemberKeys? { get }
}

extension EventProcessor {
    var dataMemberKeys: DataMemberKeys? { nil }

    @inline(__always)
    mutating func process(_ event: EventLine, lineNumber: Int) { process(event) }
}
