import RunraEvents
import Testing

/// The runtime page's JavaScript conditions (SPEC §10): `(e) => …` over ``DictionaryContext/sample``
/// (an exec.completed with exitCode 1), with JavaScript's answers.
@Suite struct ArrowConditionTests {
    static let truthTable: [(String, Bool)] = [
        // The page's two examples, verbatim.
        ("(e) => e.data.exitCode !== 0", true),
        (#"(e) => !e.type.startsWith("file.")"#, true),
        // Parameter forms.
        ("e => e.data.exitCode !== 0", true),
        ("(event) => event.data.exitCode !== 0", true),
        ("( ev )=>ev.data.exitCode===1", true),
        // Strict and loose equality; undefined is a missing value, null is not undefined to ===.
        ("(e) => e.data.exitCode === 1", true),
        (#"(e) => e.data.exitCode === "1""#, false),
        ("(e) => e.data.missing !== 0", true),
        ("(e) => e.data.missing === undefined", true),
        ("(e) => e.data.missing === null", false),
        ("(e) => e.data.missing == null", true),
        ("(e) => e.data.nothing === null", true),
        ("(e) => e.data.nothing === undefined", false),
        ("(e) => e.data.nothing == undefined", true),
        ("(e) => undefined === undefined", true),
        ("(e) => e.data.missing.deeper === undefined", true),
        // Optional chaining and subscripts.
        ("(e) => e.data?.exitCode === 1", true),
        ("(e) => e.data?.missing?.deeper === undefined", true),
        (#"(e) => e.data["odd key"] === 'x'"#, true),
        (#"(e) => e.data?.["odd key"] === "x""#, true),
        (#"(e) => e["type"] === "exec.completed""#, true),
        ("(e) => e.data.items[1] === 20", true),
        // Methods on strings and arrays.
        (#"(e) => e.type.startsWith("exec.")"#, true),
        (#"(e) => e.type.endsWith('.completed')"#, true),
        (#"(e) => e.data.command.includes("test")"#, true),
        (#"(e) => e.data.tags.includes("ci")"#, true),
        (#"(e) => e.data.tags.includes("nope")"#, false),
        (#"(e) => e.data.missing.startsWith("x")"#, false),
        (#"(e) => "abc".startsWith("a")"#, true),
        (#"(e) => e?.type?.startsWith("exec.")"#, true),
        // JavaScript truthiness for !, &&, || and the body.
        ("(e) => e.data.exitCode", true),
        ("(e) => e.data.zero", false),
        ("(e) => e.data.empty", false),
        ("(e) => !e.data.zero", true),
        ("(e) => !e.data.missing", true),
        ("(e) => e.data.zero || e.data.exitCode", true),
        ("(e) => e.data.exitCode && e.data.empty", false),
        // Comparison and arithmetic as today.
        ("(e) => e.data.durationMs >= 1000 && e.data.durationMs / 1000 < 2", true),
        ("(e) => e.data.missing > 0", false),
    ]

    @Test(arguments: truthTable)
    func matches(_ source: String, _ expected: Bool) throws {
        let expression = try Expression(parsing: source, roots: .event)
        #expect(expression.matches(DictionaryContext.sample) == expected, "\(source)")
    }

    /// The arrow form and today's form agree wherever both can say the same thing.
    static let pairs: [(String, String)] = [
        ("(e) => e.data.exitCode != 0", "data.exitCode != 0"),
        ("(e) => e.data.missing != 0", "data.missing != 0"),
        (
            #"(e) => e.type == "exec.completed" && e.data.durationMs > 100"#,
            #"type == "exec.completed" and data.durationMs > 100"#
        ),
        (#"(e) => !e.type.startsWith("file.")"#, #"!(type startsWith "file.")"#),
        (#"(e) => e.data.command.includes("npm")"#, #"data.command contains "npm""#),
        (#"(e) => e.data.command.endsWith("--ci")"#, #"data.command endsWith "--ci""#),
    ]

    @Test(arguments: pairs)
    func agreesWithTodaysForm(_ arrow: String, _ plain: String) throws {
        let a = try Expression(parsing: arrow, roots: .event)
        let b = try Expression(parsing: plain, roots: .event)
        #expect(a.matches(DictionaryContext.sample) == b.matches(DictionaryContext.sample))
        #expect(a.paths == b.paths, "the parameter is not part of the paths")
    }

    @Test func methodsAndStrictEqualityWorkWithoutAnArrow() throws {
        #expect(
            try Expression(parsing: #"type.startsWith("exec.") && data.exitCode !== 0"#).matches(
                DictionaryContext.sample
            )
        )
        #expect(try Expression(parsing: "data.missing === undefined").matches(DictionaryContext.sample))
    }

    @Test func statsRowsTakeTheArrowForm() throws {
        #expect(try Expression(parsing: "(row) => row.p95 > row.baseline.p95").matches(DictionaryContext.sample))
    }

    /// What is outside the subset is refused with the part and what to write instead.
    static let refused: [(source: String, column: Int, says: String)] = [
        (
            "(e) => { return e.data.exitCode !== 0 }", 8,
            "a block body '{ … }' is not accepted; write the condition as one expression after '=>': (e) => "
                + "e.data.exitCode !== 0"
        ),
        (
            "(e) => return e.data.exitCode", 8,
            "'return' is not needed: the arrow's body is its value; write (e) => e.data.exitCode !== 0"
        ),
        (
            "function (e) { return true }", 1,
            "a 'function' is not accepted; write an arrow function: (e) => e.data.exitCode !== 0"
        ),
        ("() => true", 1, "the arrow function needs a parameter for the event"),
        ("(a, b) => true", 1, "the arrow function takes one parameter, the event"),
        (
            #"(e) => e.type.toLowerCase() === "x""#, 15,
            "'.toLowerCase()' cannot be called: a condition calls only .startsWith(), .endsWith() and .includes()"
        ),
        (#"(e) => e.type.startsWith("a", 1)"#, 29, "'.startsWith()' takes one argument here"),
        (
            #"(e) => parseInt(e.data.x) > 1"#, 8,
            "'parseInt(…)' cannot be called: the functions of a condition are exists(path) and the methods"
        ),
        ("(e) => e.data.exitCode !== 0;", 29, "unexpected ';'; a condition is one expression: remove the ';'"),
        ("(e) => e.data.x ? 1 : 2", 17, "unexpected '?'; the conditional operator '? :' is not accepted"),
        (
            "(e) => data.exitCode !== 0", 8,
            "'data' is not defined: paths start with the arrow's parameter; did you mean e.data?"
        ),
        (
            "(e) => exitCode !== 0", 8,
            "'exitCode' is not defined: paths start with the arrow's parameter; did you mean e.data.exitCode?"
        ),
        ("(e) => e !== 0", 8, "'e' is the whole event; test one of its fields, as in e.type == \"exec.completed\""),
        (
            "(e) => e.dta.exitCode !== 0", 8,
            "'dta' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you mean "
                + "e.data.exitCode?"
        ),
        (
            "data.exitCode => 0", 15,
            "unexpected '=>'; an arrow function starts the condition, as in (e) => e.data.exitCode !== 0 (or "
                + "did you mean '>='?)"
        ),
        ("type = 'x'", 6, "unexpected '=' (compare with '==' or '===')"),
        (
            "(e) => exists == 1", 8,
            "'exists' is not defined: paths start with the arrow's parameter; did you mean e.data.exists?"
        ),
    ]

    @Test(arguments: refused)
    func refuses(_ source: String, _ column: Int, _ says: String) {
        do {
            _ = try Expression(parsing: source, roots: .event)
            Issue.record("expected an error for \(source)")
        } catch let error as RunraError {
            #expect(error.code == .expressionSyntax)
            #expect(error.message.hasPrefix(says), "\(error.message)")
            #expect(error.message.contains("at column \(column) in: \(source)"), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
