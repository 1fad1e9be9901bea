import RunraEvents
import RunraParquet
import RunraReplay
import Testing

@testable import RunraLake

@Suite struct LakeSettingsTests {
    func settings(_ values: [String: JSONValue]) throws -> LakeSettings {
        try LakeSettings(ExporterConfiguration(values: values))
    }

    @Test func defaultsAreAnHourlyZstdLakeOfTenSecondFiles() throws {
        let lake = try settings(["path": .string("lake/")])
        #expect(lake.format == .parquet)
        #expect(lake.partitionBy == .hour)
        #expect(lake.compression == .zstd)
        #expect(lake.rollIntervalMs == 10_000)
        #expect(lake.columns.isEmpty)
    }

    @Test func everyBadValueNamesItsKeyAndWhatToWrite() {
        let cases: [([String: JSONValue], String)] = [
            ([:], "config.path: missing"),
            (["path": .string("l"), "format": .string("deltalake")], #"config.format: expected "parquet" or "delta""#),
            (["path": .string("l"), "compression": .string("gzip")], "config.compression"),
            (["path": .string("l"), "rowGroupBytes": .number(10)], "config.rowGroupBytes: must be between"),
            (["path": .string("l"), "rollBytes": .string("lots")], #"expected a size such as"#),
            (["path": .string("l"), "rollIntervalMs": .number(5)], "config.rollIntervalMs: must be between 100"),
            (["path": .string("l"), "rollRows": .number(0)], "config.rollRows: must be at least 1"),
            (["path": .string("l"), "columns": .object(["tool": .string("string")])], "a column is a path in data"),
            (
                ["path": .string("l"), "columns": .object(["data.tool": .string("text")])],
                "config.columns.data.tool: expected"
            ),
            (["path": .string("l"), "columns": .object(["data.level": .string("string")])], "is taken"),
        ]
        for (values, message) in cases {
            #expect(throws: RunraError.self) { try settings(values) }
            do {
                _ = try settings(values)
            } catch let error as RunraError {
                #expect(error.code == .configuration)
                #expect(error.message.contains(message), "\(error.message)")
            } catch {}
        }
    }

    @Test func promotedColumnsAreNamedInSnakeCase() throws {
        let lake = try settings([
            "path": .string("l"),
            "columns": .object(["data.usage.inputTokens": .string("int64"), "data.ok": .string("bool")]),
        ])
        #expect(lake.columns.map(\.name) == ["ok", "usage_input_tokens"])
        #expect(lake.columns.map(\.kind) == [.boolean, .int64])
    }
}

@Suite struct LakePartitionTests {
    @Test func hoursAndDaysAreUTCCivilDates() {
        // 2026-06-15T10:30:00Z, 1969-12-31T23:59:59.999999Z, 2000-02-29T00:00:00Z, 2100-03-01T23:00:00Z.
        let cases: [(Int64, String)] = [
            (1_781_519_400_000_000, "dt=2026-06-15/hour=10"),
            (-1, "dt=1969-12-31/hour=23"),
            (951_782_400_000_000, "dt=2000-02-29/hour=00"),
            (4_107_625_200_000_000, "dt=2100-03-01/hour=23"),
        ]
        for (micros, directory) in cases {
            #expect(LakePartition.of(micros: micros, by: .hour).directory == directory)
            #expect(LakePartition.of(micros: micros, by: .day).directory == String(directory.prefix(13)))
        }
        #expect(LakePartition.of(micros: nil, by: .hour).values.map(\.value) == [nil, nil])
        #expect(LakePartition.of(micros: 5, by: .none).directory == "")
    }

    @Test func integersAreJSONIntegersThatFit() {
        #expect(LakeValue.integer(Array("-9223372036854775808".utf8)) == Int64.min)
        #expect(LakeValue.integer(Array("9223372036854775808".utf8)) == nil)
        #expect(LakeValue.integer(Array("1.5".utf8)) == nil)
        #expect(LakeValue.integer(Array("1e3".utf8)) == nil)
        #expect(LakeValue.integer(Array("\"12\"".utf8)) == nil)
        #expect(LakeValue.integer(Array("-".utf8)) == nil)
    }
}
