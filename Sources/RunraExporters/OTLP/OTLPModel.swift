/// An OTLP `AnyValue`. Not `indirect`: the recursion goes through arrays already, and a box per
/// value would cost an allocation per attribute.
enum AttributeValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([AttributeValue])
    case keyValues([Attribute])
}

/// An OTLP `KeyValue`.
struct Attribute: Sendable, Equatable {
    var key: String
    var value: AttributeValue
}

/// The parts of an OTLP `Span` the exporter sets.
struct OTLPSpan: Sendable {
    var traceID: [UInt8]
    var spanID: [UInt8]
    /// Empty for a root span.
    var parentSpanID: [UInt8]
    var name: String
    /// `SPAN_KIND_INTERNAL`.
    var kind: Int = 1
    var startNanoseconds: UInt64
    var endNanoseconds: UInt64
    var attributes: [Attribute]
    /// `STATUS_CODE_UNSET` 0 or `STATUS_CODE_ERROR` 2.
    var statusCode: Int = 0
    var statusMessage: String = ""
}

/// The parts of an OTLP `LogRecord` the exporter sets.
struct OTLPLogRecord: Sendable {
    /// 0 when the event has no valid timestamp (OTLP: unknown).
    var timeNanoseconds: UInt64
    var observedNanoseconds: UInt64
    var severityNumber: Int
    var severityText: String
    var body: AttributeValue
    var attributes: [Attribute]
    var traceID: [UInt8]
    var spanID: [UInt8]
    var eventName: String
}

/// The resource and instrumentation scope every request carries.
struct OTLPSource: Sendable {
    var resource: [Attribute]
    var scopeName = "runra-events"
}
