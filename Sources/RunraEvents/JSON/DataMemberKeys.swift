/// Keys of `data` whose values ``JSONScanner`` records while it validates a line, so that a path such as
/// `data.exitCode` needs no second walk over `data` (`--where`, `--fields` and `--min-level`; `stats` only for its
/// selection).
///
/// At most ``capacity`` keys; paths through other keys are found by walking `data` as before. Immutable once made,
/// and shared by the scanning threads.
final class DataMemberKeys: @unchecked Sendable {
    /// How many keys one line can record.
    static let capacity = 4

    /// The keys, in the order of their spans in ``DataMemberRecord/spans``.
    let names: [String]
    /// The keys' UTF-8, one after another; key `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private let bytes: UnsafeMutablePointer<UInt8>
    private let starts: UnsafeMutablePointer<Int>

    /// The first ``capacity`` distinct keys of `names`; nil when there are none.
    init?<Names: Sequence<String>>(_ names: Names) {
        var distinct: [String] = []
        for name in names where !distinct.contains(name) && distinct.count < Self.capacity { distinct.append(name) }
        guard !distinct.isEmpty else { return nil }
        self.names = distinct
        let utf8 = distinct.flatMap { Array($0.utf8) }
        bytes = .allocate(capacity: max(utf8.count, 1))
        bytes.initialize(from: utf8, count: utf8.count)
        starts = .allocate(capacity: distinct.count + 1)
        var offset = 0
        for (index, name) in distinct.enumerated() {
            starts[index] = offset
            offset += name.utf8.count
        }
        starts[distinct.count] = offset
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }

    /// Where a scan records these keys: into `record`, which the caller owns.
    func recording(into record: UnsafeMutablePointer<DataMemberRecord>) -> RecordedDataMembers {
        RecordedDataMembers(bytes: bytes, starts: starts, count: names.count, record: record)
    }
}

/// Where the scan of one line found the members of `data` named by a ``DataMemberKeys``.
struct DataMemberRecord {
    /// The members' spans, in the keys' order.
    var spans = DataMemberSpans()
    /// Where the object they are members of starts: the line's `data` unless `data` is repeated (the last one is the
    /// line's) or not an object. -1 when no object was recorded.
    var object = -1
}

/// The keys a scan records and where it records them: the scanning thread's ``DataMemberRecord``, which the line's
/// ``EventLine`` reads while the line is processed. Made by ``DataMemberKeys/recording(into:)``; it points into the
/// keys, which the processor that asked for them keeps for as long as the pipeline runs.
struct RecordedDataMembers {
    private let bytes: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    private let count: Int
    /// Bit `n` (n < 63) is set when a key is n bytes long; bit 63 stands for every longer length.
    private let lengths: UInt64
    let record: UnsafeMutablePointer<DataMemberRecord>

    fileprivate init(
        bytes: UnsafePointer<UInt8>,
        starts: UnsafePointer<Int>,
        count: Int,
        record: UnsafeMutablePointer<DataMemberRecord>
    ) {
        self.bytes = bytes
        self.starts = starts
        self.count = count
        self.record = record
        lengths = (0..<count).reduce(0) { $0 | Self.lengthBit(starts[$1 + 1] - starts[$1]) }
    }

    @inline(__always)
    private static func lengthBit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

    /// The index of the key written as `raw` (between its quotes) in a line, or -1.
    @inline(__always)
    func index(ofKey raw: UnsafeBufferPointer<UInt8>, escaped: Bool) -> Int {
        // Most keys differ in length from every wanted one, and are told apart here, without a call.
        guard escaped || lengths & Self.lengthBit(raw.count) != 0 else { return -1 }
        return index(ofSameLengthOrEscapedKey: raw, escaped: escaped)
    }

    /// Not inlined: the scanner calls it only inside `data`, and inlined it would grow the scanner's loop.
    @inline(never)
    private func index(ofSameLengthOrEscapedKey raw: UnsafeBufferPointer<UInt8>, escaped: Bool) -> Int {
        if escaped {
            // Rare: only the decoded key counts (`"exit\u0043ode"` is exitCode; `"a\nb"` is not a, backslash, n, b).
            var decoded = JSONDecoding.string(fromQuotedContent: raw)
            return decoded.withUTF8 { self.index(of: $0) }
        }
        return index(of: raw)
    }

    @inline(__always)
    private func index(of key: UnsafeBufferPointer<UInt8>) -> Int {
        for index in 0..<count {
            let start = starts[index]
            if starts[index + 1] - start == key.count
                && (key.isEmpty || memcmp(bytes + start, key.baseAddress!, key.count) == 0)
            {
                return index
            }
        }
        return -1
    }

    /// `data[name]` as the scan recorded it for the line whose `data` starts at `dataStart`: `.some(nil)` when that
    /// object has no such member, nil when the scan did not record it (then `data` has to be walked).
    @inline(__always)
    func span(named name: String, dataStart: Int) -> Span?? {
        guard record.pointee.object >= 0, record.pointee.object == dataStart else { return nil }
        var name = name
        let found = name.withUTF8 { self.index(of: $0) }
        guard found >= 0 else { return nil }
        let span = record.pointee.spans[found]
        return .some(span.isPresent ? span : nil)
    }
}

/// The spans of the members named by a ``DataMemberKeys``, in its order.
struct DataMemberSpans {
    private var first = Span.missing
    private var second = Span.missing
    private var third = Span.missing
    private var fourth = Span.missing

    subscript(index: Int) -> Span {
        get {
            switch index {
            case 0: return first
            case 1: return second
            case 2: return third
            default: return fourth
            }
        }
        set {
            switch index {
            case 0: first = newValue
            case 1: second = newValue
            case 2: third = newValue
            default: fourth = newValue
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
