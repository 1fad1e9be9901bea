#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a plain file's lines from a given end towards its start, one block at a time, so the last
/// lines of a large file cost a few reads however large it is.
///
/// Lines are split on `\n`; a `\r` before it is dropped, and so is a UTF-8 BOM at the start of the
/// file. The segment after the last newline comes first (empty when the file ends with one). A line
/// longer than the limit is not held in memory: it is reported as ``Line/overlong(offset:)``.
final class BackwardLineReader {
    /// One line, last first.
    enum Line {
        /// A line's bytes (valid only during the callback) and the offset of its first byte.
        case line(UnsafeBufferPointer<UInt8>, offset: Int64)
        /// A line longer than the limit; `offset` is where it starts.
        case overlong(offset: Int64)
    }

    private let fileDescriptor: Int32
    private let name: String
    private let blockSize: Int
    private let maximumLineBytes: Int
    private var buffer: UnsafeMutableRawBufferPointer
    /// The file offset of `buffer[0]`.
    private var bufferStart: Int64
    /// How many bytes of `buffer` are file bytes not yet returned: `[bufferStart, bufferStart + held)`.
    private var held = 0
    private var finished = false

    /// A reader of `fileDescriptor`'s bytes before `end`, in blocks of `blockSize` bytes.
    init(fileDescriptor: Int32, name: String, end: Int64, blockSize: Int = 64 * 1024, maximumLineBytes: Int) {
        precondition(blockSize > 0)
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.blockSize = blockSize
        self.maximumLineBytes = maximumLineBytes
        self.bufferStart = end
        self.buffer = .allocate(byteCount: min(2 * blockSize, max(Int(end), 1)), alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Calls `body` with each line from the last towards the first; `body` returns `false` to stop.
    func forEachLine(_ body: (Line) throws -> Bool) throws {
        var skippingOverlong = false
        while !finished {
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if let newline = Self.lastNewline(bytes, held) {
                let start = newline + 1
                let offset = bufferStart + Int64(start)
                let line = Self.trimmed(UnsafeBufferPointer(start: bytes + start, count: held - start))
                held = newline
                if skippingOverlong {
                    skippingOverlong = false
                    if try !body(.overlong(offset: offset)) { return }
                } else if line.count > maximumLineBytes {
                    if try !body(.overlong(offset: offset)) { return }
                } else {
                    if try !body(.line(line, offset: offset)) { return }
                }
                continue
            }
            if bufferStart == 0 {
                // The first line of the file.
                finished = true
                var line = Self.trimmed(UnsafeBufferPointer(start: bytes, count: held))
                if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
                    line = UnsafeBufferPointer(rebasing: line[3...])
                }
                held = 0
                if skippingOverlong || line.count > maximumLineBytes {
                    _ = try body(.overlong(offset: 0))
                } else {
                    _ = try body(.line(line, offset: 0))
                }
                return
            }
            if skippingOverlong || held > maximumLineBytes + 1 {
                // Too long to be a line: drop what is held and look for the line's start.
                skippingOverlong = true
                held = 0
            }
            try readPreviousBlock()
        }
    }

    /// Prepends the block before `bufferStart` to the held bytes.
    private func readPreviousBlock() throws {
        let size = Int(min(Int64(blockSize), bufferStart))
        if held + size > buffer.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(held + size, buffer.count * 2),
                alignment: 16
            )
            grown.baseAddress!.advanced(by: size).copyMemory(from: buffer.baseAddress!, byteCount: held)
            buffer.deallocate()
            buffer = grown
        } else if held > 0 {
            memmove(buffer.baseAddress! + size, buffer.baseAddress!, held)
        }
        let offset = bufferStart - Int64(size)
        var filled = 0
        while filled < size {
            let count = pread(
                fileDescriptor,
                buffer.baseAddress! + filled,
                size - filled,
                off_t(offset + Int64(filled))
            )
            if count < 0 {
                if errno == EINTR { continue }
                throw RunraError(.io, "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                throw RunraError(
                    .io,
                    "cannot read \(name): it shrank while being read (truncated?); run the command again"
                )
            }
            filled += count
        }
        bufferStart = offset
        held += size
    }

    /// The index of the last `\n` in `bytes[0..<count]`.
    @inline(__always)
    private static func lastNewline(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
        var index = count - 1
        while index >= 0 {
            if bytes[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    /// `line` without a trailing `\r`.
    @inline(__always)
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = line.last, last == 0x0D { return UnsafeBufferPointer(rebasing: line.dropLast()) }
        return line
    }
}
