/// The rows of a `--bin` report as time series: one per group of the other keys (`--by`), points in time order.
struct StatisticsTimeSeries {
    /// `sandboxId=sb_1`, or `all` without `--by`.
    var label: String
    /// Each bin's start and numbers, earliest first.
    var points: [(time: Timestamp, statistics: GroupStatistics)]
    /// Events over all bins.
    var total: Int

    /// The series of `report` (none without `--bin`), most events first, ties by label; rows whose bin is
    /// `null` (no valid timestamp) are left out, as a chart has no place for them.
    static func of(_ report: StatisticsReport) -> [StatisticsTimeSeries] {
        guard report.binWidth != nil, report.keyNames.last == "bin" else { return [] }
        let names = report.keyNames.dropLast()
        var index: [[GroupKeyValue]: Int] = [:]
        var series: [StatisticsTimeSeries] = []
        for position in 0..<report.rowCount {
            let row = report.row(position)
            guard case .time(let time) = row.key.last else { continue }
            let key = Array(row.key.dropLast())
            if index[key] == nil {
                index[key] = series.count
                let label =
                    key.isEmpty ? "all" : zip(names, key).map { "\($0)=\($1.description)" }.joined(separator: ", ")
                series.append(StatisticsTimeSeries(label: label, points: [], total: 0))
            }
            series[index[key]!].points.append((time, row.statistics))
            series[index[key]!].total += row.statistics.count
        }
        for position in series.indices { series[position].points.sort { $0.time < $1.time } }
        return series.sorted { $0.total != $1.total ? $0.total > $1.total : $0.label < $1.label }
    }

    /// `column`'s value per bin, with the empty bins between two points (no rows) as 0 for a count column and
    /// as gaps for the others; `width` is the bin width in nanoseconds.
    func values(_ column: StatisticsColumn, width: Int64) -> [(x: Double, y: Double?)] {
        var out: [(x: Double, y: Double?)] = []
        var previous: Timestamp?
        for point in points {
            if let previous, point.time.nanosecondsSinceEpoch - previous.nanosecondsSinceEpoch > width {
                let empty: Double? = column.isCount ? 0 : nil
                out.append(
                    (Timestamp(nanosecondsSinceEpoch: previous.nanosecondsSinceEpoch + width).secondsSinceEpoch, empty)
                )
                if point.time.nanosecondsSinceEpoch - previous.nanosecondsSinceEpoch > 2 * width {
                    out.append(
                        (
                            Timestamp(nanosecondsSinceEpoch: point.time.nanosecondsSinceEpoch - width)
                                .secondsSinceEpoch, empty
                        )
                    )
                }
            }
            out.append((point.time.secondsSinceEpoch, column.value(point.statistics)))
            previous = point.time
        }
        return out
    }
}
