import Foundation
public import RunraEvents

/// The `console` exporter: events on standard output, pretty (one readable line each) or as their JSON lines.
///
/// Keys: `format` ("pretty" default, "json"), `level` ("all" default, "sandbox", "exec", "agent": that family;
/// "error": events whose level is error), `includeTimestamp` (true), `colorize` (true: color when standard output is
/// a terminal and `NO_COLOR` is unset; `FORCE_COLOR` forces it).
public final class ConsoleExporter: EventExporter, @unchecked Sendable {
    /// The registry key.
    public static let id = "console"
    /// The `config` keys.
    public static let configurationKeys = ["format", "level", "includeTimestamp", "colorize"]

    public var id: String { Self.id }

    struct Settings: Sendable {
        enum Level: String, CaseIterable { case all, sandbox, exec, agent, error }
        var pretty = true
        var level = Level.all
        var includeTimestamp = true
        var colorize = true

        init(_ configuration: ExporterConfiguration) throws {
            if let format = try configuration.choice("format", of: ["pretty", "json"]) { pretty = format == "pretty" }
            if let name = try configuration.choice("level", of: Level.allCases.map(\.rawValue)) {
                level = Level(rawValue: name)!
            }
            includeTimestamp = try configuration.bool("includeTimestamp") ?? true
            colorize = try configuration.bool("colorize") ?? true
        }

        func shows(_ event: RuntimeEvent) -> Bool {
            switch level {
            case .all: return true
            case .sandbox, .exec, .agent: return event.type.hasPrefix(level.rawValue + ".")
            case .error: return event.level == .error
            }
        }
    }

    private let lock = NSLock()
    private var settings: Settings?
    private var colors = false
    private let fileDescriptor: Int32
    private let onReaderGone: (@Sendable () -> Void)?

    /// A console exporter writing to `fileDescriptor` (standard output by default). `onReaderGone` runs when a write
    /// finds the pipe closed (`replay --to console | head -1`), so a command line can stop quietly as grep does.
    public init(fileDescriptor: Int32 = 1, onReaderGone: (@Sendable () -> Void)? = nil) {
        self.fileDescriptor = fileDescriptor
        self.onReaderGone = onReaderGone
    }

    /// The registration for ``ExporterRegistry``.
    public static var registration: ExporterRegistry.Registration { registration(onReaderGone: nil) }

    /// The registration, with an action for a closed standard output (see ``init(fileDescriptor:onReaderGone:)``).
    public static func registration(onReaderGone: (@Sendable () -> Void)?) -> ExporterRegistry.Registration {
        var registration = ExporterRegistry.Registration(id: id, configurationKeys: configurationKeys) {
            ConsoleExporter(onReaderGone: onReaderGone)
        }
        registration.defaultBatchSize = 100
        registration.defaultFlushIntervalMs = 100
        registration.validate = { _ = try Settings($0) }
        return registration
    }

    public func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try Settings(configuration)
        let environment = configuration.environment
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let force = environment["FORCE_COLOR"].map { !$0.isEmpty && $0 != "0" } ?? false
        let colors = settings.colorize && !noColor && (force || isatty(fileDescriptor) != 0)
        lock.withLock {
            self.settings = settings
            self.colors = colors
        }
    }

    public func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        let (settings, colors) = lock.withLock { (self.settings, self.colors) }
        guard let settings else { throw RunraError(.exporter, "console: export before initialize or after dispose") }
        var out: [UInt8] = []
        out.reserveCapacity(events.count * 200)
        for event in events where settings.shows(event) {
            if settings.pretty {
                event.appendPretty(to: &out, colors: colors, includeTimestamp: settings.includeTimestamp)
            } else {
                out.append(contentsOf: event.line)
                out.append(0x0A)
            }
        }
        do {
            try POSIXWrite.all(out, to: fileDescriptor, name: "standard output")
        } catch let error as POSIXWrite.ReaderGone {
            onReaderGone?()
            throw RunraError(.exporter, "cannot write to standard output: \(error.description)")
        }
        return ExportOutcome(bytesSent: out.count)
    }

    public func flush() async throws {}

    public func dispose() async {
        lock.withLock { settings = nil }
    }
}

/// `write(2)` until everything is written.
enum POSIXWrite {
    /// The reader of a pipe went away (`EPIPE`).
    struct ReaderGone: Error, CustomStringConvertible {
        var description: String { "the reader went away (broken pipe)" }
    }

    static func all(_ bytes: [UInt8], to fd: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw ReaderGone() }
                throw RunraError(.exporter, "cannot write to \(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
