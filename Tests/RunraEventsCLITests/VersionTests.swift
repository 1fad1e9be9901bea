import Testing

@Suite struct VersionTests {
    @Test func versionPrintsAndExitsZero() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText.hasPrefix("0."))
    }

    @Test func unknownOptionIsUsageErrorTwo() throws {
        let result = try CLI.run(["filter", "--no-such-option"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-option"))
    }
}

@Suite struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheSubcommands(_ shell: String) throws {
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["filter", "tail", "rotate", "load-pg", "generate"] {
            #expect(result.stdoutText.contains(command), "\(shell) completion mentions \(command)")
        }
    }
}
