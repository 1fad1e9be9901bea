import ArgumentParser
import Foundation
import RunraEvents
import RunraExporters
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
                Creates the table and its indexes when asked (the default), then loads with COPY, one transaction per batch, over --connections connections at once (alternate batches): straight into the table while no id conflicts, else through a staging table and INSERT … ON CONFLICT (id) DO NOTHING. Loading the same file twice inserts nothing the second time; after an interrupted load (or a server crash: commits are asynchronous unless --synchronous-commit), run the same command again. Rows PostgreSQL refuses are reported (and written to --dead-letter); the other rows of their batch still load. See docs/postgres.md.

                Prints events read, inserted, duplicates, rejected, bad lines and rows/s. Exit status 4 when the database fails or refuses a row.

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
                "libpq URI or key=value string (default $DATABASE_URL; PG* variables fill the gaps).", valueName: "URL"))
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
                "Connections loading batches in parallel, each batch in its own transaction.", valueName: "N"))
        var connections: Int = 2

        @Flag(
            inversion: .prefixedNo,
            help: "Wait for each batch's WAL flush at commit (off: a server crash may lose the last commits; run again).")
        var synchronousCommit = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "SSL: disable, allow, prefer, require, verify-ca or verify-full (an sslmode in the URL wins).",
                valueName: "MODE"))
        var ssl: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "After Ctrl-C or SIGTERM, wait this long for the batches in flight to commit.", valueName: "SECONDS"))
        var drainTimeout: Double = 30

        func validate() throws {
            if batchSize <= 0 { throw ValidationError("--batch-size must be a positive number of events") }
            if drainTimeout <= 0 { throw ValidationError("--drain-timeout must be a positive number of seconds") }
            if connections <= 0 || connections > 16 {
                throw ValidationError("--connections must be between 1 and 16, not \(connections)")
            }
            if let ssl, SSLMode(rawValue: ssl) == nil {
                throw ValidationError(
                    "--ssl must be one of \(SSLMode.all.map(\.rawValue).joined(separator: ", ")), not '\(ssl)'")
            }
        }

        func run() async throws {
            let url = databaseURL ?? getenv("DATABASE_URL").map { String(cString: $0) } ?? ""
            let eventTable = PGEventTable(
                schema: schema, name: table, dataColumn: dataColumn == .jsonColumn ? .jsonb : .text)
            // The server, not the scan, is the bottleneck (about 2 s of CPU per million events here), so one scan
            // thread on small chunks keeps up and keeps memory under SPEC §8's 50 MB (docs/postgres.md).
            var readOptions = input.readOptions
            readOptions.scanThreads = 1
            readOptions.chunkBytes = 256 * 1024
            let paths = try input.resolvedPaths()
            let reader = EventBatchReader(paths: paths, options: readOptions, selection: try selection.makeSelection())
            let progress = ProgressLine(quiet: global.quiet)
            var loadProgress = LoadProgress(paths: paths)
            let stop = StopRequest()
            let signals = StopSignals(
                quiet: global.quiet, drainTimeout: drainTimeout, draining: "committing the batches in flight",
                afterTimeout: "what was committed stays; run the same command again to load the rest"
            ) { stop.request() }
            defer { signals.cancel() }
            let reporter = try BadLineReporter(inputs: input, quiet: global.quiet)
            let keepsLines = input.deadLetter != nil
            let start = ContinuousClock.now
            var total = PGLoadReport()
            var rejectedShown = 0
            var rejectedCount = 0
            let read: ReadSummary
            var pool: ParallelEventLoader?
            defer { pool?.close() }
            do {
                var loaders: [EventLoader] = []
                for _ in 0..<connections {
                    let connection = try PGConnection(
                        connectionString: url, sslMode: ssl.flatMap(SSLMode.init(rawValue:)))
                    let loader = EventLoader(connection: connection, table: eventTable)
                    if loaders.isEmpty, createTable { try loader.createTable() }
                    if !synchronousCommit { try loader.commitAsynchronously() }
                    loaders.append(loader)
                }
                let loaderPool = ParallelEventLoader(loaders: loaders)
                pool = loaderPool
                read = try reader.forEachBatch(
                    batchSize: batchSize,
                    transform: { event in LoadItem(event, keepsLine: keepsLines) },
                    onBadLine: reporter.report,
                    body: { items in
                        loadProgress.bytesRead += items.reduce(0) { $0 + $1.bytes }
                        try loaderPool.submit(items.map(\.row)) { report in
                            for rejected in report.rejected {
                                if let line = items[rejected.index].line { try reporter.writeDeadLetter(line) }
                                if rejectedShown < BadLineReporter.shownLines && !global.quiet {
                                    StandardError.print(
                                        "runra-events: PostgreSQL refused event \(rejected.row.id.isEmpty ? "(no id)" : rejected.row.id): \(rejected.message)"
                                    )
                                    rejectedShown += 1
                                }
                            }
                            total.inserted += report.inserted
                            total.duplicates += report.duplicates
                            rejectedCount += report.rejected.count
                            loadProgress.committed = total.inserted + total.duplicates
                        }
                        progress.update { loadProgress.text(seconds: Self.seconds(since: start)) }
                        return !stop.isRequested
                    })
                try loaderPool.finish()
            } catch let error as PostgresError {
                progress.clear()
                try? reporter.finish()
                throw RunraError(
                    .exporter,
                    "\(error)\(total.inserted > 0 ? " (\(total.inserted) events were loaded; run the same command again to finish: already loaded events are skipped)" : "")"
                )
            }
            progress.clear()
            try reporter.finish()
            let seconds = Self.seconds(since: start)
            let loaded = total.inserted + total.duplicates
            let rate = seconds > 0 ? Int(Double(loaded) / seconds) : loaded
            if !global.quiet {
                StandardOutput.shared.write(
                    "read \(read.events) events: \(total.inserted) inserted, \(total.duplicates) duplicates, "
                        + "\(rejectedCount) rejected, \(read.badLines) bad lines "
                        + "(\(String(format3(seconds))) s, \(rate) rows/s)\n")
                StandardOutput.shared.flush()
            }
            for error in read.inputErrors { StandardError.print("runra-events: error: \(error.message)") }
            if stop.isRequested {
                if !global.quiet {
                    StandardError.print(
                        "runra-events: interrupted: \(loaded) rows committed (\(total.inserted) inserted, \(total.duplicates) duplicates); "
                            + "run the same command again to load the rest: loaded events are skipped")
                }
                throw ExitCode(signals.exitStatus)
            }
            if rejectedCount > 0 { throw ExitCode(ExitStatus.exporterFailed) }
            if !read.inputErrors.isEmpty { throw ExitCode(ExitStatus.usageOrInput) }
        }
    }
}

/// One event on its way to the table, with its line when rejected rows are dead-lettered, and its size for the
/// progress line.
private struct LoadItem: Sendable {
    var row: PGEventRow
    var line: [UInt8]?
    var bytes: Int

    init(_ event: RuntimeEvent, keepsLine: Bool) {
        row = PGEventRow(event: event)
        line = keepsLine ? event.line : nil
        bytes = event.line.count + 1
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
