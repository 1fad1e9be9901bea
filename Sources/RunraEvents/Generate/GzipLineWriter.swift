internal import CZlib

/// Compresses what it is given into one gzip member (zlib's default level, header with no
/// name and mtime 0, so the bytes are reproducible) and writes it to a ``ByteWriter``.
///
/// Small on purpose: the general `Deflater` lives in Compression/.
final class GzipLineWriter {
    private let output: ByteWriter
    private let stream: UnsafeMutablePointer<z_stream>
    private let outputBuffer: UnsafeMutablePointer<UInt8>
    private let outputCapacity = 256 * 1024
    private var finished = false

    init(output: ByteWriter, level: Int32 = 6) throws {
        self.output = output
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        outputBuffer = .allocate(capacity: outputCapacity)
        // windowBits 15 + 16: a gzip wrapper instead of zlib's.
        let status = CZlib_deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            outputBuffer.deallocate()
            stream.deallocate()
            throw RunraError(.io, "cannot start gzip compression (zlib status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        outputBuffer.deallocate()
    }

    /// Compresses `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(bytes.count)
        try run(flush: Z_NO_FLUSH)
    }

    /// Ends the gzip member and writes what is left.
    func finish() throws {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(flush: Z_FINISH)
    }

    private func run(flush: Int32) throws {
        while true {
            stream.pointee.next_out = outputBuffer
            stream.pointee.avail_out = UInt32(outputCapacity)
            let status = deflate(stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw RunraError(.io, "gzip compression failed (zlib status \(status))")
            }
            let produced = outputCapacity - Int(stream.pointee.avail_out)
            if produced > 0 {
                try output.write(UnsafeRawBufferPointer(start: outputBuffer, count: produced))
            }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                return
            }
        }
    }
}
