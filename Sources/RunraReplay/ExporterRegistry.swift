/// The exporters a replay can use, by key: the built-in ones and any a program registers,
/// as the runtime's `registerObservabilityExporter` does.
///
/// A value, not a global: tests and programs make their own.
public struct ExporterRegistry: Sendable {
    /// How to make one kind of exporter.
    public struct Registration: Sendable {
        /// The key, e.g. `"console"`.
        public var id: String
        /// The `config` keys it accepts; others are errors that suggest the nearest valid key.
        public var configurationKeys: [String]
        /// Makes a fresh, uninitialized exporter.
        public var make: @Sendable () -> any EventExporter
        /// Events per batch when the configuration has no `batchSize` (or otel's `batchConfig.maxExportBatchSize`).
        public var defaultBatchSize = 500
        /// The longest a partial batch waits when the configuration has no `flushIntervalMs`
        /// (or `batchConfig.scheduleDelayMs`).
        public var defaultFlushIntervalMs = 1000
        /// Checks a configuration without acquiring anything (no connection, no file): `--dry-run` calls it.
        /// Throw errors that name the key path (``ExporterConfiguration/error(_:_:)``).
        public var validate: (@Sendable (ExporterConfiguration) throws -> Void)? = nil
        /// The local files a configuration makes it write (the jsonl exporter's `filePath`): a replay refuses to read
        /// them, so it never sends its own output again.
        public var outputFiles: (@Sendable (ExporterConfiguration) throws -> [String])? = nil

        /// A registration of `id`.
        public init(id: String, configurationKeys: [String], make: @escaping @Sendable () -> any EventExporter) {
            self.id = id
            self.configurationKeys = configurationKeys
            self.make = make
        }
    }

    private var registrations: [String: Registration] = [:]

    /// An empty registry.
    public init() {}

    /// Adds (or replaces) the exporter `registration.id`.
    public mutating func register(_ registration: Registration) {
        registrations[registration.id] = registration
    }

    /// The registered keys, sorted.
    public var ids: [String] { registrations.keys.sorted() }

    /// The registration for `id`, or `nil`.
    public func registration(for id: String) -> Registration? { registrations[id] }

    /// Removes every registration.
    public mutating func removeAll() { registrations.removeAll() }
}
