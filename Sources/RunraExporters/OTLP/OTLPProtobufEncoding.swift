/// `ExportTraceServiceRequest` / `ExportLogsServiceRequest` in protobuf (field numbers: PROTOCOLS §2.4).
enum OTLPProtobufEncoding {
    static func traces(_ spans: [OTLPSpan], source: OTLPSource) -> [UInt8] {
        var items = ProtobufWriter(capacity: spans.count * 400)
        for span in spans { items.messageField(2) { write(span, to: &$0) } }  // ScopeSpans.spans
        return request(items: items, source: source)
    }

    static func logs(_ records: [OTLPLogRecord], source: OTLPSource) -> [UInt8] {
        var items = ProtobufWriter(capacity: records.count * 400)
        for record in records { items.messageField(2) { write(record, to: &$0) } }  // ScopeLogs.log_records
        return request(items: items, source: source)
    }

    /// An `ExportTraceServiceRequest` (or `ExportLogsServiceRequest`: the same shape) of one resource and
    /// scope around `items`, the encoded `spans` (`log_records`) fields, each field 2. The lengths are
    /// known up front, so the items are copied once and never shifted.
    static func request(items: ProtobufWriter, source: OTLPSource) -> [UInt8] {
        var resourceField = ProtobufWriter()
        resourceField.messageField(1) { resource(&$0, source) }  // Resource{Spans,Logs}.resource
        var scopeField = ProtobufWriter()
        scopeField.messageField(1) { scope(&$0, source) }  // Scope{Spans,Logs}.scope
        let scopeLength = scopeField.count + items.count
        let outerLength = resourceField.count + 1 + ProtobufWriter.varintSize(scopeLength) + scopeLength
        var writer = ProtobufWriter(capacity: outerLength + 16)
        writer.lengthDelimitedHeader(1, length: outerLength)  // Export*ServiceRequest.resource_{spans,logs}
        writer.append(encoded: resourceField)
        writer.lengthDelimitedHeader(2, length: scopeLength)  // Resource{Spans,Logs}.scope_{spans,logs}
        writer.append(encoded: scopeField)
        writer.append(encoded: items)
        return writer.bytes
    }

    private static func resource(_ writer: inout ProtobufWriter, _ source: OTLPSource) {
        for attribute in source.resource { writer.messageField(1) { write(attribute, to: &$0) } }
    }

    private static func scope(_ writer: inout ProtobufWriter, _ source: OTLPSource) {
        writer.stringField(1, source.scopeName)
    }

    static func write(_ span: OTLPSpan, to writer: inout ProtobufWriter) {
        writer.bytesField(1, span.traceID)
        writer.bytesField(2, span.spanID)
        writer.bytesField(4, span.parentSpanID)
        writer.stringField(5, span.name)
        writer.varintField(6, Int64(span.kind))
        writer.fixed64Field(7, span.startNanoseconds)
        writer.fixed64Field(8, span.endNanoseconds)
        for attribute in span.attributes { writer.messageField(9) { write(attribute, to: &$0) } }
        if span.statusCode != 0 || !span.statusMessage.isEmpty {
            writer.messageField(15) { status in
                status.stringField(2, span.statusMessage)
                status.varintField(3, Int64(span.statusCode))
            }
        }
    }

    static func write(_ record: OTLPLogRecord, to writer: inout ProtobufWriter) {
        writer.fixed64Field(1, record.timeNanoseconds)
        writer.varintField(2, Int64(record.severityNumber))
        writer.stringField(3, record.severityText)
        writer.messageField(5) { write(record.body, to: &$0) }
        for attribute in record.attributes { writer.messageField(6) { write(attribute, to: &$0) } }
        writer.bytesField(9, record.traceID)
        writer.bytesField(10, record.spanID)
        writer.fixed64Field(11, record.observedNanoseconds)
        writer.stringField(12, record.eventName)
    }

    static func write(_ attribute: Attribute, to writer: inout ProtobufWriter) {
        writer.stringField(1, attribute.key)
        writer.messageField(2) { write(attribute.value, to: &$0) }
    }

    /// An `AnyValue`: the oneof member is written even when it holds its default value.
    static func write(_ value: AttributeValue, to writer: inout ProtobufWriter) {
        switch value {
        case .string(let text): writer.stringField(1, text, always: true)
        case .bool(let flag): writer.boolField(2, flag)
        case .int(let number): writer.varintField(3, number, always: true)
        case .double(let number): writer.doubleField(4, number)
        case .array(let elements):
            writer.messageField(5) { array in
                for element in elements { array.messageField(1) { write(element, to: &$0) } }
            }
        case .keyValues(let members):
            writer.messageField(6) { list in
                for member in members { list.messageField(1) { write(member, to: &$0) } }
            }
        }
    }

    /// `partial_success` of an `Export*ServiceResponse`: rejected count and message, `nil` when unset.
    static func partialSuccess(_ body: [UInt8]) -> (rejected: Int, message: String)? {
        var reader = ProtobufReader(body)
        while let field = reader.next() {
            guard field.field == 1 else { continue }
            var inner = ProtobufReader(field.payload)
            var rejected = 0
            var message = ""
            while let member = inner.next() {
                if member.field == 1 { rejected = Int(truncatingIfNeeded: member.varint) }
                if member.field == 2 { message = String(decoding: member.payload, as: UTF8.self) }
            }
            return (rejected, message)
        }
        return nil
    }
}
