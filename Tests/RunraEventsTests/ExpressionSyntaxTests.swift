import RunraEvents
import Testing

@Suite struct ExpressionSyntaxTests {
    /// The error `source` gives; records an issue when it parses.
    private func syntaxError(_ source: String) -> RunraError? {
        do {
            _ = try Expression(parsing: source)
            Issue.record("expected a syntax error for \(source.prefix(60))")
            return nil
        } catch let error as RunraError {
            #expect(error.code == .expressionSyntax)
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static let malformed: [(source: String, column: Int, says: String)] = [
        (#"(type == "a""#, 13, "expected ')'"),
        ("(a or (b and c)", 16, "expected ')'"),
        ("type ==", 8, "expected a value"),
        ("type == 1 &&", 13, "expected a value"),
        ("data.x +", 9, "expected a value"),
        (#"type == "a\q""#, 11, #"invalid escape '\q'"#),
        (#"type == "\u12g4""#, 10, "\\u escape"),
        (#"type == "\ud800""#, 10, "surrogate"),
        (#"type == "open"#, 9, "unterminated string"),
        (#"data["x"#, 6, "unterminated string"),
        ("type # 1", 6, "unexpected character '#'"),
        (#""é" == é"#, 8, "unexpected character 'é'"),
        ("type = 1", 6, "'=='"),
        ("a & b", 3, "'&&'"),
        ("a | b", 3, "'||'"),
        (#"type =~ "(""#, 9, "invalid regular expression"),
        (#"type =~ "a[""#, 9, "invalid regular expression"),
        ("type =~ data.pattern", 9, "string literal pattern"),
        ("a < b < c", 7, "cannot be chained"),
        ("a == b != c", 8, "cannot be chained"),
        (")", 1, "expected a value"),
        ("", 1, "empty expression"),
        ("   ", 4, "empty expression"),
        (#"type == "a" b"#, 13, "unexpected 'b'"),
        ("[1, 2", 6, "expected ']' or ','"),
        ("data.items[1.5]", 12, "integer index"),
        ("data.items[x]", 12, "integer index"),
        ("data.", 6, "field name"),
        ("exists()", 8, "path inside exists"),
        ("exists(1)", 8, "expected a path"),
        ("exists(data.x", 14, "expected ')'"),
        ("x not y", 3, "'in' after 'not'"),
        ("and", 1, "found 'and'"),
        ("1.", 1, "invalid number"),
        ("1e+", 1, "invalid number"),
        ("12abc", 1, "invalid number"),
    ]

    @Test(arguments: malformed)
    func pointsAtTheColumn(_ source: String, _ column: Int, _ says: String) {
        guard let error = syntaxError(source) else { return }
        #expect(error.message.contains(says), "\(error.message)")
        #expect(error.message.contains("at column \(column) in: "), "\(error.message)")
    }

    @Test func caretSitsUnderTheColumn() throws {
        let source = #"data.exitCode == 1 && (type == "x""#
        let error = try #require(syntaxError(source))
        let lines = error.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("expected ')'"))
        #expect(lines[0].hasSuffix("at column 35 in: " + source))
        let sourceStart = lines[0].count - source.count
        #expect(lines[1] == String(repeating: " ", count: sourceStart + 34) + "^")
    }

    @Test func longSourcesShowAWindowAroundTheColumn() throws {
        let source = String(repeating: "a == 1 and ", count: 50) + "(b" + String(repeating: " and c", count: 50)
        let error = try #require(syntaxError(source))
        let lines = error.message.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("expected ')'"))
        #expect(lines[0].contains("at column \(source.count + 1) in: …"))
        #expect(lines[0].count < 250)  // message plus a 120-character window, not all 851
        let caret = try #require(lines[1].firstIndex(of: "^"))
        #expect(lines[1].distance(from: lines[1].startIndex, to: caret) == lines[0].count)  // just past the end
    }

    @Test func hostileNestingIsAnErrorNotACrash() {
        for source in [
            String(repeating: "(", count: 100_000),
            String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
            String(repeating: "!", count: 100_000) + "true",
            String(repeating: "not ", count: 100_000) + "true",
            String(repeating: "-", count: 100_000) + "1",
            String(repeating: "[", count: 100_000),
            String(repeating: "!(", count: 100_000),
            "x" + String(repeating: " + 1", count: 100_000),
            "x" + String(repeating: " * x", count: 1_000),
        ] {
            guard let error = syntaxError(source) else {
                Issue.record("no error for \(source.prefix(40))…")
                continue
            }
            let says = error.message.contains("expression nested too deeply")
            #expect(says, "\(error.message.prefix(80))")
        }
    }

    @Test func nestingUpToTheLimitWorks() throws {
        let parenthesized =
            String(repeating: "(", count: 256) + "data.exitCode == 1" + String(repeating: ")", count: 256)
        #expect(try Expression(parsing: parenthesized).matches(DictionaryContext.sample))
        #expect(syntaxError("(" + parenthesized + ")")?.message.contains("nested too deeply") == true)

        let negated = String(repeating: "!", count: 200) + "true"
        #expect(try Expression(parsing: negated).matches(DictionaryContext.sample))

        let sum = "data.zero" + String(repeating: " + 1", count: 200)
        #expect(try Expression(parsing: sum).evaluate(in: DictionaryContext.sample) == .number(200))
    }

    @Test func keywordsAfterADotAreKeys() throws {
        let expression = try Expression(parsing: "data.in == data.and")
        #expect(expression.paths.map(\.description) == ["data.in", "data.and"])
        #expect(try Expression(parsing: "exists == null").paths == [JSONPath(keys: "exists")])
    }
}
