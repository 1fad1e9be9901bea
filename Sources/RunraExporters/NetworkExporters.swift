public import RunraReplay

extension ExporterRegistry {
    /// Registers the network exporters: `custom`, `axiom`, `otel`, with SPEC §7's batch defaults.
    public mutating func registerNetworkExporters() {
        var custom = Registration(id: "custom", configurationKeys: CustomExporter.configurationKeys) {
            CustomExporter()
        }
        custom.defaultBatchSize = 100
        custom.defaultFlushIntervalMs = 1000
        custom.validate = { _ = try CustomExporter.settings(from: $0) }
        register(custom)

        var axiom = Registration(id: "axiom", configurationKeys: AxiomSettings.configurationKeys) { AxiomExporter() }
        axiom.defaultBatchSize = 100
        axiom.defaultFlushIntervalMs = 5000
        axiom.validate = { _ = try AxiomSettings($0) }
        register(axiom)

        // `batchConfig`'s members are declared as "batchConfig.<key>" so that unknown ones are reported too.
        let otelKeys = OTLPSettings.configurationKeys + OTLPSettings.batchConfigKeys.map { "batchConfig.\($0)" }
        var otel = Registration(id: "otel", configurationKeys: otelKeys) { OTLPExporter() }
        otel.defaultBatchSize = 512
        otel.defaultFlushIntervalMs = 5000
        otel.validate = { _ = try OTLPSettings($0) }
        register(otel)
    }
}
