import ArgumentParser
import RunraEvents

extension RunraEventsCommand {
    struct Filter: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "filter",
            abstract: "Write the events that match the selection.",
            discussion: """
                Events are written exactly as read (jsonl), or as json, pretty, csv or tsv.
                Exit status 1 when nothing matched, as grep.

                Examples:
                  runra-events filter -t 'exec.*' logs/runra-events.jsonl
                  runra-events filter -t exec.completed -w 'data.exitCode != 0' events.jsonl.gz
                  runra-events filter -c --since 2h --rotated logs/runra-events.jsonl
                  runra-events filter -o csv --fields timestamp,data.command events.jsonl
                  runra-events filter -v -t 'agent.*' -n 100 events.jsonl | head -n 3
                """
        )

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var input: InputOptions
        @OptionGroup var global: GlobalOptions

        @Option(name: .shortAndLong, help: "Output format: jsonl (the lines as read), json, pretty, csv or tsv.")
        var output: OutputFormat = .jsonl

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Comma-separated paths to print for csv, tsv and json (e.g. timestamp,data.command).",
                valueName: "PATHS"
            )
        )
        var fields: String?

        @Flag(name: [.customShort("v"), .long], help: "Select the events that do not match, as grep -v.")
        var invert = false

        @Flag(name: [.customShort("c"), .long], help: "Print only the number of matching events.")
        var count = false

        @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Stop after N matching events.", valueName: "N"))
        var limit: Int?

        @Flag(name: .long, help: "Leave out the header row of csv and tsv.")
        var noHeader = false

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be zero or more") }
        }

        func run() throws {
            var filter = EventFilter(selection: try selection.makeSelection(invert: invert), format: output)
            filter.fields = try fields.map {
                try $0.split(separator: ",").map { try JSONPath(parsing: String($0), roots: .event) }
            }
            filter.limit = limit
            filter.countsOnly = count
            filter.printsHeader = !noHeader
            filter.usesColor = global.colorsStandardOutput
            let reporter = try BadLineReporter(inputs: input, quiet: global.quiet)
            // Not over events going to the same terminal.
            let progress = ProgressLine(quiet: global.quiet || (StandardOutput.isTerminal && !count))
            let paths = try input.resolvedPaths()
            let summary: EventFilter.Summary
            do {
                summary = try filter.run(
                    paths: paths,
                    options: ReadProgress.reporting(input.readOptions, to: progress, command: "filter", paths: paths),
                    output: StandardOutput.shared.writer,
                    onBadLine: reporter.report
                )
            } catch is ByteWriter.BrokenPipe {
                throw ExitCode(0)
            }
            progress.clear()
            try reporter.finish()
            StandardOutput.shared.flush()
            for error in summary.read.inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            if !summary.read.inputErrors.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
            if summary.matched == 0 && !count { throw ExitCode(ExitStatus.nothingMatched) }
            if summary.matched == 0 && count { throw ExitCode(ExitStatus.nothingMatched) }
        }
    }
}
