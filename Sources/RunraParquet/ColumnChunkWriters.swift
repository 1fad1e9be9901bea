/// The column chunk writers of one file, one per schema column in schema order, in a single allocation whose
/// elements are mutated in place.
///
/// Why not `[ColumnChunkWriter]` of class instances: every value of every row goes to one column, and as objects
/// each call retained and released the column and paid a run-time exclusivity check (`swift_beginAccess`) for the
/// stored `var`s it touched — about a quarter of the writer's time. Structs in raw memory cost neither: the
/// subscript hands out the element's address, ARC has nothing to count, and accesses through an unsafe pointer
/// are not checked at run time.
///
/// The unchecked accesses are safe because no two of them overlap: a `ParquetWriter` (the only owner) is used
/// from one thread at a time, and every mutating call on an element returns before the next begins (the column
/// code calls no closures of its callers and never re-enters the writer). The caller keeps indices in bounds.
struct ColumnChunkWriters: ~Copyable {
    /// Owned: initialized in `init`, deinitialized and freed in `deinit`.
    private let storage: UnsafeMutableBufferPointer<ColumnChunkWriter>

    /// `count` writers, the writer of column i made by `make(i)`.
    init(count: Int, _ make: (Int) -> ColumnChunkWriter) {
        storage = .allocate(capacity: count)
        for index in 0..<count { (storage.baseAddress.unsafelyUnwrapped + index).initialize(to: make(index)) }
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    /// The number of columns.
    var count: Int { storage.count }

    /// `0..<count`.
    var indices: Range<Int> { 0..<storage.count }

    /// The writer of column `index` (`0 <= index < count`, which callers check), read and mutated in place.
    subscript(index: Int) -> ColumnChunkWriter {
        @inline(__always)
        unsafeAddress { UnsafePointer(storage.baseAddress.unsafelyUnwrapped + index) }
        @inline(__always)
        nonmutating unsafeMutableAddress { storage.baseAddress.unsafelyUnwrapped + index }
    }
}
