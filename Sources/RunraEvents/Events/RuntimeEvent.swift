/// One event of a Runra log: the line exactly as read, and its fields, decoded on demand.
///
/// Writing an event as JSONL writes ``line`` unchanged, so numbers, key order and escapes
/// are never altered (SPEC §3).
public struct RuntimeEvent: Sendable, ExpressionContext {
    /// The line's bytes, without its line terminator.
    public let line: [UInt8]
    let fields: EventFields

    init(validatedLine line: [UInt8], fields: EventFields) {
        self.line = line
        self.fields = fields
    }

    /// Parses one JSONL line; throws ``RunraError/Code/badLine`` when it is not a runtime event.
    public init(line: [UInt8]) throws {
        var fields = EventFields()
        let failure = line.withUnsafeBufferPointer { JSONScanner.scan($0, into: &fields) }
        if let failure { throw RunraError(.badLine, failure.reason) }
        self.init(validatedLine: line, fields: fields)
    }

    /// Parses one JSONL line given as a string.
    public init(_ line: String) throws {
        try self.init(line: Array(line.utf8))
    }

    private func withLine<T>(_ body: (EventLine) -> T) -> T {
        line.withUnsafeBufferPointer { body(EventLine(bytes: $0, fields: fields)) }
    }

    /// The event type, e.g. `exec.completed`.
    public var type: String { withLine { $0.type } }
    /// The `id` field, when it is a string.
    public var id: String? { withLine { $0.string(.id) } }
    /// The `sandboxId` field, when it is a string.
    public var sandboxId: String? { withLine { $0.string(.sandboxId) } }
    /// The `runId` field, when it is a string.
    public var runId: String? { withLine { $0.string(.runId) } }
    /// The `timestamp` field, when it is valid RFC 3339.
    public var timestamp: Timestamp? { withLine { $0.timestamp } }
    /// The level by SPEC §2's rule.
    public var level: EventLevel { withLine { $0.level } }
    /// The `data` object (an empty object when absent).
    public var data: JSONValue { value(at: JSONPath(keys: "data")) ?? .object([:]) }
    /// The raw JSON text of `data`, when present.
    public var dataText: [UInt8]? {
        withLine { event in
            event.fields.data.isPresent ? Array(event.bytes[event.fields.data.start..<event.fields.data.end]) : nil
        }
    }

    /// Whether the line has a top-level member beside `id`, `timestamp`, `type`, `sandboxId`, `runId` and `data`.
    package var hasOtherMembers: Bool { fields.hasOtherMembers }

    /// Where the six members' values sit in ``line`` (quotes included for strings), for writers that copy bytes.
    package struct MemberSpans {
        package var id: Range<Int>?
        package var timestamp: Range<Int>?
        package var type: Range<Int>?
        package var sandboxId: Range<Int>?
        package var runId: Range<Int>?
        package var data: Range<Int>?
    }

    /// The value of a JSON string given by its content between the quotes, escapes decoded.
    package static func decodedString(content: UnsafeBufferPointer<UInt8>) -> String {
        JSONDecoding.string(fromQuotedContent: content)
    }

    /// The byte ranges of the six members' values in ``line``.
    package var memberSpans: MemberSpans {
        func range(_ span: Span) -> Range<Int>? { span.isPresent ? span.start..<span.end : nil }
        return MemberSpans(
            id: range(fields.id),
            timestamp: range(fields.timestamp),
            type: range(fields.type),
            sandboxId: range(fields.sandboxId),
            runId: range(fields.runId),
            data: range(fields.data)
        )
    }

    /// The value at `path` (`data.exitCode`, `type`, …), or `nil` when missing.
    public func value(at path: JSONPath) -> JSONValue? { withLine { $0.value(at: path) } }

    /// The raw JSON text of the value at `path`, or `nil` when missing.
    public func rawValue(at path: JSONPath) -> [UInt8]? {
        withLine { event in event.span(at: path).map { Array(event.bytes[$0.start..<$0.end]) } }
    }

    /// Appends the readable one-line form (`TIME LEVEL TYPE SANDBOX RUN key=value …` and a newline) to `out`,
    /// as `filter -o pretty` prints it; `colors` adds ANSI colors by level.
    public func appendPretty(to out: inout [UInt8], colors: Bool = false, includeTimestamp: Bool = true) {
        withLine { PrettyLine.render($0, colors: colors, includeTimestamp: includeTimestamp, into: &out) }
    }
}
