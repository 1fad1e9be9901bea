import Foundation
import Testing

@Suite struct VersionTests {
    @Test func versionPrintsAndExitsZero() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText.hasPrefix("0."))
    }

    /// Start-up: libpq (and the OpenSSL, Kerberos and LDAP libraries it pulls in) is loaded only by the commands
    /// that talk to PostgreSQL, never by the dynamic loader at start (about 6 ms of every command's start-up).
    @Test func theBinaryDoesNotLinkLibpq() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [CLI.executable.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try process.waitForExit()
        #expect(output.contains("libc.so"), "ldd printed: \(output)")
        #expect(!output.contains("libpq"), "ldd printed: \(output)")
        #expect(!output.contains("libkrb5"), "ldd printed: \(output)")
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
