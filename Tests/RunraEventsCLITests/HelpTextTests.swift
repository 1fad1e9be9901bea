import Foundation
import Testing

/// `--help` text that can be copied: not wrapped when piped (`--help | less`, docs/cli.md), and examples that fit
/// an 80-column terminal, so ArgumentParser's wrapping on a terminal never breaks one.
@Suite(.timeLimit(.minutes(5))) struct HelpTextTests {
    static let commands: [[String]] = [
        [], ["filter"], ["stats"], ["tail"], ["rotate"], ["replay"], ["load-pg"], ["generate"],
    ]

    /// The example lines of a help text: the indented lines that start with a command.
    static func examples(_ help: String) -> [String] {
        help.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("  ") && $0.contains("runra-events ") && !$0.hasPrefix("  -") && !$0.contains("USAGE")
        }
    }

    @Test(arguments: commands)
    func pipedHelpIsNotWrapped(_ command: [String]) throws {
        let piped = try CLI.run(command + ["--help"])
        let unwrapped = try CLI.run(command + ["--help"], environment: ["COLUMNS": "100000"])
        #expect(piped.status == 0)
        #expect(piped.stdoutText == unwrapped.stdoutText)
        #expect(!Self.examples(piped.stdoutText).isEmpty, "no examples found in \(command) --help")
    }

    /// On an 80-column terminal ArgumentParser wraps at 80: each example line is shorter, so it stays whole.
    @Test(arguments: commands)
    func examplesFitAnEightyColumnTerminal(_ command: [String]) throws {
        let unwrapped = try CLI.run(command + ["--help"]).stdoutText
        let narrow = try CLI.run(command + ["--help"], environment: ["COLUMNS": "80"]).stdoutLines
        for example in Self.examples(unwrapped) {
            #expect(narrow.contains(example), "wrapped at 80 columns: \(example)")
        }
    }
}
