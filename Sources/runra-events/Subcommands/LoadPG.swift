import ArgumentParser
import Foundation
import RunraEvents
import RunraPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RunraEventsCommand {
    struct LoadPG: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load-pg",
            abstract: "Bulk-load events into PostgreSQL with COPY, idempotently on id.",
            discussion: """
                Creates the table and its indexes when asked (the default), then loads with COPY, one transaction per \
                batch, over --connections connections at once (alternate batches): straight into the table while no id \
                conflicts, else through a staging table and INSERT … ON CONFLICT (id) DO NOTHING. Loading the same \
                file twice inserts nothing the second time; after an interrupted load (or a server crash: commits are \
                asynchronous unless --synchronous-commit), run the same command again. Rows PostgreSQL refuses are \
                reported (and written to --dead-letter); the other rows of their batch still load. See \
                docs/postgres.md.

                Prints events read, inserted, duplicates, rejected, bad lines and rows/s. Exit status 4 when the \
                database fails or refuses a row.

                Examples:
                  runra-events load-pg --database-url postgresql://localhost/analytics \\
                    events.jsonl
                  DATABASE_URL='host=localhost dbname=analytics' runra-events load-pg \\
                    --rotated logs/runra-events.jsonl
                  runra-events load-pg --table ci_events --schema ci --text-column \\
                    --batch-size 20000 events.jsonl.gz
                  runra-events load-pg -t 'exec.*' --since 7d --ssl prefer \\
                    logs/runra-events.jsonl
                """
        )

        enum DataColumnChoice: String, EnumerableFlag {
            case jsonColumn, textColumn

            static func help(for value: Self) -> ArgumentHelp? {
                switch value {
                case .jsonColumn: return "Store data as JSONB (the default)."
                case .textColumn: return "Store data as TEXT, byte for byte."
                }
            }
        }

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var input: InputOptions
        @OptionGroup var global: GlobalOptions

        @Option(
            name: .long,
            help: ArgumentHelp(
                "libpq URI or key=value string (default $DATABASE_URL; PG* variables fill the gaps).",
                valueName: "URL"
            )
        )
        var databaseURL: String?

        @Option(name: .long, help: "Table name.")
        var table: String = PGEventTable.defaultName

        @Option(name: .long, help: "Schema name.")
        var schema: String = "public"

        @Flag(inversion: .prefixedNo, help: "Create the schema, table and indexes when missing.")
        var createTable = true

        @Flag var dataColumn: DataColumnChoice = .jsonColumn

        @Option(name: .long, help: ArgumentHelp("Events per transaction.", valueName: "N"))
        var batchSize: Int = 5000

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Connections loading batches in parallel, each batch in its own transaction.",
                valueName: "N"
            )
        )
        var connections: Int = 2

        @Flag(
            inversion: .prefixedNo,
            help:
                "Wait for each batch's WAL flush at commit (off: a server crash may lose the last commits; run again)."
        )
        var synchronousCommit = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "SSL: disable, allow, prefer, require, verify-ca or verify-full (an sslmode in the URL wins).",
                valueName: "MODE"
            )
        )
        var ssl: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "After Ctrl-C or SIGTERM, wait this long for the batches in flight to commit.",
                valueName: "SECONDS"
            )
        )
        var drainTimeout: Double = 30

        func validate() throws {
            if batchSize <= 0 { throw ValidationError("--batch-size must be a positive number of events") }
            if drainTimeout <= 0 { throw ValidationError("--drain-timeout must be a positive number of seconds") }
            if connections <= 0 || connections > 16 {
                throw ValidationError("--connections must be between 1 and 16, not \(connections)")
            }
            if let ssl, SSLMode(rawValue: ssl) == nil {
                throw ValidationError(
                    "--ssl must be one of \(SSLMode.all.map(\.rawValue).joined(separator: ", ")), not '\(ssl)'"
                )
            }
        }

        func run() async throws {
            var settings = PGBulkLoad.Settings(
                connectionString: databaseURL ?? getenv("DATABASE_URL").map { String(cString: $0) } ?? "",
                table: PGEventTable(schema: schema, name: table, dataColumn: dataColumn == .jsonColumn ? .jsonb : .text)
            )
            settings.sslMode = ssl.flatMap(SSLMode.init(rawValue:))
            settings.createTable = createTable
            settings.connections = connections
            settings.synchronousCommit = synchronousCommit
            settings.batchSize = batchSize
            // The server, not the scan, is the bottleneck (about 2 s of CPU per million events here), so one scan
            // thread on small chunks keeps up and keeps memory under SPEC §8's 50 MB (docs/postgres.md).
            var readOptions = input.readOptions
            readOptions.scanThreads = 1
            readOptions.chunkBytes = 256 * 1024
            let paths = try input.resolvedPaths()
            let reader = EventBatchReader(paths: paths, options: readOptions, selection: try selection.makeSelection())
            let progress = ProgressLine(quiet: global.quiet)
            let stop = StopRequest()
            let signals = StopSignals(
                quiet: global.quiet,
                drainTimeout: drainTimeout,
                draining: "committing the batches in flight",
                afterTimeout: "what was committed stays; run the same command again to load the rest"
            ) { stop.request() }
            defer { signals.cancel() }
            let reporter = try BadLineReporter(inputs: input, quiet: global.quiet)
            let start = ContinuousClock.now
            var load = PGBulkLoad(settings: settings)
            load.keepsLines = input.deadLetter != nil
            load.onBadLine = reporter.report
            load.onRejected = rejectionReporter(reporter)
            var loadProgress = LoadProgress(paths: paths)
            load.onProgress = { totals in
                (loadProgress.committed, loadProgress.bytesRead) = (totals.committed, totals.bytesRead)
                progress.update { loadProgress.text(seconds: Self.seconds(since: start)) }
            }
            load.shouldStop = { stop.isRequested }
            let totals: PGBulkLoad.Totals
            do {
                totals = try load.run(reader)
            } catch let error as RunraError where error.code == .exporter {
                progress.clear()
                try? reporter.finish()
                throw error
            }
            progress.clear()
            try reporter.finish()
            try finish(totals, seconds: Self.seconds(since: start), stopped: stop.isRequested, signals: signals)
        }

        /// Dead-letters each refused row and shows the first few.
        private func rejectionReporter(_ reporter: BadLineReporter) -> (PGRejectedRow, [UInt8]?) throws -> Void {
            var shown = 0
            let quiet = global.quiet
            return { rejected, line in
                if let line { try reporter.writeDeadLetter(line) }
                if shown < BadLineReporter.shownLines && !quiet {
                    let id = rejected.row.id.isEmpty ? "(no id)" : rejected.row.id
                    StandardError.print("runra-events: PostgreSQL refused event \(id): \(rejected.message)")
                    shown += 1
                }
            }
        }

        /// The totals line, and the exit status.
        private func finish(_ totals: PGBulkLoad.Totals, seconds: Double, stopped: Bool, signals: StopSignals) throws {
            let read = totals.read
            let loaded = totals.committed
            let rate = seconds > 0 ? Int(Double(loaded) / seconds) : loaded
            if !global.quiet {
                StandardOutput.shared.write(
                    "read \(read.events) events: \(totals.inserted) inserted, \(totals.duplicates) duplicates, "
                        + "\(totals.rejected) rejected, \(read.badLines) bad lines "
                        + "(\(String(format3(seconds))) s, \(rate) rows/s)\n"
                )
                StandardOutput.shared.flush()
            }
            for error in read.inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            if stopped {
                if !global.quiet {
                    StandardError.print(
                        "runra-events: interrupted: \(loaded) rows committed (\(totals.inserted) inserted,"
                            + " \(totals.duplicates) duplicates); "
                            + "run the same command again to load the rest: loaded events are skipped"
                    )
                }
                throw ExitCode(signals.exitStatus)
            }
            if totals.rejected > 0 { throw ExitCode(ExitStatus.exporterFailed) }
            if !read.inputErrors.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
        }
    }
}

/// Ctrl-C or SIGTERM asked `load-pg` to stop reading; set from the signal handler's queue.
private final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    func request() { lock.withLock { requested = true } }
    var isRequested: Bool { lock.withLock { requested } }
}

extension RunraEventsCommand.LoadPG {
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// `x` with three decimals, without Foundation.
private func format3(_ x: Double) -> String {
    let millis = Int((x * 1000).rounded())
    let fraction = String(millis % 1000)
    return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
