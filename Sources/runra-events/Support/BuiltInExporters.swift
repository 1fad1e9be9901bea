import RunraEvents
import RunraExporters
import RunraReplay

/// The exporters `runra-events replay` knows: the local ones, the network ones and the process ones.
enum BuiltInExporters {
    /// A registry with every built-in exporter.
    ///
    /// Providers of SPEC §7 whose module is not linked yet are registered as placeholders with SPEC's keys, so that
    /// `--dry-run` can still check a configuration; running one says it is not built in. The real registrations
    /// replace them.
    static func registry() -> ExporterRegistry {
        var registry = ExporterRegistry()
        for (id, keys, batchSize, interval) in placeholders {
            var registration = ExporterRegistry.Registration(id: id, configurationKeys: keys) { PlaceholderExporter(id: id) }
            registration.defaultBatchSize = batchSize
            registration.defaultFlushIntervalMs = interval
            registry.register(registration)
        }
        registry.registerLocalExporters()
        registry.registerNetworkExporters()
        registry.registerProcessExporters()
        return registry
    }

    /// SPEC §7's providers and keys, with their batch defaults.
    static let placeholders: [(String, [String], Int, Int)] = [
        ("axiom", ["token", "dataset", "url", "edge", "edgeUrl", "orgId", "batchSize", "flushIntervalMs", "compression"], 100, 5000),
        (
            "otel",
            [
                "endpoint", "protocol", "headers", "serviceName", "serviceVersion", "spanProcessor", "batchConfig", "compression",
                "timeoutMs", "batchConfig.maxQueueSize", "batchConfig.maxExportBatchSize", "batchConfig.scheduleDelayMs",
            ], 512, 5000
        ),
        ("postgres", ["connectionString", "table", "schema", "batchSize", "flushIntervalMs", "createTable", "useJsonColumn", "ssl"], 50, 2000),
        ("custom", ["endpoint", "headers", "method", "batchSize", "flushIntervalMs", "timeoutMs", "compression"], 100, 1000),
        ("exec", ["command", "args"], 500, 200),
    ]
}

/// Stands in for an exporter whose module is not in this build.
private final class PlaceholderExporter: EventExporter {
    let id: String
    init(id: String) { self.id = id }
    func initialize(configuration: ExporterConfiguration) async throws {
        throw RunraError(.exporter, "the \(id) exporter is not built into this runra-events")
    }
    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        throw RunraError(.exporter, "the \(id) exporter is not built into this runra-events")
    }
    func flush() async throws {}
    func dispose() async {}
}
