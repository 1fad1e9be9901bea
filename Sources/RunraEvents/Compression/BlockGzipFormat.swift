/// The block-gzip layout that runra-events writes: plain multi-member gzip (RFC 1952) that any gzip tool reads
/// as one stream, with a small index in the members' headers.
///
/// - Each **data member** holds about ``targetMemberBytes`` of whole lines. Its header has one `FEXTRA` subfield,
///   `RE`, of 32 bytes (little-endian): the member's size in the file, the previous member's size, the
///   uncompressed size, the number of lines, and the earliest and latest event timestamp (nanoseconds since the
///   epoch). Knowing each member's size before decoding it lets readers hand members to several threads; the
///   previous size lets `tail` walk backwards; the time range lets `--since`/`--until` skip members.
/// - The file ends with an empty **trailer member** (no data; 50 bytes) whose `RT` subfield holds the offset of the
///   last data member, the number of data members and the number of lines (so that `tail` can number lines while
///   reading backwards).
///
/// A data member whose lines are not all events with a timestamp gets the widest time range, so that it is never
/// skipped (its bad lines are reported as in any other file). A member too large for 32-bit fields is written
/// without the subfield; readers then read on from it as from any gzip stream.
enum BlockGzip {
    /// Uncompressed bytes per data member (a member ends at the first line end at or after this).
    static let targetMemberBytes = 1 << 20

    /// What a data member's `RE` subfield says.
    struct Member: Equatable {
        /// The member's size in the file: header, deflate data and trailer.
        var size: Int
        /// The previous data member's size (0 for the first).
        var previousSize: Int
        var uncompressedSize: Int
        /// Lines in the member (each ends in a newline, except possibly the last member's last line).
        var lineCount: Int
        /// The earliest and latest event timestamp in the member; `Int64.min ... Int64.max` when not every line is an
        /// event with a timestamp.
        var earliest: Int64
        var latest: Int64

        /// The time range of a member that must never be skipped.
        static let unbounded: (earliest: Int64, latest: Int64) = (.min, .max)
    }

    /// Bytes of a data member's header: the fixed 10, `XLEN`, and the subfield (4 + 32).
    static let memberHeaderSize = 48
    /// Bytes of the trailer member.
    static let trailerSize = 50

    private static let memberPayloadSize: UInt16 = 32
    private static let trailerPayloadSize: UInt16 = 24
    private static let subfieldMember: (UInt8, UInt8) = (UInt8(ascii: "R"), UInt8(ascii: "E"))
    private static let subfieldTrailer: (UInt8, UInt8) = (UInt8(ascii: "R"), UInt8(ascii: "T"))

    /// A data member's header for `member`, or `nil` when its sizes do not fit the 32-bit fields.
    static func memberHeader(_ member: Member) -> [UInt8]? {
        guard let size = UInt32(exactly: member.size), let previous = UInt32(exactly: member.previousSize),
            let uncompressed = UInt32(exactly: member.uncompressedSize), let lines = UInt32(exactly: member.lineCount)
        else { return nil }
        var bytes = fixedHeader(
            extraLength: 4 + memberPayloadSize,
            subfield: subfieldMember,
            payloadSize: memberPayloadSize
        )
        for value in [size, previous, uncompressed, lines] { appendLittleEndian(value, to: &bytes) }
        appendLittleEndian(UInt64(bitPattern: member.earliest), to: &bytes)
        appendLittleEndian(UInt64(bitPattern: member.latest), to: &bytes)
        return bytes
    }

    /// The `RE` subfield of the data member header at the start of `bytes` (at least ``memberHeaderSize`` bytes),
    /// or `nil` when the bytes are not such a header.
    static func parseMemberHeader(_ bytes: UnsafeRawBufferPointer) -> Member? {
        guard bytes.count >= memberHeaderSize,
            hasFixedHeader(
                bytes,
                extraLength: 4 + memberPayloadSize,
                subfield: subfieldMember,
                payloadSize: memberPayloadSize
            )
        else { return nil }
        let member = Member(
            size: Int(bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self).littleEndian),
            previousSize: Int(bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self).littleEndian),
            uncompressedSize: Int(bytes.loadUnaligned(fromByteOffset: 24, as: UInt32.self).littleEndian),
            lineCount: Int(bytes.loadUnaligned(fromByteOffset: 28, as: UInt32.self).littleEndian),
            earliest: Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian),
            latest: Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self).littleEndian)
        )
        // A member is at least its header, an empty deflate block and the 8-byte trailer.
        guard member.size >= memberHeaderSize + 10 else { return nil }
        return member
    }

    /// The trailer member: an empty gzip member whose `RT` subfield points at the last data member.
    static func trailer(_ trailer: Trailer) -> [UInt8] {
        var bytes = fixedHeader(
            extraLength: 4 + trailerPayloadSize,
            subfield: subfieldTrailer,
            payloadSize: trailerPayloadSize
        )
        appendLittleEndian(UInt64(trailer.lastMemberOffset), to: &bytes)
        appendLittleEndian(UInt64(trailer.memberCount), to: &bytes)
        appendLittleEndian(UInt64(trailer.lineCount), to: &bytes)
        // An empty final fixed-Huffman deflate block, then CRC-32 and length, both 0.
        bytes += [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
        return bytes
    }

    /// What the trailer member says.
    struct Trailer: Equatable {
        /// Where the last data member starts.
        var lastMemberOffset: Int64
        var memberCount: Int
        /// Lines in all data members.
        var lineCount: Int
    }

    /// The trailer in the ``trailerSize`` bytes at the end of a file; `nil` when they are not one.
    static func parseTrailer(_ bytes: UnsafeRawBufferPointer) -> Trailer? {
        guard bytes.count == trailerSize,
            hasFixedHeader(
                bytes,
                extraLength: 4 + trailerPayloadSize,
                subfield: subfieldTrailer,
                payloadSize: trailerPayloadSize
            ),
            bytes[40] == 0x03, bytes[41...].allSatisfy({ $0 == 0 })
        else { return nil }
        let offset = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
        let count = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian
        let lines = bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian
        guard offset <= UInt64(Int64.max), count <= UInt64(Int.max), lines <= UInt64(Int.max) else { return nil }
        return Trailer(lastMemberOffset: Int64(offset), memberCount: Int(count), lineCount: Int(lines))
    }

    /// gzip's fixed header with only `FEXTRA` set, `XLEN`, and one subfield's id and length.
    private static func fixedHeader(extraLength: UInt16, subfield: (UInt8, UInt8), payloadSize: UInt16) -> [UInt8] {
        // Magic, deflate, FEXTRA; no modification time; no extra flags; OS 255 (unknown), as for a stream.
        var bytes: [UInt8] = [0x1F, 0x8B, 0x08, 0x04, 0, 0, 0, 0, 0, 0xFF]
        appendLittleEndian(extraLength, to: &bytes)
        bytes += [subfield.0, subfield.1]
        appendLittleEndian(payloadSize, to: &bytes)
        return bytes
    }

    private static func hasFixedHeader(
        _ bytes: UnsafeRawBufferPointer,
        extraLength: UInt16,
        subfield: (UInt8, UInt8),
        payloadSize: UInt16
    ) -> Bool {
        bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[2] == 0x08 && bytes[3] == 0x04
            && bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self).littleEndian == extraLength
            && bytes[12] == subfield.0 && bytes[13] == subfield.1
            && bytes.loadUnaligned(fromByteOffset: 14, as: UInt16.self).littleEndian == payloadSize
    }

    private static func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
