import Foundation
import RunraParquet
import Testing

/// Random schemas, rows and options, each file read back by the independent readers. A failure names its seed;
/// rerun one with RUNRA_PARQUET_FUZZ_SEED=<seed> (and more with RUNRA_PARQUET_FUZZ_SEEDS=<count>).
@Suite(.timeLimit(.minutes(5))) struct ParquetFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds: [UInt64] = {
        if let one = environment["RUNRA_PARQUET_FUZZ_SEED"].flatMap(UInt64.init) { return [one] }
        let count = environment["RUNRA_PARQUET_FUZZ_SEEDS"].flatMap(Int.init) ?? 150
        return (1...UInt64(count)).map { $0 }
    }()

    @Test func randomFilesReadBack() throws {
        let directory = try TemporaryDirectory()
        var paths: [String] = []
        for seed in Self.seeds {
            var random = SplitMix64(seed: seed)
            let (schema, options, rows) = Self.randomCase(&random)
            let (path, summary) = try writeCase(
                directory: directory.path,
                name: "seed-\(seed)",
                schema: schema,
                options: options,
                rows: rows
            )
            #expect(summary.rows == rows.count, "seed \(seed)")
            paths.append(path)
        }
        let result = try runChecker(paths)
        let failed = result.output.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }.map {
            $0.split(separator: "/").last.map(String.init) ?? String($0)
        }
        #expect(
            result.status == 0,
            "failing seeds: \(failed.joined(separator: ", ")) (rerun one with RUNRA_PARQUET_FUZZ_SEED=<n>)\n\(result.output)"
        )
        if result.status == 0 { directory.remove() }
    }

    static func randomCase(_ random: inout SplitMix64) -> (ParquetSchema, ParquetWriterOptions, [[TestValue?]]) {
        let kinds: [ParquetColumn.Kind] = [.string, .json, .int64, .int32, .double, .boolean, .timestampMicros]
        var columns: [ParquetColumn] = []
        for index in 0..<Int(random.below(8) + 1) {
            let kind = kinds[Int(random.below(UInt64(kinds.count)))]
            columns.append(
                ParquetColumn(name: "c\(index)_\(kindName(kind))", kind: kind, dictionary: random.below(2) == 0)
            )
        }
        let compression = ParquetCompression.allCases[Int(random.below(3))]
        let rowGroupBytes = [1, 200, 4 << 10, 64 << 10, 32 << 20][Int(random.below(5))]
        let pageBytes = [1, 100, 1 << 10, 1 << 20][Int(random.below(4))]
        let options = ParquetWriterOptions(
            compression: compression,
            compressionLevel: random.below(2) == 0 ? nil : Int(random.below(19)) + 1,
            rowGroupBytes: rowGroupBytes,
            pageBytes: pageBytes,
            keyValueMetadata: [(key: "seed", value: "\(random.next())")]
        )
        let rowCount = [0, 1, 7, 100, 1_000, 3_000][Int(random.below(6))]
        // Per column: a null rate (sometimes all null) and a cardinality (small ones exercise dictionaries).
        let nullRates = columns.map { _ in [0, 0, 10, 50, 100][Int(random.below(5))] }
        let cardinalities = columns.map { _ in [1, 3, 50, 100_000][Int(random.below(4))] }
        var rows: [[TestValue?]] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var row: [TestValue?] = []
            for (index, column) in columns.enumerated() {
                if random.below(100) < UInt64(nullRates[index]) {
                    row.append(nil)
                } else {
                    row.append(randomValue(column.kind, cardinality: cardinalities[index], &random))
                }
            }
            rows.append(row)
        }
        return (ParquetSchema(columns), options, rows)
    }

    static let words = ["", "a", "B", "zz", "héllo", "日本語", "🚀🚀", "\u{0}", "line\nbreak", "\"quoted\"", "ÿ"]

    static func randomValue(_ kind: ParquetColumn.Kind, cardinality: Int, _ random: inout SplitMix64) -> TestValue {
        let pick = random.below(UInt64(cardinality))
        switch kind {
        case .string:
            switch random.below(20) {
            case 0: return .bytes(Array(repeating: UInt8(ascii: "x"), count: Int(random.below(3000))))
            case 1: return .text("")
            default:
                var text = words[Int(pick % UInt64(words.count))]
                if cardinality > words.count { text += String(pick) }
                return .text(text)
            }
        case .json:
            return .text("{\"k\":\(pick),\"s\":\"\(words[Int(pick % UInt64(words.count))].count)é\"}")
        case .timestampMicros:
            // 0001-01-01 to 9999-12-31: DuckDB reads Int64.max/min microseconds as ±infinity, not as instants.
            let first: Int64 = -62_135_596_800_000_000
            let last: Int64 = 253_402_300_799_999_999
            let extremes: [Int64] = [first, last, 0, -1, 1]
            if random.below(10) == 0 { return .int64(extremes[Int(random.below(5))]) }
            let span = UInt64(last - first)
            return .int64(cardinality > 1000 ? first + Int64(random.below(span)) : 1_750_000_000_000_000 + Int64(pick))
        case .int64:
            let extremes: [Int64] = [.min, .max, 0, -1, 1]
            if random.below(10) == 0 { return .int64(extremes[Int(random.below(5))]) }
            return .int64(cardinality > 1000 ? Int64(bitPattern: random.next()) : Int64(pick) - 1)
        case .int32:
            let extremes: [Int32] = [.min, .max, 0, -1]
            if random.below(10) == 0 { return .int32(extremes[Int(random.below(4))]) }
            return .int32(cardinality > 1000 ? Int32(truncatingIfNeeded: random.next()) : Int32(pick))
        case .double:
            let specials: [Double] = [
                0.0, -0.0, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.leastNonzeroMagnitude,
            ]
            if random.below(8) == 0 { return .double(specials[Int(random.below(UInt64(specials.count)))]) }
            return .double(cardinality > 1000 ? Double(Int64(bitPattern: random.next())) / 1e6 : Double(pick) / 4)
        case .boolean:
            return .bool(random.below(2) == 0)
        }
    }
}

/// A small, seedable generator (SplitMix64), so a failing seed reproduces.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound.
    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }
}
