internal import CISAL

/// Reads one gzip member header (RFC 1952 §2.3) as its bytes arrive, with zlib's checks in zlib's order.
///
/// ``Inflater`` reads headers here rather than with ISA-L's `isal_read_gzip_header`, which waits for ten bytes
/// before looking at any and ignores the reserved flag bits: here, as with zlib, two bytes that are not the gzip
/// magic are corrupt data at once (not a truncation at the end of the input), reserved flags are an error, and
/// an `FHCRC` header checksum is verified.
struct GzipHeaderReader {
    private enum Field {
        case magic, methodAndFlags, timeAndSystem, extraLength, extra, name, comment, headerCRC, done
    }

    private var field = Field.magic
    /// The little-endian value of the fixed-size field being read, and how many of its bytes have arrived.
    private var value: UInt32 = 0
    private var valueBytes = 0
    private var flags: UInt8 = 0
    private var extraLeft = 0
    /// CRC-32 of the header bytes before `FHCRC`.
    private var crc: UInt32 = 0

    private static let flagExtra: UInt8 = 0x04
    private static let flagName: UInt8 = 0x08
    private static let flagComment: UInt8 = 0x10
    private static let flagHeaderCRC: UInt8 = 0x02
    private static let flagsReserved: UInt8 = 0xE0

    /// Whether the whole header has been read; the deflate data comes next.
    var isComplete: Bool { field == .done }

    /// Reads header bytes from the start of `input` and returns how many it used: all of them, or fewer
    /// when the header is complete. Throws `.corruptCompressedData` for a header zlib would reject.
    mutating func read(_ input: UnsafeRawBufferPointer) throws -> Int {
        var index = 0
        // Bytes 0..<index of this call still to be added to `crc` (every header byte before FHCRC).
        var crcPending = field != .headerCRC
        while index < input.count && field != .done {
            if field == .headerCRC && crcPending {
                addToCRC(UnsafeRawBufferPointer(rebasing: input[..<index]))
                crcPending = false
            }
            let byte = input[index]
            index += 1
            switch field {
            case .extra:
                extraLeft -= 1
                if extraLeft == 0 { skip(to: .name) }
            case .name:
                if byte == 0 { skip(to: .comment) }
            case .comment:
                if byte == 0 { skip(to: .headerCRC) }
            default:
                value |= UInt32(byte) << (8 * UInt32(valueBytes))
                valueBytes += 1
                if valueBytes == (field == .timeAndSystem ? 6 : 2) { try finishFixedField() }
            }
        }
        if crcPending { addToCRC(UnsafeRawBufferPointer(rebasing: input[..<index])) }
        return index
    }

    private mutating func addToCRC(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crc = crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Ends a fixed-size field (`value` holds it, little-endian): checks it and moves on.
    private mutating func finishFixedField() throws {
        let complete = value
        value = 0
        valueBytes = 0
        switch field {
        case .magic:
            guard complete == 0x8B1F else { throw Self.corrupt("incorrect header check") }
            field = .methodAndFlags
        case .methodAndFlags:
            guard complete & 0xFF == 8 else { throw Self.corrupt("unknown compression method") }
            flags = UInt8(complete >> 8)
            guard flags & Self.flagsReserved == 0 else { throw Self.corrupt("unknown header flags set") }
            field = .timeAndSystem
        case .timeAndSystem:
            skip(to: .extraLength)
        case .extraLength:
            extraLeft = Int(complete)
            if extraLeft == 0 { skip(to: .name) } else { field = .extra }
        case .headerCRC:
            guard complete == crc & 0xFFFF else { throw Self.corrupt("header crc mismatch") }
            field = .done
        default:
            break
        }
    }

    /// Moves to `candidate`, or past it to the first later field that the flags include.
    private mutating func skip(to candidate: Field) {
        var next = candidate
        while true {
            switch next {
            case .extraLength where flags & Self.flagExtra == 0: next = .name
            case .name where flags & Self.flagName == 0: next = .comment
            case .comment where flags & Self.flagComment == 0: next = .headerCRC
            case .headerCRC where flags & Self.flagHeaderCRC == 0: next = .done
            default:
                field = next
                return
            }
        }
    }

    private static func corrupt(_ detail: String) -> RunraError {
        RunraError(.corruptCompressedData, "corrupt gzip data (\(detail))")
    }
}
