import Foundation
import RunraEvents
import RunraTestSupport
import Testing

/// The caret under an expression error points at the column the message names, on the line as printed: after
/// `runra-events: error: `, after a configuration path, past CJK text (two columns each) and in a long source.
@Suite(.timeLimit(.minutes(5))) struct ExpressionCaretTests {
    /// The text above the caret, from the caret's column on.
    static func pointedAt(_ stderr: String) throws -> String {
        let lines = stderr.split(separator: "\n").map(String.init)
        let caretLine = try #require(lines.firstIndex { $0.hasSuffix("^") && $0.dropLast().allSatisfy { $0 == " " } })
        let above = lines[caretLine - 1]
        let column = lines[caretLine].count - 1
        var width = 0
        for (index, character) in above.enumerated() {
            if width >= column { return String(above.dropFirst(index)) }
            width += DisplayWidth.of(String(character))
        }
        return ""
    }

    @Test(arguments: [
        ("data.exitCode !=== 0", "= 0"),  // `!==` is an operator (the runtime's form); the stray `=` is the error
        ("data.command == \"データ\" &&& true", "& true"),
        ("data.exitCode == 0 )", ")"),
        ("data.command == \"" + String(repeating: "x", count: 150) + "\" &&& true", "& true"),
    ])
    func whereErrors(_ expression: String, _ expected: String) throws {
        let result = try CLI.run(["filter", "--where", expression, CLI.fixture("events/small.jsonl")])
        #expect(result.status == 2)
        #expect(try Self.pointedAt(result.stderr).hasPrefix(expected), "\(result.stderr)")
    }

    @Test func aConfigurationConditionError() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "bad.yaml",
            "observability:\n  exporters:\n    - provider: console\n      filter:\n        condition: "
                + "data.exitCode !=== 0\n"
        )
        let result = try CLI.run(["replay", "--config", config, "--dry-run", CLI.fixture("events/small.jsonl")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("filter.condition"), "\(result.stderr)")
        #expect(try Self.pointedAt(result.stderr).hasPrefix("= 0"), "\(result.stderr)")
    }
}
