/// The `filter` command as a library call: select events from inputs and write them in a format.
public struct EventFilter: Sendable {
    /// Which events to write.
    public var selection: EventSelection
    /// How to write them.
    public var format: OutputFormat
    /// `--fields`: the projection for csv, tsv and json (`nil`: whole events; csv/tsv use a default set).
    public var fields: [JSONPath]?
    /// `-n/--limit`: stop after this many events.
    public var limit: Int?
    /// `-c/--count`: write only the number of matching events.
    public var countsOnly = false
    /// Print csv/tsv's header row.
    public var printsHeader = true
    /// Color the pretty format.
    public var usesColor = false

    /// A filter with `selection`, writing `format`.
    public init(selection: EventSelection, format: OutputFormat = .jsonl) {
        self.selection = selection
        self.format = format
    }

    /// What a filter run did.
    public struct Summary: Sendable {
        /// Events written (or counted).
        public var matched: Int
        /// What was read.
        public var read: ReadSummary
    }

    /// Reads `paths` (`nil` or `-` is standard input) and writes the selected events to `output`.
    ///
    /// `onBadLine` sees every bad line in input order; throw from it to stop (`--strict`).
    public func run(
        paths: [String?],
        options: ReadOptions = ReadOptions(),
        output: ByteWriter,
        onBadLine: (BadLine) throws -> Void
    ) throws -> Summary {
        let renderer = EventRenderer(format: format, fields: fields, colors: usesColor)
        let pipeline = EventPipeline<FilterProcessor>(
            paths: paths.isEmpty ? [nil] : paths,
            options: options.skippingMembers(outside: selection)
        )
        var matched = 0
        var wroteElement = false
        if !countsOnly && printsHeader { try output.write(renderer.header()) }
        if !countsOnly && format == .json { try output.write("[") }
        let selection = self.selection
        let limit = self.limit
        let countsOnly = self.countsOnly
        let format = self.format
        if limit == 0 {
            // `-n 0`, as `grep -m 0`: nothing to read.
            if countsOnly { try output.write("0\n") } else if format == .json { try output.write("]\n") }
            return Summary(matched: 0, read: ReadSummary())
        }
        let read = try pipeline.run(
            makeProcessor: {
                FilterProcessor(
                    selection: selection,
                    renderer: renderer,
                    countsOnly: countsOnly,
                    recordsEnds: limit != nil
                )
            },
            onBadLine: onBadLine,
            onInputIdle: { if !countsOnly { try output.flush() } },
            consume: { chunk in
                var count = chunk.matches
                var bytes = chunk.bytes[...]
                if let limit, matched + count >= limit {
                    count = limit - matched
                    if !countsOnly { bytes = chunk.bytes[..<(count == 0 ? 0 : chunk.ends[count - 1])] }
                }
                matched += count
                if !countsOnly && !bytes.isEmpty {
                    // Drop the first element's comma.
                    if format == .json && !wroteElement { bytes = bytes.dropFirst(1) }
                    wroteElement = true
                    try bytes.withUnsafeBytes { try output.write($0) }
                }
                if let limit { return matched < limit }
                return true
            }
        )
        if countsOnly {
            try output.write("\(matched)\n")
        } else if format == .json {
            try output.write(wroteElement ? "\n]\n" : "]\n")
        }
        return Summary(matched: matched, read: read)
    }
}

/// Per-thread filter work: select, then render into the chunk's output bytes.
struct FilterProcessor: EventProcessor {
    struct Output {
        var bytes: [UInt8]
        var matches: Int
        /// The end offset in `bytes` of each match (kept only for `--limit`).
        var ends: [Int]
    }

    let selection: EventSelection
    let renderer: EventRenderer
    let countsOnly: Bool
    let recordsEnds: Bool
    let selectsEverything: Bool
    let dataMemberKeys: DataMemberKeys?
    var bytes: [UInt8] = []
    var matches = 0
    var ends: [Int] = []

    init(selection: EventSelection, renderer: EventRenderer, countsOnly: Bool, recordsEnds: Bool) {
        self.selection = selection.copiedForOneThread()
        self.renderer = renderer
        self.countsOnly = countsOnly
        self.recordsEnds = recordsEnds
        self.selectsEverything = selection.selectsEverything
        dataMemberKeys = DataMemberKeys(selection.dataKeysRead + renderer.fields.compactMap(\.dataKey))
    }

    mutating func process(_ event: EventLine) {
        guard selectsEverything || selection.matches(event) else { return }
        matches += 1
        if countsOnly { return }
        renderer.render(event, into: &bytes)
        if recordsEnds { ends.append(bytes.count) }
    }

    mutating func finishChunk() -> Output {
        defer {
            bytes = []
            bytes.reserveCapacity(64 * 1024)
            matches = 0
            ends = []
        }
        return Output(bytes: bytes, matches: matches, ends: ends)
    }
}
