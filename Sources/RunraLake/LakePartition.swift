import RunraEvents

/// The Hive-style directory of an event by its time (UTC): `dt=2026-06-15/hour=10`, `dt=2026-06-15`, or the lake's
/// root. An event without a valid timestamp goes to `__HIVE_DEFAULT_PARTITION__`, Hive's and Spark's name for null.
struct LakePartition: Hashable, Sendable {
    /// The directory under the lake's root ("" for none).
    var directory: String
    /// The partition columns and their values (`nil`: null), for a Delta table's `partitionValues`.
    var values: [(name: String, value: String?)] {
        directory.split(separator: "/").map { part in
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            return (pair[0], pair[1] == Self.nullValue ? nil : pair[1])
        }
    }

    static let nullValue = "__HIVE_DEFAULT_PARTITION__"

    static func == (lhs: LakePartition, rhs: LakePartition) -> Bool { lhs.directory == rhs.directory }
    func hash(into hasher: inout Hasher) { hasher.combine(directory) }

    /// The partition of an event at `micros` (microseconds since the epoch, UTC).
    static func of(micros: Int64?, by scheme: LakeSettings.PartitionBy) -> LakePartition {
        if scheme == .none { return LakePartition(directory: "") }
        guard let micros else {
            let null = "dt=\(nullValue)"
            return LakePartition(directory: scheme == .day ? null : "\(null)/hour=\(nullValue)")
        }
        let seconds = LakeValue.floorDivide(micros, 1_000_000)
        let days = LakeValue.floorDivide(seconds, 86_400)
        let date = civilDate(daysSinceEpoch: days)
        let day = "dt=" + date
        guard scheme == .hour else { return LakePartition(directory: day) }
        let hour = (seconds - days * 86_400) / 3600
        return LakePartition(directory: "\(day)/hour=\(hour < 10 ? "0" : "")\(hour)")
    }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01 (the proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch days: Int64) -> String {
        let (year, month, day) = Timestamp.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
