#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

// Column chunk statistics (parquet.thrift `Statistics`, and `ColumnOrder` for the orders): null_count always;
// min_value/max_value in the type-defined order (TYPE_ORDER): signed for INT32/INT64/TIMESTAMP, false < true for
// BOOLEAN, unsigned byte-wise for BYTE_ARRAY, numeric for DOUBLE with NaN excluded (nan_count written), a zero
// minimum written as -0.0 and a zero maximum as +0.0.

/// Running statistics of one column over a chunk, or merged over a file.
struct ColumnStatistics {
    /// Byte-array values longer than this make the chunk keep no min/max (rather than truncated bounds).
    static let maxByteArrayBoundLength = 1024

    let kind: ParquetColumn.Kind
    var nullCount = 0
    var nanCount = 0
    /// True once some value counted towards min/max.
    private(set) var hasBounds = false
    /// True when min/max are given up for this chunk (a json column, or an overlong byte array).
    private(set) var boundsOmitted: Bool
    private var minInteger: Int64 = 0
    private var maxInteger: Int64 = 0
    private var minDouble: Double = 0
    private var maxDouble: Double = 0
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []

    init(kind: ParquetColumn.Kind) {
        self.kind = kind
        boundsOmitted = kind == .json
    }

    @inline(__always)
    mutating func add(_ value: Int64) {
        if !hasBounds {
            minInteger = value
            maxInteger = value
            hasBounds = true
        } else if value < minInteger {
            minInteger = value
        } else if value > maxInteger {
            maxInteger = value
        }
    }

    @inline(__always)
    mutating func add(_ value: Double) {
        if value.isNaN {
            nanCount += 1
            return
        }
        if !hasBounds {
            minDouble = value
            maxDouble = value
            hasBounds = true
        } else if value < minDouble {
            minDouble = value
        } else if value > maxDouble {
            maxDouble = value
        }
    }

    @inline(__always)
    mutating func add(_ value: Bool) { add(value ? Int64(1) : 0) }

    @inline(__always)
    mutating func add(_ value: UnsafeRawBufferPointer) {
        if boundsOmitted { return }
        if value.count > Self.maxByteArrayBoundLength {
            boundsOmitted = true
            hasBounds = false
            minBytes = []
            maxBytes = []
            return
        }
        if !hasBounds {
            minBytes = Array(value)
            maxBytes = minBytes
            hasBounds = true
        } else if Self.compare(value, minBytes) < 0 {
            minBytes = Array(value)
        } else if Self.compare(value, maxBytes) > 0 {
            maxBytes = Array(value)
        }
    }

    /// Unsigned byte-wise comparison; a prefix sorts first.
    @inline(__always)
    private static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { b in
            let common = min(a.count, b.count)
            if common > 0 {
                let c = memcmp(a.baseAddress!, b.baseAddress!, common)
                if c != 0 { return Int(c) }
            }
            return a.count - b.count
        }
    }

    /// Folds another chunk's statistics of the same column into these (for the file summary).
    mutating func merge(_ other: ColumnStatistics) {
        nullCount += other.nullCount
        nanCount += other.nanCount
        if other.boundsOmitted {
            boundsOmitted = true
            hasBounds = false
        }
        guard other.hasBounds, !boundsOmitted else { return }
        switch kind.physicalType {
        case .byteArray:
            other.minBytes.withUnsafeBytes { add($0) }
            other.maxBytes.withUnsafeBytes { add($0) }
        case .double:
            add(other.minDouble)
            add(other.maxDouble)
        case .int64, .int32, .boolean:
            add(other.minInteger)
            add(other.maxInteger)
        }
    }

    /// The bounds as ParquetStatistic values, or nil when there are none.
    var bounds: (min: ParquetStatistic, max: ParquetStatistic)? {
        guard hasBounds, !boundsOmitted else { return nil }
        switch kind {
        case .string, .json: return (.bytes(minBytes), .bytes(maxBytes))
        case .int64: return (.int64(minInteger), .int64(maxInteger))
        case .timestampMicros: return (.timestampMicros(minInteger), .timestampMicros(maxInteger))
        case .int32: return (.int32(Int32(minInteger)), .int32(Int32(maxInteger)))
        case .boolean: return (.bool(minInteger != 0), .bool(maxInteger != 0))
        case .double:
            return (.double(minDouble == 0 ? -0.0 : minDouble), .double(maxDouble == 0 ? 0.0 : maxDouble))
        }
    }

    /// The footer's `Statistics` for these values.
    var metadata: StatisticsMetadata {
        var result = StatisticsMetadata(
            nullCount: Int64(nullCount),
            nanCount: kind.physicalType == .double ? Int64(nanCount) : nil
        )
        if let (min, max) = bounds {
            result.minValue = Self.plain(min)
            result.maxValue = Self.plain(max)
        }
        return result
    }

    /// PLAIN encoding of a bound (byte arrays without their length prefix; a boolean as one byte).
    private static func plain(_ value: ParquetStatistic) -> [UInt8] {
        switch value {
        case .bytes(let bytes): bytes
        case .int64(let v), .timestampMicros(let v): withUnsafeBytes(of: v.littleEndian) { Array($0) }
        case .int32(let v): withUnsafeBytes(of: v.littleEndian) { Array($0) }
        case .double(let v): withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
        case .bool(let v): [v ? 1 : 0]
        }
    }
}
