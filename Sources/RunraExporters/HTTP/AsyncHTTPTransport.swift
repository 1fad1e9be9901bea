internal import AsyncHTTPClient
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL

/// ``HTTPTransport`` on AsyncHTTPClient: one client (one keep-alive connection pool) per exporter.
final class AsyncHTTPTransport: HTTPTransport {
    /// Responses larger than this are cut (OTLP caps responses at 4 MiB; we only read status bodies).
    static let maximumResponseBytes = 4 * 1024 * 1024

    private let client: HTTPClient

    /// A client that keeps up to `connectionsPerHost` connections alive per host, and trusts the CA
    /// certificates in the PEM file `trustRootsFile` for `https://` instead of the system's when given.
    init(connectionsPerHost: Int = 8, trustRootsFile: String? = nil) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            decompression: .disabled
        )
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost
        )
        configuration.timeout.connect = .seconds(10)
        // A connection that cannot be made (refused, a name that does not resolve) fails the request at once:
        // ``deliver`` retries on its own schedule, which knows a DNS failure from a sink that is down.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let trustRootsFile { configuration.tlsConfiguration = .client(trustingRootsIn: trustRootsFile) }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(
            outgoing,
            timeout: .milliseconds(max(1, request.timeout.wholeMilliseconds))
        )
        var body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        return HTTPResponse(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: bytes
        )
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
