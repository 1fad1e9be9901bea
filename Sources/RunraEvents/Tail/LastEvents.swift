/// The last selected events of one input, oldest first, with the bad lines met reading them.
struct LastEvents {
    /// The events, oldest first.
    var events: [RuntimeEvent] = []
    /// Bad lines, in input order.
    var badLines: [BadLine] = []
    /// For a plain file read backwards: where its last complete line ends, so following starts there.
    var followOffset: Int64?
    /// An error that ended a stream early (a truncated or corrupt gzip); what was read before it counts.
    var error: RunraError?

    /// Reads a plain file backwards from `end` until `count` selected events are found or its start
    /// is reached. With `holdsPartialLine`, a last line without its newline is left for the follower.
    static func readBackward(
        fileDescriptor: Int32,
        name: String,
        end: Int64,
        count: Int,
        holdsPartialLine: Bool,
        blockSize: Int,
        checker: inout TailLineChecker
    ) throws -> LastEvents {
        var result = LastEvents()
        result.followOffset = end
        guard count > 0 || holdsPartialLine, end > 0 else { return result }
        let reader = BackwardLineReader(
            fileDescriptor: fileDescriptor,
            name: name,
            end: end,
            blockSize: blockSize,
            maximumLineBytes: checker.options.maximumLineBytes
        )
        var newestFirst: [RuntimeEvent] = []
        var isLastSegment = true
        try reader.forEachLine { line in
            if isLastSegment {
                isLastSegment = false
                if holdsPartialLine {
                    // The segment after the last newline: empty, or a line still being written.
                    switch line {
                    case .line(_, let offset), .overlong(let offset): result.followOffset = offset
                    }
                    return count > 0
                }
            }
            switch line {
            case .overlong(let offset):
                result.badLines.append(checker.overlong(source: name, number: 0, offset: offset))
            case .line(let bytes, let offset):
                switch checker.check(bytes, source: name, number: 0, offset: offset) {
                case .skipped: break
                case .bad(let bad): result.badLines.append(bad)
                case .selected(let event): newestFirst.append(event.makeEvent())
                }
            }
            return newestFirst.count < count
        }
        result.events = newestFirst.reversed()
        result.badLines.reverse()
        return result
    }

    /// Reads a stream (gzip, a pipe, standard input) forward to its end, keeping the last `count`
    /// selected events.
    static func readForward(source: ByteSource, count: Int, checker: inout TailLineChecker) -> LastEvents {
        var result = LastEvents()
        var ring = EventRing(capacity: count)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        var splitter = LineSplitter(maximumLineBytes: checker.options.maximumLineBytes)
        let name = source.name
        func handle(_ line: LineSplitter.Line) {
            if let event = checker.handle(line, source: name, badLines: &result.badLines) { ring.append(event) }
        }
        do {
            while true {
                let read = try source.read(into: buffer)
                if read == 0 { break }
                splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<read]), handle)
            }
        } catch {
            result.error = error as? RunraError ?? RunraError(.io, "\(name): \(error)")
        }
        splitter.finish(handle)
        result.events = ring.elements
        return result
    }
}

extension TailLineChecker {
    /// Checks a line from a ``LineSplitter``: returns it when selected, appends it to `badLines` when bad.
    /// With `numbersKnown` false (following from the middle of a file), bad lines name their byte offset.
    mutating func handle(
        _ line: LineSplitter.Line,
        source: String,
        numbersKnown: Bool = true,
        badLines: inout [BadLine]
    ) -> EventLine? {
        switch line {
        case .overlong(let number, let offset):
            badLines.append(overlong(source: source, number: numbersKnown ? number : 0, offset: offset))
        case .line(let bytes, let number, let offset):
            switch check(bytes, source: source, number: numbersKnown ? number : 0, offset: offset) {
            case .skipped: break
            case .bad(let bad): badLines.append(bad)
            case .selected(let event): return event
            }
        }
        return nil
    }
}
