internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// Request body compression of the network exporters.
enum BodyCompression: String, Sendable {
    case gzip, none

    /// The zlib level: 1 trades a little size for speed (JSON still shrinks 5-10x), which keeps
    /// compression from being the bottleneck of a replay.
    static let gzipLevel = 1

    /// Reads `key` from `configuration`, `fallback` when absent.
    static func read(
        _ configuration: ExporterConfiguration,
        key: String = "compression",
        fallback: BodyCompression
    ) throws
        -> BodyCompression
    {
        guard let text = try configuration.choice(key, of: ["gzip", "none"], caseSensitive: false) else {
            return fallback
        }
        return BodyCompression(rawValue: text)!
    }

    /// `body` compressed (or as it is), and the `Content-Encoding` header to send with it.
    func encode(_ body: [UInt8]) throws -> (body: [UInt8], header: (name: String, value: String)?) {
        switch self {
        case .none: return (body, nil)
        case .gzip: return (try Deflater.gzip(body, level: Self.gzipLevel), ("Content-Encoding", "gzip"))
        }
    }
}

extension ExporterConfiguration {
    /// A `headers` object of strings, in key order (numbers and Booleans are written as text).
    func headers(_ key: String = "headers") throws -> [(name: String, value: String)] {
        guard let object = try object(key) else { return [] }
        return try object.values.keys.sorted().map { name in
            switch object.values[name]! {
            case .string(let text): return (name, text)
            case .number(let number): return (name, JSONText.number(number))
            case .bool(let flag): return (name, String(flag))
            default: throw object.error(name, "expected a string header value")
            }
        }
    }

    /// A positive whole number at `key`, `fallback` when absent.
    func positiveInteger(_ key: String, fallback: Int) throws -> Int {
        guard let value = try integer(key) else { return fallback }
        guard value >= 1 else { throw error(key, "expected a whole number of at least 1, got \(value)") }
        return value
    }

    /// An `http://` or `https://` URL with a host at `key` (or `fallback`), checked.
    func httpURL(_ key: String, _ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        let lower = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
            let hint = text.contains("://") ? "" : " (did you mean \(JSONText.quoted("http://" + redacted(text)))?)"
            throw error(key, "expected an http:// or https:// URL, got \(JSONText.quoted(redacted(text)))\(hint)")
        }
        let authority = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let parts =
            hostAndPort.hasPrefix("[")
            ? [hostAndPort] : hostAndPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty else {
            throw error(
                key,
                "expected a URL with a host, such as \"https://collector.example:4318\", "
                    + "got \(JSONText.quoted(redacted(text)))"
            )
        }
        if parts.count == 2, !(Int(parts[1]).map { (1...65535).contains($0) } ?? false) {
            throw error(key, "the port of \(JSONText.quoted(redacted(text))) must be a number from 1 to 65535")
        }
        return text
    }
}

/// The split of a URL that the endpoint rules need: everything before the path, the path, the query.
struct URLParts: Sendable {
    var origin: String
    var path: String
    var query: String?

    init(_ url: String) {
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let afterScheme = rest.range(of: "://")?.upperBound ?? rest.startIndex
        if let slash = rest[afterScheme...].firstIndex(of: "/") {
            origin = String(rest[..<slash])
            path = String(rest[slash...])
        } else {
            origin = String(rest)
            path = ""
        }
    }

    /// `true` when the URL names no path beyond `/`.
    var hasPath: Bool { !(path.isEmpty || path == "/") }

    var text: String { origin + path + (query.map { "?" + $0 } ?? "") }
}

/// Batches a network exporter may have in flight at once (``EventExporter/maximumConcurrentExports``).
let networkExportsInFlight = 4

/// `User-Agent` of the network exporters.
let networkUserAgent = "runra-events"
