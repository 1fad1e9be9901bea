import ArgumentParser
import Foundation
import RunraEvents
import RunraExporters
import RunraReplay

extension RunraEventsCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract:
                "Feed stored events into exporters (Axiom, OTLP, PostgreSQL, Parquet and Delta Lake, JSONL, "
                + "the console, …).",
            discussion: """
                The exporters come from --config FILE (JSON or YAML, the runtime's observability shape) or from --to \
                PROVIDER with --set key=value. Each exporter gets its own filter, batches and queue; one failing never \
                stops the others. replay exits when every exporter has acknowledged its last batch. See docs/replay.md \
                and docs/exporters.md.

                The summary (per exporter: sent, filtered out, rejected, retried, gave up, dead-lettered, bytes, \
                events/s) goes to standard error. Exit status: 0 all delivered, 2 input or configuration error, 4 an \
                exporter refused or gave up on events, 130 interrupted (after flushing for at most --drain-timeout and \
                writing the checkpoint).

                The configuration is checked whole before any event is read, with --dry-run and --follow too: unknown \
                keys, wrong types, misspelt values (format: prety → did you mean "pretty"?), URLs without scheme or \
                host, numbers out of range, duplicate keys. A mistake is exit 2 and is never retried. A filter's \
                condition may be written as on the runtime's page: condition: (e) => e.data.exitCode !== 0 (see \
                "Conditions copied from the runtime" in docs/expressions.md).

                Examples:
                  runra-events replay --config Fixtures/observability.yaml events.jsonl.gz
                  runra-events replay --config Fixtures/observability.yaml \\
                    --checkpoint logs.ckpt --dead-letter rejected.jsonl logs/*.jsonl
                  runra-events replay --to jsonl --set filePath=copy.jsonl events.jsonl.gz
                  runra-events replay --to parquet --set path=lake/ events.jsonl.gz
                  runra-events replay --to console --set format=pretty --speed 1000 \\
                    -t exec.completed events.jsonl.gz
                  runra-events replay --to jsonl --set filePath=failed.jsonl \\
                    --where '(e) => e.data.exitCode !== 0' -t exec.completed events.jsonl.gz
                  runra-events replay --to console \\
                    --where '(e) => !e.type.startsWith("file.")' events.jsonl.gz
                  runra-events replay --to otel --set endpoint=http://collector:4318 \\
                    --dry-run events.jsonl.gz
                  runra-events replay --config Fixtures/observability.yaml \\
                    --from-dead-letter Fixtures/rejected.jsonl --dead-letter again.jsonl
                  runra-events replay --follow --config Fixtures/observability.yaml \\
                    --checkpoint ship.ckpt --status-interval 10 'logs/*.jsonl'

                With --follow, replay is a log shipper: it reads each log's rotated set oldest first, then follows the \
                live file across rename, copytruncate and re-creation until SIGTERM or Ctrl-C, keeping files apart by \
                the fingerprint of their first line (not their name), holding unread files open so rotation cannot \
                delete them, and retrying a sink that is down while the log waits on disk. SIGTERM drains what is in \
                flight (up to --drain-timeout), writes the checkpoint and exits 0. See "Shipping live logs" in \
                docs/replay.md.
                """
        )

        @OptionGroup var selection: SelectionOptions

        @Argument(help: "JSONL files, plain or gzip (detected by content). '-' or none reads standard input.")
        var files: [String] = []

        @Flag(name: .long, help: "Read each FILE's whole rotated set, oldest first: FILE.N[.gz] … FILE.1[.gz], FILE.")
        var rotated = false

        @Flag(
            name: .long,
            help: "Ship live logs: each FILE (or glob) with its rotated set, then follow it until SIGTERM or Ctrl-C."
        )
        var follow = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "--follow: where logrotate's olddir puts rotated files (repeatable; relative to each log's folder, as "
                    + "logrotate resolves it).",
                valueName: "DIR"
            )
        )
        var olddir: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "On Ctrl-C or SIGTERM, wait this long for in-flight batches, then stop.",
                valueName: "SECONDS"
            )
        )
        var drainTimeout: Double = 30

        @Option(
            name: .long,
            help: ArgumentHelp(
                "--follow: print a status line to standard error every SECONDS (events/s, lag, retries).",
                valueName: "SECONDS"
            )
        )
        var statusInterval: Double?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "--follow: serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464).",
                valueName: "HOST:PORT"
            )
        )
        var metricsAddress: String?

        @Flag(name: .long, help: "Treat a bad input line as an error (exit 2) instead of reporting and skipping it.")
        var strict = false

        @Option(name: .long, help: ArgumentHelp("Longest accepted line in bytes (default 16 MiB).", valueName: "N"))
        var maxLineBytes: Int = 16 * 1024 * 1024

        @Option(
            name: .long,
            help: ArgumentHelp("The exporters: JSON or YAML in the runtime's observability shape.", valueName: "FILE")
        )
        var config: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "One exporter without a file: console, jsonl, axiom, otel, postgres, custom, exec.",
                valueName: "PROVIDER"
            )
        )
        var to: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A config key of the --to exporter (repeatable; dotted keys nest; JSON values parse).",
                valueName: "KEY=VALUE"
            )
        )
        var set: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "max (default), realtime, or N times real time, keeping the gaps between timestamps.",
                valueName: "SPEED"
            )
        )
        var speed: String = "max"

        @Flag(name: .long, help: "Parse, filter and count per exporter; send nothing, write no checkpoint.")
        var dryRun = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Resume from and keep the position acknowledged by every exporter in FILE.",
                valueName: "FILE"
            )
        )
        var checkpoint: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Append refused and given-up events to FILE as {exporter, reason, status, line} records.",
                valueName: "FILE"
            )
        )
        var deadLetter: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Send the events of a dead-letter FILE again (each to the exporter its record names).",
                valueName: "FILE"
            )
        )
        var fromDeadLetter: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if (config == nil) == (to == nil) {
                throw ValidationError("give the exporters with --config FILE or --to PROVIDER (one of them)")
            }
            if config != nil && !set.isEmpty {
                throw ValidationError("--set goes with --to; put the keys in the --config file instead")
            }
            if fromDeadLetter != nil && !files.isEmpty {
                throw ValidationError("--from-dead-letter reads its own file: give no input FILEs")
            }
            if maxLineBytes <= 0 { throw ValidationError("--max-line-bytes must be a positive number of bytes") }
            _ = try parsedSpeed()
            if follow {
                if files.isEmpty || files.contains("-") {
                    throw ValidationError(
                        "--follow ships log files: name them (paths or quoted globs such as 'logs/*.jsonl'), "
                            + "not standard input"
                    )
                }
                if fromDeadLetter != nil {
                    throw ValidationError("--follow reads live logs; --from-dead-letter reads a finished file: use one")
                }
                if dryRun { throw ValidationError("--dry-run counts a finished input; leave out --follow") }
                if speed != "max" {
                    throw ValidationError("--follow ships events as they are written; leave out --speed")
                }
                if let folder = files.first(where: Self.isDirectory) {
                    // It would be waited for as a log that does not exist yet, silently, for ever.
                    let glob = (folder.hasSuffix("/") ? folder : folder + "/") + "*.jsonl"
                    throw ValidationError(
                        "\(folder) is a directory: name the log file, or follow the logs in it with a quoted glob "
                            + "such as '\(glob)'"
                    )
                }
            } else if statusInterval != nil || metricsAddress != nil {
                throw ValidationError(
                    "--status-interval and --metrics-address go with --follow (a plain replay shows its "
                        + "progress on a terminal)"
                )
            } else if !olddir.isEmpty {
                throw ValidationError(
                    "--olddir goes with --follow (it says where rotation moves a followed log's files)"
                )
            }
            if let statusInterval, !(statusInterval > 0) {
                throw ValidationError("--status-interval must be a positive number of seconds")
            }
            if !(drainTimeout >= 0) { throw ValidationError("--drain-timeout must be zero or more seconds") }
        }

        /// Whether `path` names a directory (a glob never does).
        static func isDirectory(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return !path.contains(where: { "*?[".contains($0) })
                && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }

        func parsedSpeed() throws -> ReplayOptions.Speed {
            switch speed {
            case "max": return .max
            case "realtime": return .realtime(1)
            default:
                let text = speed.hasSuffix("x") ? String(speed.dropLast()) : speed
                guard let factor = Double(text), factor > 0, factor.isFinite else {
                    throw ValidationError(
                        "--speed must be max, realtime or a positive number (times real time), not '\(speed)'"
                    )
                }
                return .realtime(factor)
            }
        }

        func run() async throws {
            // `replay --to console | head -1`: when the reader goes away, stop as after Ctrl-C, quietly (as grep).
            let closedOutput = ClosedOutput()
            let (configuration, registry) = try loadConfiguration(closedOutput: closedOutput)
            let targets = try ReplayTarget.make(from: configuration, registry: registry)
            let progress = ReplayProgress(
                paths: follow || fromDeadLetter != nil ? [] : try resolvedPaths(),
                shown: !global.quiet && !follow
            )
            let engine = ReplayEngine(targets: targets, options: try replayOptions())
            let source = try replaySource(progress: progress)
            closedOutput.engine = engine
            let badLines = try BadLineReporter(strict: strict, deadLetterPath: nil, quiet: global.quiet)

            // Ctrl-C or SIGTERM: the first stops reading and drains; a second one exits at once (the checkpoint on
            // disk is always whole, written by rename), and so does a drain that outlasts --drain-timeout.
            // A shipper's checkpoint always says how far it got; a plain replay says what was delivered.
            let afterTimeout = self.afterTimeout
            let stops =
                follow
                ? StopSignals(quiet: global.quiet, drainTimeout: drainTimeout) { engine.interrupt() }
                : StopSignals(
                    quiet: global.quiet,
                    drainTimeout: drainTimeout,
                    afterTimeout: "\(progress.delivered(engine)); \(afterTimeout)"
                ) { engine.interrupt() }
            defer { stops.cancel() }

            let metrics = try await metricsAddress.asyncMap { try await MetricsServer(address: $0, engine: engine) }
            if let metrics, global.verbose {
                StandardError.print("runra-events: metrics at http://\(metricsAddress ?? ""):\(metrics.port)/metrics")
            }
            let progressLine = progress.isShown ? Task { await Self.showProgress(progress, engine) } : nil
            let status = statusInterval.map { interval in
                Task { await ShipperStatus(engine: engine).run(every: interval) }
            }
            // `replay --follow --to console | head -1`: the console may write nothing more for hours, so look for
            // the reader of standard output going away instead of waiting for a write to fail (as `tail -f`).
            let followsConsole = follow && configuration.exporters.contains { $0.provider == ConsoleExporter.id }
            let readerWatch = followsConsole ? Task { await Self.watchReader(closedOutput) } : nil
            defer { readerWatch?.cancel() }
            let quiet = global.quiet
            let report: ReplayReport
            do {
                report = try await engine.run(
                    source,
                    onBadLine: badLines.report,
                    onNotice: { message in if !quiet { StandardError.print("runra-events: \(message)") } },
                    onLoss: { file in
                        StandardError.print("runra-events: error: LOST: \(ReplaySummaryText.lostDescription(file))")
                    }
                )
            } catch {
                progressLine?.cancel()
                progress.finish()
                status?.cancel()
                await metrics?.close()
                throw error
            }
            status?.cancel()
            await metrics?.close()
            progressLine?.cancel()
            await progressLine?.value
            progress.finish()
            try badLines.finish()
            try finish(report, outputClosed: closedOutput.happened, stops: stops)
        }

        /// The exporters' configuration (its warnings said), and the registry that makes them.
        private func loadConfiguration(closedOutput: ClosedOutput) throws -> (ReplayConfiguration, ExporterRegistry) {
            var environment = ProcessInfo.processInfo.environment
            if global.color == .never { environment["NO_COLOR"] = "1" }
            if global.color == .always {
                environment["NO_COLOR"] = nil
                environment["FORCE_COLOR"] = "1"
            }
            var registry = BuiltInExporters.registry()
            registry.register(ConsoleExporter.registration(onReaderGone: { closedOutput.trigger() }))
            let configuration: ReplayConfiguration
            if let config {
                configuration = try ReplayConfiguration.load(
                    path: config,
                    registry: registry,
                    environment: environment,
                    dryRun: dryRun
                )
            } else {
                configuration = try ReplayConfiguration.quick(
                    provider: to ?? "",
                    settings: set,
                    registry: registry,
                    environment: environment,
                    dryRun: dryRun
                )
            }
            if !global.quiet {
                for warning in configuration.warnings { StandardError.print("runra-events: warning: \(warning)") }
            }
            return (configuration, registry)
        }

        private func replayOptions() throws -> ReplayOptions {
            var options = ReplayOptions()
            options.speed = try parsedSpeed()
            options.dryRun = dryRun
            options.checkpointPath = checkpoint
            options.deadLetterPath = deadLetter
            options.keepsTrying = follow
            return options
        }

        /// What the replay reads; a plain replay's reads tell `progress` how far it is.
        private func replaySource(progress: ReplayProgress) throws -> ReplaySource {
            if let fromDeadLetter { return .deadLetters(path: fromDeadLetter) }
            var readOptions = follow ? ReadOptions() : progress.reading(ReadOptions())
            readOptions.maximumLineBytes = maxLineBytes
            // Events are held as owned copies until every exporter has them: smaller chunks keep that working set
            // (and so peak memory) small without costing throughput.
            readOptions.chunkBytes = 256 * 1024
            if follow {
                let reader = LiveLogReader(
                    inputs: files,
                    selection: try selection.makeSelection(),
                    options: readOptions
                )
                reader.olddirs = olddir
                return .live(reader)
            }
            return .events(
                EventBatchReader(
                    paths: try resolvedPaths(),
                    options: readOptions,
                    selection: try selection.makeSelection()
                )
            )
        }

        /// The summary and the exit status of a finished replay.
        private func finish(_ report: ReplayReport, outputClosed: Bool, stops: StopSignals) throws {
            if outputClosed {
                // Only the console lost its reader: the others flushed and the checkpoint was written; say nothing
                // unless another exporter failed too.
                let othersFailed = report.exporters.contains { $0.failed && !$0.label.hasPrefix(ConsoleExporter.id) }
                if othersFailed || global.verbose {
                    StandardError.print(
                        ReplaySummaryText.render(report, checkpointPath: checkpoint, deadLetterPath: deadLetter)
                    )
                }
                throw ExitCode(othersFailed ? ExitStatus.exporterFailed : ExitStatus.success)
            }
            if !global.quiet {
                StandardError.print(
                    ReplaySummaryText.render(report, checkpointPath: checkpoint, deadLetterPath: deadLetter)
                )
            }
            for error in report.read.inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            if !report.lostFiles.isEmpty {
                StandardError.print(
                    "runra-events: error: \(report.lostFiles.count) file(s) were gone before they were "
                        + "shipped (LOST above)"
                )
            }
            if report.interrupted && !(follow && stops.byTermination) { throw ExitCode(stops.exitStatus) }
            if let error = report.inputError { throw error }
            if let error = report.checkpointError { throw error }
            if report.exportersFailed { throw ExitCode(ExitStatus.exporterFailed) }
            if !report.read.inputErrors.isEmpty || !report.lostFiles.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
            if report.read.lines > 0 && report.read.events == 0 && report.read.badLines > 0 {
                throw ExitCode(ExitStatus.nothingMatched)
            }
        }

        /// Triggers `closedOutput` when the reader of standard output goes away.
        private static func watchReader(_ closedOutput: ClosedOutput) async {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                if StandardOutput.readerIsGone {
                    closedOutput.trigger()
                    break
                }
            }
        }

        /// The inputs, with --rotated sets expanded (`nil` is standard input).
        func resolvedPaths() throws -> [String?] {
            try InputOptions.resolve(files, rotated: rotated)
        }

        static func showProgress(_ progress: ReplayProgress, _ engine: ReplayEngine) async {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                progress.show(engine)
            }
        }

        /// After a plain replay's drain was cut short: what a run again does.
        var afterTimeout: String {
            checkpoint.map {
                "the checkpoint \($0) keeps what was acknowledged: run the same command again to send the rest"
            }
                ?? "the rest was not sent (with --checkpoint FILE, running the command again sends only the rest)"
        }
    }
}

/// Set by the console exporter when standard output's reader went away; stops the engine as Ctrl-C does.
private final class ClosedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var _engine: ReplayEngine?
    private var _happened = false

    var engine: ReplayEngine? {
        get { lock.withLock { _engine } }
        set {
            let stopNow = lock.withLock {
                _engine = newValue
                return _happened
            }
            if stopNow { newValue?.interrupt() }
        }
    }

    var happened: Bool { lock.withLock { _happened } }

    func trigger() {
        let engine = lock.withLock {
            _happened = true
            return _engine
        }
        engine?.interrupt()
    }
}

extension Optional {
    /// `map` with an async transform.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
