import ArgumentParser
import RunraEvents

extension RunraEventsCommand {
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Summarize events: counts by type, and durations and failures per group, with CI thresholds.",
            discussion: """
                Two tables: events by type (every selected event), and the metric table over exec.completed events \
                (over the selected types with -t): count, failures (a numeric exitCode other than 0), error_rate, \
                values/missing/non_numeric (events with a numeric metric, none, or a non-number), avg, min, \
                percentiles, max and sum. Percentiles are within 0.5% of the exact value (docs/stats.md).

                --fail-if is judged on every row of the metric table (after --min-count); each group that crosses it \
                is named on standard error, and the exit status is 3.

                Examples:
                  runra-events stats logs/runra-events.jsonl
                  runra-events stats --by sandboxId --sort p95 --top 10 events.jsonl.gz
                  runra-events stats --bin 1m --since 2h --rotated logs/runra-events.jsonl
                  runra-events stats -t 'exec.*' --by type --by data.command events.jsonl
                  runra-events stats --fail-if 'p95 > 500' -o markdown events.jsonl
                  runra-events stats -o html --bin 5m --by sandboxId events.jsonl > stats.html
                  runra-events stats --baseline main.jsonl \\
                    --fail-if 'p95 > baseline.p95 * 1.2' -o junit pr.jsonl
                """
        )

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var input: InputOptions
        @OptionGroup var global: GlobalOptions

        @Option(
            name: .shortAndLong,
            help: "Output format: table, json, csv, markdown, junit or html (one self-contained page with charts)."
        )
        var output: StatisticsFormat = .table

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Group the metric table by the value at PATH (repeatable; e.g. sandboxId, data.command).",
                valueName: "PATH"
            )
        )
        var by: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Group the metric table into time buckets of this width (e.g. 1m, 15m, 1h); rows are labelled with the "
                    + "bucket's RFC 3339 start.",
                valueName: "DURATION"
            )
        )
        var bin: String?

        @Option(name: .long, help: ArgumentHelp("The numeric field to summarize.", valueName: "PATH"))
        var metric: String = "data.durationMs"

        @Option(name: .long, help: ArgumentHelp("Comma-separated percentiles to report, 0 to 100.", valueName: "LIST"))
        var percentiles: String = "50,90,95,99"

        @Option(
            name: .long,
            help: ArgumentHelp("Show only the first N rows (by count, unless --sort).", valueName: "N")
        )
        var top: Int?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Order rows by a column or key, descending; COLUMN:asc for ascending.",
                valueName: "COLUMN"
            )
        )
        var sort: String?

        @Option(
            name: .long,
            help: ArgumentHelp("Leave out groups with fewer than N events (from output and --fail-if).", valueName: "N")
        )
        var minCount: Int?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Exit 3 when EXPR holds for any row, e.g. 'p95 > 500', 'error_rate > 0.05', 'count == 0' (repeatable).",
                valueName: "EXPR"
            )
        )
        var failIf: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Compute the same report for FILE and show it beside, with the change per column; baseline.<column> "
                    + "works in --fail-if.",
                valueName: "FILE"
            )
        )
        var baseline: String?

        func validate() throws {
            if let top, top < 0 { throw ValidationError("--top must be zero or more") }
            if let minCount, minCount < 0 { throw ValidationError("--min-count must be zero or more") }
        }

        func run() throws {
            var statistics = EventStatistics(selection: try selection.makeSelection())
            statistics.metric = try JSONPath(parsing: metric, roots: .event)
            statistics.groupBy = try by.map { try JSONPath(parsing: $0, roots: .event) }
            if let bin {
                guard let width = TimeBound.parseDuration(bin), width > 0 else {
                    throw ValidationError("--bin '\(bin)' is not a duration: use e.g. 30s, 1m, 15m, 1h, 1d")
                }
                statistics.binWidth = width
            }
            statistics.percentiles = try Self.parsePercentiles(percentiles)
            let query = try StatisticsQuery(
                statistics: statistics,
                failIf: failIf,
                sort: sort,
                top: top,
                minCount: minCount,
                hasBaseline: baseline != nil
            )

            let reporter = try BadLineReporter(inputs: input, quiet: global.quiet)
            let progress = ProgressLine(quiet: global.quiet)
            let paths = try input.resolvedPaths()
            let counted = try statistics.run(
                paths: paths,
                options: ReadProgress.reporting(input.readOptions, to: progress, command: "stats", paths: paths),
                onBadLine: reporter.report
            )
            progress.clear()
            try reporter.finish()
            var inputErrors = counted.read.inputErrors
            let baselineReport = try baseline.map { try runBaseline($0, statistics) }
            inputErrors += baselineReport?.read.inputErrors ?? []
            let result = query.apply(to: counted, baseline: baselineReport)
            let report = result.report
            let chartBaseline = output == .html ? baselineReport : nil

            StatisticsRenderer(report: report, checks: result.checks, baseline: chartBaseline).render(output) {
                StandardOutput.shared.write($0)
            }
            StandardOutput.shared.flush()
            for error in inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            for check in result.checks where !check.passed {
                for row in check.crossing {
                    StandardError.print(
                        "runra-events: --fail-if '\(check.check.expression)' crossed "
                            + "by \(check.describe(row, in: report))"
                    )
                }
            }
            if !inputErrors.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
            if result.crossed { throw ExitCode(ExitStatus.thresholdCrossed) }
            if report.read.lines > 0 && report.read.events == 0 { throw ExitCode(ExitStatus.nothingMatched) }
        }

        /// The statistics of the `--baseline` file (`-`: standard input), its bad lines reported on their own.
        private func runBaseline(_ path: String, _ statistics: EventStatistics) throws -> StatisticsReport {
            var baselineInput = input
            baselineInput.deadLetter = nil
            let baselineReporter = try BadLineReporter(inputs: baselineInput, quiet: global.quiet)
            let baselineReport = try statistics.run(
                paths: [path == "-" ? nil : path],
                options: baselineInput.readOptions,
                onBadLine: baselineReporter.report
            )
            try baselineReporter.finish()
            return baselineReport
        }

        static func parsePercentiles(_ text: String) throws -> [Double] {
            var values: [Double] = []
            for part in text.split(separator: ",") {
                let trimmed = part.trimmingSpaces()
                guard let value = Double(trimmed), value >= 0, value <= 100 else {
                    throw ValidationError("--percentiles: '\(trimmed)' is not a percentile from 0 to 100")
                }
                if !values.contains(value) { values.append(value) }
            }
            return values
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
