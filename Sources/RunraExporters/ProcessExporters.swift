public import RunraReplay

extension ExporterRegistry {
    /// Registers the exporters that talk to local processes and databases: `postgres`, `exec`.
    public mutating func registerProcessExporters() {
        var postgres = Registration(id: "postgres", configurationKeys: PostgresExporterSettings.keys) {
            PostgresExporter()
        }
        postgres.defaultBatchSize = 50  // SPEC §7
        postgres.defaultFlushIntervalMs = 2000
        postgres.validate = { _ = try PostgresExporterSettings($0) }
        register(postgres)
        var exec = Registration(id: "exec", configurationKeys: ExecExporterSettings.keys) { ExecExporter() }
        exec.defaultBatchSize = 100
        exec.defaultFlushIntervalMs = 1000
        exec.validate = { _ = try ExecExporterSettings($0) }
        register(exec)
    }
}
