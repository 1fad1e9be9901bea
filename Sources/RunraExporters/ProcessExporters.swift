public import RunraReplay

extension ExporterRegistry {
    /// Registers the exporters that talk to local processes and databases: `postgres`, `exec`.
    public mutating func registerProcessExporters() {}
}
