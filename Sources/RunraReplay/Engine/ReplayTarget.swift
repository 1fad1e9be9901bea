import RunraEvents

/// One exporter as the engine drives it: the instance, its configuration, filter and batching.
public struct ReplayTarget: Sendable {
    /// The name in the summary and in dead-letter records.
    public var label: String
    /// The exporter, not yet initialized (the engine calls `initialize`, then `dispose` at the end).
    public var exporter: any EventExporter
    /// Its configuration.
    public var configuration: ExporterConfiguration
    /// Which events it receives.
    public var filter: ExporterFilter
    /// Events per `export` call, at most.
    public var batchSize: Int
    /// The longest a partial batch waits before it is exported anyway.
    public var flushInterval: Duration
    /// Full batches that may wait for this exporter before reading pauses (`nil`: ``ReplayOptions/queuedBatches``).
    /// otel's `batchConfig.maxQueueSize` sets it, in events.
    public var queuedBatches: Int?
    /// The local files it writes (``ExporterRegistry/Registration/outputFiles``), which the replay must not read.
    public var outputFiles: [String] = []

    /// A target.
    public init(
        label: String,
        exporter: any EventExporter,
        configuration: ExporterConfiguration = ExporterConfiguration(),
        filter: ExporterFilter = ExporterFilter(),
        batchSize: Int = 500,
        flushInterval: Duration = .seconds(1)
    ) {
        precondition(batchSize > 0, "batchSize must be positive")
        self.label = label
        self.exporter = exporter
        self.configuration = configuration
        self.filter = filter
        self.batchSize = batchSize
        self.flushInterval = flushInterval
    }

    /// The targets of `configuration`, with fresh exporters from `registry`.
    public static func make(
        from configuration: ReplayConfiguration,
        registry: ExporterRegistry
    ) throws -> [ReplayTarget] {
        try configuration.exporters.map { entry in
            guard let registration = registry.registration(for: entry.provider) else {
                throw RunraError(
                    .configuration,
                    "unknown provider \(JSONText.quoted(entry.provider)) "
                        + "(known: \(registry.ids.joined(separator: ", ")))"
                )
            }
            let settings = try ReplayConfiguration.engineSettings(entry.configuration, registration: registration)
            var target = ReplayTarget(
                label: entry.label,
                exporter: registration.make(),
                configuration: entry.configuration,
                filter: entry.filter,
                batchSize: settings.batchSize,
                flushInterval: .milliseconds(settings.flushIntervalMs)
            )
            target.outputFiles = try registration.outputFiles?(entry.configuration) ?? []
            if let queue = try entry.configuration.object("batchConfig")?.integer("maxQueueSize"), queue > 0 {
                target.queuedBatches = max(1, queue / settings.batchSize)
            }
            return target
        }
    }
}
