#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LastEvents {
    /// Reads a block-gzip file (``BlockGzip``) backwards, one member at a time from the one its trailer points at,
    /// until `count` selected events are found or the first member is done. Lines keep their numbers (the trailer
    /// counts them).
    ///
    /// `nil` when the file is not block gzip with an intact trailer, or when a member on the way does not match its
    /// header or does not decode: the caller then reads the file forward, which reports any damage as always.
    static func readBlockGzipBackward(
        fileDescriptor: Int32,
        name: String,
        size: Int64,
        count: Int,
        checker: inout TailLineChecker
    ) -> LastEvents? {
        guard size >= Int64(BlockGzip.trailerSize),
            let trailerBytes = readBytes(
                fileDescriptor,
                at: size - Int64(BlockGzip.trailerSize),
                count: BlockGzip.trailerSize
            ),
            let trailer = trailerBytes.withUnsafeBytes({ BlockGzip.parseTrailer($0) }),
            let inflater = try? Inflater()
        else { return nil }
        var result = LastEvents()
        guard count > 0, trailer.memberCount > 0 else { return result }
        // A copy: its counts are kept only when this read succeeds.
        var lineChecker = checker
        var newestFirst: [RuntimeEvent] = []
        var badNewestFirst: [BadLine] = []
        var offset = trailer.lastMemberOffset
        var end = size - Int64(BlockGzip.trailerSize)
        var linesAfter = 0
        while newestFirst.count < count {
            guard offset >= 0, end - offset >= Int64(BlockGzip.memberHeaderSize),
                let header = readBytes(fileDescriptor, at: offset, count: BlockGzip.memberHeaderSize),
                let member = header.withUnsafeBytes({ BlockGzip.parseMemberHeader($0) }),
                offset + Int64(member.size) == end,
                member.uncompressedSize <= BlockGzipInflater.maximumMemberBytes,
                let memberBytes = readBytes(fileDescriptor, at: offset, count: member.size)
            else { return nil }
            let decoded = memberBytes.withUnsafeBytes {
                inflater.decompressAll($0, inputChunk: $0.count, outputChunk: member.uncompressedSize + 1)
            }
            guard decoded.failure == nil, decoded.output.count == member.uncompressedSize else { return nil }
            var lines = lineRanges(decoded.output)
            guard lines.count == member.lineCount else { return nil }
            let firstNumber = trailer.lineCount - linesAfter - member.lineCount + 1
            guard firstNumber >= 1 else { return nil }
            if offset == 0, let first = lines.first, decoded.output[first].starts(with: [0xEF, 0xBB, 0xBF]) {
                lines[0] = (first.lowerBound + 3)..<first.upperBound
            }
            decoded.output.withUnsafeBufferPointer { all in
                for (index, range) in lines.enumerated().reversed() where newestFirst.count < count {
                    var line = UnsafeBufferPointer(rebasing: all[range])
                    if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                    let number = firstNumber + index
                    if line.count > lineChecker.options.maximumLineBytes {
                        badNewestFirst.append(lineChecker.overlong(source: name, number: number, offset: 0))
                        continue
                    }
                    switch lineChecker.check(line, source: name, number: number, offset: 0) {
                    case .skipped: break
                    case .bad(let bad): badNewestFirst.append(bad)
                    case .selected(let event): newestFirst.append(event.makeEvent())
                    }
                }
            }
            linesAfter += member.lineCount
            if offset == 0 || newestFirst.count >= count { break }
            guard member.previousSize > 0 else { return nil }
            end = offset
            offset -= Int64(member.previousSize)
        }
        checker = lineChecker
        result.events = newestFirst.reversed()
        result.badLines = badNewestFirst.reversed()
        return result
    }

    /// The lines of `bytes` without their newlines; a last line without one counts too.
    private static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            while start < all.count {
                guard let newline = memchr(base + start, 0x0A, all.count - start) else {
                    ranges.append(start..<all.count)
                    return
                }
                let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                ranges.append(start..<end)
                start = end + 1
            }
        }
        return ranges
    }

    private static func readBytes(_ descriptor: Int32, at offset: Int64, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return nil }
            filled += read
        }
        return bytes
    }
}
