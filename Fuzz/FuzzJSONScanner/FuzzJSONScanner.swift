// libFuzzer target: the JSON scanner's verdict must agree with the simple reference validator below.
// Build and run with scripts/fuzz.sh (docs/fuzzing.md).
import CLibFuzzer
import RunraEvents

@_cdecl("FuzzJSONScanner_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var (argc, argv) = (argc, argv)
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let verdict = _FuzzEntryPoints.jsonVerdict(bytes)
    var reference = ReferenceJSON(bytes: bytes, maximumDepth: _FuzzEntryPoints.maximumDepth)
    switch reference.validate() {
    case .valid:
        guard verdict else { fatalError("scanner rejects valid JSON: \(show(bytes))") }
        // The decoder behind JSONValue(parsing:) must take every text the scanner takes.
        guard (try? JSONValue(parsing: Array(bytes))) != nil else { fatalError("JSONValue rejects valid JSON: \(show(bytes))") }
        // When it is also an event, read every field the commands read.
        if let event = try? RuntimeEvent(line: Array(bytes)) {
            _ = (event.type, event.id, event.sandboxId, event.runId, event.timestamp, event.level, event.data)
            _ = event.value(at: JSONPath(keys: "data", "command"))
            // Each member of `data` found by a path (which skips values with CRunraSIMD's end search) must be the
            // member the recursive decoder found.
            if case .object(let members) = event.data {
                for (key, value) in members where event.value(at: JSONPath(keys: "data", key)) != value {
                    fatalError("data[\(key)] by path differs from the decoded value: \(show(bytes))")
                }
                // The members the scan records (for `--where data.x`) must be those a walk of `data` finds.
                let keys = members.map(\.key).prefix(3) + ["exitCode"]
                if let difference = _FuzzEntryPoints.dataMemberDisagreement(bytes, keys: Array(keys)) {
                    fatalError("recorded members of data differ: \(difference): \(show(bytes))")
                }
            }
            var pretty: [UInt8] = []
            event.appendPretty(to: &pretty, colors: true)
        }
    case .invalid:
        guard !verdict else { fatalError("scanner accepts invalid JSON: \(show(bytes))") }
        // Recording members of `data` must not change a verdict.
        if let difference = _FuzzEntryPoints.dataMemberDisagreement(bytes, keys: ["exitCode", "data"]) {
            fatalError("recording members of data: \(difference): \(show(bytes))")
        }
    case .tooDeep:
        guard !verdict else { fatalError("scanner accepts JSON nested too deep: \(show(bytes))") }
    }
    return 0
}

private func show(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    bytes.prefix(200).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x\(String($0, radix: 16))" }.joined()
}

/// RFC 8259 by the grammar, recursive descent, written for clarity rather than speed.
struct ReferenceJSON {
    enum Verdict { case valid, invalid, tooDeep }
    struct Stop: Error { let verdict: Verdict }

    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func validate() -> Verdict {
        do {
            skipSpace()
            try value(depth: 0)
            skipSpace()
            return index == bytes.count ? .valid : .invalid
        } catch {
            return (error as! Stop).verdict
        }
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func fail() throws -> Never { throw Stop(verdict: .invalid) }

    mutating func skipSpace() {
        while let byte = peek, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { index += 1 }
    }

    mutating func expect(_ character: Character) throws {
        guard peek == character.asciiValue else { try fail() }
        index += 1
    }

    mutating func value(depth: Int) throws {
        guard let byte = peek else { try fail() }
        switch byte {
        case UInt8(ascii: "{"):
            if depth + 1 > maximumDepth { throw Stop(verdict: .tooDeep) }
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipSpace()
                try string()
                skipSpace()
                try expect(":")
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect("}")
                return
            }
        case UInt8(ascii: "["):
            if depth + 1 > maximumDepth { throw Stop(verdict: .tooDeep) }
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect("]")
                return
            }
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    mutating func literal(_ word: String) throws {
        for unit in word.utf8 {
            guard peek == unit else { try fail() }
            index += 1
        }
    }

    func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }

    mutating func digits() throws {
        guard isDigit(peek) else { try fail() }
        while isDigit(peek) { index += 1 }
    }

    mutating func number() throws {
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits()
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    mutating func string() throws {
        try expect("\"")
        while true {
            guard let byte = peek else { try fail() }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard let escaped = peek else { try fail() }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = peek, hex.isHexDigit else { try fail() }
                        index += 1
                    }
                default: try fail()
                }
            case 0x00..<0x20: try fail()
            case 0x20..<0x80: index += 1
            default: try scalar()
            }
        }
    }

    /// Decodes one multi-byte UTF-8 scalar and rejects overlong forms, surrogates and values past U+10FFFF.
    mutating func scalar() throws {
        let first = bytes[index]
        let length: Int
        var value: UInt32
        switch first {
        case 0xC0...0xDF: length = 2; value = UInt32(first & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(first & 0x0F)
        case 0xF0...0xF7: length = 4; value = UInt32(first & 0x07)
        default: try fail()
        }
        guard bytes.count - index >= length else { try fail() }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { try fail() }
            value = value << 6 | UInt32(next & 0x3F)
        }
        let smallest: UInt32 = [2: 0x80, 3: 0x800, 4: 0x10000][length]!
        guard value >= smallest, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { try fail() }
        index += length
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
