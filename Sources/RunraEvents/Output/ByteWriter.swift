#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer of bytes to a file descriptor, for the hot output path.
///
/// Not thread-safe: one owner writes. Call ``flush()`` before the descriptor is closed.
public final class ByteWriter {
    /// Thrown when the reader of a pipe went away (`EPIPE`), so callers can stop quietly.
    public struct BrokenPipe: Error {}

    private let fileDescriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var count = 0
    private let name: String

    /// A writer to `fileDescriptor` that flushes every `capacity` bytes.
    public init(fileDescriptor: Int32, name: String = "standard output", capacity: Int = 256 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Appends `bytes`, flushing first when the buffer would overflow.
    @inlinable
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try _write(bytes)
    }

    @usableFromInline
    func _write(_ bytes: UnsafeRawBufferPointer) throws {
        if count + bytes.count > buffer.count {
            try flush()
            if bytes.count > buffer.count {
                try writeAll(bytes)
                return
            }
        }
        if bytes.count > 0 {
            (buffer.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            count += bytes.count
        }
    }

    /// Appends one byte.
    public func write(byte: UInt8) throws {
        if count == buffer.count { try flush() }
        buffer[count] = byte
        count += 1
    }

    /// Appends the UTF-8 bytes of `string`.
    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try _write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try _write($0) }
    }

    /// Writes out everything buffered.
    public func flush() throws {
        guard count > 0 else { return }
        let pending = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        count = 0
        try writeAll(pending)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw BrokenPipe() }
                throw RunraError(.io, "cannot write to \(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
