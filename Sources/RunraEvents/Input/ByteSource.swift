#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of decompressed bytes from one input (a file or standard input), plain or gzip.
///
/// gzip is detected by its magic bytes, never by the file name (SPEC §3).
final class ByteSource {
    let name: String
    private let fileDescriptor: Int32
    private let ownsDescriptor: Bool
    private var inflater: Inflater?
    /// Decodes block gzip on several threads until it hands over to `inflater` (see ``BlockGzipInflater``).
    private var blockReader: BlockGzipInflater?
    private var skippedLines = 0
    private var compressed: UnsafeMutableRawBufferPointer
    private var compressedStart = 0
    private var compressedEnd = 0
    private var endOfInput = false
    private var isFirstRead = true
    /// Whether the input is a pipe, socket or terminal (not a regular file): a read may wait for a writer.
    let isStreaming: Bool
    /// Asked while a read of a streaming input waits for data; `true` ends the wait as if the input had ended.
    var isCancelled: (@Sendable () -> Bool)?
    /// Block-gzip members of a regular file for which this returns true are skipped unread (`--since`/`--until`);
    /// see ``takeSkippedLines()``. Set before the first read.
    var skipsMember: ((BlockGzip.Member) -> Bool)?
    /// Whether block gzip is decoded on several threads (set before the first read). Off for a reader that wants
    /// only the first bytes: the parallel reader decodes several members ahead.
    var decodesInParallel = true

    /// Opens `path`, or standard input when `path` is `nil` or `-`.
    init(path: String?) throws {
        if let path, path != "-" {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw RunraError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            fileDescriptor = fd
            ownsDescriptor = true
            name = path
        } else {
            fileDescriptor = 0
            ownsDescriptor = false
            name = "(standard input)"
        }
        var info = stat()
        let kind = fstat(fileDescriptor, &info) == 0 ? info.st_mode & S_IFMT : 0
        if ownsDescriptor {
            if kind == S_IFDIR {
                close(fileDescriptor)
                throw RunraError(.io, "cannot read \(name): it is a directory")
            }
            posix_fadvise(fileDescriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        } else if kind == S_IFIFO {
            // A larger pipe (64 KiB by default) lets `cat big.jsonl |` hand over a MiB per read; best effort.
            _ = fcntl(fileDescriptor, 1031, 1 << 20)  // F_SETPIPE_SZ
        }
        isStreaming = kind != S_IFREG && kind != S_IFBLK
        compressed = .allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit {
        blockReader?.close()
        compressed.deallocate()
        if ownsDescriptor { close(fileDescriptor) }
    }

    /// The descriptor read from (to wait for data with `poll`).
    var descriptor: Int32 { fileDescriptor }

    /// Whether the input turned out to be gzip (known after the first read).
    var isCompressed: Bool { inflater != nil }

    /// Bytes read so far from the descriptor (compressed bytes for gzip).
    private var rawOffset: Int64 = 0

    /// Whether a read now would return without waiting long for a writer: always for regular files; for a
    /// streaming input, when bytes are buffered here or the descriptor becomes readable (data or end of input)
    /// within a millisecond, so that a fast writer (`cat big.jsonl |`) is not mistaken for an idle one.
    var hasInputReady: Bool {
        guard isStreaming else { return true }
        if compressedStart < compressedEnd || endOfInput || blockReader?.hasOutputReady == true { return true }
        return Self.isReadable(fileDescriptor, timeoutMilliseconds: 1)
    }

    private static func isReadable(_ descriptor: Int32, timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, timeoutMilliseconds)
        return ready != 0  // an error (-1) is reported by the read that follows
    }

    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isStreaming, let isCancelled {
            // Wait in short slices so that a reader that has what it needs (`filter -n`) can stop
            // while the writer of a pipe stays open.
            while !Self.isReadable(fileDescriptor, timeoutMilliseconds: 50) {
                if isCancelled() { return 0 }
            }
            if isCancelled() { return 0 }
        }
        while true {
            let count = Glibc.read(fileDescriptor, buffer.baseAddress, buffer.count)
            if count > 0 { rawOffset += Int64(count) }
            if count == 0 && ownsDescriptor { try checkNotTruncated() }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw RunraError(.io, "cannot read \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// At the end of a file: a file now shorter than what was read was truncated under the reader (a
    /// `copytruncate`, `> file`). What was read is good; say that the rest is missing instead of ending quietly.
    private func checkNotTruncated() throws {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        guard Int64(info.st_size) < rawOffset else { return }
        throw RunraError(
            .truncatedInput,
            "\(name): the file was truncated while being read (it has \(info.st_size) bytes now,"
                + " \(rawOffset) were read); "
                + "the lines after that point are missing"
        )
    }

    /// Decoded bytes handed over without a copy; the receiver owns `buffer` and passes it to `giveBack` when done.
    struct LentBytes {
        let buffer: UnsafeMutableRawBufferPointer
        let count: Int
        let giveBack: (UnsafeMutableRawBufferPointer) -> Void
    }

    /// The next block-gzip member's decoded bytes, whole and without a copy, when the bytes read so far end where a
    /// member ends and the next one was decoded in parallel (``BlockGzipInflater/takeMember()``); otherwise `nil`,
    /// and ``read(into:)`` goes on.
    func takeDecodedMember() throws -> LentBytes? {
        guard !isFirstRead, let blockReader, let (buffer, count) = try blockReader.takeMember() else { return nil }
        return LentBytes(buffer: buffer, count: count, giveBack: { [blockReader] in blockReader.giveBack($0) })
    }

    /// Whether the bytes read so far end where a block-gzip member decoded in parallel ends.
    var isAtDecodedMemberEnd: Bool { blockReader?.isAtMemberEnd ?? false }

    /// The lines of block-gzip members skipped (``skipsMember``) right after the bytes of the last
    /// ``read(into:)``; a read that returns 0 with some skipped is not the end of the input.
    func takeSkippedLines() -> Int {
        defer { skippedLines = 0 }
        return skippedLines
    }

    /// Fills `buffer` with up to its size of decompressed bytes; returns 0 at the end (or at a skip, see
    /// ``takeSkippedLines()``).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isFirstRead {
            isFirstRead = false
            compressedEnd = try fillAtLeast(2)
            let bytes = compressed.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if compressedEnd >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
                inflater = try Inflater()
                try startBlockReaderIfBlockGzip()
            }
        }
        if let blockReader {
            let count = try blockReader.read(into: buffer)
            if count > 0 { return count }
            skippedLines = blockReader.takeSkippedLines()
            if skippedLines > 0 { return 0 }
            try handOver(from: blockReader)
        }
        guard let inflater else { return try readPlain(into: buffer) }
        var produced = 0
        while produced == 0 {
            if compressedStart == compressedEnd && !endOfInput {
                // Decoded bytes the inflater still holds come first: a pipe's writer may send nothing more for hours.
                if isStreaming {
                    let held = try inflater.inflate(input: UnsafeRawBufferPointer(start: nil, count: 0), output: buffer)
                    if held.produced > 0 { return held.produced }
                }
                compressedStart = 0
                compressedEnd = try readRaw(into: compressed)
                if compressedEnd == 0 { endOfInput = true }
            }
            // Empty at the end of the input: the inflater still hands out decoded bytes it holds.
            let input = UnsafeRawBufferPointer(rebasing: compressed[compressedStart..<compressedEnd])
            let output = UnsafeMutableRawBufferPointer(rebasing: buffer[produced...])
            let (consumed, made) = try inflater.inflate(input: input, output: output)
            compressedStart += consumed
            produced += made
            if consumed == 0 && made == 0 { break }
        }
        if produced == 0 && endOfInput && !inflater.isAtMemberBoundary {
            try inflater.checkEndOfInput()
            throw RunraError(.truncatedInput, "\(name): gzip data ends unexpectedly (the file is truncated)")
        }
        return produced
    }

    /// Reads the rest of a first member header; when it is block gzip's, decoding goes parallel.
    private func startBlockReaderIfBlockGzip() throws {
        while compressedEnd < BlockGzip.memberHeaderSize && !endOfInput {
            let count = try readRaw(into: UnsafeMutableRawBufferPointer(rebasing: compressed[compressedEnd...]))
            if count == 0 { endOfInput = true }
            compressedEnd += count
        }
        let header = UnsafeRawBufferPointer(rebasing: compressed[..<compressedEnd])
        guard decodesInParallel, BlockGzip.parseMemberHeader(header) != nil else { return }
        let reader = BlockGzipInflater(
            initial: header,
            threads: ReadOptions.defaultScanThreads,
            readRaw: { [unowned self] in try readRaw(into: $0) },
            seekRaw: isStreaming ? nil : { [unowned self] in try seekRaw(to: $0) }
        )
        if !isStreaming { reader.shouldSkip = skipsMember }
        blockReader = reader
        compressedStart = 0
        compressedEnd = 0
    }

    private func seekRaw(to offset: Int64) throws {
        guard lseek(fileDescriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw RunraError(.io, "cannot read \(name): \(String(cString: strerror(errno)))")
        }
        rawOffset = offset
        endOfInput = false
    }

    /// Goes on with the sequential inflater where the block reader stopped.
    private func handOver(from reader: BlockGzipInflater) throws {
        reader.close()
        blockReader = nil
        inflater = try Inflater()
        compressedStart = 0
        compressedEnd = 0
        if case .bytes(let bytes)? = reader.handOver, !bytes.isEmpty {
            if bytes.count > compressed.count {
                compressed.deallocate()
                compressed = .allocate(byteCount: bytes.count, alignment: 16)
            }
            bytes.withUnsafeBytes { compressed.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            compressedEnd = bytes.count
        }
    }

    private func fillAtLeast(_ wanted: Int) throws -> Int {
        var filled = 0
        while filled < wanted {
            let count = try readRaw(into: UnsafeMutableRawBufferPointer(rebasing: compressed[filled...]))
            if count == 0 {
                endOfInput = true
                break
            }
            filled += count
        }
        return filled
    }

    private func readPlain(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if compressedStart < compressedEnd {
            let count = min(buffer.count, compressedEnd - compressedStart)
            buffer.baseAddress!.copyMemory(from: compressed.baseAddress! + compressedStart, byteCount: count)
            compressedStart += count
            return count
        }
        if endOfInput { return 0 }
        return try readRaw(into: buffer)
    }
}
