import Foundation
public import RunraEvents

/// The `jsonl` exporter: appends each event's line, byte for byte, to a file, with optional rotation.
///
/// Keys: `filePath` (required; missing folders are created), `append` (true; false empties the file when it opens),
/// `rotateSizeBytes` (a number of bytes or a size such as "100MB"; none: never rotate), `rotateFiles` (10),
/// `gzip` (false: gzip rotated files). Each `export` is one `write(2)` of whole lines, so an acknowledged batch
/// survives the process being killed. Rotated files follow the logrotate naming (`FILE.1[.gz]` …).
public actor JSONLExporter: EventExporter {
    /// The registry key.
    public static let id = "jsonl"
    /// The `config` keys.
    public static let configurationKeys = ["filePath", "append", "rotateSizeBytes", "rotateFiles", "gzip"]

    public nonisolated var id: String { Self.id }

    struct Settings: Sendable {
        var path: String
        var options: JSONLWriter.Options

        init(_ configuration: ExporterConfiguration) throws {
            guard let path = try configuration.string("filePath"), !path.isEmpty else {
                throw configuration.error("filePath", "missing: the file to write, e.g. \"./logs/replayed.jsonl\"")
            }
            self.path = path
            var options = JSONLWriter.Options()
            options.append = try configuration.bool("append") ?? true
            if let value = configuration.values["rotateSizeBytes"], value != .null {
                if case .string(let text) = value {
                    do { options.rotateSizeBytes = try ByteSize(parsing: text).bytes } catch {
                        throw configuration.error(
                            "rotateSizeBytes",
                            "expected a size such as 104857600 or \"100MB\", got \(JSONText.quoted(text))"
                        )
                    }
                } else {
                    options.rotateSizeBytes = try configuration.integer("rotateSizeBytes").map(Int64.init)
                }
                if let size = options.rotateSizeBytes, size <= 0 {
                    throw configuration.error("rotateSizeBytes", "must be positive")
                }
            }
            if let files = try configuration.integer("rotateFiles") {
                guard files >= 1 else { throw configuration.error("rotateFiles", "must be at least 1, got \(files)") }
                options.rotateFiles = files
            }
            options.gzip = try configuration.bool("gzip") ?? false
            self.options = options
        }
    }

    private var writer: JSONLWriter?
    private var disposed = false

    /// An exporter that is not yet initialized.
    public init() {}

    /// The registration for ``ExporterRegistry``.
    public static var registration: ExporterRegistry.Registration {
        var registration = ExporterRegistry.Registration(id: id, configurationKeys: configurationKeys) {
            JSONLExporter()
        }
        registration.defaultBatchSize = 2000
        registration.defaultFlushIntervalMs = 200
        // A configuration without a valid filePath fails when the exporter starts, as before, not here.
        registration.outputFiles = { (try? Settings($0)).map { [$0.path] } ?? [] }
        registration.validate = { configuration in
            let settings = try Settings(configuration)
            if let problem = OutputPath.problem(writing: settings.path) {
                throw configuration.error("filePath", "cannot be opened for writing: \(problem) (\(advice))")
            }
        }
        return registration
    }

    public func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try Settings(configuration)
        do {
            try OutputPath.createFolders(of: settings.path)
            writer = try JSONLWriter(path: settings.path, options: settings.options)
        } catch let error as RunraError {
            throw RunraError(.exporter, "jsonl: \(error.message) (\(Self.advice))")
        }
    }

    /// What to do when the file cannot be opened.
    static let advice = "set filePath to a file that runra-events may create or append to"

    public func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        guard let writer else {
            throw RunraError(.exporter, disposed ? "jsonl: export after dispose" : "jsonl: export before initialize")
        }
        var bytes = 0
        for event in events {
            try event.line.withUnsafeBytes { try writer.append(line: $0) }
            bytes += event.line.count + 1
        }
        try writer.flush()
        return ExportOutcome(bytesSent: bytes)
    }

    public func flush() async throws {
        try writer?.flush()
    }

    public func dispose() async {
        guard let writer else { return }
        self.writer = nil
        disposed = true
        try? writer.close()
    }
}
