import Testing

@testable import RunraEvents

/// Accept/reject cases in the spirit of JSONTestSuite (nst/JSONTestSuite `y_`/`n_` files),
/// plus the event-specific verdicts of SPEC §6.
@Suite struct JSONScannerTests {
    static let accepted: [String] = [
        "{}", "[]", "0", "-0", "1", "-1", "123456789012345678901234567890", "1.5", "-1.5e10", "1E+2", "1e-2", "0e0",
        "0.000001", "\"\"", "\"a\"", "true", "false", "null", " [1] ", "[1,2,3]", "[[]]", "[{}]", "{\"a\":1}",
        "{\"a\":{\"b\":[1,{\"c\":null}]}}", "{\"a\":1,\"a\":2}", "[\"\\u0000\"]", "[\"\\ud83d\\ude00\"]",
        "[\"\\ud800\"]",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"é\"]", "[\"日本語\"]", "[\"🚀\"]", "[\"\\u00e9\"]", "\t{\"a\" :\n1 }\r",
        "[1e1000]", "[-1e-1000]", "{\"\":0}", "[\"\u{7F}\"]", "[\"\u{10FFFF}\"]",
    ]

    static let rejected: [String] = [
        "", " ", "{", "}", "[", "]", "[1,]", "[,1]", "[1 2]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "{\"a\":1,}", "{,}", "[01]", "[-01]", "[1.]", "[.1]", "[1.e1]", "[1e]", "[1e+]", "[+1]", "[-]", "[0x1]",
        "[NaN]", "[Infinity]", "[-Infinity]", "[tru]", "[True]", "[nul]", "[\"a]", "[\"\\x\"]", "[\"\\u12\"]",
        "[\"\\uZZZZ\"]", "[\"\\\"]", "[\"a\tb\"]", "[\"\u{01}\"]", "[1] [2]", "[1]x", "{\"a\":1}}", "[\"\\a\"]",
        "[1,,2]", "[\"\\u00\"]", "{\"a\":1 \"b\":2}", "[-1.0.0]", "[1e1e1]", "[00]", "[\"abc\"", "{\"a\":[}",
    ]

    @Test(arguments: accepted)
    func acceptsValidJSON(_ text: String) {
        let bytes = Array(text.utf8)
        let failure = bytes.withUnsafeBufferPointer { JSONScanner.validate($0) }
        #expect(failure == nil, "should accept \(text)")
    }

    @Test(arguments: rejected)
    func rejectsInvalidJSON(_ text: String) {
        let bytes = Array(text.utf8)
        let failure = bytes.withUnsafeBufferPointer { JSONScanner.validate($0) }
        #expect(failure != nil, "should reject \(text)")
    }

    static let invalidUTF8: [[UInt8]] = [
        [0x5B, 0x22, 0xFF, 0x22, 0x5D],  // 0xFF is never UTF-8
        [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D],  // overlong '/'
        [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],  // an encoded surrogate
        [0x5B, 0x22, 0xE6, 0x97, 0x22, 0x5D],  // truncated sequence
        [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D],  // above U+10FFFF
        [0x5B, 0x22, 0x80, 0x22, 0x5D],  // lone continuation byte
    ]

    @Test(arguments: invalidUTF8)
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        let failure = bytes.withUnsafeBufferPointer { JSONScanner.validate($0) }
        #expect(failure == .invalidUTF8(offset: 2))
    }

    @Test func longStringsCrossTheEightByteFastPath() {
        for length in 0..<40 {
            let body = String(repeating: "x", count: length)
            for bad in ["\u{01}", "\\q"] {
                let text = "[\"\(body)\(bad)\(body)\"]"
                let failure = Array(text.utf8).withUnsafeBufferPointer { JSONScanner.validate($0) }
                #expect(failure != nil, "length \(length) with \(bad.debugDescription)")
            }
            let good = "[\"\(body)é\\n\(body)\"]"
            #expect(Array(good.utf8).withUnsafeBufferPointer { JSONScanner.validate($0) } == nil)
        }
    }

    @Test func findsTheSixEventFields() throws {
        let line =
            #"{"id":"e1","timestamp":"2026-06-15T10:30:00Z","type":"exec.completed","sandboxId":"sb","runId":"r","#
            + #""data":{"exitCode":1},"extra":[1]}"#
        let event = try RuntimeEvent(line)
        #expect(event.id == "e1")
        #expect(event.type == "exec.completed")
        #expect(event.sandboxId == "sb")
        #expect(event.runId == "r")
        #expect(event.timestamp == Timestamp(rfc3339: "2026-06-15T10:30:00Z"))
        #expect(event.value(at: JSONPath(keys: "data", "exitCode")) == .number(1))
        #expect(event.value(at: JSONPath([.key("extra"), .index(0)])) == .number(1))
        #expect(event.level == .error)
    }

    /// A key in a line is compared by its decoded value: escapes that spell the key match, and bytes that equal the
    /// key only while still escaped do not. The last of repeated keys wins.
    @Test func pathKeysAreComparedDecoded() throws {
        let line = #"{"type":"t","data":{"a\nb":1,"a\u0062":2,"\u0064up":3,"dup":4,"x":{"\"q\"":5}}}"#
        let event = try RuntimeEvent(line)
        #expect(event.value(at: JSONPath(keys: "data", "a\\nb")) == nil)  // a, backslash, n, b: not in the line
        #expect(event.value(at: JSONPath(keys: "data", "a\nb")) == .number(1))  // a, newline, b
        #expect(event.value(at: JSONPath(keys: "data", "ab")) == .number(2))
        #expect(event.value(at: JSONPath(keys: "data", "dup")) == .number(4))
        #expect(event.value(at: JSONPath(keys: "data", "x", "\"q\"")) == .number(5))
        #expect(event.value(at: JSONPath(keys: "data", "a")) == nil)
    }

    @Test func nestingLimitIsAnErrorNotACrash() {
        let deepOK = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        let ok = "{\"type\":\"x\",\"data\":\(deepOK)}"
        #expect((try? RuntimeEvent(ok)) != nil)
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let tooDeep = "{\"type\":\"x\",\"data\":\(deep)}"
        #expect(throws: RunraError.self) { try RuntimeEvent(tooDeep) }
        let hostile = String(repeating: "[", count: 1_000_000)
        var fields = EventFields()
        let failure = Array(hostile.utf8).withUnsafeBufferPointer { JSONScanner.scan($0, into: &fields) }
        #expect(failure == .nestingTooDeep(offset: 512))
    }

    @Test(arguments: [
        ("[1]", "not a JSON object"),
        ("{\"id\":\"x\"}", "no \"type\" field"),
        ("{\"type\":3}", "\"type\" is not a string"),
        ("{\"type\":\"a\",}", "invalid JSON: expected a string key at byte 13"),
    ])
    func eventVerdictsNameTheReason(_ line: String, _ reason: String) {
        var fields = EventFields()
        let failure = Array(line.utf8).withUnsafeBufferPointer { JSONScanner.scan($0, into: &fields) }
        #expect(failure?.reason == reason)
    }

    @Test func escapedKeysAndTypesAreDecoded() throws {
        let event = try RuntimeEvent(#"{"\u0074ype":"exec.\u0063ompleted","data":{"a\"b":"x\ty"}}"#)
        #expect(event.type == "exec.completed")
        #expect(event.value(at: JSONPath([.key("data"), .key("a\"b")])) == .string("x\ty"))
        var selection = EventSelection()
        selection.types = [Glob("exec.completed")]
        #expect(selection.matches(event))
    }

    @Test func decodesValuesWithSurrogatesAndNumbers() throws {
        let event = try RuntimeEvent(
            #"{"type":"t","data":{"s":"\ud83d\ude80 \ud800!","n":-12.5e1,"big":12345678901234567890,"a":"#
                + #"[true,null,{}]}}"#
        )
        #expect(event.value(at: JSONPath(keys: "data", "s")) == .string("🚀 \u{FFFD}!"))
        #expect(event.value(at: JSONPath(keys: "data", "n")) == .number(-125))
        #expect(event.value(at: JSONPath(keys: "data", "big")) == .number(12_345_678_901_234_567_168))
        #expect(event.value(at: JSONPath(keys: "data", "a")) == .array([.bool(true), .null, .object([:])]))
        #expect(event.value(at: JSONPath([.key("data"), .key("a"), .index(-1)])) == .object([:]))
        #expect(event.value(at: JSONPath([.key("data"), .key("a"), .index(3)])) == nil)
        #expect(event.value(at: JSONPath(keys: "data", "s", "deeper")) == nil)
    }
}
