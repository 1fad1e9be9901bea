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

/// Why a connection failed for a reason that sending again cannot change: the TLS handshake failed (a server that
/// does not speak TLS, a certificate that is not trusted). `nil` for anything else.
func tlsHandshakeFailure(_ error: any Error) -> String? {
    guard let failure = error as? NIOSSLError, case .handshakeFailed(let detail) = failure else { return nil }
    return "the TLS handshake failed (\(detail)): check that the server speaks TLS (an http:// URL for a plain server) "
        + "and that its certificate is trusted (OTEL_EXPORTER_OTLP_CERTIFICATE names a private CA)"
}
