/// The bytes of an incomplete line that the pipeline's reader carries from one chunk into the next.
struct CarryBuffer: ~Copyable {
    private var storage: UnsafeMutableRawBufferPointer
    /// How many bytes are carried.
    private(set) var count = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// Carries a copy of `byteCount` bytes at `bytes` instead of what was carried; when they do not fit, the
    /// storage grows to twice their size.
    mutating func hold(_ bytes: UnsafeRawPointer, byteCount: Int) {
        if storage.count < byteCount {
            storage.deallocate()
            storage = .allocate(byteCount: byteCount * 2, alignment: 64)
        }
        storage.baseAddress!.copyMemory(from: bytes, byteCount: byteCount)
        count = byteCount
    }

    /// Copies the carried bytes to the start of `buffer` (which has room for them), carries nothing any more,
    /// and returns how many bytes were copied.
    mutating func move(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let moved = count
        if moved > 0 { buffer.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: moved) }
        count = 0
        return moved
    }
}
