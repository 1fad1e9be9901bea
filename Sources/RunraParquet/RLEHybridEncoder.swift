// The RLE/bit-packed hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)"):
//
//   encoded-data   := <run>*
//   bit-packed-run := varint(groups << 1 | 1), then groups * bitWidth bytes (8 values a group, LSB first)
//   rle-run        := varint(count << 1), then the value in ceil(bitWidth / 8) bytes little-endian
//
// Definition levels in a v1 data page carry a 4-byte little-endian length prefix; dictionary indices do not
// (they follow a one-byte bit width instead). Both are the callers' business.

/// Encodes a page's worth of small unsigned integers (definition levels, dictionary indices) as RLE/bit-packed
/// hybrid runs. Runs of 8 or more equal values become RLE runs; everything else is bit-packed in groups of 8.
enum RLEHybridEncoder {
    /// Bit-packed runs are cut at 63 groups (504 values), as parquet-cpp and parquet-java do, so every run header
    /// is one byte; readers accept any length, this only keeps the output ordinary.
    static let maxGroupsPerBitPackedRun = 63

    /// Appends the runs for `values` (each < 2^bitWidth) to `out`. The last group is padded with zeros; readers
    /// know the value count from the page header.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>,
        bitWidth: Int,
        to out: ByteBuffer
    ) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        let n = values.count
        var literalStart = 0
        var i = 0
        while i < n {
            let v = values[i]
            var j = i + 1
            while j < n && values[j] == v { j += 1 }
            if j - i >= 8 {
                // Values before an RLE run must fill whole groups of 8: lend the run the values it needs.
                let pending = i - literalStart
                let rleStart = pending % 8 == 0 ? i : i + (8 - pending % 8)
                if j - rleStart >= 8 {
                    bitPack(values, from: literalStart, to: rleStart, bitWidth: bitWidth, to: out)
                    appendRLERun(value: UInt64(v), count: j - rleStart, bitWidth: bitWidth, to: out)
                    literalStart = j
                }
            }
            i = j
        }
        bitPack(values, from: literalStart, to: n, bitWidth: bitWidth, to: out)
    }

    private static func appendRLERun(value: UInt64, count: Int, bitWidth: Int, to out: ByteBuffer) {
        out.appendVarint(UInt64(count) << 1)
        var v = value
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Bit-packs `values[start..<end]`, padding the last group of 8 with zeros.
    private static func bitPack<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>,
        from start: Int,
        to end: Int,
        bitWidth: Int,
        to out: ByteBuffer
    ) {
        var position = start
        while position < end {
            let groups = min((end - position + 7) / 8, maxGroupsPerBitPackedRun)
            let runEnd = min(position + groups * 8, end)
            out.appendVarint(UInt64(groups) << 1 | 1)
            if bitWidth == 0 {
                position = runEnd
                continue
            }
            out.append(reserving: groups * bitWidth) { pointer in
                var written = 0
                var accumulator: UInt64 = 0
                var bits = 0
                for index in position..<(position + groups * 8) {
                    let value = index < runEnd ? UInt64(values[index]) : 0
                    accumulator |= value << UInt64(bits)
                    bits += bitWidth
                    while bits >= 8 {
                        pointer.storeBytes(
                            of: UInt8(truncatingIfNeeded: accumulator),
                            toByteOffset: written,
                            as: UInt8.self
                        )
                        written += 1
                        accumulator >>= 8
                        bits -= 8
                    }
                }
                return written
            }
            position = runEnd
        }
    }

    /// The number of bits needed for values below `count` (at least 1): a dictionary's index width.
    static func bitWidth(forValuesBelow count: Int) -> Int {
        count <= 2 ? 1 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }
}
