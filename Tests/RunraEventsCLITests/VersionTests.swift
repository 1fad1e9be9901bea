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
