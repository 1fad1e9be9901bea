public import RunraReplay

extension ExporterRegistry {
    /// Registers the network exporters: `custom`, `axiom`, `otel`.
    public mutating func registerNetworkExporters() {}
}
