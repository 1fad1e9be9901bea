internal import NIOSSL

extension TLSConfiguration {
    /// The client TLS settings of the network exporters: the system's CA certificates, or those in
    /// the PEM file `trustRootsFile` (`OTEL_EXPORTER_OTLP_CERTIFICATE`) when given.
    static func client(trustingRootsIn trustRootsFile: String?) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trustRootsFile { tls.trustRoots = .file(trustRootsFile) }
        return tls
    }
}
