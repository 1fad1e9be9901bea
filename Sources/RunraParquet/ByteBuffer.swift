/// A growable byte buffer on one heap allocation: appends are a bounds check and a memcpy, with no copy-on-write
/// or per-element checks. The unit every encoder writes into.
final class ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The bytes written so far; valid until the next append or `reset`.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the contents, keeping the allocation.
    func reset() { count = 0 }

    /// Forgets the contents and gives back an allocation grown past `keep` bytes (after a huge value).
    func reset(keepingCapacity keep: Int) {
        count = 0
        if capacity > keep {
            base.deallocate()
            capacity = keep
            base = UnsafeMutableRawPointer.allocate(byteCount: keep, alignment: 16)
        }
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends `n` bytes written by `body` into the space reserved for them; `body` returns how many it wrote.
    @inline(__always)
    func append(reserving n: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        reserve(n)
        let written = body(base + count)
        precondition(written >= 0 && written <= n, "ByteBuffer: wrote \(written) bytes into \(n)")
        count += written
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    func append(_ other: ByteBuffer) { append(other.bytes) }

    func append(_ array: [UInt8]) { array.withUnsafeBytes { append($0) } }

    /// Appends an integer in little-endian byte order.
    @inline(__always)
    func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        (base + count).storeBytes(of: value.littleEndian, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// Appends an unsigned LEB128 varint.
    @inline(__always)
    func appendVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            v >>= 7
        }
        base.storeBytes(of: UInt8(v), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Overwrites 4 bytes at `offset` with `value`, little-endian (for a length prefix written before its data).
    func setUInt32LittleEndian(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count)
        (base + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
    }
}
