import RunraEvents
import Testing

@Suite struct ExpressionPathParsingTests {
    static let parsed: [(String, JSONPath)] = [
        ("type", JSONPath(keys: "type")),
        ("data.a.b", JSONPath(keys: "data", "a", "b")),
        (#"data["odd key"]"#, JSONPath([.key("data"), .key("odd key")])),
        (#"data['odd key'].x"#, JSONPath([.key("data"), .key("odd key"), .key("x")])),
        ("data.items[0]", JSONPath([.key("data"), .key("items"), .index(0)])),
        ("data.items[-1]", JSONPath([.key("data"), .key("items"), .index(-1)])),
        ("data.items [ 2 ] . name", JSONPath([.key("data"), .key("items"), .index(2), .key("name")])),
        (".data", JSONPath(keys: "data")),
        (#"["top key"].x"#, JSONPath([.key("top key"), .key("x")])),
        ("and.or", JSONPath(keys: "and", "or")),
        (#"data["\u00e9\"q"]"#, JSONPath([.key("data"), .key("é\"q")])),
    ]

    @Test(arguments: parsed)
    func parses(_ text: String, _ expected: JSONPath) throws {
        #expect(try JSONPath(parsing: text) == expected)
    }

    static let roundTrips: [JSONPath] = [
        JSONPath(keys: "type"),
        JSONPath(keys: "data", "exitCode"),
        JSONPath([.key("data"), .key("odd key"), .key("items"), .index(0)]),
        JSONPath([.key("data"), .key("items"), .index(-1)]),
        JSONPath([.key("data"), .key("1st"), .key("back\\slash \"quoted\"")]),
        JSONPath([.key("weird-key"), .key("")]),
        JSONPath([.key("data"), .key("é"), .index(12)]),
        JSONPath([.index(3), .key("a")]),
    ]

    @Test(arguments: roundTrips)
    func roundTripsThroughDescription(_ path: JSONPath) throws {
        #expect(try JSONPath(parsing: path.description) == path, "\(path.description)")
    }

    @Test(arguments: [
        "", "data.", "data..a", "data[", "data[x]", "data[1.5]", #"data["a""#, "data items", "1abc", "data.-1",
        "a == b",
    ])
    func rejects(_ text: String) {
        #expect {
            try JSONPath(parsing: text)
        } throws: { error in
            (error as? RunraError)?.code == .expressionSyntax
                && (error as? RunraError)?.message.contains("column") == true
        }
    }
}
