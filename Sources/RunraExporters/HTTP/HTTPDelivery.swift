internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// What an exporter's protocol makes of a response.
enum ResponseVerdict: Sendable, Equatable {
    /// Delivered (the body may still report per-event failures).
    case success
    /// Try again, after the server's hint when it gave one (in seconds), otherwise after backoff;
    /// `problem` describes the failure for messages (the HTTP status and body when absent).
    case retry(serverHintSeconds: Double?, problem: String? = nil)
    /// Refused for good: never sent again.
    case permanent
}

/// The end of delivering one payload.
struct Delivery: Sendable {
    /// The last response: a success, or a permanent refusal.
    var response: HTTPResponse
    /// `true` when the server refused the payload for good.
    var refused: Bool
    /// Requests sent again after a retryable failure.
    var retries: Int
}

/// Sends one request until it succeeds, is refused for good, or the ``RetryPolicy`` gives up.
///
/// Connection errors and timeouts are always retried; responses are judged by `classify`.
/// Giving up after a schedule throws an ``ExportFailure`` (a ``RunraError/Code/exporter`` error naming the last
/// problem, and the retries); giving up at once (a sink taken to be down, a failed TLS handshake) a ``RunraError``.
func deliver(
    _ request: HTTPRequest,
    exporter: String,
    transport: any HTTPTransport,
    policy: RetryPolicy,
    classify: (HTTPResponse) -> ResponseVerdict
) async throws -> Delivery {
    let clock = ContinuousClock()
    var attempts = 0
    var waited = Duration.zero
    var requestTime = Duration.zero
    var markAtFirstFailure: Int?
    if let spent = policy.budget?.spent {
        throw RunraError(.exporter, "\(exporter): not sent: \(redacted(request.url)) is taken to be down (\(spent))")
    }
    while true {
        try Task.checkCancellation()
        attempts += 1
        let mark = policy.budget?.mark
        let problem: String
        let hint: Double?
        var limit = policy.maximumElapsed
        let started = clock.now
        do {
            let response = try await transport.send(request)
            requestTime += clock.now - started
            switch classify(response) {
            case .success:
                policy.budget?.recordAnswer()
                return Delivery(response: response, refused: false, retries: attempts - 1)
            case .permanent:
                policy.budget?.recordAnswer()
                return Delivery(response: response, refused: true, retries: attempts - 1)
            case .retry(let serverHint, let described):
                problem = described ?? "HTTP \(response.status) \(response.bodySummary)"
                hint = serverHint
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            requestTime += clock.now - started
            if Task.isCancelled { throw CancellationError() }
            if let tls = tlsHandshakeFailure(error) {
                // Sending again cannot change this: give up now, and on the exporter's other payloads too.
                policy.budget?.spend(reason: tls)
                throw RunraError(.exporter, "\(exporter): \(redacted(request.url)): \(tls)")
            }
            if let unresolved = nameResolutionFailure(error) {
                problem = "\(unresolved): check the host name in the URL, and that this machine's DNS knows it"
                limit = min(limit, policy.maximumResolutionElapsed)
            } else {
                problem = "no response (\(String(describing: error)))"
            }
            hint = nil
        }
        if markAtFirstFailure == nil { markAtFirstFailure = mark }
        let wait = hint.map { policy.serverWait(seconds: $0) } ?? policy.backoff(retry: attempts)
        if attempts >= policy.maximumAttempts || waited + requestTime + wait > limit {
            let spent = waited + requestTime
            let reason =
                "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s") "
                + "in \(spent.wholeMilliseconds / 1000) s: \(problem)"
            if let markAtFirstFailure { policy.budget?.giveUp(reason: reason, since: markAtFirstFailure) }
            let error = RunraError(.exporter, "\(exporter): \(redacted(request.url)): \(reason)")
            throw ExportFailure(error, retries: attempts - 1)
        }
        try await policy.sleep(wait)
        waited += wait
    }
}

/// A URL for messages: without its query string and user info, which may carry credentials.
func redacted(_ url: String) -> String {
    var text = Substring(url)
    if let query = text.firstIndex(of: "?") { text = text[..<query] }
    if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
        !text[scheme.upperBound..<at].contains("/")
    {
        text = text[..<scheme.upperBound] + text[text.index(after: at)...]
    }
    return String(text)
}
