import RunraEvents
import RunraExporters
import RunraReplay

/// The exporters `runra-events replay` knows: the local ones, the network ones and the process ones.
enum BuiltInExporters {
    /// A registry with every built-in exporter.
    static func registry() -> ExporterRegistry {
        var registry = ExporterRegistry()
        registry.registerLocalExporters()
        registry.registerNetworkExporters()
        registry.registerProcessExporters()
        return registry
    }
}
