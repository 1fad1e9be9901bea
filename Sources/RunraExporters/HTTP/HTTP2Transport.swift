internal import Foundation
internal import NIOCore
internal import NIOHPACK
internal import NIOHTTP2
internal import NIOPosix
internal import NIOSSL
internal import RunraEvents

/// ``HTTPTransport`` over HTTP/2, as gRPC needs: cleartext with prior knowledge (`http://`, "h2c")
/// or TLS with ALPN `h2` (`https://`).
///
/// One connection per origin, opened on first use and again after it closed; concurrent requests
/// are concurrent streams on it. The response's headers and trailers come back as one list (gRPC
/// puts its status in the trailers). Connection errors, resets and timeouts throw, so the
/// exporters retry them.
actor HTTP2Transport: HTTPTransport {
    private typealias Stream = NIOAsyncChannel<HTTP2Frame.FramePayload, HTTP2Frame.FramePayload>

    private struct Connection: Sendable {
        let channel: any Channel
        let multiplexer: NIOHTTP2Handler.AsyncStreamMultiplexer<Void>
    }

    private let tls: TLSConfiguration
    private var connections: [String: Connection] = [:]
    private var connecting: [String: Task<Connection, any Error>] = [:]

    /// - Parameter trustRootsFile: a PEM file of CA certificates to trust for `https://` instead of the system's.
    init(trustRootsFile: String? = nil) {
        var tls = TLSConfiguration.client(trustingRootsIn: trustRootsFile)
        tls.applicationProtocols = ["h2"]
        self.tls = tls
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let target = try Target(request.url)
        return try await withDeadline(request.timeout, url: request.url) {
            let connection = try await self.connection(to: target)
            do {
                return try await Self.exchange(request, target: target, on: connection)
            } catch {
                // A closed connection, or one that refuses new streams (GOAWAY), is opened again next time.
                if !connection.channel.isActive || error is StreamNotOpened {
                    await self.forget(connection, origin: target.origin)
                }
                throw error
            }
        }
    }

    func shutdown() async {
        for task in connecting.values { task.cancel() }
        for connection in connections.values { try? await connection.channel.close() }
        connections = [:]
        connecting = [:]
    }

    // MARK: Connections

    private func connection(to target: Target) async throws -> Connection {
        if let open = connections[target.origin] {
            if open.channel.isActive { return open }
            connections[target.origin] = nil
        }
        if let pending = connecting[target.origin] { return try await pending.value }
        let tls = target.secure ? self.tls : nil
        let task = Task { try await Self.connect(target, tls: tls) }
        connecting[target.origin] = task
        defer { connecting[target.origin] = nil }
        let connection = try await task.value
        connections[target.origin] = connection
        return connection
    }

    /// Opening a stream failed: the connection cannot take new streams.
    private struct StreamNotOpened: Error, CustomStringConvertible {
        var underlying: any Error
        var description: String { "could not open an HTTP/2 stream (\(underlying))" }
    }

    private func forget(_ connection: Connection, origin: String) {
        if connections[origin]?.channel === connection.channel { connections[origin] = nil }
        connection.channel.close(promise: nil)
    }

    private static func connect(_ target: Target, tls: TLSConfiguration?) async throws -> Connection {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: target.serverName)
                        )
                    }
                    let multiplexer = try channel.pipeline.syncOperations.configureAsyncHTTP2Pipeline(
                        mode: .client
                    ) { stream in
                        // The server never opens streams (gRPC has no server push): refuse any it tries.
                        stream.close()
                    }
                    return Connection(channel: channel, multiplexer: multiplexer)
                }
            }
    }

    // MARK: One exchange

    private static func exchange(
        _ request: HTTPRequest,
        target: Target,
        on connection: Connection
    ) async throws -> HTTPResponse {
        let stream: Stream
        do {
            stream = try await connection.multiplexer.openStream { channel in
                channel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: channel) }
            }
        } catch {
            throw StreamNotOpened(underlying: error)
        }
        return try await withTaskCancellationHandler {
            try await stream.executeThenClose { inbound, outbound in
                var headers = HPACKHeaders([
                    (":method", request.method), (":scheme", target.secure ? "https" : "http"),
                    (":path", target.path), (":authority", target.authority),
                ])
                for header in request.headers { headers.add(name: header.name.lowercased(), value: header.value) }
                try await outbound.write(.headers(.init(headers: headers, endStream: request.body.isEmpty)))
                if !request.body.isEmpty {
                    try await outbound.write(
                        .data(.init(data: .byteBuffer(ByteBuffer(bytes: request.body)), endStream: true))
                    )
                }
                var status: Int?
                var responseHeaders: [(name: String, value: String)] = []
                var body = ByteBuffer()
                receiving: for try await payload in inbound {
                    switch payload {
                    case .headers(let frame):
                        for (name, value, _) in frame.headers {
                            if name == ":status" {
                                status = Int(value)
                            } else {
                                responseHeaders.append((name, value))
                            }
                        }
                        if frame.endStream { break receiving }
                    case .data(let frame):
                        if case .byteBuffer(var bytes) = frame.data {
                            guard body.readableBytes + bytes.readableBytes <= AsyncHTTPTransport.maximumResponseBytes
                            else {
                                throw RunraError(
                                    .exporter,
                                    "the response from \(redacted(request.url)) is larger than 4 MiB"
                                )
                            }
                            body.writeBuffer(&bytes)
                        }
                        if frame.endStream { break receiving }
                    case .rstStream(let code):
                        throw RunraError(.exporter, "the server reset the HTTP/2 stream (\(code))")
                    default:
                        continue
                    }
                }
                guard let status else {
                    throw RunraError(.exporter, "the connection to \(redacted(request.url)) closed before a response")
                }
                return HTTPResponse(status: status, headers: responseHeaders, body: Array(buffer: body))
            }
        } onCancel: {
            stream.channel.close(promise: nil)
        }
    }

    /// Runs `body`, or throws a timeout error when it takes longer than `timeout`.
    private func withDeadline<Result: Sendable>(
        _ timeout: Duration,
        url: String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw RunraError(.exporter, "no response from \(redacted(url)) within \(timeout.wholeMilliseconds) ms")
            }
            return result
        }
    }

    // MARK: Addresses

    /// Where a request goes: scheme, host, port, path.
    struct Target: Sendable {
        var secure: Bool
        var host: String
        var port: Int
        var path: String

        var origin: String { "\(secure ? "https" : "http")://\(authority)" }
        var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
        /// The name TLS checks the certificate against (none for an IP address).
        var serverName: String? {
            host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        }

        init(_ url: String) throws {
            let parts = URLParts(url)
            let scheme = parts.origin.prefix { $0 != ":" }.lowercased()
            guard scheme == "http" || scheme == "https", let slashes = parts.origin.range(of: "://") else {
                throw RunraError(.usage, "\(redacted(url)) is not an http:// or https:// URL")
            }
            secure = scheme == "https"
            var hostPort = Substring(parts.origin[slashes.upperBound...])
            if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
            var portText: Substring?
            if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
                host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let rest = hostPort[hostPort.index(after: close)...]
                portText = rest.hasPrefix(":") ? rest.dropFirst() : nil
            } else if let colon = hostPort.lastIndex(of: ":") {
                host = String(hostPort[..<colon])
                portText = hostPort[hostPort.index(after: colon)...]
            } else {
                host = String(hostPort)
            }
            if let portText {
                guard let number = Int(portText), (1...65535).contains(number) else {
                    throw RunraError(.usage, "\(redacted(url)) has an invalid port")
                }
                port = number
            } else {
                port = secure ? 443 : 80
            }
            guard !host.isEmpty else { throw RunraError(.usage, "\(redacted(url)) names no host") }
            path = (parts.path.isEmpty ? "/" : parts.path) + (parts.query.map { "?" + $0 } ?? "")
        }
    }
}
