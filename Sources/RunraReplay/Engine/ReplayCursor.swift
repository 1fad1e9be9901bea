import Foundation
import RunraEvents

/// The input side of a replay as its checkpoint sees it: what is read, where reading resumes, how the position every
/// exporter acknowledged becomes a checkpoint (written every interval and at the end), and what the report says of
/// it. Two kinds: ``FileCursor`` (files, standard input, dead letters, memory: one position in the input) and
/// ``LiveShipping`` (`--follow`: a ledger of how far each followed file was delivered). ``ReplayCursors/make`` is the
/// one place the engine chooses between them.
protocol ReplayCursor: Sendable {
    /// What the checkpoint file holds.
    associatedtype Checkpoint: Equatable, Sendable

    /// Everything at or before it was delivered by an earlier run (`.start` when nothing was).
    var resumePoint: EventPosition { get }

    /// The files (paths or globs) it reads, which the replay must not write, and whether they are followed.
    var inputFiles: (paths: [String], followed: Bool) { get }

    /// Reads the input after ``resumePoint`` into `channel`, on the reader's thread, until it ends or the channel
    /// is closed.
    func read(
        into channel: InputChannel,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void
    ) throws
        -> ReadSummary

    /// Where the event at `position` is in the input, the same in every run that reads it (``BatchOrigin``).
    func origin(of position: EventPosition) -> BatchOrigin

    /// Everything through `committed` was acknowledged (between checkpoint writes, and without a checkpoint file).
    func acknowledged(through committed: EventPosition)

    /// The checkpoint once everything through `committed` is acknowledged; `nil` when there is nothing to write.
    func checkpoint(committed: EventPosition) -> Checkpoint?

    /// Writes `checkpoint` to `path` atomically.
    func write(_ checkpoint: Checkpoint, to path: String) throws

    /// Its part of the report at the end; `kept`: a `--checkpoint` file is kept and its final write did not fail.
    func report(_ report: inout ReplayReport, committed: EventPosition, kept: Bool)

    /// `--follow`: per followed log, what is not yet acknowledged (empty for other inputs).
    func lag() -> [LogLag]

    /// `--follow`: the files found gone before they were delivered to their end, so far.
    var lostFiles: [LiveCheckpoint.File] { get }
}

extension ReplayCursor {
    func acknowledged(through committed: EventPosition) {}
    func lag() -> [LogLag] { [] }
    var lostFiles: [LiveCheckpoint.File] { [] }
}

enum ReplayCursors {
    /// The cursor for `source`, resuming from the checkpoint at `checkpointPath` (which is read and checked here;
    /// a dry run reads it too). The only place where a replay of files and a followed replay part.
    static func make(
        for source: ReplaySource,
        checkpointPath: String?,
        onNotice: @escaping @Sendable (String) -> Void,
        onLoss: @escaping @Sendable (LiveCheckpoint.File) -> Void
    ) throws -> any ReplayCursor {
        switch source {
        case .live(let reader):
            let saved = try checkpointPath.flatMap { try LiveCheckpoint.load(path: $0) }
            return LiveShipping(
                reader: reader,
                ledger: LiveLedger(resumingFrom: saved),
                onNotice: onNotice,
                onLoss: onLoss
            )
        case .events(let reader):
            return try FileCursor(input: .events(reader), checkpointPath: checkpointPath)
        case .deadLetters(let path):
            return try FileCursor(input: .deadLetters(path: path), checkpointPath: checkpointPath)
        case .memory(let events):
            return try FileCursor(input: .memory(events), checkpointPath: checkpointPath)
        }
    }
}

/// A replay of input read to its end: its checkpoint (``ReplayCheckpoint``) is the inputs' fingerprints and the
/// position through which every event was acknowledged.
struct FileCursor: ReplayCursor {
    /// What is read: a ``ReplaySource`` other than followed logs.
    enum Input: Sendable {
        case events(EventBatchReader)
        case deadLetters(path: String)
        case memory([RuntimeEvent])

        /// The input files, for the checkpoint (`nil` when the input cannot be resumed).
        var checkpointPaths: [String]? {
            switch self {
            case .events(let reader):
                let paths = reader.paths.isEmpty ? [nil] : reader.paths
                let files = paths.compactMap { $0 == "-" ? nil : $0 }
                return files.count == paths.count ? files : nil
            case .deadLetters(let path): return [path]
            case .memory: return nil
            }
        }
    }

    let input: Input
    /// The inputs as the checkpoint describes them.
    let inputs: [ReplayCheckpoint.Input]
    let resumePoint: EventPosition
    /// Where the run resumed, when it did.
    let resumedAfter: EventPosition?
    private let originNames: OriginNames

    /// Reads and checks the checkpoint at `checkpointPath` against the input (throws when it was written for other
    /// input), or describes the input for a new one.
    init(input: Input, checkpointPath: String?) throws {
        self.input = input
        var saved: ReplayCheckpoint?
        var inputs: [ReplayCheckpoint.Input] = []
        if let checkpointPath {
            guard let paths = input.checkpointPaths else {
                throw RunraError(.usage, "--checkpoint needs input files: standard input cannot be resumed")
            }
            saved = try ReplayCheckpoint.load(path: checkpointPath)
            if let saved {
                try saved.verify(against: paths, checkpointPath: checkpointPath)
                inputs = saved.inputs
            } else {
                inputs = try ReplayCheckpoint.describe(paths: paths)
            }
        }
        self.inputs = inputs
        let fingerprints = inputs.map(\.fingerprint)
        switch input {
        case .events(let reader):
            originNames = OriginNames(paths: reader.paths.isEmpty ? [nil] : reader.paths, fingerprints: fingerprints)
        case .deadLetters(let path): originNames = OriginNames(paths: [path], fingerprints: fingerprints)
        case .memory: originNames = OriginNames(paths: [])
        }
        resumedAfter = saved?.position
        resumePoint = saved?.position ?? .start
    }

    var inputFiles: (paths: [String], followed: Bool) {
        switch input {
        case .events(let reader): return (reader.paths.compactMap { $0 == "-" ? nil : $0 }, false)
        case .deadLetters(let path): return ([path], false)
        case .memory: return ([], false)
        }
    }

    func read(
        into channel: InputChannel,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void
    ) throws -> ReadSummary {
        try InputReader.read(input, after: resumedAfter, channel: channel, onBadLine: onBadLine)
    }

    func origin(of position: EventPosition) -> BatchOrigin {
        originNames.origin(of: position)
    }

    /// Nothing to write until the position passed the resume point.
    func checkpoint(committed: EventPosition) -> ReplayCheckpoint? {
        committed > resumePoint ? ReplayCheckpoint(inputs: inputs, position: committed) : nil
    }

    func write(_ checkpoint: ReplayCheckpoint, to path: String) throws {
        try checkpoint.write(to: path)
    }

    func report(_ report: inout ReplayReport, committed: EventPosition, kept: Bool) {
        report.resumedAfter = resumedAfter
        if kept { report.checkpoint = committed }
    }
}
