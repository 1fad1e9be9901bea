public import RunraEvents

/// What happened to one exporter's events.
public struct ExporterSummary: Sendable {
    /// The exporter's label.
    public var label: String
    /// Events it accepted.
    public var sent = 0
    /// Events exported into files not yet complete (an exporter acknowledged at flush): sent once a flush returns.
    public var pending = 0
    /// Events its filter left out.
    public var filteredOut = 0
    /// Events it refused for good (including a backend's count without detail).
    public var rejected = 0
    /// Requests it sent again after retryable failures.
    public var retried = 0
    /// Events of batches it gave up on (its `export` threw, or it never initialized).
    public var givenUp = 0
    /// Events written to the dead-letter file on its behalf.
    public var deadLettered = 0
    /// Bytes it reported sending.
    public var bytes = 0
    /// Seconds from the start until its last batch returned.
    public var seconds = 0.0
    /// The first few failure messages (initialize, export, flush).
    public var failures: [String] = []

    /// Events it accepted per second.
    public var eventsPerSecond: Double { seconds > 0 ? Double(sent) / seconds : 0 }

    /// Whether anything was refused or given up, or the exporter failed.
    public var failed: Bool { rejected > 0 || givenUp > 0 || !failures.isEmpty }

    init(label: String) { self.label = label }
}

/// What a replay did.
public struct ReplayReport: Sendable {
    /// Per exporter, in configuration order.
    public var exporters: [ExporterSummary]
    /// What the input held (lines, events, bad lines, unreadable inputs).
    public var read = ReadSummary()
    /// Events dispatched to the exporters (after the resume point and the selection).
    public var events = 0
    /// Dead-letter records for an exporter that is not configured (not sent anywhere).
    public var unrouted = 0
    /// Stopped by ``ReplayEngine/interrupt()`` (Ctrl-C).
    public var interrupted = false
    /// The input error that stopped reading (`--strict`), if any.
    public var inputError: RunraError?
    /// Where a run with the same checkpoint resumes: everything through here was acknowledged.
    public var checkpoint: EventPosition?
    /// The last checkpoint write failed (exit 2): a run with the same checkpoint sends again what was delivered
    /// since the last one written. ``checkpoint`` is then `nil`.
    public var checkpointError: RunraError?
    /// Where the replay resumed from, when it did.
    public var resumedAfter: EventPosition?
    /// Seconds the replay took.
    public var seconds = 0.0
    /// Whether this was a dry run.
    public var dryRun = false
    /// `--follow`: files a checkpoint named that were gone before all of them was delivered (deleted by rotation
    /// while nothing read them), with how far they were delivered.
    public var lostFiles: [LiveCheckpoint.File] = []

    /// Whether any exporter refused or gave up on an event (exit status 4).
    public var exportersFailed: Bool { unrouted > 0 || exporters.contains(where: \.failed) }
}
