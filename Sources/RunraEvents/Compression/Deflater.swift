internal import CZlib

/// A streaming gzip compressor (zlib's `deflate` with a gzip header and trailer).
///
/// Feed it bytes with ``compress(_:emit:)`` and end the stream with ``finish(emit:)``;
/// compressed output is handed to `emit` in chunks that are only valid during the call.
/// Not thread-safe: one owner at a time.
public final class Deflater {
    /// zlib's state. It is heap-allocated and never moves: zlib keeps a pointer back to it.
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private var finished = false
    private let configuredLevel: Int32

    /// A compressor at zlib `level` (1 fastest … 9 smallest; 6 is gzip's default).
    public convenience init(level: Int = 6, outputChunkSize: Int = 256 * 1024) throws {
        try self.init(level: level, outputChunkSize: outputChunkSize, rawDeflate: false)
    }

    /// A compressor that writes a gzip member (header and trailer included) or, with `rawDeflate`, the bare
    /// deflate data only (``BlockGzipWriter`` writes its own header and trailer around it).
    init(level: Int, outputChunkSize: Int, rawDeflate: Bool) throws {
        guard (1...9).contains(level) else {
            throw RunraError(.usage, "gzip level \(level) is out of range: use 1 (fastest) to 9 (smallest)")
        }
        configuredLevel = Int32(level)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(byteCount: max(outputChunkSize, 1024), alignment: 16)
        // windowBits 15 + 16 asks zlib for a gzip wrapper, -15 for none; memLevel 8 is zlib's default.
        let windowBits: Int32 = rawDeflate ? -15 : 15 + 16
        let status = CZlib_deflateInit2(stream, Int32(level), Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            // The object is whole: `deinit` frees the stream and the buffer (freeing them here too would free
            // them twice); deflateEnd of a stream that never started is a harmless Z_STREAM_ERROR.
            throw RunraError(.io, "cannot start gzip compression (zlib status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Compresses `input`, passing any compressed output that is ready to `emit`.
    public func compress(
        _ input: UnsafeRawBufferPointer,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard !finished else { throw RunraError(.io, "gzip stream already finished") }
        guard let base = input.baseAddress, input.count > 0 else { return }
        // zlib's avail_in is 32-bit: feed very large inputs in slices.
        var offset = 0
        while offset < input.count {
            let slice = min(input.count - offset, Int(Int32.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + offset)
            stream.pointee.avail_in = uInt(slice)
            try run(flush: Z_NO_FLUSH, emit: emit)
            offset += slice
        }
    }

    /// Ends the gzip stream (writes the trailer) and passes the rest of the output to `emit`.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { return }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(flush: Z_FINISH, emit: emit)
        finished = true
    }

    /// Compresses all of `bytes` into one complete gzip member.
    ///
    /// Compressors are reused across calls (zlib's state is about 300 KB, whose allocation and
    /// page faults would otherwise cost more than compressing a small request body).
    public static func gzip(_ bytes: some Collection<UInt8>, level: Int = 6) throws -> [UInt8] {
        let deflater = try DeflaterPool.shared.take(level: level)
        defer { DeflaterPool.shared.give(deflater) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count / 4 + 64)
        let append: (UnsafeRawBufferPointer) -> Void = { result.append(contentsOf: $0) }
        let compressed: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            try deflater.compress(UnsafeRawBufferPointer(buffer), emit: append)
        }
        if compressed == nil {
            try Array(bytes).withUnsafeBytes { try deflater.compress($0, emit: append) }
        }
        try deflater.finish(emit: append)
        return result
    }

    /// The level this compressor was made with.
    var level: Int { Int(configuredLevel) }

    /// Makes a finished (or fresh) compressor ready for a new gzip member.
    func reset() throws {
        guard deflateReset(stream) == Z_OK else { throw RunraError(.io, "cannot restart gzip compression") }
        finished = false
    }

    private func run(flush: Int32, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let outBase = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            stream.pointee.next_out = outBase
            stream.pointee.avail_out = uInt(output.count)
            let status = deflate(stream, flush)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: produced))
            }
            switch status {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:
                // Done with this input once zlib has consumed it and has no more output pending.
                if flush == Z_NO_FLUSH && stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return }
                if status == Z_BUF_ERROR && produced == 0 && flush == Z_NO_FLUSH { return }
            default:
                throw RunraError(.io, "gzip compression failed (zlib status \(status))")
            }
        }
    }
}
