/// How inputs are read: limits, and what to keep of bad lines.
public struct ReadOptions: Sendable {
    /// Lines longer than this (terminator not counted) are bad lines. Default 16 MiB (SPEC §6).
    public var maximumLineBytes: Int = 16 * 1024 * 1024
    /// Keep each bad line's bytes (for `--dead-letter`). An over-long line is then held in memory whole.
    public var keepsBadLines = false
    /// How many threads scan lines (besides the one that reads). Default: the number of cores, at most 4.
    public var scanThreads: Int = ReadOptions.defaultScanThreads
    /// Bytes read per chunk of work.
    public var chunkBytes: Int = 1024 * 1024
    /// Only events at or after `since` and before `until` are wanted (`--since`/`--until`): block-gzip members of
    /// regular files whose events all lie outside are skipped unread. Their lines count towards line numbers and
    /// ``ReadSummary``, but are not handed to the processor.
    public var since: Timestamp?
    public var until: Timestamp?
    /// Called on the consuming thread after each chunk was consumed with about how many bytes of input
    /// (decompressed) and how many events (before any selection) were read so far, for a progress line.
    public var onProgress: (@Sendable (_ bytesRead: Int, _ eventsRead: Int) -> Void)?

    /// These options with ``since`` and ``until`` taken from `selection`, which hands over nothing outside them.
    func skippingMembers(outside selection: EventSelection) -> ReadOptions {
        var options = self
        options.since = selection.since ?? since
        options.until = selection.until ?? until
        return options
    }

    /// Whether a block-gzip member holds no event inside ``since`` ..< ``until``.
    func skips(_ member: BlockGzip.Member) -> Bool {
        if let since, member.latest < since.nanosecondsSinceEpoch { return true }
        if let until, member.earliest >= until.nanosecondsSinceEpoch { return true }
        return false
    }

    /// Default options.
    public init() {}

    static var defaultScanThreads: Int {
        #if canImport(Glibc)
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        let cores = 2
        #endif
        return max(1, min(4, cores))
    }
}

/// A line that is not a runtime event (SPEC §6): where it was, why, and (when kept) its bytes.
public struct BadLine: Sendable {
    /// The input's name (its path, or `(standard input)`).
    public var source: String
    /// The 1-based line number within that input.
    public var lineNumber: Int
    /// Why the line is bad, e.g. `invalid JSON: expected ':' at byte 17`.
    public var reason: String
    /// The line's bytes without terminator, when ``ReadOptions/keepsBadLines`` is on.
    public var line: [UInt8]?
    /// Where the line starts in the input, when its number is unknown (`lineNumber` 0): `tail` reads backwards.
    public var byteOffset: Int64? = nil

    /// `FILE:LINE: reason`, or `FILE: bad line near byte OFFSET: reason` when the line number is unknown.
    public var diagnostic: String {
        if lineNumber == 0, let byteOffset { return "\(source): bad line near byte \(byteOffset): \(reason)" }
        return "\(source):\(lineNumber): \(reason)"
    }
}

/// Counts from one read of a set of inputs.
public struct ReadSummary: Sendable {
    /// Non-blank lines read.
    public var lines = 0
    /// Lines that were valid events.
    public var events = 0
    /// Lines that were bad.
    public var badLines = 0
    /// Inputs that could not be read to the end (could not be opened, truncated or corrupt gzip).
    public var inputErrors: [RunraError] = []

    /// Empty counts.
    public init() {}
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BadLine {
    /// A bad line of `source` at `lineNumber` (1-based), bad for `reason`.
    public init(source: String, lineNumber: Int, reason: String) {
        self.init(source: source, lineNumber: lineNumber, reason: reason, line: nil, byteOffset: nil)
    }
}
