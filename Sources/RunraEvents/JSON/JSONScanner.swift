/// A strict RFC 8259 validator that also finds the top-level members of an event, in one pass.
///
/// It works on the raw line bytes, keeps its own stack (no recursion), and rejects nesting deeper
/// than ``maximumDepth`` (the event object is level 1). Values are decoded later, only when asked.
enum JSONScanner {
    /// Nesting deeper than this is a bad line (SPEC §9).
    static let maximumDepth = 512

    /// Why a line is not a runtime event.
    enum Failure: Equatable {
        case invalidJSON(String, offset: Int)
        case notAnObject
        case nestingTooDeep(offset: Int)
        case invalidUTF8(offset: Int)
        case missingType
        case typeNotAString

        var reason: String {
            switch self {
            case .invalidJSON(let what, let offset): return "invalid JSON: \(what) at byte \(offset + 1)"
            case .notAnObject: return "not a JSON object"
            case .nestingTooDeep(let offset):
                return "nesting too deep (over \(JSONScanner.maximumDepth) levels) at byte \(offset + 1)"
            case .invalidUTF8(let offset): return "invalid UTF-8 at byte \(offset + 1)"
            case .missingType: return "no \"type\" field"
            case .typeNotAString: return "\"type\" is not a string"
            }
        }
    }

    /// Validates `line` as one JSON text and, when it is an object, records its top-level members.
    static func scan(_ line: UnsafeBufferPointer<UInt8>, into fields: inout EventFields) -> Failure? {
        scan(line, into: &fields, mode: PlainScan.self, recording: nil)
    }

    /// Validates `line` as ``scan(_:into:)`` does, and records in `members.record` where the members of its `data`
    /// object named by the keys `members` was made from (``DataMemberKeys/recording(into:)``) are.
    static func scan(
        _ line: UnsafeBufferPointer<UInt8>,
        into fields: inout EventFields,
        recording members: RecordedDataMembers
    ) -> Failure? {
        members.record.pointee.object = -1
        return scan(line, into: &fields, mode: RecordingScan.self, recording: members)
    }

    @inline(__always)
    private static func scan<Mode: ScanMode>(
        _ line: UnsafeBufferPointer<UInt8>,
        into fields: inout EventFields,
        mode: Mode.Type,
        recording members: RecordedDataMembers?
    ) -> Failure? {
        fields = EventFields()
        guard let base = line.baseAddress, line.count > 0 else { return .invalidJSON("empty line", offset: 0) }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: StringStops.bitmapWords) { bitmap in
            var scanner = Cursor<Mode>(base: base, end: line.count, bitmap: bitmap.baseAddress!, members: members)
            return scanner.scanDocument(&fields)
        }
    }

    /// Whether a scan records members of `data`: a type parameter, so that the plain scan has no trace of it.
    private protocol ScanMode { static var recordsDataMembers: Bool { get } }
    private enum PlainScan: ScanMode { static var recordsDataMembers: Bool { false } }
    private enum RecordingScan: ScanMode { static var recordsDataMembers: Bool { true } }

    /// Validates `bytes` as one JSON text of any kind (used by tests and the conformance suite).
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> Failure? {
        var fields = EventFields()
        let failure = scan(bytes, into: &fields)
        switch failure {
        case .notAnObject?, .missingType?, .typeNotAString?: return nil
        default: return failure
        }
    }

    private struct Cursor<Mode: ScanMode> {
        let base: UnsafePointer<UInt8>
        let end: Int
        var position = 0
        var stops: StringStops

        // The stack of open containers: true for an object, false for an array.
        var stack = ContainerStack()

        // Recording the members of `data` (`Mode.recordsDataMembers`): where to, whether the scan is inside that
        // object (its members are at depth 2), the index of the key whose value comes next (-1: not wanted), and
        // where that value started.
        let members: RecordedDataMembers?
        var inData = false
        var pendingMember = -1
        var memberValueStart = 0

        init(base: UnsafePointer<UInt8>, end: Int, bitmap: UnsafeMutablePointer<UInt64>, members: RecordedDataMembers?)
        {
            self.base = base
            self.end = end
            self.stops = StringStops(bytes: base, count: end, bitmap: bitmap)
            self.members = members
        }

        /// Whether the scan is among the members of the `data` object it records.
        @inline(__always) var atDataMember: Bool { Mode.recordsDataMembers && inData && stack.depth == 2 }

        @inline(__always) mutating func skipWhitespace() {
            while position < end {
                let byte = base[position]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    position += 1
                } else {
                    return
                }
            }
        }

        mutating func scanDocument(_ fields: inout EventFields) -> Failure? {
            skipWhitespace()
            guard position < end else { return .invalidJSON("no value", offset: position) }
            let isObject = base[position] == UInt8(ascii: "{")
            if let failure = scanValue(&fields, topLevel: isObject) { return failure }
            skipWhitespace()
            if position != end { return .invalidJSON("unexpected data after the value", offset: position) }
            if !isObject { return .notAnObject }
            guard fields.type.isPresent else { return .missingType }
            if !fields.typeIsString { return .typeNotAString }
            return nil
        }

        /// Scans one value starting at `position`, iteratively: containers go on `stack`, not the call stack.
        mutating func scanValue(_ fields: inout EventFields, topLevel: Bool) -> Failure? {
            var pendingKey = EventFields.Key.none
            var valueStart = 0
            while true {
                // A value starts here.
                skipWhitespace()
                guard position < end else { return .invalidJSON("unexpected end of line", offset: position) }
                let atMemberLevel = topLevel && stack.depth == 1
                if atMemberLevel {
                    valueStart = position
                } else if atDataMember {
                    memberValueStart = position
                }
                var lastWasString = false
                let byte = base[position]
                switch byte {
                case UInt8(ascii: "{"):
                    if stack.depth >= JSONScanner.maximumDepth { return .nestingTooDeep(offset: position) }
                    if Mode.recordsDataMembers && atMemberLevel && pendingKey == .data { enterData() }
                    stack.push(object: true)
                    position += 1
                    skipWhitespace()
                    if position < end && base[position] == UInt8(ascii: "}") {
                        position += 1
                        stack.pop()
                    } else {
                        if let failure = scanMemberKey(&pendingKey, topLevel: topLevel) { return failure }
                        continue
                    }
                case UInt8(ascii: "["):
                    if stack.depth >= JSONScanner.maximumDepth { return .nestingTooDeep(offset: position) }
                    stack.push(object: false)
                    position += 1
                    skipWhitespace()
                    if position < end && base[position] == UInt8(ascii: "]") {
                        position += 1
                        stack.pop()
                    } else {
                        continue
                    }
                case UInt8(ascii: "\""):
                    var hasEscape = false
                    if let failure = scanString(&hasEscape) { return failure }
                    lastWasString = true
                    if atMemberLevel && pendingKey == .type { fields.typeHasEscape = hasEscape }
                case UInt8(ascii: "t"):
                    if let failure = scanLiteral("true") { return failure }
                case UInt8(ascii: "f"):
                    if let failure = scanLiteral("false") { return failure }
                case UInt8(ascii: "n"):
                    if let failure = scanLiteral("null") { return failure }
                default:
                    if byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                        if let failure = scanNumber() { return failure }
                    } else {
                        return .invalidJSON("unexpected character '\(Self.printable(byte))'", offset: position)
                    }
                }
                // A value just ended. Record it, then close containers until the next value starts.
                valueEnded: while true {
                    if stack.depth == 0 { return nil }
                    if topLevel && stack.depth == 1 {
                        if pendingKey != .none {
                            fields.set(pendingKey, Span(start: valueStart, end: position))
                            if pendingKey == .type { fields.typeIsString = lastWasString }
                        } else {
                            fields.hasOtherMembers = true
                        }
                        pendingKey = .none
                        if Mode.recordsDataMembers { inData = false }
                    } else if atDataMember && pendingMember >= 0 {
                        // The last duplicate wins, as in JSONDecoding.lookup.
                        members.unsafelyUnwrapped.record.pointee.spans[pendingMember] = Span(
                            start: memberValueStart,
                            end: position
                        )
                        pendingMember = -1
                    }
                    skipWhitespace()
                    guard position < end else { return .invalidJSON("unexpected end of line", offset: position) }
                    let next = base[position]
                    if next == UInt8(ascii: ",") {
                        position += 1
                        if stack.topIsObject {
                            skipWhitespace()
                            if let failure = scanMemberKey(&pendingKey, topLevel: topLevel) { return failure }
                        }
                        break valueEnded
                    }
                    if stack.topIsObject ? next == UInt8(ascii: "}") : next == UInt8(ascii: "]") {
                        position += 1
                        stack.pop()
                        lastWasString = false
                        continue valueEnded
                    }
                    return .invalidJSON(
                        stack.topIsObject ? "expected ',' or '}'" : "expected ',' or ']'",
                        offset: position
                    )
                }
            }
        }

        /// Starts recording the members of the `data` object whose `{` is at `position`. A repeated `data` starts
        /// over: the last one is the line's.
        @inline(never)
        mutating func enterData() {
            inData = true
            pendingMember = -1
            members.unsafelyUnwrapped.record.pointee = DataMemberRecord(object: position)
        }

        /// Scans `"key" :` at `position`; remembers which event field a top-level key names, and which wanted member
        /// a key of `data` names.
        @inline(__always)
        mutating func scanMemberKey(_ key: inout EventFields.Key, topLevel: Bool) -> Failure? {
            guard position < end, base[position] == UInt8(ascii: "\"") else {
                return .invalidJSON("expected a string key", offset: position)
            }
            let keyStart = position + 1
            var hasEscape = false
            if let failure = scanString(&hasEscape) { return failure }
            if topLevel && stack.depth == 1 {
                key = EventFields.Key(
                    UnsafeBufferPointer(start: base + keyStart, count: position - 1 - keyStart),
                    escaped: hasEscape
                )
            } else if atDataMember {
                pendingMember = members.unsafelyUnwrapped.index(
                    ofKey: UnsafeBufferPointer(start: base + keyStart, count: position - 1 - keyStart),
                    escaped: hasEscape
                )
            }
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: ":") else {
                return .invalidJSON("expected ':'", offset: position)
            }
            position += 1
            return nil
        }

        @inline(__always)
        mutating func scanLiteral(_ literal: StaticString) -> Failure? {
            let count = literal.utf8CodeUnitCount
            guard end - position >= count, memcmp(base + position, literal.utf8Start, count) == 0 else {
                return .invalidJSON("invalid literal", offset: position)
            }
            position += count
            return nil
        }

        mutating func scanNumber() -> Failure? {
            let start = position
            if base[position] == UInt8(ascii: "-") { position += 1 }
            guard position < end else { return .invalidJSON("invalid number", offset: start) }
            if base[position] == UInt8(ascii: "0") {
                position += 1
            } else if base[position] >= UInt8(ascii: "1") && base[position] <= UInt8(ascii: "9") {
                position += 1
                while position < end && base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
            } else {
                return .invalidJSON("invalid number", offset: start)
            }
            if position < end && base[position] == UInt8(ascii: ".") {
                position += 1
                let digits = position
                while position < end && base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
                if position == digits { return .invalidJSON("invalid number", offset: start) }
            }
            if position < end && (base[position] | 0x20) == UInt8(ascii: "e") {
                position += 1
                if position < end && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) {
                    position += 1
                }
                let digits = position
                while position < end && base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
                if position == digits { return .invalidJSON("invalid number", offset: start) }
            }
            return nil
        }

        /// Scans a string starting at its opening quote; leaves `position` after the closing quote.
        /// Plain bytes are skipped with ``StringStops``; the bytes it stops at are checked here.
        @inline(__always)
        mutating func scanString(_ hasEscape: inout Bool) -> Failure? {
            let start = position
            position += 1
            while true {
                position = stops.next(from: position)
                guard position < end else { return .invalidJSON("unterminated string", offset: start) }
                let byte = base[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return nil
                } else if byte == UInt8(ascii: "\\") {
                    hasEscape = true
                    if let failure = scanEscape() { return failure }
                } else if byte < 0x20 {
                    return .invalidJSON("control character in string", offset: position)
                } else if let failure = scanUTF8Sequence() {
                    return failure
                }
            }
        }

        mutating func scanEscape() -> Failure? {
            let start = position
            position += 1
            guard position < end else { return .invalidJSON("unterminated string", offset: start) }
            switch base[position] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 1
                return nil
            case UInt8(ascii: "u"):
                guard end - position >= 5 else { return .invalidJSON("invalid \\u escape", offset: start) }
                for index in 1...4 where JSONScanner.hexValue(base[position + index]) == nil {
                    return .invalidJSON("invalid \\u escape", offset: start)
                }
                position += 5
                return nil
            default:
                return .invalidJSON("invalid escape", offset: start)
            }
        }

        /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
        mutating func scanUTF8Sequence() -> Failure? {
            let start = position
            let first = base[position]
            var length = 0
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch first {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return .invalidUTF8(offset: start)
            }
            guard end - position >= length else { return .invalidUTF8(offset: start) }
            let second = base[position + 1]
            guard second >= lower && second <= upper else { return .invalidUTF8(offset: start) }
            for index in 2..<max(2, length) where base[position + index] & 0xC0 != 0x80 {
                return .invalidUTF8(offset: start)
            }
            position += length
            return nil
        }

        static func printable(_ byte: UInt8) -> String {
            byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A fixed-size stack of container kinds, one bit each, with no allocation.
struct ContainerStack {
    private var bits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var depth = 0
    /// Whether the innermost open container is an object. Read after every value, so kept apart from `bits`.
    private(set) var topIsObject = false

    @inline(__always) mutating func push(object: Bool) {
        let word = depth >> 6
        let mask = UInt64(1) << UInt64(depth & 63)
        withUnsafeMutableBytes(of: &bits) { raw in
            let words = raw.bindMemory(to: UInt64.self)
            if object { words[word] |= mask } else { words[word] &= ~mask }
        }
        depth += 1
        topIsObject = object
    }

    @inline(__always) mutating func pop() {
        depth -= 1
        guard depth > 0 else { return }
        let index = depth - 1
        topIsObject = withUnsafeMutableBytes(of: &bits) { raw in
            raw.load(fromByteOffset: (index >> 6) * 8, as: UInt64.self) & (UInt64(1) << UInt64(index & 63)) != 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
