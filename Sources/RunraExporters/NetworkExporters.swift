public import RunraReplay

extension ExporterRegistry {
    /// Registers the network exporters: `custom`, `axiom`, `otel`.
    public mutating func registerNetworkExporters() {
        register(Registration(id: "custom", configurationKeys: CustomExporter.configurationKeys) { CustomExporter() })
        register(Registration(id: "axiom", configurationKeys: AxiomSettings.configurationKeys) { AxiomExporter() })
        register(Registration(id: "otel", configurationKeys: OTLPSettings.configurationKeys) { OTLPExporter() })
    }
}
