/// How the `--checkpoint` file is faring, for `--follow`'s status line and metrics.
public struct CheckpointHealth: Sendable, Equatable {
    /// Why the last write failed, while writes fail; `nil` when the last write succeeded.
    public var failure: String?
    /// Seconds since writes began to fail (0 while they succeed).
    public var failingSeconds: Double
    /// Writes that failed since the replay started (each is tried again at the next interval).
    public var failedWrites: Int
    /// Events read since the last checkpoint written was taken: what a restart now would send again, besides the
    /// batches that were in flight when it was taken.
    public var eventsSinceWritten: Int
    /// Whether reading waits until the checkpoint can be written (see ``ReplayOptions/checkpointBacklogLimit``).
    public var readingPaused: Bool
}
