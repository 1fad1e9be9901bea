import RunraEvents
import RunraParquet

/// Writes events as rows of the lake's schema, byte for byte from the line where it can.
struct LakeRow {
    let schema: LakeSchema

    /// Appends `event` as one row; `micros` is its timestamp (`nil` when it has none that is valid).
    func append(_ event: RuntimeEvent, micros: Int64?, to writer: ParquetWriter) throws {
        let spans = event.memberSpans
        var exact = !event.hasOtherMembers
        event.line.withUnsafeBufferPointer { line in
            exact = appendString(line, spans.id, to: writer) && exact
            if let micros { writer.append(micros) } else { writer.appendNull() }
            exact = appendString(line, spans.type, to: writer) && exact
            exact = appendString(line, spans.sandboxId, to: writer) && exact
            exact = appendString(line, spans.runId, to: writer) && exact
            Self.levelNames[event.level.rawValue].withUnsafeBytes { writer.append($0) }
            if let data = spans.data { writer.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[data]))) } else { writer.appendNull() }
        }
        LakeValue.append(event.rawValue(at: Self.durationPath), as: .int64, to: writer)
        LakeValue.append(event.rawValue(at: Self.exitCodePath), as: .int32, to: writer)
        for (column, path) in zip(schema.promoted, schema.promotedPaths) {
            LakeValue.append(event.rawValue(at: path), as: column.kind, to: writer)
        }
        if exact && micros != nil && Self.timestampIsExact(event, spans.timestamp) {
            writer.appendNull()
        } else {
            event.line.withUnsafeBytes { writer.append($0) }
        }
        try writer.endRow()
    }

    /// Appends a string member's value (escapes decoded); `false` when the member is there but not a string, so the
    /// column cannot hold it (null) and the row keeps its line.
    private func appendString(_ line: UnsafeBufferPointer<UInt8>, _ span: Range<Int>?, to writer: ParquetWriter) -> Bool {
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
    private static let durationPath = JSONPath(keys: "data", "durationMs")
    private static let exitCodePath = JSONPath(keys: "data", "exitCode")

    /// Whether the timestamp column holds the line's timestamp exactly: UTC (`Z`) and no finer than a microsecond.
    static func timestampIsExact(_ event: RuntimeEvent, _ span: Range<Int>?) -> Bool {
        guard let span, span.count >= 3, event.line[span.upperBound - 2] == UInt8(ascii: "Z") else { return false }
        guard let nanos = event.timestamp?.nanosecondsSinceEpoch else { return false }
        return nanos % 1000 == 0
    }
}
