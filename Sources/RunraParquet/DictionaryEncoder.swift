#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

// Dictionary encoding (Encodings.md, "Dictionary Encoding (PLAIN_DICTIONARY = 2 and RLE_DICTIONARY = 8)"):
// the distinct values of a column chunk go PLAIN into one dictionary page at the chunk's start; data pages hold
// indices into it (RLE_DICTIONARY). When the dictionary grows too big the chunk falls back to PLAIN pages.

/// The dictionary of one column chunk: distinct values (as their PLAIN bytes, ready to be the dictionary page)
/// and an open-addressing hash table from value bytes to index. Lookups copy nothing.
///
/// A struct, kept inside its `ColumnChunkWriter` and mutated in place: lookups (one per value) pay no reference
/// counting and no run-time exclusivity checks (ColumnChunkWriters.swift).
struct DictionaryEncoder {
    /// A dictionary page larger than this is not built: the chunk falls back to PLAIN (parquet-cpp's default).
    static let maxPageBytes = 1 << 20
    /// Nor more entries than this.
    static let maxEntries = 1 << 16

    /// BYTE_ARRAY values carry a 4-byte length in PLAIN; fixed-width ones do not.
    let lengthPrefixed: Bool
    /// The dictionary page's body: every distinct value, PLAIN-encoded, in index order.
    let plain = ByteBuffer(capacity: 1 << 12)
    /// Entry i: where its value bytes start in `plain` (after any length prefix), their length, their hash.
    private var entries: [Entry] = []
    /// Hash table of entry index + 1 (0 = empty); its size is a power of two kept at most half full.
    private var slots: [Int32]

    private struct Entry {
        var offset: Int
        var length: Int
        var hash: UInt64
    }

    init(lengthPrefixed: Bool) {
        self.lengthPrefixed = lengthPrefixed
        slots = Array(repeating: 0, count: 1024)
    }

    var count: Int { entries.count }

    /// Forgets every entry (for the next column chunk).
    mutating func reset() {
        plain.reset(keepingCapacity: 1 << 21)
        entries.removeAll(keepingCapacity: true)
        if slots.count > 1 << 17 {
            slots = Array(repeating: 0, count: 1024)
        } else {
            for i in slots.indices { slots[i] = 0 }
        }
    }

    /// The result of looking a value up.
    enum Lookup {
        case existing(UInt32)
        case added(UInt32)
        /// Adding the value would pass `maxPageBytes` or `maxEntries`: fall back to PLAIN.
        case full
    }

    /// The index of `value`, adding it when new and there is room.
    @inline(__always)
    mutating func index(of value: UnsafeRawBufferPointer) -> Lookup {
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let i = entry - 1
            if matches(entries[i], value, hash) { return .existing(UInt32(i)) }
            slot = (slot + 1) & mask
        }
        return add(value, hash: hash, slot: slot)
    }

    /// Whether `entry` holds `value` (whose hash is `hash`).
    @inline(__always)
    private func matches(_ entry: Entry, _ value: UnsafeRawBufferPointer, _ hash: UInt64) -> Bool {
        entry.hash == hash && entry.length == value.count
            && (value.count == 0 || memcmp(plain.base + entry.offset, value.baseAddress!, value.count) == 0)
    }

    /// Adds `value` as the next entry, in the empty `slot` its probe ended at, unless the dictionary is full.
    @inline(__always)
    private mutating func add(_ value: UnsafeRawBufferPointer, hash: UInt64, slot: Int) -> Lookup {
        let added = (lengthPrefixed ? 4 : 0) + value.count
        if count >= Self.maxEntries || (count > 0 && plain.count + added > Self.maxPageBytes) { return .full }
        let index = count
        if lengthPrefixed { plain.appendLittleEndian(UInt32(value.count)) }
        entries.append(Entry(offset: plain.count, length: value.count, hash: hash))
        plain.append(value)
        slots[slot] = Int32(index + 1)
        if count * 2 > slots.count { rehash() }
        return .added(UInt32(index))
    }

    private mutating func rehash() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for i in 0..<count {
            var slot = Int(truncatingIfNeeded: entries[i].hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i + 1)
        }
    }

    /// A fast 64-bit hash over whole words (multiply-xorshift); quality enough for a linear-probing table.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let n = bytes.count
        var i = 0
        guard let base = bytes.baseAddress else { return mix(h) }
        while i + 8 <= n {
            h = mix(h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = mix(h ^ tail)
        }
        return mix(h)
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }
}
