/// `data`'s `durationMs`, `exitCode` and `level`, found in one pass over `data`, and the event's level from them:
/// a columnar writer needs all three for every event, where four lookups would each walk `data` again.
package struct CommonDataMembers {
    /// The byte ranges of the values in the event's line (the last duplicate wins).
    package var durationMs: Range<Int>?
    package var exitCode: Range<Int>?
    /// The level by SPEC §2's rule (``RuntimeEvent/level``).
    package var level: EventLevel
}

extension RuntimeEvent {
    /// `data`'s common members and the level, in one pass.
    package var commonDataMembers: CommonDataMembers {
        line.withUnsafeBufferPointer { EventLine(bytes: $0, fields: fields).commonDataMembers() }
    }
}

extension EventLine {
    func commonDataMembers() -> CommonDataMembers {
        var duration: Span?
        var exit: Span?
        var levelValue: Span?
        let data = fields.data
        if data.isPresent, bytes[data.start] == UInt8(ascii: "{") {
            forEachDataMember { key, value in
                switch Self.commonKey(key) {
                case 1: duration = value
                case 2: exit = value
                case 3: levelValue = value
                default: break
                }
            }
        }
        let exitCode: Double? = exit.flatMap { span in
            let first = bytes[span.start]
            guard first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 else { return nil }
            return JSONDecoding.number(UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]))
        }
        // As ``level``: a `data.level` written with escapes is not read (the type's rule applies).
        let level: EventLevel
        if let levelValue, let content = plainStringContent(levelValue),
            let named = EventLevel(name: String(decoding: content, as: UTF8.self))
        {
            level = named
        } else if let plain = plainType {
            level = EventLevel.forType(bytes: plain, exitCode: exitCode)
        } else {
            level = EventLevel.forType(type, exitCode: exitCode)
        }
        return CommonDataMembers(
            durationMs: duration.map { $0.start..<$0.end },
            exitCode: exit.map { $0.start..<$0.end },
            level: level
        )
    }

    /// Calls `body` with each member of the `data` object: the key's raw content (between its quotes) and the value.
    private func forEachDataMember(_ body: (UnsafeBufferPointer<UInt8>, Span) -> Void) {
        var position = fields.data.start + 1
        JSONDecoding.skipWhitespace(bytes, &position)
        if bytes[position] == UInt8(ascii: "}") { return }
        while true {
            JSONDecoding.skipWhitespace(bytes, &position)
            let keyEnd = JSONDecoding.endOfString(bytes, position)
            let key = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<(keyEnd - 1)])
            position = keyEnd
            JSONDecoding.skipWhitespace(bytes, &position)
            position += 1
            JSONDecoding.skipWhitespace(bytes, &position)
            let valueEnd = JSONDecoding.endOfValue(bytes, position)
            body(key, Span(start: position, end: valueEnd))
            position = valueEnd
            JSONDecoding.skipWhitespace(bytes, &position)
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "}") { return }
        }
    }

    /// 1 for `durationMs`, 2 for `exitCode`, 3 for `level` (keys written with escapes are decoded), 0 otherwise.
    @inline(__always)
    private static func commonKey(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
        func equals(_ name: StaticString) -> Bool {
            raw.count == name.utf8CodeUnitCount && memcmp(raw.baseAddress!, name.utf8Start, raw.count) == 0
        }
        switch raw.count {
        case 10 where equals("durationMs"): return 1
        case 8 where equals("exitCode"): return 2
        case 5 where equals("level"): return 3
        default:
            guard raw.count > 5, raw.contains(UInt8(ascii: "\\")) else { return 0 }
            switch JSONDecoding.string(fromQuotedContent: raw) {
            case "durationMs": return 1
            case "exitCode": return 2
            case "level": return 3
            default: return 0
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
