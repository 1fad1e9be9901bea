internal import Foundation
internal import RunraEvents

/// `ExportTraceServiceRequest` / `ExportLogsServiceRequest` in OTLP/JSON (PROTOCOLS §2.3):
/// lowerCamelCase keys, hex ids, enums as integers, 64-bit integers as decimal strings.
enum OTLPJSONEncoding {
    static func traces(_ spans: [OTLPSpan], source: OTLPSource) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(spans.count * 700 + 256)
        out.append(contentsOf: #"{"resourceSpans":[{"resource":"#.utf8)
        resource(source, &out)
        out.append(contentsOf: #","scopeSpans":[{"scope":"#.utf8)
        scope(source, &out)
        out.append(contentsOf: #","spans":["#.utf8)
        for (index, span) in spans.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(span, &out)
        }
        out.append(contentsOf: "]}]}]}".utf8)
        return out
    }

    static func logs(_ records: [OTLPLogRecord], source: OTLPSource) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(records.count * 700 + 256)
        out.append(contentsOf: #"{"resourceLogs":[{"resource":"#.utf8)
        resource(source, &out)
        out.append(contentsOf: #","scopeLogs":[{"scope":"#.utf8)
        scope(source, &out)
        out.append(contentsOf: #","logRecords":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(record, &out)
        }
        out.append(contentsOf: "]}]}]}".utf8)
        return out
    }

    private static func resource(_ source: OTLPSource, _ out: inout [UInt8]) {
        out.append(contentsOf: #"{"attributes":"#.utf8)
        attributes(source.resource, &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func scope(_ source: OTLPSource, _ out: inout [UInt8]) {
        out.append(contentsOf: #"{"name":"#.utf8)
        JSONText.appendQuoted(source.scopeName, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func key(_ name: String, _ out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "\":".utf8)
    }

    private static func hex(_ bytes: [UInt8], _ out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func int64String(_ value: UInt64, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: String(value).utf8)
        out.append(UInt8(ascii: "\""))
    }

    static func write(_ span: OTLPSpan, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        key("traceId", &out, first: true)
        hex(span.traceID, &out)
        key("spanId", &out)
        hex(span.spanID, &out)
        if !span.parentSpanID.isEmpty {
            key("parentSpanId", &out)
            hex(span.parentSpanID, &out)
        }
        key("name", &out)
        JSONText.appendQuoted(span.name, to: &out)
        key("kind", &out)
        out.append(contentsOf: String(span.kind).utf8)
        key("startTimeUnixNano", &out)
        int64String(span.startNanoseconds, &out)
        key("endTimeUnixNano", &out)
        int64String(span.endNanoseconds, &out)
        key("attributes", &out)
        attributes(span.attributes, &out)
        if span.statusCode != 0 || !span.statusMessage.isEmpty {
            key("status", &out)
            out.append(contentsOf: #"{"code":"#.utf8)
            out.append(contentsOf: String(span.statusCode).utf8)
            if !span.statusMessage.isEmpty {
                key("message", &out)
                JSONText.appendQuoted(span.statusMessage, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ record: OTLPLogRecord, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        key("observedTimeUnixNano", &out, first: true)
        int64String(record.observedNanoseconds, &out)
        if record.timeNanoseconds != 0 {
            key("timeUnixNano", &out)
            int64String(record.timeNanoseconds, &out)
        }
        key("severityNumber", &out)
        out.append(contentsOf: String(record.severityNumber).utf8)
        key("severityText", &out)
        JSONText.appendQuoted(record.severityText, to: &out)
        key("body", &out)
        value(record.body, &out)
        key("attributes", &out)
        attributes(record.attributes, &out)
        key("traceId", &out)
        hex(record.traceID, &out)
        key("spanId", &out)
        hex(record.spanID, &out)
        key("eventName", &out)
        JSONText.appendQuoted(record.eventName, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    static func attributes(_ list: [Attribute], _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, attribute) in list.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"key":"#.utf8)
            JSONText.appendQuoted(attribute.key, to: &out)
            out.append(contentsOf: #","value":"#.utf8)
            value(attribute.value, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    static func value(_ value: AttributeValue, _ out: inout [UInt8]) {
        switch value {
        case .string(let text):
            out.append(contentsOf: #"{"stringValue":"#.utf8)
            JSONText.appendQuoted(text, to: &out)
        case .bool(let flag):
            out.append(contentsOf: (flag ? #"{"boolValue":true"# : #"{"boolValue":false"#).utf8)
        case .int(let number):
            out.append(contentsOf: #"{"intValue":""#.utf8)
            out.append(contentsOf: String(number).utf8)
            out.append(UInt8(ascii: "\""))
        case .double(let number):
            out.append(contentsOf: #"{"doubleValue":"#.utf8)
            out.append(contentsOf: JSONText.number(number).utf8)
        case .array(let elements):
            out.append(contentsOf: #"{"arrayValue":{"values":["#.utf8)
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                self.value(element, &out)
            }
            out.append(contentsOf: "]}".utf8)
        case .keyValues(let members):
            out.append(contentsOf: #"{"kvlistValue":{"values":"#.utf8)
            attributes(members, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `partialSuccess` of a JSON `Export*ServiceResponse`: rejected count and message, `nil` when unset.
    static func partialSuccess(_ body: [UInt8]) -> (rejected: Int, message: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        else { return nil }
        let count = partial["rejectedSpans"] ?? partial["rejectedLogRecords"]
        let rejected = (count as? String).flatMap(Int.init) ?? (count as? NSNumber)?.intValue ?? 0
        return (rejected, partial["errorMessage"] as? String ?? "")
    }
}
