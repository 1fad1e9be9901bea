import RunraEvents
import Testing

@Suite struct JSONPathTests {
    @Test func describesPlainAndQuotedKeys() {
        let path = JSONPath([.key("data"), .key("odd key"), .key("items"), .index(0)])
        #expect(path.description == #"data["odd key"].items[0]"#)
    }

    @Test func valueLookupFollowsKeysAndIndexes() {
        let value = JSONValue.object(["data": .object(["items": .array([.number(1), .number(2)])])])
        #expect(value.value(at: JSONPath([.key("data"), .key("items"), .index(1)])) == .number(2))
        #expect(value.value(at: JSONPath([.key("data"), .key("missing")])) == nil)
    }
}
