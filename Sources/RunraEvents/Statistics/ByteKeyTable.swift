#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash table from byte strings to values, for grouping on the hot path.
///
/// Keys are copied into one arena, so looking up an existing key allocates nothing.
struct ByteKeyTable<Value> {
    private var arena: [UInt8] = []
    /// Where each key starts in `arena`; a key ends where the next one starts (the last at the arena's end).
    private var keyStarts: [UInt32] = []
    private(set) var hashes: [UInt64] = []
    /// The values, in insertion order; `values[i]` belongs to `key(at: i)`.
    var values: [Value] = []
    /// Entry index + 1 per slot (0 is empty); the count is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 16)

    var count: Int { values.count }

    /// The hash of `key` (64-bit multiply-mix over 8-byte words).
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var position = 0
        while position + 8 <= key.count {
            hash = (hash ^ key.loadUnaligned(fromByteOffset: position, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            position += 8
        }
        if position < key.count {
            var tail: UInt64 = 0
            if key.count >= 8 {
                // The last 8 bytes, overlapping the words already mixed in.
                tail = key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self)
            } else {
                for offset in 0..<key.count { tail |= UInt64(key[offset]) << (8 * UInt64(offset)) }
            }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 29
        }
        return hash
    }

    /// The index of `key`'s entry, inserting one with `makeValue()` when there is none.
    @inline(__always)
    mutating func index(of key: UnsafeRawBufferPointer, hash: UInt64, makeValue: () -> Value) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let index = entry - 1
            if hashes[index] == hash && keyLength(index) == key.count
                && (key.isEmpty
                    || arena.withUnsafeBytes {
                        memcmp($0.baseAddress! + Int(keyStarts[index]), key.baseAddress!, key.count) == 0
                    })
            {
                return index
            }
            slot = (slot + 1) & mask
        }
        let index = values.count
        precondition(arena.count + key.count <= Int(UInt32.max), "more than 4 GiB of group keys")
        keyStarts.append(UInt32(arena.count))
        arena.append(contentsOf: key)
        hashes.append(hash)
        values.append(makeValue())
        slots[slot] = Int32(index + 1)
        if values.count * 2 > slots.count { grow() }
        return index
    }

    @inline(__always)
    private func keyLength(_ index: Int) -> Int {
        (index + 1 < keyStarts.count ? Int(keyStarts[index + 1]) : arena.count) - Int(keyStarts[index])
    }

    /// The key of entry `index`.
    func withKey<Result>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let start = Int(keyStarts[index])
        let end = start + keyLength(index)
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Hands over the keys (one arena, each key's start; a key ends where the next begins) and the
    /// values, leaving the table empty.
    mutating func takeContents() -> (arena: [UInt8], keyStarts: [UInt32], values: [Value]) {
        defer { self = ByteKeyTable() }
        let contents = (arena, keyStarts, values)
        arena = []
        keyStarts = []
        values = []
        return contents
    }

    private mutating func grow() {
        var grown = [Int32](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        for index in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(index + 1)
        }
        slots = grown
    }
}
