extension EventBatchReader {
    /// Reads everything after `position`, calling `body` with each chunk's selected events and their positions, in
    /// input order (a chunk holds the events of about ``ReadOptions/chunkBytes`` of input). Inputs before
    /// `position.input` are not opened; bad lines at or before `position` are not reported again. `body` returns
    /// `false` to stop early. The replay engine uses this for its checkpoints.
    public func forEachChunk(
        after position: EventPosition? = nil,
        onBadLine: (BadLine) throws -> Void,
        body: (_ events: [RuntimeEvent], _ positions: [EventPosition]) throws -> Bool
    ) throws -> ReadSummary {
        let all = paths.isEmpty ? [nil] : paths
        let first = min(max(0, position?.input ?? 0), all.count)
        if first == all.count { return ReadSummary() }
        let pipeline = EventPipeline<PositionedProcessor>(
            paths: Array(all[first...]),
            options: options.skippingMembers(outside: selection)
        )
        let selection = self.selection
        let skip = position.map { EventPosition(input: $0.input - first, line: $0.line) }
        return try pipeline.runPositioned(
            makeProcessor: { PositionedProcessor(selection: selection) },
            onBadLine: onBadLine,
            skipThrough: skip,
            consume: { output, sourceIndex, lineBase in
                var events = output.events
                var positions = output.lines.map { EventPosition(input: sourceIndex + first, line: lineBase + Int($0)) }
                if let position, let firstPosition = positions.first, firstPosition <= position {
                    let keep = positions.firstIndex(where: { $0 > position }) ?? positions.count
                    events.removeFirst(keep)
                    positions.removeFirst(keep)
                }
                if events.isEmpty { return true }
                return try body(events, positions)
            }
        )
    }
}

/// Per-thread work for ``EventBatchReader/forEachChunk(after:onBadLine:body:)``: select, copy, note the line.
struct PositionedProcessor: EventProcessor {
    struct Output {
        var events: [RuntimeEvent]
        var lines: [Int32]
    }

    let selection: EventSelection
    let selectsEverything: Bool
    var output = Output(events: [], lines: [])

    init(selection: EventSelection) {
        self.selection = selection.copiedForOneThread()
        self.selectsEverything = selection.selectsEverything
    }

    mutating func process(_ event: EventLine) {
        process(event, lineNumber: 0)
    }

    mutating func process(_ event: EventLine, lineNumber: Int) {
        guard selectsEverything || selection.matches(event) else { return }
        output.events.append(event.makeEvent())
        output.lines.append(Int32(truncatingIfNeeded: lineNumber))
    }

    mutating func finishChunk() -> Output {
        defer { output = Output(events: [], lines: []) }
        return output
    }
}
