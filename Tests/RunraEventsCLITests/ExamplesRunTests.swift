import Foundation
import RunraTestSupport
import Testing

/// Every command line of the README's quick start and of each `--help`'s examples runs as written, in a fresh
/// folder holding what `make demo` writes (scripts/demo-files.sh) and the checkout's `Fixtures/` and `share/`,
/// with the status it should have. Commands that follow a log run until output appears, then get SIGTERM (exit 0);
/// `load-pg` lines run against the test database (`make test` starts one) in place of the one they name.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ExamplesRunTests {
    struct Example: CustomStringConvertible {
        var source: String
        var command: String
        var description: String { "\(source): \(command)" }
        var follows: Bool { command.contains(" -f ") || command.contains("--follow") }
        var needsPostgres: Bool { command.contains("load-pg") }

        /// The exit status the example has on the demo files.
        var expectedStatus: Int32 {
            if command.contains("--fail-if 'p95 > 500'") { return 3 }  // the demo logs' p95 is above 500 ms
            return 0
        }
    }

    /// The lines of the README's first `sh` block after "## Quick start", without `make` and trailing comments.
    static func readmeExamples() throws -> [Example] {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Quick start"))
        let block = readme[start.upperBound...].components(separatedBy: "```sh\n")[1].components(separatedBy: "\n```")[
            0
        ]
        return commands(block.split(separator: "\n").map(String.init))
            .filter { !$0.hasPrefix("make ") }
            .map { Example(source: "README", command: $0) }
    }

    /// The lines under "Examples:" in `runra-events COMMAND --help`.
    static func helpExamples(_ command: [String]) throws -> [Example] {
        let help = try CLI.run(command + ["--help"]).stdoutLines
        guard let start = help.firstIndex(where: { $0.hasSuffix("Examples:") }) else { return [] }
        let lines = help[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let source = (["runra-events"] + command + ["--help"]).joined(separator: " ")
        return commands(Array(lines)).map { Example(source: source, command: $0) }
    }

    /// Joins `\`-continued lines and drops `  # comments`.
    static func commands(_ lines: [String]) -> [String] {
        var commands: [String] = []
        var pending = ""
        for line in lines {
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if let comment = text.range(of: "  #") {
                text = String(text[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            if text.hasSuffix("\\") {
                pending += String(text.dropLast()).trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            commands.append(pending + text)
            pending = ""
        }
        return commands
    }

    static func allExamples() throws -> [Example] {
        var examples = try readmeExamples()
        for command in HelpTextTests.commands { examples += try helpExamples(command) }
        return examples
    }

    /// A folder as after `make demo` in a checkout.
    static func demoFolder() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for name in ["Fixtures", "share"] {
            try FileManager.default.createSymbolicLink(
                atPath: directory.path(name),
                withDestinationPath: CLI.packageRoot.appendingPathComponent(name).path
            )
        }
        let made = try shell("bash \(CLI.packageRoot.path)/scripts/demo-files.sh \(CLI.executable.path)", in: directory)
        #expect(made.status == 0, "demo-files.sh: \(made.stderr)")
        return directory
    }

    /// Runs `command` with bash in `directory`, the binary under test first on PATH; a following command gets
    /// SIGTERM once it has written something.
    static func shell(
        _ command: String,
        in directory: TemporaryDirectory,
        follows: Bool = false,
        environment: [String: String] = [:]
    ) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", follows ? "exec " + command : command]
        process.currentDirectoryURL = directory.url
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        process.environment = env
        let out = directory.path(".out")
        let err = directory.path(".err")
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if follows {
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning && ContinuousClock.now < deadline
                && ((try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0) == 0
            {
                usleep(50_000)
            }
            usleep(500_000)  // past start-up, into following
            kill(process.processIdentifier, SIGTERM)
        }
        try process.waitForExit(timeout: .seconds(120))
        return CLIResult(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: URL(fileURLWithPath: out)),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: err)), as: UTF8.self)
        )
    }

    @Test func everyExampleRunsAsWritten() throws {
        let examples = try Self.allExamples().filter { !$0.needsPostgres }
        #expect(examples.count >= 30, "found only \(examples.count) examples")
        let directory = try Self.demoFolder()
        for example in examples {
            let result = try Self.shell(example.command, in: directory, follows: example.follows)
            #expect(
                result.status == example.expectedStatus,
                "\(example) exited \(result.status): \(result.stderr.suffix(600))"
            )
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil))
    func theLoadPGExamplesRunAgainstTheTestDatabase() throws {
        let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""
        let examples = try Self.allExamples().filter(\.needsPostgres)
        #expect(examples.count >= 4)
        let directory = try Self.demoFolder()
        for example in examples {
            let command = example.command
                .replacingOccurrences(of: "postgresql://localhost/analytics", with: url)
                .replacingOccurrences(
                    of: "DATABASE_URL='host=localhost dbname=analytics'",
                    with: "DATABASE_URL='\(url)'"
                )
            let result = try Self.shell(command, in: directory, environment: ["DATABASE_URL": url])
            #expect(result.status == 0, "\(example) exited \(result.status): \(result.stderr.suffix(600))")
        }
    }
}
