import ArgumentParser
import RunraEvents

/// The inputs of a reading command, and what to do with bad lines (SPEC §3, §6).
struct InputOptions: ParsableArguments {
    @Argument(help: "JSONL files, plain or gzip (detected by content). '-' or none reads standard input.")
    var files: [String] = []

    @Flag(name: .long, help: "Read each FILE's whole rotated set, oldest first: FILE.N[.gz] … FILE.1[.gz], FILE.")
    var rotated = false

    @Flag(name: .long, help: "Treat a bad line as an error (exit 2) instead of reporting and skipping it.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Also write bad lines, verbatim, to this file.", valueName: "FILE"))
    var deadLetter: String?

    @Option(name: .long, help: ArgumentHelp("Longest accepted line in bytes (default 16 MiB).", valueName: "N"))
    var maxLineBytes: Int = ReadOptions().maximumLineBytes

    func validate() throws {
        if maxLineBytes <= 0 { throw ValidationError("--max-line-bytes must be a positive number of bytes") }
    }

    /// The inputs to read, in order: `nil` stands for standard input.
    func resolvedPaths() throws -> [String?] {
        try Self.resolve(files, rotated: rotated)
    }

    /// `files` in order, each expanded to its rotated set with `rotated` (`-`, and no files, is standard input).
    static func resolve(_ files: [String], rotated: Bool) throws -> [String?] {
        if files.isEmpty { return [nil] }
        guard rotated else { return files.map { $0 == "-" ? nil : $0 } }
        var paths: [String?] = []
        for file in files {
            if file == "-" { throw ValidationError("--rotated needs file names, not standard input") }
            let members = try RotatedSet(basePath: file).members()
            if members.isEmpty {
                throw RunraError(.io, "cannot open \(file): no such file, and no rotated files beside it")
            }
            paths.append(contentsOf: members)
        }
        return paths
    }

    /// Read options from these flags.
    var readOptions: ReadOptions {
        var options = ReadOptions()
        options.maximumLineBytes = maxLineBytes
        options.keepsBadLines = deadLetter != nil
        return options
    }
}
