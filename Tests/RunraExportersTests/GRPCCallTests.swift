import Foundation
import Testing

@testable import RunraExporters

/// The gRPC rules the `otel` exporter applies without a server: framing, status, `RetryInfo`, addresses.
@Suite struct GRPCCallTests {
    @Test func framesWithTheLengthPrefix() throws {
        let plain = try GRPCCall.frame([1, 2, 3], compression: .none)
        #expect(plain == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(GRPCCall.message(plain) == [1, 2, 3])
        let gzipped = try GRPCCall.frame(Array(repeating: 7, count: 1000), compression: .gzip)
        #expect(gzipped[0] == 1)
        #expect(Int(gzipped[3]) << 8 | Int(gzipped[4]) == gzipped.count - 5)
        #expect(Array(gzipped[5..<7]) == [0x1f, 0x8b])
        #expect(GRPCCall.message(gzipped) == nil)  // compressed answers are not read
        #expect(GRPCCall.message([0, 0, 0, 0, 9, 1]) == nil)  // cut short
    }

    @Test func deadlineHeader() {
        let headers = GRPCCall.headers(compression: .gzip, timeout: .milliseconds(2500))
        #expect(headers.first { $0.name == "grpc-timeout" }?.value == "2500m")
        #expect(headers.first { $0.name == "grpc-encoding" }?.value == "gzip")
        #expect(headers.first { $0.name == "te" }?.value == "trailers")
        #expect(!GRPCCall.headers(compression: .none, timeout: .seconds(1)).contains { $0.name == "grpc-encoding" })
    }

    func response(_ status: Int, _ headers: [(String, String)]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: [])
    }

    @Test func statusFromTrailersOrHTTP() {
        let ok = GRPCCall.status(of: response(200, [("grpc-status", "0")]))
        #expect(ok.code == 0)
        let refused = GRPCCall.status(
            of: response(200, [("grpc-status", "3"), ("grpc-message", "bad%20span%E2%9C%97")])
        )
        #expect(refused == GRPCCall.Status(code: 3, message: "bad span✗"))
        #expect(refused.description == "gRPC status 3 INVALID_ARGUMENT: bad span✗")
        #expect(!refused.isRetryable)
        #expect(GRPCCall.status(of: response(200, [])).code == 13)  // no grpc-status at all
        #expect(GRPCCall.status(of: response(503, [])).code == 14)  // a proxy's 503 is UNAVAILABLE
        #expect(GRPCCall.status(of: response(503, [])).isRetryable)
        #expect(GRPCCall.status(of: response(401, [])).code == 16)
        #expect(GRPCCall.status(of: response(500, [])).code == 2)
        for code in [1, 4, 10, 11, 14, 15] { #expect(GRPCCall.Status(code: code, message: "").isRetryable) }
        for code in [2, 3, 5, 6, 7, 8, 9, 12, 13, 16] { #expect(!GRPCCall.Status(code: code, message: "").isRetryable) }
        #expect(GRPCCall.Status(code: 8, message: "", retryDelay: 2).isRetryable)
    }

    /// `google.rpc.Status{code: 8, details: [Any{RetryInfo{retry_delay: 2.5 s}}]}`, built by hand.
    @Test func retryInfoDelay() {
        let duration: [UInt8] = [0x08, 0x02, 0x10, 0x80, 0xCA, 0xB5, 0xEE, 0x01]  // seconds 2, nanos 500000000
        let retryInfo: [UInt8] = [0x0A, UInt8(duration.count)] + duration
        let typeURL = Array("type.googleapis.com/google.rpc.RetryInfo".utf8)
        let any: [UInt8] = [0x0A, UInt8(typeURL.count)] + typeURL + [0x12, UInt8(retryInfo.count)] + retryInfo
        let status: [UInt8] = [0x08, 0x08, 0x1A, UInt8(any.count)] + any
        let text = Data(status).base64EncodedString()
        #expect(GRPCCall.retryDelay(statusDetails: text) == 2.5)
        // Unpadded, as gRPC sends it.
        #expect(GRPCCall.retryDelay(statusDetails: String(text.prefix { $0 != "=" })) == 2.5)
        #expect(GRPCCall.retryDelay(statusDetails: Data([0x08, 0x08]).base64EncodedString()) == nil)
        #expect(GRPCCall.retryDelay(statusDetails: "%%%") == nil)
    }

    @Test func targets() throws {
        let plain = try HTTP2Transport.Target("http://127.0.0.1:4317/a.B/Export")
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 4317 && plain.path == "/a.B/Export")
        #expect(plain.serverName == nil)
        let secure = try HTTP2Transport.Target("https://user@otel.example/x?y=1")
        #expect(secure.secure && secure.host == "otel.example" && secure.port == 443 && secure.path == "/x?y=1")
        #expect(secure.serverName == "otel.example")
        #expect(secure.origin == "https://otel.example:443")
        let v6 = try HTTP2Transport.Target("http://[::1]:9")
        #expect(v6.host == "::1" && v6.port == 9 && v6.authority == "[::1]:9" && v6.path == "/")
        #expect(throws: (any Error).self) { try HTTP2Transport.Target("ftp://h/x") }
        #expect(throws: (any Error).self) { try HTTP2Transport.Target("http://h:99999/") }
        #expect(throws: (any Error).self) { try HTTP2Transport.Target("http://:80/") }
    }
}
