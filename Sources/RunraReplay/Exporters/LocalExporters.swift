extension ExporterRegistry {
    /// Registers the exporters that need nothing beyond this library: `console` and `jsonl`.
    public mutating func registerLocalExporters() {
        register(ConsoleExporter.registration)
        register(JSONLExporter.registration)
    }
}
