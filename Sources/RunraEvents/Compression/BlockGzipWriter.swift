internal import CISAL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compresses JSONL into block gzip (``BlockGzip``): members of about 1 MiB of whole lines, each with its size and
/// time range in the header, and a trailer member at the end.
///
/// Feed it bytes with ``write(_:)`` (any split; lines are cut here) and end with ``finish()``. The output goes to
/// `emit` in pieces valid only during the call. Not thread-safe: one owner at a time.
final class BlockGzipWriter {
    private let deflater: Deflater
    private let emit: (UnsafeRawBufferPointer) throws -> Void
    private let targetMemberBytes: Int
    /// Uncompressed bytes not yet in a member.
    private var pending: [UInt8] = []
    /// How far `pending` has been searched for the line end that closes a member.
    private var searchedThrough = 0
    private var compressedMember: [UInt8] = []
    private var offset: Int64 = 0
    private var previousSize = 0
    private var lastMemberOffset: Int64 = 0
    private var memberCount = 0
    private var lineCount = 0
    private var finished = false

    /// A writer at zlib `level` whose members hold about `targetMemberBytes` (tests use small ones).
    init(level: Int = 6, targetMemberBytes: Int = BlockGzip.targetMemberBytes, emit: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        deflater = try Deflater(level: level, outputChunkSize: 64 * 1024, rawDeflate: true)
        self.emit = emit
        self.targetMemberBytes = max(1, targetMemberBytes)
        pending.reserveCapacity(self.targetMemberBytes + 64 * 1024)
    }

    /// Adds `bytes` to the output; complete members are compressed and emitted as they fill.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "BlockGzipWriter used after finish()")
        pending.append(contentsOf: bytes)
        while pending.count >= targetMemberBytes {
            let from = max(searchedThrough, targetMemberBytes - 1)
            guard let newline = pending[from...].firstIndex(of: 0x0A) else {
                searchedThrough = pending.count
                return
            }
            try writeMember(count: newline + 1)
        }
    }

    /// Writes the last member (its last line may lack a newline) and the trailer.
    func finish() throws {
        guard !finished else { return }
        finished = true
        if !pending.isEmpty { try writeMember(count: pending.count) }
        let trailer = BlockGzip.Trailer(lastMemberOffset: lastMemberOffset, memberCount: memberCount, lineCount: lineCount)
        try BlockGzip.trailer(trailer).withUnsafeBytes(emit)
    }

    private func writeMember(count: Int) throws {
        compressedMember.removeAll(keepingCapacity: true)
        try deflater.reset()
        let (crc, summary) = try pending.withUnsafeBytes { all -> (UInt32, LineSummary) in
            let lines = UnsafeRawBufferPointer(rebasing: all[..<count])
            try deflater.compress(lines) { self.compressedMember.append(contentsOf: $0) }
            try deflater.finish { self.compressedMember.append(contentsOf: $0) }
            let crc = crc32_gzip_refl(0, lines.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(count))
            return (crc, Self.summarize(lines))
        }
        var member = BlockGzip.Member(
            size: BlockGzip.memberHeaderSize + compressedMember.count + 8,
            previousSize: previousSize,
            uncompressedSize: count,
            lineCount: summary.lineCount,
            earliest: summary.earliest,
            latest: summary.latest
        )
        var header = BlockGzip.memberHeader(member)
        if header == nil {
            // Too large for the index's 32-bit fields: a plain member (readers read on from it sequentially).
            header = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]
            member.size = header!.count + compressedMember.count + 8
        }
        var trailer: [UInt8] = []
        withUnsafeBytes(of: crc.littleEndian) { trailer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { trailer.append(contentsOf: $0) }
        try header!.withUnsafeBytes(emit)
        try compressedMember.withUnsafeBytes(emit)
        try trailer.withUnsafeBytes(emit)

        lastMemberOffset = offset
        memberCount += 1
        lineCount += summary.lineCount
        offset += Int64(member.size)
        // A size the next header cannot hold is written as 0: "unknown, do not walk back past here".
        previousSize = UInt32(exactly: member.size) == nil ? 0 : member.size
        pending.removeFirst(count)
        searchedThrough = 0
    }

    /// What a member's header says of its lines.
    struct LineSummary {
        /// Lines, a last one without a newline included.
        var lineCount = 0
        /// The earliest and latest timestamp of the events, or ``BlockGzip/Member/unbounded`` when a non-blank line
        /// is not an event with a timestamp.
        var earliest = Int64.max
        var latest = Int64.min
    }

    /// Counts the lines of `lines` and finds their time range, in one pass.
    static func summarize(_ lines: UnsafeRawBufferPointer) -> LineSummary {
        var summary = LineSummary()
        var timed = true
        var fields = EventFields()
        let base = lines.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var start = 0
        while start < lines.count {
            var end = lines.count
            if let newline = memchr(base + start, 0x0A, lines.count - start) {
                end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            var lineEnd = end
            if lineEnd > start && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
            start = end + 1
            summary.lineCount += 1
            guard timed, !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            guard JSONScanner.scan(line, into: &fields) == nil,
                let timestamp = EventLine(bytes: line, fields: fields).timestamp?.nanosecondsSinceEpoch
            else {
                timed = false
                continue
            }
            summary.earliest = min(summary.earliest, timestamp)
            summary.latest = max(summary.latest, timestamp)
        }
        if !timed || summary.earliest > summary.latest {
            (summary.earliest, summary.latest) = BlockGzip.Member.unbounded
        }
        return summary
    }
}
