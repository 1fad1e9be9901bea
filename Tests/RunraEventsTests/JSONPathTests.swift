import RunraEvents
import Testing

@Suite struct JSONPathTests {
    @Test func describesPlainAndQuotedKeys() {
        let path = JSONPath([.key("data"), .key("odd key"), .key("items"), .index(0)])
        #expect(path.description == #"data["odd key"].items[0]"#)
    }

    /// Control characters in a key are written as escapes, so a description never puts a raw tab or newline into a
    /// csv or tsv header, and still parses back to the same path.
    @Test func describesControlCharactersAsEscapes() throws {
        let path = JSONPath([.key("data"), .key("a\tb\nc\r\u{01}\u{7F}\u{08}\u{0C}\\\"é")])
        #expect(path.description == #"data["a\tb\nc\r\u0001\u007F\b\f\\\"é"]"#)
        #expect(!path.description.unicodeScalars.contains { $0.value < 0x20 })
        #expect(try JSONPath(parsing: path.description) == path)
    }

    @Test func valueLookupFollowsKeysAndIndexes() {
        let value = JSONValue.object(["data": .object(["items": .array([.number(1), .number(2)])])])
        #expect(value.value(at: JSONPath([.key("data"), .key("items"), .index(1)])) == .number(2))
        #expect(value.value(at: JSONPath([.key("data"), .key("missing")])) == nil)
    }
}
