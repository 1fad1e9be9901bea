/// The time the replay engine paces and batches by: the system's, or a test's.
public protocol ReplayClock: Sendable {
    /// A monotonic reading, from an arbitrary origin.
    func now() -> Duration
    /// Waits `duration`.
    func sleep(for duration: Duration) async throws
}

/// The system's monotonic clock.
public struct SystemReplayClock: ReplayClock {
    private let origin = ContinuousClock.now

    /// The system clock.
    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
