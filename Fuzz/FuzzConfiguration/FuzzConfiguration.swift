// libFuzzer target: the replay configuration loader, JSON and YAML. The first input byte picks the format
// (bit 0: YAML) and dry-run (bit 1); the rest is the document. Loading must succeed or throw a RunraError,
// never trap, hang or let another error type escape. Build and run with scripts/fuzz.sh (docs/fuzzing.md).
import CLibFuzzer
import RunraEvents
import RunraExporters
import RunraReplay

@_cdecl("FuzzConfiguration_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var (argc, argv) = (argc, argv)
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

/// The exporters the command registers; the providers not linked yet get stand-ins with SPEC §7's keys, as the
/// executable does (Sources/runra-events/Support/BuiltInExporters.swift), so their nested keys are checked too.
private let registry: ExporterRegistry = {
    var registry = ExporterRegistry()
    registry.registerLocalExporters()
    let make = registry.registration(for: "console")!.make
    let standIns: [(String, [String])] = [
        ("axiom", ["token", "dataset", "url", "edge", "edgeUrl", "orgId", "batchSize", "flushIntervalMs", "compression"]),
        (
            "otel",
            [
                "endpoint", "protocol", "headers", "serviceName", "serviceVersion", "spanProcessor", "batchConfig", "compression",
                "timeoutMs", "batchConfig.maxQueueSize", "batchConfig.maxExportBatchSize", "batchConfig.scheduleDelayMs",
            ]
        ),
        ("custom", ["endpoint", "headers", "method", "batchSize", "flushIntervalMs", "timeoutMs", "compression"]),
    ]
    for (id, keys) in standIns { registry.register(ExporterRegistry.Registration(id: id, configurationKeys: keys, make: make)) }
    registry.registerNetworkExporters()
    registry.registerProcessExporters()
    return registry
}()

private let environment = ["AXIOM_TOKEN": "t0k3n", "DATABASE_URL": "postgresql://u@127.0.0.1/db", "OTEL_API_KEY": "k", "DIR": "/tmp/runra fuzz", "EMPTY": ""]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let format: ConfigurationDocument.Format = data[0] & 1 == 1 ? .yaml : .json
    let dryRun = data[0] & 2 == 2
    let document = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    do {
        let value = try ConfigurationDocument.parse(document, format: format, name: "fuzz.config")
        let configuration = try ReplayConfiguration.parse(value, registry: registry, environment: environment, dryRun: dryRun)
        try configuration.validate(registry: registry)
        for exporter in configuration.exporters {
            _ = try ReplayConfiguration.engineSettings(exporter.configuration, registration: registry.registration(for: exporter.provider))
        }
    } catch let error as RunraError {
        guard !error.message.isEmpty else { fatalError("a RunraError without a message (\(error.code))") }
    } catch {
        fatalError("a non-RunraError escaped: \(type(of: error)): \(error)")
    }
    return 0
}
