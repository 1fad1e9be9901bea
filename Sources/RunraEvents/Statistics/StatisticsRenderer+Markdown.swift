extension StatisticsRenderer {
    /// GitHub-flavored Markdown: events by type, the metric table, and the checks.
    func markdown() -> String {
        var out = "### Events by type\n\n"
        out += Self.markdownTable(
            header: ["type", "count"],
            rows: report.typeCounts.map { [$0.type, String($0.count)] },
            rightAligned: [false, true]
        )
        out += "\nTotal: \(report.totalEvents) selected events.\n"
        out += "\n### " + Self.markdownCell(title) + "\n\n"
        let columns = flatColumns(forPeople: true)
        out += Self.markdownTable(
            header: report.keyNames + columns.map(\.name),
            rows: report.rows.map { row in row.key.map { $0.text ?? "–" } + columns.map { $0.humanText(row) ?? "–" } },
            rightAligned: report.keyNames.map { _ in false } + columns.map { _ in true }
        )
        if report.rows.count < report.groupCount - report.groupsBelowMinimum || report.groupsBelowMinimum > 0 {
            out += "\n\(report.rows.count) of \(report.groupCount) groups shown"
            if report.groupsBelowMinimum > 0 { out += " (\(report.groupsBelowMinimum) below --min-count)" }
            out += ".\n"
        }
        if !checks.isEmpty {
            out += "\n### Checks\n\n"
            for result in checks {
                let expression = "`" + result.check.expression.description.replacingBackticks() + "`"
                if result.passed {
                    out += "- ✅ \(expression): passed\n"
                } else {
                    out += "- ❌ \(expression): crossed by \(result.crossing.count) group\(result.crossing.count == 1 ? "" : "s")\n"
                    for row in result.crossing { out += "  - " + Self.markdownCell(result.describe(row, in: report)) + "\n" }
                }
            }
        }
        return out
    }

    static func markdownTable(header: [String], rows: [[String]], rightAligned: [Bool]) -> String {
        var out = "| " + header.map(markdownCell).joined(separator: " | ") + " |\n"
        out += "|" + rightAligned.map { $0 ? " --: |" : " :-- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(markdownCell).joined(separator: " | ") + " |\n" }
        return out
    }

    /// Escapes what would break a table cell or start markup.
    static func markdownCell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|", "\\", "*", "`", "<", ">", "[", "]": out.append("\\"); out.append(character)
            case "\n", "\r": out.append(" ")
            default: out.append(character)
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingBackticks() -> String {
        String(map { $0 == "`" ? "'" : $0 })
    }
}
