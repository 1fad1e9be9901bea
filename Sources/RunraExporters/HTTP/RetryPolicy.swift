internal import Foundation

/// When and how long the network exporters wait before sending a request again.
///
/// Exponential backoff with jitter: the n-th retry waits `initialDelay × multiplier^(n-1)`, capped
/// at `maximumDelay`, then scaled by a random factor in `1 ± jitter`. A server's own hint
/// (`Retry-After`, Axiom's `X-RateLimit-Reset`) replaces the computed delay but is capped at
/// `maximumServerWait`, so a hostile or confused server cannot stall a replay. Delivery gives up
/// after `maximumAttempts` requests or when the next wait would pass `maximumElapsed`
/// (`maximumResolutionElapsed` when the host name did not resolve).
///
/// Each exporter gives its copy a ``RetryBudget``: once a payload has used up its whole schedule with no
/// success anywhere in the meantime, the sink is taken to be down and the exporter's later payloads give up at
/// once. One exporter's time against a sink that never answers is so bounded by `maximumElapsed` plus one
/// request timeout, however many batches are left (docs/exporters-network.md).
struct RetryPolicy: Sendable {
    /// The first backoff delay.
    var initialDelay: Duration = .milliseconds(500)
    /// The growth factor between backoff delays.
    var multiplier: Double = 2
    /// The largest backoff delay (before jitter).
    var maximumDelay: Duration = .seconds(30)
    /// The relative jitter: 0.5 spreads each delay over ±50 %.
    var jitter: Double = 0.5
    /// The most requests for one payload, the first included.
    var maximumAttempts: Int = 10
    /// The longest time spent on one payload, waits included (a request that is under way when it passes
    /// still ends at its own timeout).
    var maximumElapsed: Duration = .seconds(80)
    /// The longest time spent on one payload whose host name does not resolve (a typo, or a container's service
    /// name used outside its network): seconds, not the whole ``maximumElapsed``.
    var maximumResolutionElapsed: Duration = .seconds(5)
    /// The longest wait a server's `Retry-After` or `X-RateLimit-Reset` can ask for.
    var maximumServerWait: Duration = .seconds(60)
    /// Sleeps; tests inject a recorder.
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    /// Seconds since the Unix epoch, for HTTP-dates and epoch resets; tests inject a fixed clock.
    var now: @Sendable () -> Double = { Date().timeIntervalSince1970 }
    /// A random number in 0..<1, for jitter.
    var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    /// The exporter-wide state that ends retries against a sink that is down (`nil`: each payload on its own).
    var budget: RetryBudget?

    /// This policy with a budget of its own, for one exporter.
    func withOwnBudget() -> RetryPolicy {
        var policy = self
        policy.budget = RetryBudget()
        return policy
    }

    /// The default policy of the exporters.
    static let standard = RetryPolicy()

    /// The backoff before retry number `retry` (1 for the first retry).
    func backoff(retry: Int) -> Duration {
        let base = initialDelay.seconds * pow(multiplier, Double(max(0, retry - 1)))
        let capped = min(base, maximumDelay.seconds)
        let factor = 1 + jitter * (2 * random() - 1)
        return .seconds(max(0, capped * factor))
    }

    /// A server's wait hint, bounded by ``maximumServerWait``.
    func serverWait(seconds: Double) -> Duration {
        .seconds(min(max(0, seconds), maximumServerWait.seconds))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (rounded down).
    var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
