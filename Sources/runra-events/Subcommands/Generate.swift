import ArgumentParser
import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RunraEventsCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a realistic synthetic event log.",
            discussion: """
                Writes JSONL with all 22 event types, sandbox life cycles grouped into runs, nested
                payloads, unicode and escaped strings, long-tailed durations and about 10% failing
                commands. The same seed gives the same bytes. Timestamps start at
                2026-06-15T10:30:00.000Z, or at --start (e.g. 1h: an hour ago, for --since 2h to
                find). --size counts uncompressed bytes and stops after the line that reaches it;
                1GB, 1G and 1GiB all mean 1024³ bytes, a bare number is bytes.

                Examples:
                  runra-events generate --events 100000 --seed 7 > events.jsonl
                  runra-events generate --size 100MB --seed 1 --out bench.jsonl
                  runra-events generate --events 2000 --seed 42 --gzip --out sample.jsonl.gz
                  runra-events generate --events 20000 --start 1h --out recent.jsonl
                """
        )

        @Option(name: .long, help: ArgumentHelp("Write this many events.", valueName: "N"))
        var events: Int?

        @Option(
            name: .long,
            help: ArgumentHelp("Write until the output reaches this size (e.g. 512MB, 1GB).", valueName: "SIZE")
        )
        var size: String?

        @Option(name: .long, help: ArgumentHelp("The seed: the same seed gives the same log.", valueName: "S"))
        var seed: UInt64 = 1

        @Flag(name: .long, help: "Write gzip instead of plain JSONL.")
        var gzip = false

        @Option(name: .long, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
        var out: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The first event's time: RFC 3339, a date, or a duration before now (90s, 15m, 2h, 7d).",
                valueName: "T"
            )
        )
        var start: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let limit = try self.limit()
            let generator = EventLogGenerator(seed: seed, start: try start.map { try TimeBound.parse($0, now: .now) })
            let summary: EventLogGenerator.Summary
            if let out {
                let descriptor = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else {
                    throw RunraError(.io, "cannot create \(out): \(String(cString: strerror(errno)))")
                }
                defer { close(descriptor) }
                let writer = ByteWriter(fileDescriptor: descriptor, name: out)
                do {
                    summary = try generator.write(limit, gzip: gzip, to: writer)
                    try writer.flush()
                } catch let error as RunraError {
                    // A full disk: a half-written log (a torn last line, a gzip without its end) is a trap, remove it.
                    throw RunraError(
                        error.code,
                        error.message + (removeIncomplete(descriptor, out) ? " (removed the incomplete \(out))" : "")
                    )
                }
            } else {
                do {
                    summary = try generator.write(limit, gzip: gzip, to: StandardOutput.shared.writer)
                    try StandardOutput.shared.writer.flush()
                } catch let error as ByteWriter.BrokenPipe {
                    StandardOutput.shared.exitAfterWriteFailure(error)
                }
            }
            // A summary on a terminal, or anywhere with --verbose; never with --quiet.
            if !global.quiet && (global.verbose || StandardError.isTerminal) {
                StandardError.print("runra-events: wrote \(summary.events) events, \(summary.bytes) bytes uncompressed")
            }
        }

        /// Removes `path` when `descriptor` is a regular file (never a device such as /dev/full).
        private func removeIncomplete(_ descriptor: Int32, _ path: String) -> Bool {
            var info = stat()
            guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
            return unlink(path) == 0
        }

        private func limit() throws -> EventLogGenerator.Limit {
            switch (events, size) {
            case (let count?, nil):
                guard count >= 0 else { throw RunraError(.usage, "--events must be 0 or more, not \(count)") }
                return .events(count)
            case (nil, let text?):
                return .bytes(Int(try ByteSize(parsing: text).bytes))
            case (.some, .some):
                throw RunraError(.usage, "give either --events N or --size SIZE, not both")
            case (nil, nil):
                throw RunraError(
                    .usage,
                    "say how much to generate: --events N (e.g. --events 100000) or --size SIZE (e.g. --size 1GB)"
                )
            }
        }
    }
}
