/// One HTTP request as the network exporters build it.
struct HTTPRequest: Sendable {
    var method: String
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The deadline for the whole exchange (connect, send, receive).
    var timeout: Duration
}

/// One HTTP response, with its body read in full (up to the transport's limit).
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header named `name`, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as text, shortened for messages.
    var bodySummary: String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return body.count > 300 ? text + "…" : text
    }
}

/// Sends requests. ``AsyncHTTPTransport`` is the real one; tests use recording fakes.
///
/// A thrown error means no response arrived (connection refused or reset, timeout, TLS):
/// the exporters retry those.
protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Closes pooled connections. Called once, from the exporter's `dispose()`.
    func shutdown() async
}
