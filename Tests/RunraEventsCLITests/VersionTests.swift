import Foundation
import RunraTestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct VersionTests {
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

    /// Start-up: the release executable is position-dependent (ELF type EXEC), so the loader has no relative
    /// relocations to apply (docs/architecture.md, "Start-up"). Checked on the binary that ships.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_EVENTS_BINARY"] != nil))
    func theReleaseBinaryIsPositionDependent() throws {
        let header = try FileHandle(forReadingFrom: CLI.executable).read(upToCount: 18) ?? Data()
        #expect(header.count == 18 && header.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]))
        #expect(header.count == 18 && header[16] == 2 && header[17] == 0, "e_type \(Array(header.suffix(2)))")
    }

    /// Start-up: commands other than `replay` and `load-pg` run on the main thread and start no concurrency
    /// runtime threads; `tail -f` shows it while it runs.
    @Test func aSynchronousCommandRunsOnOneThread() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(
            "app.jsonl",
            #"{"id":"e1","timestamp":"2026-06-15T10:30:00Z","type":"exec.started"}"# + "\n"
        )
        let tail = try RunningCLI(["tail", "-f", "-o", "jsonl", path])
        #expect(tail.waitForLines(1))
        let status =
            (try? String(contentsOfFile: "/proc/\(tail.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let threads = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        tail.process.terminate()
        #expect(try tail.finish() == 0)
        #expect(threads?.split(separator: "\t").last == "1", "\(threads ?? "no Threads line")")
    }

    @Test func unknownOptionIsUsageErrorTwo() throws {
        let result = try CLI.run(["filter", "--no-such-option"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-option"))
    }
}

@Suite(.timeLimit(.minutes(5))) struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheSubcommands(_ shell: String) throws {
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["filter", "tail", "rotate", "load-pg", "generate"] {
            #expect(result.stdoutText.contains(command), "\(shell) completion mentions \(command)")
        }
    }
}
