import RunraEvents
import RunraParquet

/// The `stats` of a Delta `add` action: rows, and per column the null count and, where they are exact, the minimum
/// and maximum. Wrong statistics make readers skip files, so a bound is left out rather than approximated: none for
/// JSON columns and booleans, none for strings longer than 64 bytes; timestamps are cut to milliseconds, as the
/// protocol says readers expect.
enum DeltaStatistics {
    static func json(_ summary: ParquetFileSummary, schema: LakeSchema) -> String {
        var minimums: [String] = []
        var maximums: [String] = []
        var nulls: [String] = []
        for (column, stats) in zip(schema.parquet.columns, summary.columns) {
            let name = JSONText.quoted(column.name)
            nulls.append("\(name):\(stats.nullCount)")
            guard column.kind != .json, let low = stats.min.flatMap(value), let high = stats.max.flatMap(value) else {
                continue
            }
            minimums.append("\(name):\(low)")
            maximums.append("\(name):\(high)")
        }
        return
            #"{"numRecords":\#(summary.rows),"minValues":{\#(minimums.joined(separator: ","))},"#
            + #""maxValues":{\#(maximums.joined(separator: ","))},"nullCount":{\#(nulls.joined(separator: ","))}}"#
    }

    private static func value(_ statistic: ParquetStatistic) -> String? {
        switch statistic {
        case .int64(let value): return String(value)
        case .int32(let value): return String(value)
        case .double(let value): return value.isFinite ? "\(value)" : nil
        case .bool: return nil
        case .bytes(let bytes):
            guard bytes.count <= 64, let text = String(validating: bytes, as: UTF8.self) else { return nil }
            return JSONText.quoted(text)
        case .timestampMicros(let micros):
            return JSONText.quoted(Timestamp(nanosecondsSinceEpoch: micros &* 1000).description)
        }
    }
}
