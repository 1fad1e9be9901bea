/// A validated event line in a reader's buffer: the bytes and where its fields are.
///
/// Valid only while the buffer it points into is; the hot path (filter, stats) uses it to avoid
/// copying. ``RuntimeEvent`` is the owning, `Sendable` form.
struct EventLine: ExpressionContext {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: EventFields
    /// The members of `data` the scan recorded (nil: none were asked for).
    let dataMembers: RecordedDataMembers?

    init(bytes: UnsafeBufferPointer<UInt8>, fields: EventFields, dataMembers: RecordedDataMembers? = nil) {
        self.bytes = bytes
        self.fields = fields
        self.dataMembers = dataMembers
    }

    /// The span of a top-level field, or of the whole object when `key` is `.none`.
    @inline(__always)
    func span(_ key: EventFields.Key) -> Span {
        key == .none ? Span(start: 0, end: bytes.count) : fields.span(for: key)
    }

    /// The raw bytes of a string field's content (without quotes), when it is a string without escapes.
    @inline(__always)
    func plainStringContent(_ span: Span) -> UnsafeBufferPointer<UInt8>? {
        guard span.isPresent, bytes[span.start] == UInt8(ascii: "\"") else { return nil }
        let content = UnsafeBufferPointer(rebasing: bytes[(span.start + 1)..<(span.end - 1)])
        return content.contains(UInt8(ascii: "\\")) ? nil : content
    }

    /// The type's bytes when they are its value (no escapes), which is the common case.
    @inline(__always)
    var plainType: UnsafeBufferPointer<UInt8>? {
        fields.typeHasEscape
            ? nil : UnsafeBufferPointer(rebasing: bytes[(fields.type.start + 1)..<(fields.type.end - 1)])
    }

    /// The decoded type.
    var type: String {
        if let plain = plainType { return String(decoding: plain, as: UTF8.self) }
        return JSONDecoding.value(bytes, fields.type).stringValue ?? ""
    }

    /// The span of the value at `path`, or `nil` when the path is missing.
    func span(at path: JSONPath) -> Span? {
        guard let first = path.components.first else { return Span(start: 0, end: bytes.count) }
        guard case .key(let name) = first else { return nil }
        let key = EventFields.Key(name: name)
        if key == .data && path.components.count >= 2, let dataMembers, case .key(let member) = path.components[1],
            let recorded = dataMembers.span(named: member, dataStart: fields.data.start)
        {
            guard let span = recorded else { return nil }
            return path.components.count == 2 ? span : JSONDecoding.lookup(bytes, span, path.components.dropFirst(2))
        }
        if key != .none {
            let span = fields.span(for: key)
            guard span.isPresent else { return nil }
            return path.components.count == 1 ? span : JSONDecoding.lookup(bytes, span, path.components.dropFirst())
        }
        return JSONDecoding.lookup(bytes, Span(start: 0, end: bytes.count), path.components[...])
    }

    /// The span of `data[name]`, or nil when `data` is not an object or has no such member.
    @inline(__always)
    func dataMember(_ name: String) -> Span? {
        if let dataMembers, let recorded = dataMembers.span(named: name, dataStart: fields.data.start) {
            return recorded
        }
        guard fields.data.isPresent else { return nil }
        return JSONDecoding.lookup(bytes, fields.data, [.key(name)])
    }

    func value(at path: JSONPath) -> JSONValue? {
        span(at: path).map { JSONDecoding.value(bytes, $0) }
    }

    /// A string field's decoded value (`nil` when missing or not a string).
    func string(_ key: EventFields.Key) -> String? {
        let span = fields.span(for: key)
        guard span.isPresent else { return nil }
        if let plain = plainStringContent(span) { return String(decoding: plain, as: UTF8.self) }
        return JSONDecoding.value(bytes, span).stringValue
    }

    /// The event's timestamp, when it has a valid one.
    var timestamp: Timestamp? {
        guard let content = plainStringContent(fields.timestamp) else { return nil }
        return Timestamp.parse(content)
    }

    /// The level by SPEC §2's rule.
    var level: EventLevel {
        let data = fields.data
        if data.isPresent, bytes[data.start] == UInt8(ascii: "{"),
            let levelSpan = dataMember("level"),
            let content = plainStringContent(levelSpan),
            let named = EventLevel(name: String(decoding: content, as: UTF8.self))
        {
            return named
        }
        guard let type = plainType else { return EventLevel.forType(self.type, exitCode: exitCode) }
        return EventLevel.forType(bytes: type, exitCode: exitCode)
    }

    /// `data.exitCode` when it is a number.
    var exitCode: Double? {
        guard let span = dataMember("exitCode") else { return nil }
        let first = bytes[span.start]
        guard first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONDecoding.number(UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]))
    }

    /// An owning copy.
    func makeEvent() -> RuntimeEvent {
        RuntimeEvent(validatedLine: Array(bytes), fields: fields)
    }
}

extension EventLevel {
    /// The level of an event of `type` without `data.level` (for types written with escapes).
    static func forType(_ type: String, exitCode: Double?) -> EventLevel {
        if type.hasSuffix(".error") { return .error }
        if type == "exec.completed" { return (exitCode ?? 0) != 0 ? .error : .info }
        if type == "agent.thinking" || type == "exec.streamed" { return .debug }
        return .info
    }

    /// The same rule on a type's bytes (written without escapes).
    static func forType(bytes type: UnsafeBufferPointer<UInt8>, exitCode: Double?) -> EventLevel {
        if type.count >= 6, memcmp(type.baseAddress! + type.count - 6, ".error", 6) == 0 { return .error }
        if Glob.equals(type, "exec.completed") { return (exitCode ?? 0) != 0 ? .error : .info }
        if Glob.equals(type, "agent.thinking") || Glob.equals(type, "exec.streamed") { return .debug }
        return .info
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
