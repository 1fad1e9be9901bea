// The Thrift compact protocol, write side only, for Parquet's bare structs (no message envelope):
// https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
//
// A field header is one byte `delta << 4 | type` when the id is 1…15 above the previous field's id in the same
// struct, else the type byte then the id as a zigzag varint; the previous id restarts at 0 in every nested struct.
// Booleans live in the header's type nibble (1 true, 2 false). i16/i32/i64 are zigzag varints; binary is a
// plain varint length then the bytes; a list header is `size << 4 | element type` below 15 elements, else
// `0xF0 | element type` then a varint size. A struct ends with a 0 byte.

/// Writes Thrift compact-protocol structs into a byte buffer. Fields must be written in ascending id order.
struct ThriftCompactEncoder {
    /// Compact-protocol type ids, as field-header nibbles and list element types.
    enum FieldType: UInt8 {
        case booleanTrue = 1
        case booleanFalse = 2
        case i8 = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case structure = 12
    }

    let out: ByteBuffer
    private var lastFieldID: Int16 = 0
    private var enclosingFieldIDs: [Int16] = []

    /// An encoder appending to `out`, positioned at the start of a top-level struct.
    init(into out: ByteBuffer) {
        self.out = out
    }

    private static func zigzag(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        precondition(id > lastFieldID, "Thrift fields out of order: \(id) after \(lastFieldID)")
        let delta = id - lastFieldID
        if delta <= 15 {
            out.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            out.append(type.rawValue)
            out.appendVarint(Self.zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        out.appendVarint(Self.zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        out.appendVarint(Self.zigzag(value))
    }

    mutating func field(_ id: Int16, i16 value: Int16) {
        fieldHeader(id, .i16)
        out.appendVarint(Self.zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        appendBinary(value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    /// Opens a struct-typed field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Opens a struct that is an element of a list; close it with `endStruct()`.
    mutating func beginStructElement() {
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Writes the stop byte of the innermost open struct.
    mutating func endStruct() {
        out.append(0)
        lastFieldID = enclosingFieldIDs.popLast() ?? 0
    }

    /// A struct-typed field with no fields (the empty structs of unions such as `StringType`).
    mutating func emptyStruct(_ id: Int16) {
        beginStruct(id)
        endStruct()
    }

    /// Opens a list field of `count` elements of `elementType`; then write exactly `count` elements.
    mutating func beginList(_ id: Int16, of elementType: FieldType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            out.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            out.append(0xF0 | elementType.rawValue)
            out.appendVarint(UInt64(count))
        }
    }

    /// A list element of type i32 (enums are i32).
    mutating func element(i32 value: Int32) {
        out.appendVarint(Self.zigzag(Int64(value)))
    }

    /// A list element of type binary/string.
    mutating func element(string value: String) {
        appendBinary(Array(value.utf8))
    }

    private func appendBinary(_ value: [UInt8]) {
        out.appendVarint(UInt64(value.count))
        out.append(value)
    }
}
