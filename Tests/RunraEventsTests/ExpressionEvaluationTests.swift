import RunraEvents
import Testing

/// A context backed by a dictionary, standing in for an event or a stats row.
struct DictionaryContext: ExpressionContext {
    var fields: [String: JSONValue]

    func value(at path: JSONPath) -> JSONValue? {
        JSONValue.object(fields).value(at: path)
    }

    /// An exec.completed event plus stats-style columns.
    static let sample = DictionaryContext(fields: [
        "id": .string("evt_1"),
        "type": .string("exec.completed"),
        "sandboxId": .string("sb_1"),
        "runId": .string("run_1"),
        "timestamp": .string("2026-06-15T10:30:00.000Z"),
        "data": .object([
            "exitCode": .number(1),
            "durationMs": .number(1500),
            "command": .string("npm test --ci"),
            "tags": .array([.string("ci"), .string("slow")]),
            "odd key": .string("x"),
            "items": .array([.number(10), .number(20), .number(30)]),
            "nested": .object(["a": .object(["b": .bool(true)])]),
            "nothing": .null,
            "zero": .number(0),
            "empty": .string(""),
            "flag": .bool(false),
            "accent": .string("é"),
            "decomposed": .string("e\u{301}"),
            "in": .string("keyword key"),
        ]),
        "p95": .number(600),
        "baseline": .object(["p95": .number(450)]),
        "error_rate": .number(0.1),
        "count": .number(0),
    ])
}

@Suite struct ExpressionEvaluationTests {
    static let truthTable: [(String, Bool)] = [
        // Paths and equality
        (#"type == "exec.completed""#, true),
        (#"type == "exec.started""#, false),
        (#"type != "exec.started""#, true),
        (#"id == 'evt_1' && sandboxId == "sb_1" && runId == "run_1""#, true),
        (#"timestamp >= "2026-06-15T00:00:00Z""#, true),
        ("data.exitCode == 1", true),
        ("data.exitCode == 1.0", true),
        ("data.exitCode == 1e0", true),
        (#"data.exitCode == "1""#, false),
        ("data.exitCode != 0", true),
        ("data.nested.a.b == true", true),
        ("data.nested.a.b", true),
        (#"data["odd key"] == "x""#, true),
        (#"data['odd key'] == 'x'"#, true),
        (#"data.in == "keyword key""#, true),
        ("data.items[0] == 10", true),
        ("data.items[-1] == 30", true),
        ("data.items[3] == null", true),
        ("data.items == [10, 20, 30]", true),
        ("data.items == [10, 20]", false),
        (#"data.nested == data.nested"#, true),
        (#"data.accent == "\u00e9""#, true),
        (#"data.accent == data.decomposed"#, false),  // scalars, not canonical equivalence
        // Missing paths and null
        ("data.missing == null", true),
        ("missing == null", true),
        ("data.missing != 0", true),
        ("data.missing == 0", false),
        ("data.missing", false),
        ("data.nothing == null", true),
        ("data.missing.deeper == null", true),
        // Ordering: null and mixed types are never ordered
        ("null < 1", false),
        ("null >= 1", false),
        ("data.missing > 0", false),
        ("data.missing <= 0", false),
        (#""a" < 1"#, false),
        (#""a" >= 1"#, false),
        ("true > false", false),
        ("data.durationMs > 1000", true),
        ("data.durationMs >= 1500", true),
        ("data.durationMs < 1500", false),
        ("data.durationMs <= 1500", true),
        ("-1 < 0", true),
        (#""abc" < "abd""#, true),
        (#""B" < "a""#, true),
        (#""ab" < "abc""#, true),
        (#""z" < "é""#, true),
        (#""abc" <= "abc""#, true),
        (#""b" > "abc""#, true),
        // Truthiness
        ("data.zero", true),
        ("data.empty", true),
        ("data.flag", false),
        ("!data.flag", true),
        ("not data.missing", true),
        ("!!data.exitCode", true),
        ("null", false),
        ("0", true),
        // Logic and word forms
        ("true && false", false),
        ("true and true", true),
        ("false || true", true),
        ("false or false", false),
        ("not true", false),
        ("! false", true),
        ("true or false and false", true),  // and binds tighter than or
        ("(true or false) and false", false),
        ("false and data.missing.x == 1 or true", true),
        ("not true == 1", false),  // `(not true) == 1`: not binds tighter than ==
        ("not (true == 1)", true),
        // Arithmetic inside comparisons; precedence
        ("p95 > 500", true),
        ("error_rate > 0.05", true),
        ("count == 0", true),
        ("p95 > baseline.p95 * 1.2", true),
        ("p95 > baseline.p95 * 1.5", false),
        ("1 + 2 * 3 == 7", true),
        ("(1 + 2) * 3 == 9", true),
        ("10 - 4 - 3 == 3", true),
        ("8 / 4 / 2 == 1", true),
        ("-2 * -3 == 6", true),
        ("data.durationMs / 1000 == 1.5", true),
        ("data.missing + 1 == null", true),
        ("data.missing * 2 > 0", false),
        ("data.durationMs / data.zero == null", true),
        ("1 / 0 == null", true),
        (#""a" + "b" == null"#, true),
        // in
        ("data.exitCode in [1, 2]", true),
        ("data.exitCode in [2, 3]", false),
        (#"type in ["exec.completed", "exec.error"]"#, true),
        ("data.missing in [null]", true),
        ("data.exitCode in []", false),
        ("data.exitCode not in [2, 3]", true),
        ("data.exitCode not in [1]", false),
        (#"type in "exec.completed""#, false),  // the right side must be an array
        ("10 in data.items", true),
        ("data.exitCode + 9 in data.items", true),
        ("[1, 2] in [[1, 2], [3]]", true),
        // contains, startsWith, endsWith
        (#"data.command contains "test""#, true),
        (#"data.command contains "TEST""#, false),
        (#"data.command contains """#, true),
        (#"data.tags contains "slow""#, true),
        (#"data.tags contains "fast""#, false),
        ("data.items contains 20", true),
        ("data.exitCode contains 1", false),
        (#"data.missing contains "a""#, false),
        (#"type startsWith "exec.""#, true),
        (#"type startsWith "sandbox.""#, false),
        (#"type endsWith ".completed""#, true),
        (#"type endsWith "exec""#, false),
        ("data.exitCode startsWith 1", false),
        (#"data.accent startsWith "e""#, false),
        // =~ (unanchored search; ^ and $ anchor)
        (#"data.command =~ "test""#, true),
        (#"data.command =~ "^test""#, false),
        (#"data.command =~ "^npm""#, true),
        (#"data.command =~ "ci$""#, true),
        (#"data.command =~ "test$""#, false),
        (#"data.command =~ "^npm test --ci$""#, true),
        (#"data.command =~ "^npm$""#, false),
        (#"data.command =~ "t.st""#, true),
        (#"data.command =~ "^npm\\s+te""#, true),
        (#"data.command =~ "^n[a-z]m (run|test)""#, true),
        (#"data.command =~ "(?i)TEST""#, true),
        (#"data.command =~ "TEST""#, false),
        (#"sandboxId =~ "^sb_\\d+$""#, true),
        (#"data.exitCode =~ "1""#, false),
        (#"data.missing =~ ".*""#, false),
        // exists
        ("exists(data.exitCode)", true),
        ("exists(data.nothing)", true),
        ("exists(data.missing)", false),
        (#"exists(data["odd key"])"#, true),
        ("exists(data.items[2])", true),
        ("exists(data.items[3])", false),
        ("!exists(data.missing) && exists(type)", true),
        // Whitespace is free
        ("  data.exitCode\n==\t1  ", true),
        ("data.exitCode==1&&type=='exec.completed'", true),
    ]

    @Test(arguments: truthTable)
    func matches(_ source: String, _ expected: Bool) throws {
        let expression = try Expression(parsing: source)
        #expect(expression.matches(DictionaryContext.sample) == expected, "\(source)")
        #expect(expression.evaluate(in: DictionaryContext.sample).isTruthy == expected, "\(source)")
    }

    static let valueTable: [(String, JSONValue)] = [
        ("data.durationMs / 1000", .number(1.5)),
        ("2 + 3 * 4", .number(14)),
        ("(2 + 3) * 4", .number(20)),
        ("-data.durationMs", .number(-1500)),
        ("- -data.durationMs", .number(1500)),
        (#"-"a""#, .null),
        ("data.missing + 1", .null),
        ("data.durationMs - data.nothing", .null),
        ("data.durationMs / data.zero", .null),
        ("1 / 0", .null),
        ("true * 2", .null),
        ("1e3", .number(1000)),
        ("2.5E-1", .number(0.25)),
        ("0.125", .number(0.125)),
        (#""tab\tquote\"slash\/\u00e9\ud83d\ude00""#, .string("tab\tquote\"slash/é😀")),
        (#"'it\'s'"#, .string("it's")),
        ("data.items[-1]", .number(30)),
        ("data.missing", .null),
        ("[1, data.zero, \"x\"]", .array([.number(1), .number(0), .string("x")])),
        ("[]", .array([])),
        ("data.nested", .object(["a": .object(["b": .bool(true)])])),
        ("type", .string("exec.completed")),
        ("p95 - baseline.p95", .number(150)),
    ]

    @Test(arguments: valueTable)
    func evaluates(_ source: String, _ expected: JSONValue) throws {
        let expression = try Expression(parsing: source)
        #expect(expression.evaluate(in: DictionaryContext.sample) == expected, "\(source)")
    }

    @Test func jsonValueIsAContext() throws {
        let event = JSONValue.object(["type": .string("exec.error"), "data": .object(["code": .number(7)])])
        #expect(try Expression(parsing: #"type endsWith ".error" and data.code > 5"#).matches(event))
        #expect(try !Expression(parsing: "data.code > 7").matches(event))
    }

    @Test func pathsListsEveryPathReadOnce() throws {
        let expression = try Expression(
            parsing: #"data.a > 1 and exists(data["b c"]) or data.a < 0 and type in ["x"] or p95 > baseline.p95 * 2"#
        )
        #expect(
            expression.paths.map(\.description) == ["data.a", #"data["b c"]"#, "type", "p95", "baseline.p95"]
        )
        #expect(try Expression(parsing: "1 == 1").paths.isEmpty)
    }

    @Test func descriptionIsTheSource() throws {
        let source = #"type == "exec.completed"  and data.exitCode != 0"#
        #expect(try Expression(parsing: source).description == source)
    }

    @Test func longOrChainsAreFlatNotDeep() throws {
        let source = (0..<5000).map { "data.exitCode == \($0)" }.joined(separator: " or ")
        let expression = try Expression(parsing: source)
        #expect(expression.matches(DictionaryContext.sample))
        let andChain = (0..<5000).map { _ in "true" }.joined(separator: " && ")
        #expect(try Expression(parsing: andChain).matches(DictionaryContext.sample))
    }

    @Test func evaluatesConcurrently() async throws {
        let expression = try Expression(parsing: #"data.command =~ "^n[a-z]m\\s" and type startsWith "exec.""#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<200).allSatisfy { _ in expression.matches(DictionaryContext.sample) } }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
