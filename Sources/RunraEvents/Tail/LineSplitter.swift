/// Splits bytes that arrive in pieces into lines, holding an incomplete last line until its
/// newline arrives (or ``finish(_:)`` says there is no more).
///
/// A `\r` before the newline is dropped, and so is a UTF-8 BOM at offset 0. A line longer than the
/// limit is not held in memory: it is reported as ``Line/overlong(number:offset:)``.
struct LineSplitter {
    /// One line, first first.
    enum Line {
        /// A line's bytes (valid only during the callback), its 1-based number among the lines fed
        /// since ``reset(offset:)``, and the offset of its first byte.
        case line(UnsafeBufferPointer<UInt8>, number: Int, offset: Int64)
        /// A line longer than the limit.
        case overlong(number: Int, offset: Int64)
    }

    private let rule: LineRule
    /// The incomplete line so far.
    private var pending: [UInt8] = []
    private var skippingOverlong = false
    /// The offset of the next byte fed.
    private(set) var offset: Int64
    /// The offset where the incomplete line starts.
    private var lineStart: Int64
    private var lineNumber = 0

    /// A splitter whose first byte will be at `offset` of its input.
    init(maximumLineBytes: Int, offset: Int64 = 0) {
        self.rule = LineRule(maximumLineBytes: maximumLineBytes)
        self.offset = offset
        self.lineStart = offset
    }

    /// Whether an incomplete line is held.
    var holdsPartialLine: Bool { !pending.isEmpty || skippingOverlong }

    /// The offset just past the last complete line handed out: where reading resumes without repeating a line.
    var consumedOffset: Int64 { lineStart }

    /// Lines handed out since ``reset(offset:)``.
    var linesHandedOut: Int { lineNumber }

    /// Drops any incomplete line and starts again at `offset` (after a truncation or a new file).
    mutating func reset(offset: Int64 = 0) {
        pending = []
        skippingOverlong = false
        self.offset = offset
        lineStart = offset
        lineNumber = 0
    }

    /// Feeds the next bytes; calls `body` for each line they complete.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Line) throws -> Void) rethrows {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        let count = bytes.count
        let chunkOffset = offset
        offset += Int64(count)
        var start = 0
        while start < count {
            guard let end = LineRule.newline(in: base, from: start, to: count) else {
                // No newline: the rest is (part of) an incomplete line.
                if skippingOverlong { return }
                if rule.outgrows(pending: pending.count + (count - start)) {
                    skippingOverlong = true
                    pending = []
                    return
                }
                pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count - start))
                return
            }
            let lineOffset = lineStart
            lineStart = chunkOffset + Int64(end + 1)
            lineNumber += 1
            if skippingOverlong {
                skippingOverlong = false
                try body(.overlong(number: lineNumber, offset: lineOffset))
            } else if pending.isEmpty {
                try emit(UnsafeBufferPointer(start: base + start, count: end - start), lineOffset, body)
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
                let line = pending
                pending = []
                try line.withUnsafeBufferPointer { try emit($0, lineOffset, body) }
            }
            start = end + 1
        }
    }

    /// Ends the input: an incomplete last line counts as a line (SPEC §3).
    mutating func finish(_ body: (Line) throws -> Void) rethrows {
        defer {
            pending = []
            skippingOverlong = false
            lineStart = offset
        }
        if skippingOverlong {
            lineNumber += 1
            try body(.overlong(number: lineNumber, offset: lineStart))
        } else if !pending.isEmpty {
            lineNumber += 1
            let line = pending
            try line.withUnsafeBufferPointer { try emit($0, lineStart, body) }
        }
    }

    private func emit(_ line: UnsafeBufferPointer<UInt8>, _ lineOffset: Int64, _ body: (Line) throws -> Void) rethrows {
        var line = line
        if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if lineOffset == 0 && line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line[3...])
        }
        if rule.isOverlong(line.count) {
            try body(.overlong(number: lineNumber, offset: lineOffset))
        } else {
            try body(.line(line, number: lineNumber, offset: lineOffset))
        }
    }
}
