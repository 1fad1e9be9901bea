import ArgumentParser
import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RunraEventsCommand {
    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tail",
            abstract: "Print the last events of a log, then follow it as tail -F does.",
            discussion: """
                A plain file is read backwards from its end, never whole; gzip files and
                standard input are read through, keeping the last N. With -f, follows the
                file by name across rename-rotation, truncation and re-creation, without
                losing or repeating a line. Output is pretty on a terminal, else jsonl.
                Details: docs/tail.md.

                Exit status: 0 success; 1 nothing selected (non-empty input, no -f);
                2 usage or input error; with -f, 130 after Ctrl-C, 0 after SIGTERM.

                Examples:
                  runra-events tail logs/runra-events.jsonl
                  runra-events tail -n 5 -t exec.completed -w 'data.exitCode != 0' events.jsonl
                  runra-events tail -f --min-level error logs/runra-events.jsonl
                  runra-events tail -n 1000 --rotated -t 'sandbox.*' logs/runra-events.jsonl
                  runra-events tail -f -o tsv --fields timestamp,type,data.command events.jsonl
                  zcat events.jsonl.gz | runra-events tail -n 20 -t exec.completed
                """
        )

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var input: InputOptions
        @OptionGroup var global: GlobalOptions

        @Option(
            name: [.customShort("n"), .long],
            help: ArgumentHelp("Print the last N selected events (default 10).", valueName: "N")
        )
        var lines: Int = 10

        @Flag(
            name: .shortAndLong,
            help: "Keep following the file by name (as tail -F), across rotation and truncation."
        )
        var follow = false

        @Option(
            name: .shortAndLong,
            help: "Output format: jsonl, json, pretty, csv or tsv (default: pretty on a terminal, else jsonl)."
        )
        var output: OutputFormat?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Comma-separated paths to print for csv, tsv and json (e.g. timestamp,data.command).",
                valueName: "PATHS"
            )
        )
        var fields: String?

        @Flag(name: .long, help: "Leave out the header row of csv and tsv.")
        var noHeader = false

        @Option(
            name: [.customShort("s"), .long],
            help: ArgumentHelp("With -f, seconds between checks of the file (default 0.2).", valueName: "SECONDS")
        )
        var sleepInterval: Double = 0.2

        func validate() throws {
            if lines < 0 { throw ValidationError("-n must be zero or more") }
            if input.files.count > 1 {
                throw ValidationError("tail reads one FILE (got \(input.files.count)); run it once per file")
            }
            if !(sleepInterval > 0 && sleepInterval <= 3600) {
                throw ValidationError("--sleep-interval must be between 0 and 3600 seconds")
            }
            if input.rotated && (input.files.isEmpty || input.files == ["-"]) {
                throw ValidationError("--rotated needs a file name, not standard input")
            }
        }

        func run() throws {
            var tail = EventTail(
                selection: try selection.makeSelection(),
                format: output ?? (StandardOutput.isTerminal ? .pretty : .jsonl)
            )
            tail.fields = try fields.map {
                try $0.split(separator: ",").map { try JSONPath(parsing: String($0), roots: .event) }
            }
            tail.count = lines
            tail.follows = follow
            tail.includesRotated = input.rotated
            tail.printsHeader = !noHeader
            tail.usesColor = global.colorsStandardOutput
            tail.pollInterval = .nanoseconds(Int64(sleepInterval * 1e9))
            let reporter = try BadLineReporter(inputs: input, quiet: global.quiet)
            try Self.run(tail, path: input.files.first, options: input.readOptions, reporter: reporter)
        }

        /// Runs `tail` once its options are known: the parsed command and `QuickTail` both end here.
        static func run(_ tail: EventTail, path: String?, options: ReadOptions, reporter: BadLineReporter) throws {
            // SIGINT and SIGTERM end a followed tail cleanly: the loop sees the signal, flushes and returns.
            if tail.follows { StopSignals.watchForPolling() }
            let summary: EventTail.Summary
            do {
                summary = try tail.run(
                    path: path,
                    options: options,
                    output: StandardOutput.shared.writer,
                    onBadLine: reporter.report,
                    onNotice: { StandardError.print("runra-events: \($0)") },
                    shouldStop: { StopSignals.received != 0 || StandardOutput.readerIsGone }
                )
            } catch is ByteWriter.BrokenPipe {
                throw ExitCode(0)
            }
            StandardOutput.shared.flush()
            try reporter.finish()
            for error in summary.read.inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            if !summary.read.inputErrors.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
            if StopSignals.received == SIGINT { throw ExitCode(ExitStatus.interrupted) }
            if tail.follows { return }
            if summary.written == 0 && tail.count > 0 && summary.read.lines > 0 {
                throw ExitCode(ExitStatus.nothingMatched)
            }
        }
    }
}
