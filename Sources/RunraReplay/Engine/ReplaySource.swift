public import RunraEvents

/// What a replay reads.
public enum ReplaySource: Sendable {
    /// Event logs (the reader's paths, options and selection).
    case events(EventBatchReader)
    /// A dead-letter file of an earlier replay: each record goes to the exporter it names (to the only exporter
    /// when just one is configured), without filters.
    case deadLetters(path: String)
    /// Events in memory (tests, programs); positions are input 0, line = index + 1. No checkpoint.
    case memory([RuntimeEvent])
    /// Logs followed while they are written, across rotation (`replay --follow`), until the replay is
    /// interrupted; its checkpoint is a ``LiveCheckpoint``.
    case live(LiveLogReader)
}
