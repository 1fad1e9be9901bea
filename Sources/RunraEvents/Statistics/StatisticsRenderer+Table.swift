extension StatisticsRenderer {
    /// Aligned columns: events by type, then the metric table.
    func table() -> String {
        var out = "Events by type (\(report.totalEvents) selected)\n"
        let typeRows = report.typeCounts.map { [$0.type, String($0.count)] }
        out += Self.aligned(header: ["type", "count"], rows: typeRows, rightAligned: [false, true])
        out += "\n" + title + "\n"
        let columns = flatColumns(forPeople: true)
        let header = report.keyNames + columns.map(\.name)
        let rows = report.rows.map { row in
            row.key.map { $0.text ?? "-" } + columns.map { $0.humanText(row) ?? "-" }
        }
        let rightAligned = report.keyNames.map { _ in false } + columns.map { _ in true }
        out += Self.aligned(header: header, rows: rows, rightAligned: rightAligned)
        if report.groupsBelowMinimum > 0 {
            out += "(\(report.groupsBelowMinimum) groups below --min-count left out)\n"
        }
        if report.rows.count < report.groupCount - report.groupsBelowMinimum {
            out += "(\(report.rows.count) of \(report.groupCount - report.groupsBelowMinimum) groups shown)\n"
        }
        return out
    }

    /// Rows padded to the widest cell per column, two spaces apart.
    static func aligned(header: [String], rows: [[String]], rightAligned: [Bool]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = Swift.max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { text += "  " }
                text += rightAligned[index] ? padding + cell : (index == cells.count - 1 ? cell : cell + padding)
            }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
