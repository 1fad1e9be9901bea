import RunraEvents
import RunraParquet

/// Writes events as rows of the lake's schema, byte for byte from the line where it can.
struct LakeRow {
    let schema: LakeSchema

    /// Appends `event` as one row; `micros` is its timestamp (`nil` when it has none that is valid), and `exact`
    /// whether that holds the line's timestamp exactly.
    func append(_ event: RuntimeEvent, micros: Int64?, exactTime: Bool, to writer: ParquetWriter) throws {
        let spans = event.memberSpans
        let common = event.commonDataMembers
        var exact = !event.hasOtherMembers && exactTime
        event.line.withUnsafeBufferPointer { line in
            exact = appendString(line, spans.id, to: writer) && exact
            if let micros { writer.append(micros) } else { writer.appendNull() }
            exact = appendString(line, spans.type, to: writer) && exact
            exact = appendString(line, spans.sandboxId, to: writer) && exact
            exact = appendString(line, spans.runId, to: writer) && exact
            Self.levelNames[common.level.rawValue].withUnsafeBytes { writer.append($0) }
            if let data = spans.data {
                writer.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[data])))
            } else {
                writer.appendNull()
            }
            LakeValue.append(common.durationMs.map { UnsafeBufferPointer(rebasing: line[$0]) }, as: .int64, to: writer)
            LakeValue.append(common.exitCode.map { UnsafeBufferPointer(rebasing: line[$0]) }, as: .int32, to: writer)
        }
        for (column, path) in zip(schema.promoted, schema.promotedPaths) {
            LakeValue.append(event.rawValue(at: path), as: column.kind, to: writer)
        }
        if exact {
            writer.appendNull()
        } else {
            event.line.withUnsafeBytes { writer.append($0) }
        }
        try writer.endRow()
    }

    /// Appends a string member's value (escapes decoded); `false` when the member is there but not a string, so the
    /// column cannot hold it (null) and the row keeps its line.
    private func appendString(_ line: UnsafeBufferPointer<UInt8>, _ span: Range<Int>?, to writer: ParquetWriter) -> Bool
    {
        guard let span else {
            writer.appendNull()
            return false
        }
        guard span.count >= 2, line[span.lowerBound] == UInt8(ascii: "\"") else {
            writer.appendNull()
            return false
        }
        let content = UnsafeBufferPointer(rebasing: line[(span.lowerBound + 1)..<(span.upperBound - 1)])
        if content.contains(UInt8(ascii: "\\")) {
            var text = RuntimeEvent.decodedString(content: content)
            text.withUTF8 { writer.append(UnsafeRawBufferPointer($0)) }
        } else {
            writer.append(UnsafeRawBufferPointer(content))
        }
        return true
    }

    private static let levelNames = EventLevel.allCases.map { Array($0.description.utf8) }

    /// The timestamp in microseconds (floored), and whether that holds the line's timestamp exactly: UTC (`Z`) and
    /// no finer than a microsecond.
    static func time(of event: RuntimeEvent) -> (micros: Int64?, exact: Bool) {
        guard let nanos = event.timestamp?.nanosecondsSinceEpoch else { return (nil, false) }
        let micros = LakeValue.floorDivide(nanos, 1000)
        guard let span = event.memberSpans.timestamp, span.count >= 3, nanos % 1000 == 0 else { return (micros, false) }
        return (micros, event.line[span.upperBound - 2] == UInt8(ascii: "Z"))
    }
}
