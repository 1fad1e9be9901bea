/// A value of a validated event line, read in place: its text, its members and elements as more raw
/// values, and its decoded scalar, without building a ``JSONValue`` tree.
///
/// For encoders that copy values straight from the line into another format (the OTLP exporter).
/// Valid only inside the ``RuntimeEvent/withRawFields(_:)`` call that handed it out.
package struct RawJSONValue {
    /// What kind of JSON value this is.
    package enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    /// The value's text (a string with its quotes).
    package let text: UnsafeBufferPointer<UInt8>

    package init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

    package var kind: Kind {
        switch text[0] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: return .number
        }
    }

    /// A string's content between its quotes when it has no escapes: then it is the string's UTF-8
    /// (the scanner validated it). `nil` for other kinds and for strings with escapes.
    package var plainString: UnsafeBufferPointer<UInt8>? {
        guard text[0] == UInt8(ascii: "\"") else { return nil }
        let content = UnsafeBufferPointer(rebasing: text[1..<(text.count - 1)])
        return content.contains(UInt8(ascii: "\\")) ? nil : content
    }

    /// A string's decoded value, as ``JSONValue`` decodes it (lone surrogates become U+FFFD).
    package var stringValue: String? {
        guard text[0] == UInt8(ascii: "\"") else { return nil }
        return JSONDecoding.string(fromQuotedContent: UnsafeBufferPointer(rebasing: text[1..<(text.count - 1)]))
    }

    /// A number's value, as ``JSONValue`` decodes it.
    package var numberValue: Double? {
        let first = text[0]
        guard first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONDecoding.number(text)
    }

    /// A Boolean's value.
    package var boolValue: Bool? {
        switch text[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// An object's members in the order of the text (duplicates included); empty for other kinds.
    package var members: Members { Members(cursor: Cursor(text, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"))) }

    /// An array's elements in order; empty for other kinds.
    package var elements: Elements { Elements(cursor: Cursor(text, open: UInt8(ascii: "["), close: UInt8(ascii: "]"))) }

    /// A member's key as written between its quotes.
    package struct Key {
        /// The key's raw bytes between the quotes.
        package let content: UnsafeBufferPointer<UInt8>
        /// Whether ``content`` contains escapes (so it is not the key's UTF-8).
        package let hasEscape: Bool
    }

    /// The members of an object, one at a time.
    package struct Members: Sequence, IteratorProtocol {
        fileprivate var cursor: Cursor

        package mutating func next() -> (key: Key, value: RawJSONValue)? {
            guard !cursor.done else { return nil }
            let content = cursor.key()
            return (Key(content: content, hasEscape: content.contains(UInt8(ascii: "\\"))), cursor.value())
        }
    }

    /// The elements of an array, one at a time.
    package struct Elements: Sequence, IteratorProtocol {
        fileprivate var cursor: Cursor

        package mutating func next() -> RawJSONValue? { cursor.done ? nil : cursor.value() }
    }

    /// A position in the text of an object or array (done at once when the text does not start with `open`).
    fileprivate struct Cursor {
        let text: UnsafeBufferPointer<UInt8>
        let close: UInt8
        var position = 1
        var done: Bool

        init(_ text: UnsafeBufferPointer<UInt8>, open: UInt8, close: UInt8) {
            self.text = text
            self.close = close
            done = text[0] != open
            if !done {
                JSONDecoding.skipWhitespace(text, &position)
                done = text[position] == close
            }
        }

        /// A member's key content, and the position moved to its value.
        mutating func key() -> UnsafeBufferPointer<UInt8> {
            JSONDecoding.skipWhitespace(text, &position)
            let keyEnd = JSONDecoding.endOfString(text, position)
            let content = UnsafeBufferPointer(rebasing: text[(position + 1)..<(keyEnd - 1)])
            position = keyEnd
            JSONDecoding.skipWhitespace(text, &position)
            position += 1  // ':'
            return content
        }

        /// The value at the position, and the position moved past the separator after it.
        mutating func value() -> RawJSONValue {
            JSONDecoding.skipWhitespace(text, &position)
            let valueEnd = JSONDecoding.endOfValue(text, position)
            let value = RawJSONValue(UnsafeBufferPointer(rebasing: text[position..<valueEnd]))
            position = valueEnd
            JSONDecoding.skipWhitespace(text, &position)
            done = text[position] == close
            position += 1  // ',' or the closing bracket
            return value
        }
    }
}

/// The top-level fields of an event as raw values (see ``RuntimeEvent/withRawFields(_:)``).
package struct RawEventFields {
    /// `id`, `type`, `sandboxId`, `runId`, `timestamp` and `data` as written, `nil` when absent.
    package let id: RawJSONValue?
    package let type: RawJSONValue
    package let sandboxId: RawJSONValue?
    package let runId: RawJSONValue?
    package let timestamp: RawJSONValue?
    package let data: RawJSONValue?
}

extension RuntimeEvent {
    /// Calls `body` with the event's top-level fields read in place from ``line`` (valid only during the call).
    package func withRawFields<T>(_ body: (RawEventFields) throws -> T) rethrows -> T {
        try line.withUnsafeBufferPointer { bytes in
            func raw(_ span: Span) -> RawJSONValue? {
                span.isPresent ? RawJSONValue(UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])) : nil
            }
            return try body(
                RawEventFields(
                    id: raw(fields.id),
                    type: raw(fields.type)!,
                    sandboxId: raw(fields.sandboxId),
                    runId: raw(fields.runId),
                    timestamp: raw(fields.timestamp),
                    data: raw(fields.data)
                )
            )
        }
    }
}

extension EventLevel {
    /// The level by SPEC §2's rule from the values already read: the event's `type`, and its `data.level`
    /// and `data.exitCode` (`nil` when absent or when `data` is not an object). The same as
    /// ``RuntimeEvent/level`` (a type without escapes is matched on its bytes, as there), without looking
    /// the two members up again.
    package static func of(type: RawJSONValue, dataLevel: RawJSONValue?, exitCode: RawJSONValue?) -> EventLevel {
        if let content = dataLevel?.plainString, let named = EventLevel(name: String(decoding: content, as: UTF8.self))
        {
            return named
        }
        let code = exitCode?.numberValue
        guard let type = type.plainString else { return forType(type.stringValue ?? "", exitCode: code) }
        return forType(bytes: type, exitCode: code)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
