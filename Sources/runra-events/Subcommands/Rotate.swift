import ArgumentParser
import RunraEvents

extension RunraEventsCommand {
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Rotate a log file the logrotate way: FILE → FILE.1.gz, FILE.1.gz → FILE.2.gz, …",
            discussion: """
                Rotates only when FILE is larger than --max-size (exactly equal does not rotate); --force rotates \
                regardless. Rotated files are FILE.1[.gz] (newest) to FILE.N[.gz] (oldest, N = --keep); older ones \
                are removed. An empty FILE with the old mode takes FILE's place. Sizes: 100MB = 100M = 100MiB = \
                100 × 1024² bytes; a bare number is bytes.

                Safe while runra-events writers (the library's JSONLWriter, the jsonl exporter) append: they hold \
                an advisory lock (flock) on FILE around each write, rotate takes it around the rename, and writers \
                reopen FILE when it was replaced, so no line is lost or duplicated. See docs/rotation.md.

                Examples:
                  runra-events rotate logs/runra-events.jsonl
                  runra-events rotate --max-size 1GB --keep 30 logs/runra-events.jsonl
                  runra-events rotate --force --no-gzip logs/runra-events.jsonl
                  runra-events rotate --copytruncate --max-size 500M logs/runra-events.jsonl
                """
        )

        @Option(name: .long, help: ArgumentHelp("Rotate only when FILE is larger than this.", valueName: "size"))
        var maxSize: String = "100MB"

        @Flag(name: .long, help: "Rotate even when FILE is not larger than --max-size.")
        var force = false

        @Option(name: .long, help: ArgumentHelp("How many rotated files to keep.", valueName: "n"))
        var keep: Int = 10

        @Flag(inversion: .prefixedNo, help: "Gzip the rotated file to FILE.1.gz.")
        var gzip = true

        @Flag(name: .long, help: "Copy FILE to FILE.1 and truncate FILE in place (keeps its inode).")
        var copytruncate = false

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        @Flag(name: .long, help: "Also say when nothing was rotated, and why.")
        var verbose = false

        @Argument(help: ArgumentHelp("The live log file.", valueName: "file"))
        var file: String

        func validate() throws {
            guard keep >= 0 else { throw ValidationError("--keep must be 0 or more, got \(keep)") }
        }

        func run() throws {
            let limit = try ByteSize(parsing: maxSize)
            let rotator = try Rotator(
                path: file,
                options: .init(maxSize: limit.bytes, force: force, keep: keep, gzip: gzip, copyTruncate: copytruncate)
            )
            switch try rotator.rotate() {
            case .notNeeded(let size):
                if verbose && !quiet {
                    StandardError.print(
                        "runra-events: \(file) is \(size) bytes, not larger than --max-size \(limit): not rotated"
                    )
                }
            case .rotated(let size, let rotatedPath):
                if !quiet {
                    let destination = rotatedPath.map { "to \($0)" } ?? "and removed it (--keep 0)"
                    StandardError.print("runra-events: rotated \(file) (\(size) bytes) \(destination)")
                }
            }
        }
    }
}
