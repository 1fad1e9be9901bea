internal import CISAL
import Dispatch

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
///
/// Members are independent, so several are compressed at once, one per core (at most 4): the writer cuts that many,
/// compresses them side by side, and emits them in order. The output is the same as one at a time.
final class BlockGzipWriter {
    /// One member being compressed: its own zlib stream and output, so members can be compressed side by side.
    /// `@unchecked Sendable`: during a round each slot is used by exactly one thread, and the round ends before
    /// the writer reads it.
    private final class Slot: @unchecked Sendable {
        let deflater: Deflater
        var compressed: [UInt8] = []
        var crc: UInt32 = 0
        var summary = LineSummary()
        var error: (any Error)?

        init(level: Int) throws {
            deflater = try Deflater(level: level, outputChunkSize: 64 * 1024, rawDeflate: true)
        }

        func compress(_ lines: UnsafeRawBufferPointer) {
            compressed.removeAll(keepingCapacity: true)
            error = nil
            do {
                try deflater.reset()
                try deflater.compress(lines) { self.compressed.append(contentsOf: $0) }
                try deflater.finish { self.compressed.append(contentsOf: $0) }
            } catch {
                self.error = error
            }
            crc =
                lines.isEmpty
                ? 0 : crc32_gzip_refl(0, lines.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(lines.count))
            summary = BlockGzipWriter.summarize(lines)
        }
    }

    private let slots: [Slot]
    private let emit: (UnsafeRawBufferPointer) throws -> Void
    private let targetMemberBytes: Int
    /// Uncompressed bytes not yet in an emitted member.
    private var pending: [UInt8] = []
    /// The members cut from `pending` and not yet compressed (at most one per slot), and where the next one starts.
    private var cuts: [Range<Int>] = []
    private var nextMemberStart = 0
    /// How far `pending` has been searched for the line end that closes a member.
    private var searchedThrough = 0
    private var offset: Int64 = 0
    private var previousSize = 0
    private var lastMemberOffset: Int64 = 0
    private var memberCount = 0
    private var lineCount = 0
    private var finished = false

    /// A writer at zlib `level` whose members hold about `targetMemberBytes` (tests use small ones), compressing
    /// up to `threads` members at once.
    init(
        level: Int = 6,
        targetMemberBytes: Int = BlockGzip.targetMemberBytes,
        threads: Int = ReadOptions.defaultScanThreads,
        emit: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        slots = try (0..<max(1, threads)).map { _ in try Slot(level: level) }
        self.emit = emit
        self.targetMemberBytes = max(1, targetMemberBytes)
        pending.reserveCapacity(slots.count * self.targetMemberBytes + 64 * 1024)
    }

    /// Adds `bytes` to the output; complete members are compressed and emitted as they fill.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "BlockGzipWriter used after finish()")
        pending.append(contentsOf: bytes)
        while pending.count - nextMemberStart >= targetMemberBytes {
            let from = max(searchedThrough, nextMemberStart + targetMemberBytes - 1)
            guard let newline = pending[from...].firstIndex(of: 0x0A) else {
                searchedThrough = pending.count
                return
            }
            cuts.append(nextMemberStart..<(newline + 1))
            nextMemberStart = newline + 1
            searchedThrough = nextMemberStart
            if cuts.count == slots.count { try writeCutMembers() }
        }
    }

    /// Writes the last members (the last line may lack a newline) and the trailer.
    func finish() throws {
        guard !finished else { return }
        finished = true
        if nextMemberStart < pending.count {
            // `write` compresses a round as soon as it is full, so there is a slot left for the last member.
            cuts.append(nextMemberStart..<pending.count)
            nextMemberStart = pending.count
        }
        try writeCutMembers()
        let trailer = BlockGzip.Trailer(
            lastMemberOffset: lastMemberOffset,
            memberCount: memberCount,
            lineCount: lineCount
        )
        try BlockGzip.trailer(trailer).withUnsafeBytes(emit)
    }

    /// Compresses the cut members side by side, emits them in order, and drops their bytes from `pending`.
    private func writeCutMembers() throws {
        guard !cuts.isEmpty else { return }
        let cuts = self.cuts
        let slots = self.slots
        pending.withUnsafeBytes { all in
            // The bytes stay put until concurrentPerform returns; each thread reads only its member's range.
            nonisolated(unsafe) let bytes = all
            DispatchQueue.concurrentPerform(iterations: cuts.count) { index in
                slots[index].compress(UnsafeRawBufferPointer(rebasing: bytes[cuts[index]]))
            }
        }
        for (slot, cut) in zip(slots, cuts) {
            if let error = slot.error { throw error }
            try emitMember(slot, uncompressedSize: cut.count)
        }
        pending.removeFirst(nextMemberStart)
        searchedThrough = max(0, searchedThrough - nextMemberStart)
        nextMemberStart = 0
        self.cuts.removeAll(keepingCapacity: true)
    }

    private func emitMember(_ slot: Slot, uncompressedSize count: Int) throws {
        let summary = slot.summary
        var member = BlockGzip.Member(
            size: BlockGzip.memberHeaderSize + slot.compressed.count + 8,
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
            member.size = header!.count + slot.compressed.count + 8
        }
        var trailer: [UInt8] = []
        withUnsafeBytes(of: slot.crc.littleEndian) { trailer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { trailer.append(contentsOf: $0) }
        try header!.withUnsafeBytes(emit)
        try slot.compressed.withUnsafeBytes(emit)
        try trailer.withUnsafeBytes(emit)

        lastMemberOffset = offset
        memberCount += 1
        lineCount += summary.lineCount
        offset += Int64(member.size)
        // A size the next header cannot hold is written as 0: "unknown, do not walk back past here".
        previousSize = UInt32(exactly: member.size) == nil ? 0 : member.size
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
