/// A minimal protobuf wire-format writer for the OTLP messages (PROTOCOLS §2.4).
///
/// Nested messages are written in place: one byte is reserved for the length and the content is
/// shifted when the length needs more (only messages of 128 bytes or more, once per level).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    /// A varint field (enums, uint32, int64 as two's complement); `always` writes zero too (oneofs).
    mutating func varintField(_ field: Int, _ value: Int64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func boolField(_ field: Int, _ value: Bool) {
        tag(field, 0)
        bytes.append(value ? 1 : 0)
    }

    /// A fixed64 field (times); zero is not written.
    mutating func fixed64Field(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, 1)
        appendLittleEndian(value)
    }

    mutating func doubleField(_ field: Int, _ value: Double) {
        tag(field, 1)
        appendLittleEndian(value.bitPattern)
    }

    /// A bytes field; empty is not written unless `always`.
    mutating func bytesField(_ field: Int, _ value: [UInt8], always: Bool = false) {
        guard always || !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field; empty is not written unless `always`.
    mutating func stringField(_ field: Int, _ value: String, always: Bool = false) {
        guard always || !value.isEmpty else { return }
        tag(field, 2)
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A string or bytes field of raw UTF-8 (a string read in place from an event line); empty is not written
    /// unless `always`.
    mutating func stringField(_ field: Int, utf8: UnsafeBufferPointer<UInt8>, always: Bool = false) {
        guard always || !utf8.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// The tag and length of a length-delimited field whose `length` bytes the caller appends next.
    mutating func lengthDelimitedHeader(_ field: Int, length: Int) {
        tag(field, 2)
        varint(UInt64(length))
    }

    /// Appends bytes already encoded (fields of the message being written).
    mutating func append(encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// The number of bytes written so far.
    var count: Int { bytes.count }

    /// Drops what was written after the first `count` bytes (an abandoned attempt).
    mutating func truncate(to count: Int) { bytes.removeSubrange(count...) }

    /// The size of `value` as a varint.
    static func varintSize(_ value: Int) -> Int {
        var size = 1
        while value >> (7 * size) != 0 { size += 1 }
        return size
    }

    /// An embedded message written by `body`.
    mutating func messageField(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, 2)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
            return
        }
        // Make room for the longer length in place (no temporary array), then write it.
        let size = Self.varintSize(length)
        bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: lengthAt + 1)
        var value = length
        for index in lengthAt..<(lengthAt + size - 1) {
            bytes[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
        }
        bytes[lengthAt + size - 1] = UInt8(value)
    }

    private mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// Reads the few fields of the OTLP responses the exporter needs.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next field: number, wire type, varint value (wire type 0) or payload (wire type 2).
    mutating func next() -> (field: Int, varint: UInt64, payload: [UInt8])? {
        guard offset < bytes.count, let key = readVarint() else { return nil }
        let field = Int(key >> 3)
        switch key & 7 {
        case 0:
            guard let value = readVarint() else { return nil }
            return (field, value, [])
        case 1:
            guard offset + 8 <= bytes.count else { return nil }
            offset += 8
            return (field, 0, [])
        case 2:
            guard let length = readVarint(), length <= UInt64(bytes.count - offset) else { return nil }
            let payload = Array(bytes[offset..<(offset + Int(length))])
            offset += Int(length)
            return (field, 0, payload)
        case 5:
            guard offset + 4 <= bytes.count else { return nil }
            offset += 4
            return (field, 0, [])
        default:
            return nil
        }
    }

    private mutating func readVarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
