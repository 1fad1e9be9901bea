internal import RunraEvents

/// Encodes events as OTLP protobuf `Span`s and `LogRecord`s straight from their line bytes: the
/// `http/protobuf` and gRPC hot path.
///
/// The output is byte for byte what ``OTLPMapping`` and ``OTLPProtobufEncoding`` make of the same events
/// (the tests compare the two on generated and edge-case events), without their ``JSONValue`` tree and
/// ``Attribute`` values: strings without escapes are copied from the line, numbers are decoded in
/// place, and the members of an object are sorted as byte ranges. An event whose `data` has a key
/// that this path does not sort or flatten exactly as the value tree does (escapes, non-ASCII, a dot,
/// an empty key) is encoded by the value-tree path instead.
struct OTLPEventEncoder {
    /// The encoded `ScopeSpans.spans` fields.
    private(set) var spans: ProtobufWriter
    /// The encoded `ScopeLogs.log_records` fields.
    private(set) var records: ProtobufWriter
    /// How many events went through the value-tree path (the tests check which path they exercise).
    private(set) var valueTreeEvents = 0
    private var scratch = Scratch()

    /// An encoder for about `events` events (spans and log records together: ~400 bytes each).
    init(events: Int) {
        spans = ProtobufWriter(capacity: events * 256)
        records = ProtobufWriter(capacity: events * 256)
    }

    /// Appends the span of a span-type event; `false` (nothing appended) for an event without a timestamp.
    mutating func appendSpan(
        _ event: RuntimeEvent,
        _ fields: OTLPMapping.EventFields,
        name: String,
        runs: inout RunIdentifiers
    ) -> Bool {
        guard let end = fields.time else { return false }
        let ids = runs.ids(fields.runID)
        let spanID = OTLPIdentifiers.spanID(runID: fields.runID, eventID: fields.id ?? "")
        let start = spans.count
        let encoded = Self.writeSpan(event, fields, name: name, end: end, ids: ids, spanID: spanID, &spans, &scratch)
        if !encoded {
            spans.truncate(to: start)
            scratch.needsValueTree = false
            valueTreeEvents += 1
            guard let span = OTLPMapping.span(fields, data: event.data, runs: &runs) else { return false }
            spans.messageField(2) { OTLPProtobufEncoding.write(span, to: &$0) }
        }
        return true
    }

    /// Appends the log record of a non-span event.
    mutating func appendLogRecord(
        _ event: RuntimeEvent,
        _ fields: OTLPMapping.EventFields,
        observedNanoseconds: UInt64,
        runs: inout RunIdentifiers
    ) {
        let ids = runs.ids(fields.runID)
        let start = records.count
        let encoded = Self.writeLogRecord(
            event,
            fields,
            observedNanoseconds: observedNanoseconds,
            ids: ids,
            &records,
            &scratch
        )
        if !encoded {
            records.truncate(to: start)
            scratch.needsValueTree = false
            valueTreeEvents += 1
            let record = OTLPMapping.logRecord(
                fields,
                data: event.data,
                observedNanoseconds: observedNanoseconds,
                runs: &runs
            )
            records.messageField(2) { OTLPProtobufEncoding.write(record, to: &$0) }
        }
    }

    /// The `spans` field of one span; `false` when the event needs the value-tree path.
    private static func writeSpan(
        _ event: RuntimeEvent,
        _ fields: OTLPMapping.EventFields,
        name: String,
        end: Int64,
        ids: (trace: [UInt8], root: [UInt8]),
        spanID: [UInt8],
        _ writer: inout ProtobufWriter,
        _ scratch: inout Scratch
    ) -> Bool {
        event.withRawFields { raw in
            let top = TopLevel(raw.data, &scratch)
            writer.messageField(2) { span in  // ScopeSpans.spans
                let duration = OTLPMapping.durationNanoseconds(milliseconds: top.durationMs?.numberValue)
                span.bytesField(1, ids.trace)
                span.bytesField(2, spanID)
                span.bytesField(4, ids.root)
                span.stringField(5, name)
                span.varintField(6, 1)  // SPAN_KIND_INTERNAL
                span.fixed64Field(7, UInt64(clamping: end - duration))
                span.fixed64Field(8, UInt64(clamping: end))
                writeAttributes(9, fields, top, to: &span, &scratch)
                if let exitCode = top.exitCode?.numberValue, exitCode != 0 {
                    span.messageField(15) { status in
                        status.stringField(2, "exit code \(JSONText.number(exitCode))")
                        status.varintField(3, 2)  // STATUS_CODE_ERROR
                    }
                }
            }
            return !scratch.needsValueTree
        }
    }

    /// The `log_records` field of one log record; `false` when the event needs the value-tree path.
    private static func writeLogRecord(
        _ event: RuntimeEvent,
        _ fields: OTLPMapping.EventFields,
        observedNanoseconds: UInt64,
        ids: (trace: [UInt8], root: [UInt8]),
        _ writer: inout ProtobufWriter,
        _ scratch: inout Scratch
    ) -> Bool {
        event.withRawFields { raw in
            let top = TopLevel(raw.data, &scratch)
            let level = EventLevel.of(type: raw.type, dataLevel: top.level, exitCode: top.exitCode)
            let severity = OTLPMapping.severity(level)
            writer.messageField(2) { record in  // ScopeLogs.log_records
                record.fixed64Field(1, fields.time.map { UInt64(clamping: $0) } ?? 0)
                record.varintField(2, Int64(severity.0))
                record.stringField(3, severity.1)
                record.messageField(5) { $0.stringField(1, fields.type, always: true) }  // body
                writeAttributes(6, fields, top, to: &record, &scratch)
                record.bytesField(9, ids.trace)
                record.bytesField(10, ids.root)
                record.fixed64Field(11, observedNanoseconds)
                record.stringField(12, fields.type)
            }
            return !scratch.needsValueTree
        }
    }

    /// The members of `data` (sorted, on ``Scratch/members`` until ``flattenMembers``), and those the mapping
    /// reads by name, found in one pass (of duplicate keys the last, as in a ``JSONValue`` object).
    private struct TopLevel {
        /// Where the members start on ``Scratch/members``; `nil` when `data` is not an object.
        var first: Int?
        var command: RawJSONValue?
        var exitCode: RawJSONValue?
        var path: RawJSONValue?
        var inputTokens: RawJSONValue?
        var outputTokens: RawJSONValue?
        var durationMs: RawJSONValue?
        var level: RawJSONValue?

        init(_ data: RawJSONValue?, _ scratch: inout Scratch) {
            guard let data, data.kind == .object else { return }
            let first = sortedMembers(data, &scratch)
            self.first = first
            let end = scratch.members.count
            for index in first..<end {
                let member = scratch.members[index]
                if index + 1 < end, equal(member.key, scratch.members[index + 1].key) { continue }
                func named(_ name: StaticString) -> Bool {
                    member.key.count == name.utf8CodeUnitCount
                        && memcmp(member.key.baseAddress!, name.utf8Start, name.utf8CodeUnitCount) == 0
                }
                switch member.key.count {
                case 4: if named("path") { path = member.value }
                case 5: if named("level") { level = member.value }
                case 7: if named("command") { command = member.value }
                case 8: if named("exitCode") { exitCode = member.value }
                case 10: if named("durationMs") { durationMs = member.value }
                case 11: if named("inputTokens") { inputTokens = member.value }
                case 12: if named("outputTokens") { outputTokens = member.value }
                default: break
                }
            }
        }
    }

    /// Reusable working space, and whether the event at hand needs the value-tree path.
    private struct Scratch {
        /// The flattened key of the object being walked (`args.path`), without the member's own key.
        var prefix: [UInt8] = []
        /// The members of the objects being walked, innermost last.
        var members: [Member] = []
        var needsValueTree = false
    }

    private struct Member {
        var key: UnsafeBufferPointer<UInt8>
        var value: RawJSONValue
    }

    /// The semantic-convention and `runra.*` attributes of an event, in the order they are written.
    private struct OwnAttributes {
        var commandLine: RawJSONValue?
        var commandArgs: RawJSONValue?
        var exitCode: Int64?
        var filePath: RawJSONValue?
        var inputTokens: Int64?
        var outputTokens: Int64?

        init(_ fields: OTLPMapping.EventFields, _ top: TopLevel) {
            let type = fields.type
            if type.hasPrefix("exec.") {
                switch top.command?.kind {
                case .string?: commandLine = top.command
                case .array?: commandArgs = top.command
                default: break
                }
                exitCode = top.exitCode.flatMap(OTLPEventEncoder.integer)
            }
            if type.hasPrefix("file."), top.path?.kind == .string { filePath = top.path }
            if type == "cost.llm" {
                inputTokens = top.inputTokens.flatMap(OTLPEventEncoder.integer)
                outputTokens = top.outputTokens.flatMap(OTLPEventEncoder.integer)
            }
        }

        /// Whether a flattened `data` key (one with a dot) is one of these, which win over it.
        func contains(_ key: UnsafeBufferPointer<UInt8>, _ fields: OTLPMapping.EventFields) -> Bool {
            func equals(_ name: StaticString) -> Bool {
                key.count == name.utf8CodeUnitCount
                    && key.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: key.count))
            }
            switch key.first {
            case UInt8(ascii: "p"):
                return commandLine != nil && equals("process.command_line")
                    || commandArgs != nil && equals("process.command_args")
                    || exitCode != nil && equals("process.exit.code")
            case UInt8(ascii: "f"): return filePath != nil && equals("file.path")
            case UInt8(ascii: "g"):
                return inputTokens != nil && equals("gen_ai.usage.input_tokens")
                    || outputTokens != nil && equals("gen_ai.usage.output_tokens")
            case UInt8(ascii: "r"):
                return fields.id != nil && equals("runra.event.id") || equals("runra.event.type")
                    || fields.sandboxID != nil && equals("runra.sandbox.id")
                    || fields.runIDField != nil && equals("runra.run.id")
            default: return false
            }
        }
    }

    /// `data` flattened, then the own attributes, as ``OTLPMapping/attributes(_:data:)`` makes them.
    private static func writeAttributes(
        _ field: Int,
        _ fields: OTLPMapping.EventFields,
        _ top: TopLevel,
        to writer: inout ProtobufWriter,
        _ scratch: inout Scratch
    ) {
        let own = OwnAttributes(fields, top)
        if let first = top.first {
            scratch.prefix.removeAll(keepingCapacity: true)
            flattenMembers(from: first, field, own, fields, &writer, &scratch)
        }
        if let command = own.commandLine { attribute(field, "process.command_line", raw: command, &writer, &scratch) }
        if let arguments = own.commandArgs {
            attribute(field, "process.command_args", raw: arguments, &writer, &scratch)
        }
        if let code = own.exitCode { attribute(field, "process.exit.code", int: code, &writer) }
        if let path = own.filePath { attribute(field, "file.path", raw: path, &writer, &scratch) }
        if let tokens = own.inputTokens { attribute(field, "gen_ai.usage.input_tokens", int: tokens, &writer) }
        if let tokens = own.outputTokens { attribute(field, "gen_ai.usage.output_tokens", int: tokens, &writer) }
        if let id = fields.id { attribute(field, "runra.event.id", string: id, &writer) }
        attribute(field, "runra.event.type", string: fields.type, &writer)
        if let sandbox = fields.sandboxID { attribute(field, "runra.sandbox.id", string: sandbox, &writer) }
        if let run = fields.runIDField { attribute(field, "runra.run.id", string: run, &writer) }
    }

    /// The members on ``Scratch/members`` from `first` on, flattened below ``Scratch/prefix`` (objects become
    /// dotted keys, nulls are left out), then taken off.
    private static func flattenMembers(
        from first: Int,
        _ field: Int,
        _ own: OwnAttributes,
        _ fields: OTLPMapping.EventFields,
        _ writer: inout ProtobufWriter,
        _ scratch: inout Scratch
    ) {
        let end = scratch.members.count
        let prefixLength = scratch.prefix.count
        for index in first..<end {
            let member = scratch.members[index]
            if index + 1 < end, equal(member.key, scratch.members[index + 1].key) { continue }  // the last wins
            if prefixLength > 0 { scratch.prefix.append(UInt8(ascii: ".")) }
            scratch.prefix.append(contentsOf: member.key)
            switch member.value.kind {
            case .null: break
            case .object:
                flattenMembers(from: sortedMembers(member.value, &scratch), field, own, fields, &writer, &scratch)
            default:
                let collides =
                    prefixLength > 0 && scratch.prefix.withUnsafeBufferPointer { own.contains($0, fields) }
                if !collides {
                    writer.messageField(field) { attribute in
                        scratch.prefix.withUnsafeBufferPointer { attribute.stringField(1, utf8: $0) }
                        attribute.messageField(2) { anyValue(member.value, &$0, &scratch) }
                    }
                }
            }
            scratch.prefix.removeSubrange(prefixLength...)
        }
        scratch.members.removeSubrange(first...)
    }

    /// Pushes the members of `object` onto `scratch.members`, sorted by key (stably: of duplicates the last
    /// stays last), and returns where they start. Flags a key this path cannot handle.
    private static func sortedMembers(_ object: RawJSONValue, _ scratch: inout Scratch) -> Int {
        let first = scratch.members.count
        for (key, value) in object.members {
            if key.hasEscape || key.content.isEmpty
                || key.content.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: ".") })
            {
                scratch.needsValueTree = true
            }
            let member = Member(key: key.content, value: value)
            // Insertion sort: objects are small, and often nearly sorted.
            var position = scratch.members.count
            scratch.members.append(member)
            while position > first, less(member.key, scratch.members[position - 1].key) {
                scratch.members[position] = scratch.members[position - 1]
                position -= 1
            }
            scratch.members[position] = member
        }
        return first
    }

    /// An `AnyValue`, as ``OTLPProtobufEncoding`` writes ``OTLPMapping/anyValue(_:)`` of it; not for null.
    private static func anyValue(_ value: RawJSONValue, _ writer: inout ProtobufWriter, _ scratch: inout Scratch) {
        switch value.kind {
        case .string:
            if let plain = value.plainString {
                writer.stringField(1, utf8: plain, always: true)
            } else {
                writer.stringField(1, value.stringValue ?? "", always: true)
            }
        case .bool: writer.boolField(2, value.boolValue ?? false)
        case .number:
            let number = value.numberValue ?? 0
            if let integer = integer(number) {
                writer.varintField(3, integer, always: true)
            } else {
                writer.doubleField(4, number)
            }
        case .array:
            writer.messageField(5) { array in
                for element in value.elements where element.kind != .null {
                    array.messageField(1) { anyValue(element, &$0, &scratch) }
                }
            }
        case .object:
            writer.messageField(6) { list in
                let first = sortedMembers(value, &scratch)
                let end = scratch.members.count
                for index in first..<end {
                    let member = scratch.members[index]
                    if index + 1 < end, equal(member.key, scratch.members[index + 1].key) { continue }
                    guard member.value.kind != .null else { continue }
                    list.messageField(1) { keyValue in
                        keyValue.stringField(1, utf8: member.key)
                        keyValue.messageField(2) { anyValue(member.value, &$0, &scratch) }
                    }
                }
                scratch.members.removeSubrange(first...)
            }
        case .null: break
        }
    }

    private static func attribute(
        _ field: Int,
        _ key: StaticString,
        raw value: RawJSONValue,
        _ writer: inout ProtobufWriter,
        _ scratch: inout Scratch
    ) {
        writer.messageField(field) { attribute in
            attribute.stringField(1, utf8: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            attribute.messageField(2) { anyValue(value, &$0, &scratch) }
        }
    }

    private static func attribute(_ field: Int, _ key: StaticString, int value: Int64, _ writer: inout ProtobufWriter) {
        writer.messageField(field) { attribute in
            attribute.stringField(1, utf8: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            attribute.messageField(2) { $0.varintField(3, value, always: true) }
        }
    }

    private static func attribute(
        _ field: Int,
        _ key: StaticString,
        string value: String,
        _ writer: inout ProtobufWriter
    ) {
        writer.messageField(field) { attribute in
            attribute.stringField(1, utf8: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            attribute.messageField(2) { $0.stringField(1, value, always: true) }
        }
    }

    /// A number that ``OTLPMapping/anyValue(_:)`` makes an int: whole and within Int64.
    private static func integer(_ number: Double) -> Int64? {
        number == number.rounded() && abs(number) < 9.2e18 ? Int64(number) : nil
    }

    /// A raw value that ``OTLPMapping/anyValue(_:)`` makes an int.
    fileprivate static func integer(_ value: RawJSONValue) -> Int64? {
        value.numberValue.flatMap(integer)
    }

    private static func less(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
