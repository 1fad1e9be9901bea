/// Validates and selects the lines `tail` reads, turning bad ones into ``BadLine`` values and
/// keeping the counts of a ``ReadSummary``.
struct TailLineChecker {
    /// What a line turned out to be.
    enum Verdict {
        /// Blank, or a valid event the selection leaves out.
        case skipped
        /// Not a runtime event.
        case bad(BadLine)
        /// A selected event (valid only while the line's bytes are).
        case selected(EventLine)
    }

    let selection: EventSelection
    let options: ReadOptions
    private let selectsEverything: Bool
    private var fields = EventFields()
    /// Counts so far.
    var summary = ReadSummary()

    init(selection: EventSelection, options: ReadOptions) {
        self.selection = selection
        self.options = options
        self.selectsEverything = selection.selectsEverything
    }

    /// Checks one line of `source`; `number` is its line number, or 0 when only `offset` is known.
    mutating func check(_ line: UnsafeBufferPointer<UInt8>, source: String, number: Int, offset: Int64) -> Verdict {
        if line.isEmpty || ((line[0] == 0x20 || line[0] == 0x09) && line.allSatisfy({ $0 == 0x20 || $0 == 0x09 })) {
            return .skipped
        }
        summary.lines += 1
        if let failure = JSONScanner.scan(line, into: &fields) {
            summary.badLines += 1
            return .bad(
                BadLine(
                    source: source,
                    lineNumber: number,
                    reason: failure.reason,
                    line: options.keepsBadLines ? Array(line) : nil,
                    byteOffset: number == 0 ? offset : nil
                )
            )
        }
        summary.events += 1
        let event = EventLine(bytes: line, fields: fields)
        return selectsEverything || selection.matches(event) ? .selected(event) : .skipped
    }

    /// Records a line longer than the limit and returns it as a bad line.
    mutating func overlong(source: String, number: Int, offset: Int64) -> BadLine {
        summary.lines += 1
        summary.badLines += 1
        let reason = "line longer than \(options.maximumLineBytes) bytes (see --max-line-bytes)"
        return BadLine(
            source: source,
            lineNumber: number,
            reason: reason,
            line: nil,
            byteOffset: number == 0 ? offset : nil
        )
    }
}
