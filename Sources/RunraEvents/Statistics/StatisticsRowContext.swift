/// A metric-table row as an expression context, for `--fail-if`.
///
/// Paths: a column (`count`, `p95`, `error_rate`…), a key (`sandboxId`, `data.command`, `bin`), `group`
/// (the row's label), and with a baseline `baseline.<column>` and `change.<column>` (relative change).
struct StatisticsRowContext: ExpressionContext {
    let row: StatisticsReport.Row
    let report: StatisticsReport

    func value(at path: JSONPath) -> JSONValue? {
        if let keyIndex = report.keyNames.firstIndex(of: path.description) {
            return row.key[keyIndex].text.map(JSONValue.string) ?? .null
        }
        guard case .key(let first)? = path.components.first else { return nil }
        if path.components.count == 1 {
            if first == "group" { return .string(row.label(keyNames: report.keyNames)) }
            guard let column = report.columns.first(where: { $0.name == first }) else { return nil }
            return number(column.value(row.statistics))
        }
        guard path.components.count == 2, case .key(let name) = path.components[1],
            let column = report.columns.first(where: { $0.name == name }), let baseline = row.baseline
        else { return nil }
        switch first {
        case "baseline": return number(column.value(baseline))
        case "change":
            return number(StatisticsColumn.change(from: column.value(baseline), to: column.value(row.statistics)))
        default: return nil
        }
    }

    private func number(_ value: Double?) -> JSONValue {
        value.map(JSONValue.number) ?? .null
    }
}
