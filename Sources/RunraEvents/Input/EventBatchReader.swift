/// Reads inputs and hands the selected events, transformed, to the caller in batches and in input order.
///
/// The transform runs on the scanning threads (in parallel); `body` runs on the caller's thread.
/// Memory is bounded by the batch size plus the chunks in flight. `load-pg` uses this to build rows.
public struct EventBatchReader: Sendable {
    /// The inputs, in order (`nil` or `-` is standard input).
    public var paths: [String?]
    /// How to read them.
    public var options: ReadOptions
    /// Which events to hand over.
    public var selection: EventSelection

    /// A reader of `paths` that hands over the events `selection` matches.
    public init(paths: [String?], options: ReadOptions = ReadOptions(), selection: EventSelection = EventSelection()) {
        self.paths = paths
        self.options = options
        self.selection = selection
    }

    /// Reads everything, calling `body` with up to `batchSize` transformed events at a time (the last batch may be
    /// smaller). `body` returns `false` to stop early. `onBadLine` sees bad lines in input order and may throw.
    public func forEachBatch<Element: Sendable>(
        batchSize: Int,
        transform: @escaping @Sendable (RuntimeEvent) -> Element,
        onBadLine: (BadLine) throws -> Void,
        body: ([Element]) throws -> Bool
    ) throws -> ReadSummary {
        let pipeline = EventPipeline<TransformProcessor<Element>>(
            paths: paths.isEmpty ? [nil] : paths,
            options: options.skippingMembers(outside: selection)
        )
        let selection = self.selection
        let size = max(1, batchSize)
        var batch: [Element] = []
        batch.reserveCapacity(size)
        var stopped = false
        let summary = try pipeline.run(
            makeProcessor: { TransformProcessor(selection: selection, transform: transform) },
            onBadLine: onBadLine,
            consume: { elements in
                for element in elements {
                    batch.append(element)
                    if batch.count >= size {
                        let more = try body(batch)
                        batch.removeAll(keepingCapacity: true)
                        if !more {
                            stopped = true
                            return false
                        }
                    }
                }
                return true
            }
        )
        if !stopped && !batch.isEmpty { _ = try body(batch) }
        return summary
    }
}

/// Per-thread work for ``EventBatchReader``: select, then transform an owning copy of the event.
struct TransformProcessor<Element>: EventProcessor {
    let selection: EventSelection
    let selectsEverything: Bool
    let transform: (RuntimeEvent) -> Element
    var elements: [Element] = []

    init(selection: EventSelection, transform: @escaping (RuntimeEvent) -> Element) {
        self.selection = selection.copiedForOneThread()
        self.selectsEverything = selection.selectsEverything
        self.transform = transform
    }

    mutating func process(_ event: EventLine) {
        guard selectsEverything || selection.matches(event) else { return }
        elements.append(transform(event.makeEvent()))
    }

    mutating func finishChunk() -> [Element] {
        defer { elements = [] }
        return elements
    }
}
