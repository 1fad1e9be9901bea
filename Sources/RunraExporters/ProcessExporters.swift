public import RunraReplay

extension ExporterRegistry {
    /// Registers the exporters that talk to local processes and databases: `postgres`, `exec`.
    public mutating func registerProcessExporters() {
        register(Registration(id: "postgres", configurationKeys: PostgresExporterSettings.keys) { PostgresExporter() })
        register(Registration(id: "exec", configurationKeys: ExecExporterSettings.keys) { ExecExporter() })
    }
}
