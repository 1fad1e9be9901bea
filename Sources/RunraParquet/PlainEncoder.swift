// PLAIN encoding (Encodings.md, "Plain: (PLAIN = 0)"): fixed-width values little-endian, byte arrays as a 4-byte
// little-endian length then the bytes, booleans bit-packed least significant bit first.

extension ByteBuffer {
    /// A BYTE_ARRAY value: its length as u32 little-endian, then its bytes.
    @inline(__always)
    func appendPlainByteArray(_ value: UnsafeRawBufferPointer) {
        precondition(value.count <= Int(UInt32.max), "Parquet: a value of \(value.count) bytes exceeds 4 GiB")
        reserve(4 + value.count)
        appendLittleEndian(UInt32(value.count))
        append(value)
    }

    /// An INT64 value.
    @inline(__always)
    func appendPlain(_ value: Int64) { appendLittleEndian(value) }

    /// An INT32 value.
    @inline(__always)
    func appendPlain(_ value: Int32) { appendLittleEndian(value) }

    /// A DOUBLE value: IEEE 754 binary64, little-endian.
    @inline(__always)
    func appendPlain(_ value: Double) { appendLittleEndian(value.bitPattern) }
}

/// Packs booleans for PLAIN: eight to a byte, the first value in the least significant bit, the last byte padded
/// with zero bits.
struct PlainBooleanPacker {
    private var pending: UInt8 = 0
    private var pendingBits = 0

    @inline(__always)
    mutating func append(_ value: Bool, to buffer: ByteBuffer) {
        if value { pending |= 1 << UInt8(pendingBits) }
        pendingBits += 1
        if pendingBits == 8 {
            buffer.append(pending)
            pending = 0
            pendingBits = 0
        }
    }

    /// Writes the partly filled last byte, if any.
    mutating func finish(to buffer: ByteBuffer) {
        if pendingBits > 0 { buffer.append(pending) }
        pending = 0
        pendingBits = 0
    }

    /// Bytes `finish` would add.
    var pendingByteCount: Int { pendingBits > 0 ? 1 : 0 }
}
