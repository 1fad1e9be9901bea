/// How a replay runs.
public struct ReplayOptions: Sendable {
    /// How fast events are sent.
    public enum Speed: Sendable, Equatable {
        /// As fast as the exporters take them.
        case max
        /// Keeping the gaps between event timestamps, divided by the factor (1 is real time).
        case realtime(Double)
    }

    /// Pacing.
    public var speed: Speed = .max
    /// Parse, filter and count per exporter; send nothing, write no checkpoint.
    public var dryRun = false
    /// Where to keep the resume point (`--checkpoint`); `nil` for none.
    public var checkpointPath: String?
    /// Where to write refused events (`--dead-letter`); `nil` for none.
    public var deadLetterPath: String?
    /// Batches queued per exporter before reading waits (bounds memory).
    public var queuedBatches = 4
    /// Chunks read ahead of the dispatcher.
    public var readAhead = 2
    /// How often the checkpoint is written while it advances.
    public var checkpointInterval: Duration = .milliseconds(200)
    /// Send a batch an exporter gave up on again (after ``firstRetryWait``, doubling to 30 s) until it is delivered
    /// or the replay
    /// is interrupted, instead of dead-lettering it: a shipper (`--follow`) waits out a sink that is down, with
    /// the log on disk as its buffer.
    public var keepsTrying = false
    /// With ``keepsTrying`` and a checkpoint: while checkpoint writes fail, reading pauses once this many events
    /// were read since the last checkpoint written was taken, so that a restart sends at most these again (and the
    /// batches in flight then). It resumes when a write succeeds.
    public var checkpointBacklogLimit = 100_000
    /// With ``keepsTrying``: the first pause before a batch is sent again (it doubles up to 30 s).
    public var firstRetryWait: Duration = .seconds(1)
    /// For an exporter acknowledged at flush: the most line bytes of a group the engine keeps to export again after a
    /// failed flush. A larger group is not kept (memory stays bounded); if its flush fails it is given up without
    /// dead letters, the checkpoint stays before it, and a shipper (`--follow`) stops so that a restart writes it.
    public var heldGroupBytes = 16 << 20
    /// The clock for pacing and flush intervals.
    public var clock: any ReplayClock = SystemReplayClock()

    /// Default options: full speed, no checkpoint, no dead letters.
    public init() {}
}
