internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// The `exec` exporter's `config`, validated.
struct ExecExporterSettings: Sendable {
    /// The keys the exporter accepts.
    static let keys = ["command", "args", "env", "cwd", "batchSize", "flushIntervalMs", "exitTimeoutMs"]

    /// The program: a path, or a name looked up in `PATH`.
    var command: String
    /// Its arguments (without the program name).
    var arguments: [String]
    /// The child's environment: the process environment with `env` laid over it, as `KEY=value`.
    var environment: [String]
    /// The child's working directory (`nil`: ours).
    var workingDirectory: String?
    var batchSize: Int
    var flushIntervalMs: Int
    /// How long ``ExecExporter/dispose()`` waits for the child to exit after closing its stdin, then terminates it.
    var exitTimeoutMs: Int

    init(_ configuration: ExporterConfiguration) throws {
        guard let command = try configuration.string("command"), !command.isEmpty else {
            throw configuration.error("command", "required: the program that reads JSONL on its standard input")
        }
        self.command = command
        arguments = try Self.strings(configuration, "args")
        var environment = configuration.environment
        if let env = try configuration.object("env") {
            for (key, value) in env.values {
                guard case .string(let text) = value else {
                    throw env.error(key, "expected a string")
                }
                environment[key] = text
            }
        }
        self.environment = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        workingDirectory = try configuration.string("cwd")
        try Self.checkProgram(configuration, command: command, directory: workingDirectory)
        batchSize = try configuration.integer("batchSize") ?? 100
        if batchSize <= 0 { throw configuration.error("batchSize", "must be a positive number of events") }
        flushIntervalMs = try configuration.integer("flushIntervalMs") ?? 1000
        if flushIntervalMs < 0 { throw configuration.error("flushIntervalMs", "must not be negative") }
        exitTimeoutMs = try configuration.integer("exitTimeoutMs") ?? 10_000
        if exitTimeoutMs < 0 { throw configuration.error("exitTimeoutMs", "must not be negative") }
    }

    /// The program and its directory must exist when the configuration loads: a missing one is a configuration
    /// error (exit 2), not a sink that may come up later. A relative path with a `/` is left to the spawn.
    private static func checkProgram(_ configuration: ExporterConfiguration, command: String, directory: String?) throws
    {
        var isDirectory: ObjCBool = false
        if let directory,
            !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            throw configuration.error("cwd", "\(JSONText.quoted(directory)) is not a directory")
        }
        if command.hasPrefix("/") {
            guard FileManager.default.isExecutableFile(atPath: command) else {
                throw configuration.error("command", "`\(command)` is not an executable file")
            }
        } else if !command.contains("/") {
            // posix_spawnp looks in our PATH (not the child's env), or glibc's default.
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/bin:/usr/bin"
            guard
                path.split(separator: ":").contains(where: {
                    FileManager.default.isExecutableFile(atPath: "\($0)/\(command)")
                })
            else {
                throw configuration.error(
                    "command",
                    "`\(command)` is not found in PATH (give the full path of the program)"
                )
            }
        }
    }

    /// An array of strings; `[]` when absent.
    private static func strings(_ configuration: ExporterConfiguration, _ key: String) throws -> [String] {
        guard let value = configuration.values[key], value != .null else { return [] }
        guard case .array(let items) = value else { throw configuration.error(key, "expected an array of strings") }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw configuration.error("\(key)[\(index)]", "expected a string")
            }
            return text
        }
    }

    /// The command for messages: the program only, since arguments may carry tokens.
    var displayName: String { "`\(command)`" }
}
