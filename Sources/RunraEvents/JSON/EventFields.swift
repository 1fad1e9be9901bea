/// A byte range of a line: a value's text, quotes included for strings.
struct Span: Equatable {
    var start: Int
    var end: Int

    static let missing = Span(start: -1, end: -1)

    var isPresent: Bool { start >= 0 }
    var count: Int { end - start }
}

/// Where the six event fields sit in a scanned line, found while validating it.
struct EventFields {
    /// A top-level key the scanner keeps track of.
    enum Key: Equatable {
        case none, id, timestamp, type, sandboxId, runId, data

        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool) {
            if escaped {
                // Rare: a key written with escapes, e.g. "\u0074ype".
                let decoded = JSONDecoding.string(fromQuotedContent: bytes)
                self = Key(name: decoded)
                return
            }
            switch bytes.count {
            case 2: self = Key.matches(bytes, "id") ? .id : .none
            case 4:
                if Key.matches(bytes, "type") {
                    self = .type
                } else if Key.matches(bytes, "data") {
                    self = .data
                } else {
                    self = .none
                }
            case 5: self = Key.matches(bytes, "runId") ? .runId : .none
            case 9:
                if Key.matches(bytes, "timestamp") {
                    self = .timestamp
                } else if Key.matches(bytes, "sandboxId") {
                    self = .sandboxId
                } else {
                    self = .none
                }
            default: self = .none
            }
        }

        init(name: String) {
            var name = name
            self = name.withUTF8 { Key($0, escaped: false) }
        }

        @inline(__always)
        private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            memcmp(bytes.baseAddress!, name.utf8Start, name.utf8CodeUnitCount) == 0
        }
    }

    var id = Span.missing
    var timestamp = Span.missing
    var type = Span.missing
    var sandboxId = Span.missing
    var runId = Span.missing
    var data = Span.missing
    /// Whether `type` is a JSON string (a bad line otherwise).
    var typeIsString = false
    /// Whether `type`'s string uses escapes, so its raw bytes are not its value.
    var typeHasEscape = false
    /// Whether the object has a member other than the six (kept as it is; a Parquet row keeps the line for it).
    var hasOtherMembers = false

    @inline(__always)
    mutating func set(_ key: Key, _ span: Span) {
        switch key {
        case .none: break
        case .id: id = span
        case .timestamp: timestamp = span
        case .type: type = span
        case .sandboxId: sandboxId = span
        case .runId: runId = span
        case .data: data = span
        }
    }

    func span(for key: Key) -> Span {
        switch key {
        case .none: return .missing
        case .id: return id
        case .timestamp: return timestamp
        case .type: return type
        case .sandboxId: return sandboxId
        case .runId: return runId
        case .data: return data
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
