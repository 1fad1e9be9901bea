/// A minimal protobuf wire-format writer for the OTLP messages (PROTOCOLS §2.4).
///
/// Nested messages are written in place: one byte is reserved for the length and the content is
/// shifted when the length needs more (only messages of 128 bytes or more, once per level).
///
/// The bytes live in a buffer of its own (copied on write, like an array's) that each write fills
/// through a pointer: an exporter writes a few dozen fields per event, most of them a few bytes long.
struct ProtobufWriter {
    private var storage: Storage

    init(capacity: Int = 0) { storage = Storage(capacity: max(capacity, 64)) }

    /// What was written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    /// The number of bytes written so far.
    var count: Int { storage.count }

    /// Room for `extra` more bytes; the pointer to write them at (then add them to `storage.count`).
    @inline(__always)
    private mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(capacity: max(storage.capacity, storage.count + extra))
        } else if storage.capacity - storage.count < extra {
            storage.grow(toAtLeast: storage.count + extra)
        }
        return storage.base + storage.count
    }

    @inline(__always)
    private mutating func append(_ source: UnsafePointer<UInt8>?, count: Int) {
        guard count > 0, let source else { return }
        reserve(count).update(from: source, count: count)
        storage.count += count
    }

    mutating func varint(_ value: UInt64) {
        let out = reserve(10)
        var value = value
        var written = 0
        while value >= 0x80 {
            out[written] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            written += 1
        }
        out[written] = UInt8(value)
        storage.count += written + 1
    }

    @inline(__always)
    mutating func tag(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    /// A varint field (enums, uint32, int64 as two's complement); `always` writes zero too (oneofs).
    mutating func varintField(_ field: Int, _ value: Int64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func boolField(_ field: Int, _ value: Bool) {
        tag(field, 0)
        reserve(1).pointee = value ? 1 : 0
        storage.count += 1
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
        value.withUnsafeBufferPointer { append($0.baseAddress, count: $0.count) }
    }

    /// A string field; empty is not written unless `always`.
    mutating func stringField(_ field: Int, _ value: String, always: Bool = false) {
        guard always || !value.isEmpty else { return }
        var value = value
        value.withUTF8 { stringField(field, utf8: $0, always: true) }
    }

    /// A string or bytes field of raw UTF-8 (a string read in place from an event line); empty is not written
    /// unless `always`.
    mutating func stringField(_ field: Int, utf8: UnsafeBufferPointer<UInt8>, always: Bool = false) {
        guard always || !utf8.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(utf8.count))
        append(utf8.baseAddress, count: utf8.count)
    }

    /// The tag and length of a length-delimited field whose `length` bytes the caller appends next.
    mutating func lengthDelimitedHeader(_ field: Int, length: Int) {
        tag(field, 2)
        varint(UInt64(length))
    }

    /// Appends bytes already encoded (fields of the message being written).
    mutating func append(encoded: ProtobufWriter) {
        append(encoded.storage.base, count: encoded.count)
    }

    /// Drops what was written after the first `count` bytes (an abandoned attempt).
    mutating func truncate(to count: Int) {
        _ = reserve(0)
        storage.count = min(count, storage.count)
    }

    /// The size of `value` as a varint.
    static func varintSize(_ value: Int) -> Int {
        var size = 1
        while value >> (7 * size) != 0 { size += 1 }
        return size
    }

    /// An embedded message written by `body`.
    mutating func messageField(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, 2)
        let lengthAt = storage.count
        _ = reserve(1)
        storage.count += 1
        body(&self)
        let length = storage.count - lengthAt - 1
        if length < 0x80 {
            storage.base[lengthAt] = UInt8(length)
            return
        }
        // Make room for the longer length in place, then write it.
        let size = Self.varintSize(length)
        _ = reserve(size - 1)
        let base = storage.base
        (base + lengthAt + size).update(from: base + lengthAt + 1, count: length)  // overlapping: memmove
        var value = length
        for index in lengthAt..<(lengthAt + size - 1) {
            base[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
        }
        base[lengthAt + size - 1] = UInt8(value)
        storage.count += size - 1
    }

    private mutating func appendLittleEndian(_ value: UInt64) {
        let out = reserve(8)
        UnsafeMutableRawPointer(out).storeBytes(of: value.littleEndian, as: UInt64.self)
        storage.count += 8
    }

    /// The buffer: `count` bytes written at `base`, room for `capacity`.
    private final class Storage {
        private(set) var base: UnsafeMutablePointer<UInt8>
        private(set) var capacity: Int
        var count = 0

        init(capacity: Int) {
            base = .allocate(capacity: capacity)
            self.capacity = capacity
        }

        deinit { base.deallocate() }

        func copy(capacity: Int) -> Storage {
            let copy = Storage(capacity: capacity)
            copy.base.update(from: base, count: count)
            copy.count = count
            return copy
        }

        func grow(toAtLeast needed: Int) {
            var newCapacity = max(capacity * 2, 64)
            while newCapacity < needed { newCapacity *= 2 }
            let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBase.update(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }
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
