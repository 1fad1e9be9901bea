internal import Foundation

/// Whether one exporter's sink is taken to be down, shared by every payload the exporter sends.
///
/// A payload that fails notes how many payloads had been delivered until then. When it gives up and that number
/// has not moved (nothing got through while it retried), the sink failed a whole retry schedule: the budget is
/// spent, and every later payload gives up without a request. So a refused connection, a TLS handshake that
/// fails or a server that never answers ends the exporter in bounded time, not after a schedule per batch.
final class RetryBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var answers = 0
    private var spentReason: String?

    /// A token for the sink's state now: compare it in ``giveUp(reason:since:)``.
    var mark: Int { lock.withLock { answers } }

    /// The sink answered (a success or a refusal for good): it is up.
    func recordAnswer() {
        lock.withLock { answers += 1 }
    }

    /// A payload gave up for `reason`; when nothing was answered since `mark`, the budget is spent.
    func giveUp(reason: String, since mark: Int) {
        lock.withLock {
            if answers == mark && spentReason == nil { spentReason = reason }
        }
    }

    /// Spends the budget now, for a failure that sending again cannot change (a failed TLS handshake).
    func spend(reason: String) {
        lock.withLock {
            if spentReason == nil { spentReason = reason }
        }
    }

    /// The sink may be back (a shipper tries again after a pause): payloads send requests again.
    func reset() {
        lock.withLock { spentReason = nil }
    }

    /// Why the sink is taken to be down, once the budget is spent.
    var spent: String? { lock.withLock { spentReason } }
}
