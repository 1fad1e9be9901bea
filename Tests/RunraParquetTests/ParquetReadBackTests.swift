import Foundation
import RunraParquet
import Testing

/// Files written by ParquetWriter, read back by pyarrow, DuckDB and polars (Tests/Tools/parquet_check.py).
@Suite(.timeLimit(.minutes(5))) struct ParquetReadBackTests {
    static let everyKind = ParquetSchema([
        ParquetColumn(name: "id", kind: .string),
        ParquetColumn(name: "timestamp", kind: .timestampMicros),
        ParquetColumn(name: "type", kind: .string, dictionary: true),
        ParquetColumn(name: "data", kind: .json),
        ParquetColumn(name: "duration_ms", kind: .int64),
        ParquetColumn(name: "exit_code", kind: .int32),
        ParquetColumn(name: "ratio", kind: .double),
        ParquetColumn(name: "ok", kind: .boolean),
        ParquetColumn(name: "nothing", kind: .string, dictionary: true),
        ParquetColumn(name: "level", kind: .int64, dictionary: true),
    ])

    static func everyKindRows(_ count: Int) -> [[TestValue?]] {
        (0..<count).map(everyKindRow)
    }

    static func everyKindRow(_ i: Int) -> [TestValue?] {
        let types = ["exec.completed", "sandbox.created", "agent.step", "", "日本語.イベント", "émoji 🚀"]
        let doubles: [Double] = [0.0, -0.0, 1.5, -2.25, .infinity, 3e300]
        let base: Int64 = 1_750_000_000_000_000
        let offset: Int64 = i % 2 == 0 ? 0 : 9_000_000_000_000
        let timestamp: Int64 = base + Int64(i) * 1_234_567 - offset
        let duration: Int64 = i % 4 == 1 ? Int64.min + Int64(i) : Int64(i) * 37
        var row: [TestValue?] = []
        row.append(i % 7 == 3 ? nil : .text("evt_\(i)"))
        row.append(.int64(timestamp))
        row.append(i % 11 == 5 ? nil : .text(types[i % types.count]))
        row.append(i % 5 == 0 ? nil : .text("{\"command\":\"ls -la\",\"n\":\(i),\"s\":\"ü\"}"))
        row.append(i % 3 == 0 ? nil : .int64(duration))
        row.append(i % 4 == 0 ? nil : .int32(Int32(i % 256) - 128))
        row.append(i % 6 == 0 ? nil : .double(doubles[i % 6]))
        row.append(i % 9 == 0 ? nil : .bool(i % 2 == 0))
        row.append(nil)
        row.append(.int64(Int64(i % 3)))
        return row
    }

    @Test(arguments: ParquetCompression.allCases)
    func everyKindEveryCodec(_ compression: ParquetCompression) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = ParquetWriterOptions(
            compression: compression,
            rowGroupBytes: 8 << 10,
            pageBytes: 1 << 10,
            keyValueMetadata: [(key: "runra.schema", value: "1"), (key: "ünïcode", value: "✓")]
        )
        let rows = Self.everyKindRows(3_000)
        let (path, summary) = try writeCase(
            directory: directory.path,
            name: "every-\(compression.rawValue)",
            schema: Self.everyKind,
            options: options,
            rows: rows
        )
        #expect(summary.rows == rows.count)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(summary.bytes == size)
        try expectReadersAgree([path])
    }

    @Test func summaryMatchesTheRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = Self.everyKindRows(500)
        let (_, summary) = try writeCase(
            directory: directory.path,
            name: "summary",
            schema: Self.everyKind,
            options: ParquetWriterOptions(rowGroupBytes: 2 << 10),
            rows: rows
        )
        #expect(summary.columns.map(\.name) == Self.everyKind.columns.map(\.name))
        for (index, column) in summary.columns.enumerated() {
            #expect(column.nullCount == rows.filter { $0[index] == nil }.count, "\(column.name)")
        }
        #expect(summary.columns[0].min == .bytes(Array("evt_0".utf8)))
        #expect(summary.columns[0].max == .bytes(Array("evt_99".utf8)))
        #expect(summary.columns[2].min == .bytes([]))
        #expect(summary.columns[2].max == .bytes(Array("日本語.イベント".utf8)))
        #expect(summary.columns[3].min == nil && summary.columns[3].max == nil)  // json keeps no bounds
        #expect(summary.columns[4].min == .int64(Int64.min + 1))
        #expect(summary.columns[5].min == .int32(-127) && summary.columns[5].max == .int32(127))
        #expect(summary.columns[6].min == .double(-2.25) && summary.columns[6].max == .double(.infinity))
        #expect(summary.columns[7].min == .bool(false) && summary.columns[7].max == .bool(true))
        #expect(summary.columns[8].min == nil && summary.columns[8].nullCount == 500)
        #expect(summary.columns[9].min == .int64(0) && summary.columns[9].max == .int64(2))
        let timestamps = rows.compactMap { row -> Int64? in
            if case .int64(let v) = row[1] { return v }
            return nil
        }
        #expect(summary.columns[1].min == .timestampMicros(timestamps.min()!))
        #expect(summary.columns[1].max == .timestampMicros(timestamps.max()!))
    }

    @Test func zeroRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, summary) = try writeCase(
            directory: directory.path,
            name: "empty",
            schema: Self.everyKind,
            options: ParquetWriterOptions(),
            rows: []
        )
        #expect(summary.rows == 0)
        #expect(summary.columns.allSatisfy { $0.nullCount == 0 && $0.min == nil })
        try expectReadersAgree([path])
    }

    @Test func doubleZerosAndNaN() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schema = ParquetSchema([
            ParquetColumn(name: "zeros", kind: .double),
            ParquetColumn(name: "nan_only", kind: .double, dictionary: true),
            ParquetColumn(name: "mixed", kind: .double),
        ])
        let rows: [[TestValue?]] = [
            [.double(0.0), .double(.nan), .double(.nan)],
            [.double(-0.0), nil, .double(-.infinity)],
            [.double(0.0), .double(.nan), .double(5)],
        ]
        let (path, summary) = try writeCase(
            directory: directory.path,
            name: "zeros",
            schema: schema,
            options: ParquetWriterOptions(),
            rows: rows
        )
        #expect(summary.columns[0].min == .double(-0.0) && summary.columns[0].max == .double(0.0))
        if case .double(let v) = summary.columns[0].min { #expect(v.sign == .minus) }
        if case .double(let v) = summary.columns[0].max { #expect(v.sign == .plus) }
        #expect(summary.columns[1].min == nil)
        #expect(summary.columns[2].min == .double(-.infinity) && summary.columns[2].max == .double(5))
        try expectReadersAgree([path])
    }

    @Test func megabyteValuesAndLongStrings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schema = ParquetSchema([
            ParquetColumn(name: "big", kind: .string),
            ParquetColumn(name: "big_dict", kind: .string, dictionary: true),
            ParquetColumn(name: "doc", kind: .json),
        ])
        let megabyte = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        var rows: [[TestValue?]] = []
        for i in 0..<12 {
            let big: [UInt8] = megabyte + Array("\(i)".utf8)
            let long: [UInt8] = Array(megabyte.prefix(2000)) + [UInt8(i)]
            var doc: [UInt8] = Array("{\"k\":\"".utf8)
            doc += megabyte.prefix(i * 10_000)
            doc += Array("\"}".utf8)
            let middle: TestValue = i % 2 == 0 ? .text("short") : .bytes(long)
            rows.append([.bytes(big), middle, .bytes(doc)])
        }
        let (path, summary) = try writeCase(
            directory: directory.path,
            name: "big",
            schema: schema,
            options: ParquetWriterOptions(compression: .snappy, rowGroupBytes: 3 << 20, pageBytes: 256 << 10),
            rows: rows
        )
        #expect(summary.columns[0].min == nil)  // longer than 1 KiB: no bounds
        try expectReadersAgree([path])
    }

    @Test func dictionaryOverflowFallsBackToPlain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schema = ParquetSchema([
            ParquetColumn(name: "many", kind: .string, dictionary: true),
            ParquetColumn(name: "ints", kind: .int64, dictionary: true),
        ])
        // 70,000 distinct values pass the 65,536-entry limit, within one row group.
        var rows: [[TestValue?]] = []
        for i in 0..<70_000 {
            let text: TestValue = .text("value-\(i * 7919 % 70_000)")
            let number: TestValue? = i % 10 == 0 ? nil : .int64(Int64(i))
            rows.append([text, number])
        }
        let (path, _) = try writeCase(
            directory: directory.path,
            name: "overflow",
            schema: schema,
            options: ParquetWriterOptions(compression: .zstd, rowGroupBytes: 64 << 20),
            rows: rows
        )
        try expectReadersAgree([path])
    }

    @Test func millionsOfRowsInManyRowGroups() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schema = ParquetSchema([
            ParquetColumn(name: "n", kind: .int64),
            ParquetColumn(name: "kind", kind: .string, dictionary: true),
        ])
        let kinds: [TestValue] = [.text("a"), .text("bb"), .text("ccc")]
        var rows: [[TestValue?]] = []
        rows.reserveCapacity(3_000_000)
        for i in 0..<3_000_000 {
            let number: TestValue = .int64(Int64(i) &* 2_654_435_761)
            let kind: TestValue? = i % 1000 == 0 ? nil : kinds[i % 3]
            rows.append([number, kind])
        }
        let (path, summary) = try writeCase(
            directory: directory.path,
            name: "millions",
            schema: schema,
            options: ParquetWriterOptions(rowGroupBytes: 4 << 20),
            rows: rows
        )
        #expect(summary.rows == 3_000_000)
        try expectReadersAgree([path])
    }
}
