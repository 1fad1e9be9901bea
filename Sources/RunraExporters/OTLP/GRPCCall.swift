internal import Foundation
internal import RunraEvents

/// The gRPC wire rules OTLP/gRPC needs for its unary `Export` calls: the length-prefixed message,
/// the request headers, and reading `grpc-status` (with `RetryInfo`) from the response.
enum GRPCCall {
    /// `/opentelemetry.proto.collector.trace.v1.TraceService/Export`
    static let tracesPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
    /// `/opentelemetry.proto.collector.logs.v1.LogsService/Export`
    static let logsPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

    /// The message with gRPC's 5-byte prefix (compressed flag, big-endian length), gzipped when asked.
    static func frame(_ message: [UInt8], compression: BodyCompression) throws -> [UInt8] {
        let payload = try compression.encode(message).body
        let length = UInt32(payload.count)
        var framed: [UInt8] = [compression == .gzip ? 1 : 0]
        framed.reserveCapacity(5 + payload.count)
        framed += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        framed += payload
        return framed
    }

    /// The request headers of a unary call with a deadline of `timeout`.
    static func headers(compression: BodyCompression, timeout: Duration) -> [(name: String, value: String)] {
        let milliseconds = max(1, timeout.wholeMilliseconds)
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "grpc-swift-\(networkUserAgent)"),
            ("grpc-timeout", "\(min(milliseconds, 99_999_999))m"),
        ]
        if compression == .gzip { headers.append(("grpc-encoding", "gzip")) }
        return headers
    }

    /// The first message of a response body, when it came uncompressed.
    static func message(_ body: [UInt8]) -> [UInt8]? {
        guard body.count >= 5, body[0] == 0 else { return nil }
        let length = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        guard body.count >= 5 + length else { return nil }
        return Array(body[5..<(5 + length)])
    }

    /// A call's end: gRPC status code and message.
    struct Status: Sendable, Equatable {
        var code: Int
        var message: String
        /// `RetryInfo.retry_delay` from `grpc-status-details-bin`, in seconds.
        var retryDelay: Double?

        /// The codes OTLP retries (opentelemetry-proto's specification, "Failures" for OTLP/gRPC).
        /// `RESOURCE_EXHAUSTED` (8) only when the server says when to come back.
        var isRetryable: Bool {
            [1, 4, 10, 11, 14, 15].contains(code) || (code == 8 && retryDelay != nil)
        }

        var description: String {
            "gRPC status \(code) \(Self.names[code] ?? "UNKNOWN")" + (message.isEmpty ? "" : ": \(message)")
        }

        static let names = [
            0: "OK", 1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
            6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
            10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE",
            15: "DATA_LOSS", 16: "UNAUTHENTICATED",
        ]
    }

    /// The call's status: `grpc-status` from the trailers (or a trailers-only response), or the
    /// gRPC spec's mapping of the HTTP status when a proxy answered instead of a gRPC server.
    static func status(of response: HTTPResponse) -> Status {
        guard response.status == 200 else {
            let code: Int
            switch response.status {
            case 400: code = 13
            case 401: code = 16
            case 403: code = 7
            case 404: code = 12
            case 429, 502, 503, 504: code = 14
            default: code = 2
            }
            return Status(code: code, message: "HTTP \(response.status) \(response.bodySummary)")
        }
        guard let text = response.header("grpc-status"), let code = Int(text) else {
            return Status(code: 13, message: "the response has no grpc-status")
        }
        let message = response.header("grpc-message").map { $0.removingPercentEncoding ?? $0 } ?? ""
        let delay = response.header("grpc-status-details-bin").flatMap(retryDelay(statusDetails:))
        return Status(code: code, message: message, retryDelay: delay)
    }

    /// `RetryInfo.retry_delay` in a `google.rpc.Status` (base64, padding optional), in seconds.
    static func retryDelay(statusDetails text: String) -> Double? {
        var base64 = text.trimmingCharacters(in: .whitespaces)
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        var status = ProtobufReader(Array(data))
        while let detail = status.next() {
            guard detail.field == 3 else { continue }  // repeated google.protobuf.Any details = 3
            var any = ProtobufReader(detail.payload)
            var typeURL = ""
            var value: [UInt8] = []
            while let field = any.next() {
                if field.field == 1 { typeURL = String(decoding: field.payload, as: UTF8.self) }
                if field.field == 2 { value = field.payload }
            }
            guard typeURL.hasSuffix("/google.rpc.RetryInfo") else { continue }
            var info = ProtobufReader(value)
            while let field = info.next() {
                guard field.field == 1 else { continue }  // google.protobuf.Duration retry_delay = 1
                var duration = ProtobufReader(field.payload)
                var seconds = 0.0
                while let part = duration.next() {
                    if part.field == 1 { seconds += Double(Int64(bitPattern: part.varint)) }
                    if part.field == 2 { seconds += Double(Int32(truncatingIfNeeded: part.varint)) / 1e9 }
                }
                return max(0, seconds)
            }
        }
        return nil
    }
}
