extension StatisticsRenderer {
    /// Aligned columns: events by type, then the metric table.
    func table(_ out: inout Output) {
        out += "Events by type (\(report.totalEvents) selected)\n"
        let typeRows = report.typeCounts.map { [$0.type, String($0.count)] }
        let typeWidths = Self.widths(header: ["type", "count"], rows: typeRows.count) { typeRows[$0] }
        out += Self.alignedLine(["type", "count"], typeWidths, rightAligned: [false, true])
        for row in typeRows { out += Self.alignedLine(row, typeWidths, rightAligned: [false, true]) }
        out += "\n" + title + "\n"
        let columns = flatColumns(forPeople: true)
        let header = report.keyNames + columns.map(\.name)
        let rightAligned = report.keyNames.map { _ in false } + columns.map { _ in true }
        func cells(_ position: Int) -> [String] {
            let row = report.row(position)
            return row.key.map { $0.text ?? "-" } + columns.map { $0.humanText(row) ?? "-" }
        }
        // Two passes over the rows (widths, then lines), so the table is never held whole.
        let widths = Self.widths(header: header, rows: report.rowCount, cells)
        out += Self.alignedLine(header, widths, rightAligned: rightAligned)
        for position in 0..<report.rowCount {
            out += Self.alignedLine(cells(position), widths, rightAligned: rightAligned)
        }
        if report.groupsBelowMinimum > 0 {
            out += "(\(report.groupsBelowMinimum) groups below --min-count left out)\n"
        }
        if report.rowCount < report.groupCount - report.groupsBelowMinimum {
            out += "(\(report.rowCount) of \(report.groupCount - report.groupsBelowMinimum) groups shown)\n"
        }
    }

    /// The widest cell per column, in terminal columns (``DisplayWidth``: CJK and emoji take two).
    static func widths(header: [String], rows: Int, _ cells: (Int) -> [String]) -> [Int] {
        var widths = header.map(DisplayWidth.of)
        for position in 0..<rows {
            for (index, cell) in cells(position).enumerated() {
                widths[index] = Swift.max(widths[index], DisplayWidth.of(cell))
            }
        }
        return widths
    }

    /// One line, cells padded to `widths`, two spaces apart.
    static func alignedLine(_ cells: [String], _ widths: [Int], rightAligned: [Bool]) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: widths[index] - DisplayWidth.of(cell))
            if index > 0 { text += "  " }
            text += rightAligned[index] ? padding + cell : (index == cells.count - 1 ? cell : cell + padding)
        }
        return text + "\n"
    }
}
