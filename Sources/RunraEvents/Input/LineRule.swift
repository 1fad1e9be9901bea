#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every reader does with one line: where it ends, whether it is blank, too long or an event, and the
/// ``BadLine`` it makes when it is not. Shared by ``EventPipeline`` and the tail and follow readers
/// (``TailLineChecker``, ``LineSplitter``).
struct LineRule {
    /// What a line is, before any selection.
    enum Verdict {
        /// Empty or whitespace only: not counted.
        case blank
        /// Not a runtime event, for `reason`.
        case bad(reason: String)
        /// A valid event; the scan has filled in its fields.
        case event
    }

    /// Lines longer than this (terminator not counted) are bad.
    let maximumLineBytes: Int
    /// Bad lines keep their bytes (`--dead-letter`).
    let keepsBadLines: Bool

    init(options: ReadOptions) {
        self.maximumLineBytes = options.maximumLineBytes
        self.keepsBadLines = options.keepsBadLines
    }

    /// The rule of a reader that only splits lines and leaves checking them to another.
    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
        self.keepsBadLines = false
    }

    /// Why a line over the limit is bad.
    var overlongReason: String { "line longer than \(maximumLineBytes) bytes (see --max-line-bytes)" }

    /// Whether a line of `count` bytes is too long.
    @inline(__always)
    func isOverlong(_ count: Int) -> Bool { count > maximumLineBytes }

    /// Whether `count` bytes without a newline yet are too long for a line, whatever follows (the `\r` of a
    /// `\r\n` may still come, so one byte more than the limit is not too long yet).
    @inline(__always)
    func outgrows(pending count: Int) -> Bool { count > maximumLineBytes + 1 }

    /// The line, checked: `scan` validates it as an event and fills in its fields, returning why not.
    @inline(__always)
    func verdict(
        _ line: UnsafeBufferPointer<UInt8>,
        scan: (UnsafeBufferPointer<UInt8>) -> JSONScanner.Failure?
    ) -> Verdict {
        if line.isEmpty || ((line[0] == 0x20 || line[0] == 0x09) && isBlank(line)) { return .blank }
        if isOverlong(line.count) { return .bad(reason: overlongReason) }
        if let failure = scan(line) { return .bad(reason: failure.reason) }
        return .event
    }

    /// The bad line `line` makes, with its bytes when they are kept.
    func badLine(
        _ line: UnsafeBufferPointer<UInt8>?,
        source: String,
        number: Int,
        reason: String,
        byteOffset: Int64? = nil
    ) -> BadLine {
        BadLine(
            source: source,
            lineNumber: number,
            reason: reason,
            line: keepsBadLines ? line.map { Array($0) } : nil,
            byteOffset: byteOffset
        )
    }

    /// Spaces, tabs and carriage returns only (docs/event-format.md): skipped by every reader, `tail` and
    /// `replay --follow` included.
    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    // MARK: Splitting

    /// The index of the first newline in `base[start..<count]`, or `nil` when there is none.
    @inline(__always)
    static func newline(in base: UnsafePointer<UInt8>, from start: Int, to count: Int) -> Int? {
        guard let found = memchr(base + start, 0x0A, count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// `base[start..<end]` without a `\r` before its newline.
    @inline(__always)
    static func line(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> UnsafeBufferPointer<UInt8> {
        var lineEnd = end
        if lineEnd > start && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return UnsafeBufferPointer(start: base + start, count: lineEnd - start)
    }
}
