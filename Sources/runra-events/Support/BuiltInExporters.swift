import RunraEvents
import RunraExporters
import RunraLake
import RunraReplay

/// The exporters `runra-events replay` knows: the local ones, the network ones, the process ones and the lake.
enum BuiltInExporters {
    /// A registry with every built-in exporter.
    static func registry() -> ExporterRegistry {
        var registry = ExporterRegistry()
        registry.registerLocalExporters()
        registry.registerNetworkExporters()
        registry.registerProcessExporters()
        registry.registerLakeExporters()
        return registry
    }
}
