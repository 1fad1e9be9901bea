import Foundation
import RunraTestSupport
import Testing

/// Plain `replay` on a terminal (a pseudo-terminal, Tests/Servers/pty_run.py): a progress line that counts the
/// events read even while the sink hangs, and Ctrl-C drains for at most --drain-timeout, then says what was
/// delivered and exits 130. Not on a terminal, or with `-q`, there is no progress line.
@Suite(.timeLimit(.minutes(5))) struct ReplayProgressTests {
    /// `runra-events arguments…` on a terminal; `nil` without python3.
    func onTerminal(_ arguments: [String], interruptAfter trigger: String? = nil) throws -> CLIResult? {
        guard let python = ExternalTool.find("python3", package: "python3") else { return nil }
        let script = CLI.packageRoot.appendingPathComponent("Tests/Servers/pty_run.py").path
        let interrupt = trigger.map { ["--interrupt-after", $0] } ?? []
        return try python.run([script] + interrupt + ["--", CLI.executable.path] + arguments)
    }

    /// The counts the progress lines showed (`replay: N events read`).
    func eventsRead(_ text: String) -> [Int] {
        text.components(separatedBy: "replay: ").dropFirst().compactMap { piece in
            guard let end = piece.range(of: " events read") else { return nil }
            return Int(piece[..<end.lowerBound])
        }
    }

    @Test func ctrlCAgainstAHungSinkDrainsForTheTimeoutThenSaysWhatWasDelivered() throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 20_000)
        let hanging = try SilentListener()
        let arguments = [
            "replay", "--to", "axiom", "--set", "url=http://127.0.0.1:\(hanging.port)", "--set", "token=xaat-test",
            "--set", "batchSize=10", "--drain-timeout", "2", input,
        ]
        guard let result = try onTerminal(arguments, interruptAfter: "events read") else { return }
        let text = result.stdoutText
        #expect(result.status == 130, "\(text.suffix(800))")
        // The batches wait for the sink, but what was read is counted (it said "0 events read" all along).
        #expect((eventsRead(text).max() ?? 0) > 0, "\(text.suffix(800))")
        #expect(text.contains("% of ") && text.contains("events/s; sent: axiom 0"), "\(text.suffix(800))")
        #expect(text.contains("runra-events: interrupted: draining"), "\(text.suffix(800))")
        #expect(
            text.contains("the drain took longer than --drain-timeout (2.0 s): stopping; delivered: axiom 0 (of "),
            "\(text.suffix(800))"
        )
        #expect(text.contains("the rest was not sent (with --checkpoint FILE"), "\(text.suffix(800))")
    }

    @Test func noProgressLineWhenNotOnATerminalOrQuiet() throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 1500, gapMs: 1)  // 1.5 s at real time
        let out = directory.path("out.jsonl")
        let arguments = ["replay", "--to", "jsonl", "--set", "filePath=\(out)", "--speed", "realtime", input]
        let piped = try CLI.run(arguments)
        #expect(piped.status == 0 && !piped.stderr.contains("events read"), "\(piped.stderr)")
        guard let shown = try onTerminal(arguments) else { return }
        #expect(shown.status == 0 && shown.stdoutText.contains("events read"), "\(shown.stdoutText)")
        guard let quiet = try onTerminal(["replay", "-q"] + arguments.dropFirst()) else { return }
        #expect(quiet.status == 0 && quiet.stdoutText.isEmpty, "\(quiet.stdoutText)")
    }
}
