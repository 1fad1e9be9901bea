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
    private let rule: LineRule
    private let selectsEverything: Bool
    private var fields = EventFields()
    /// Counts so far.
    var summary = ReadSummary()

    init(selection: EventSelection, options: ReadOptions) {
        self.selection = selection
        self.options = options
        self.rule = LineRule(options: options)
        self.selectsEverything = selection.selectsEverything
    }

    /// Checks one line of `source`; `number` is its line number, or 0 when only `offset` is known.
    mutating func check(_ line: UnsafeBufferPointer<UInt8>, source: String, number: Int, offset: Int64) -> Verdict {
        let rule = self.rule
        switch rule.verdict(line, scan: { JSONScanner.scan($0, into: &fields) }) {
        case .blank:
            return .skipped
        case .bad(let reason):
            summary.lines += 1
            summary.badLines += 1
            return .bad(
                rule.badLine(
                    line,
                    source: source,
                    number: number,
                    reason: reason,
                    byteOffset: number == 0 ? offset : nil
                )
            )
        case .event:
            summary.lines += 1
            summary.events += 1
            let event = EventLine(bytes: line, fields: fields)
            return selectsEverything || selection.matches(event) ? .selected(event) : .skipped
        }
    }

    /// Records a line longer than the limit and returns it as a bad line.
    mutating func overlong(source: String, number: Int, offset: Int64) -> BadLine {
        summary.lines += 1
        summary.badLines += 1
        return BadLine(
            source: source,
            lineNumber: number,
            reason: rule.overlongReason,
            line: nil,
            byteOffset: number == 0 ? offset : nil
        )
    }
}
