internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// The `axiom` exporter's configuration, resolved against the environment (SPEC §7, §9 Endpoints).
struct AxiomSettings: Sendable {
    /// Axiom's limit on events per ingest request.
    static let maximumBatchSize = 10_000
    static let defaultURL = "https://api.axiom.co"

    /// The ingest URL, with `?timestamp-field=timestamp`.
    var ingestURL: String
    /// The headers of every request (`Authorization` included; never printed).
    var headers: [(name: String, value: String)]
    var batchSize: Int
    var flushIntervalMs: Int
    var compression: BodyCompression
    var timeout: Duration

    static let configurationKeys = [
        "token", "dataset", "url", "edge", "edgeUrl", "orgId", "batchSize", "flushIntervalMs", "compression",
        "timeoutMs",
    ]

    init(_ configuration: ExporterConfiguration) throws {
        let environment = configuration.environment
        func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        guard let token = nonEmpty(try configuration.string("token")) ?? nonEmpty(environment["AXIOM_TOKEN"]) else {
            throw configuration.error("token", "Axiom needs an API token: set config.token or AXIOM_TOKEN")
        }
        let dataset = nonEmpty(try configuration.string("dataset")) ?? "runra-events"
        let escapedDataset =
            dataset.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? dataset
        let orgID = nonEmpty(try configuration.string("orgId")) ?? nonEmpty(environment["AXIOM_ORG_ID"])
        let edgeURL = try configuration.httpURL(
            "edgeUrl",
            nonEmpty(try configuration.string("edgeUrl")) ?? nonEmpty(environment["AXIOM_EDGE_URL"])
        )
        let edge = nonEmpty(try configuration.string("edge")) ?? nonEmpty(environment["AXIOM_EDGE"])
        let personal = token.hasPrefix("xapt-")

        var url: URLParts
        if let edgeURL {
            url = URLParts(edgeURL)
            if !url.hasPath { url.path = "/v1/ingest/\(escapedDataset)" }
        } else if let edge {
            guard !edge.contains("/") else {
                throw configuration.error(
                    "edge",
                    "expected a bare domain such as \"eu-central-1.aws.edge.axiom.co\"; use edgeUrl for a URL"
                )
            }
            url = URLParts("https://\(edge)/v1/ingest/\(escapedDataset)")
        } else {
            url = URLParts(try configuration.httpURL("url", try configuration.string("url")) ?? Self.defaultURL)
            if !url.hasPath { url.path = "/v1/datasets/\(escapedDataset)/ingest" }
        }
        if personal && (edgeURL != nil || edge != nil) {
            throw configuration.error(
                "token",
                "edge ingest accepts only API tokens (xaat-…), not personal tokens (xapt-…): create an API token with "
                    + "ingest permission"
            )
        }
        if personal && orgID == nil {
            throw configuration.error(
                "orgId",
                "a personal token (xapt-…) needs the organization id: set config.orgId or AXIOM_ORG_ID"
            )
        }
        if !(url.query ?? "").split(separator: "&").contains(where: { $0.hasPrefix("timestamp-field=") }) {
            url.query = [url.query, "timestamp-field=timestamp"].compactMap { $0 }.filter { !$0.isEmpty }.joined(
                separator: "&"
            )
        }
        ingestURL = url.text

        compression = try BodyCompression.read(configuration, fallback: .gzip)
        headers = [
            ("Authorization", "Bearer \(token)"),
            ("Content-Type", "application/x-ndjson"),
            ("Accept", "application/json"),
            ("User-Agent", networkUserAgent),
        ]
        if personal, let orgID { headers.append(("X-Axiom-Org-Id", orgID)) }
        if compression == .gzip { headers.append(("Content-Encoding", "gzip")) }
        // Axiom takes at most 10000 events per request: a larger batchSize is sent as requests of 10000 (SPEC §7).
        batchSize = min(try configuration.positiveInteger("batchSize", fallback: 100), Self.maximumBatchSize)
        flushIntervalMs = try configuration.positiveInteger("flushIntervalMs", fallback: 5000)
        timeout = .milliseconds(try configuration.positiveInteger("timeoutMs", fallback: 30_000))
    }
}
