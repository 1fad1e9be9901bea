extension StatisticsRenderer {
    /// GitHub-flavored Markdown: events by type, the metric table, and the checks.
    func markdown(_ out: inout Output) {
        out += "### Events by type\n\n"
        out += Self.markdownLine(["type", "count"]) + Self.markdownRule([false, true])
        for entry in report.typeCounts { out += Self.markdownLine([entry.type, String(entry.count)]) }
        out += "\nTotal: \(report.totalEvents) selected events.\n"
        out += "\n### " + Self.markdownCell(title) + "\n\n"
        let columns = flatColumns(forPeople: true)
        out += Self.markdownLine(report.keyNames + columns.map(\.name))
        out += Self.markdownRule(report.keyNames.map { _ in false } + columns.map { _ in true })
        for position in 0..<report.rowCount {
            let row = report.row(position)
            out += Self.markdownLine(row.key.map { $0.text ?? "–" } + columns.map { $0.humanText(row) ?? "–" })
        }
        if report.rowCount < report.groupCount - report.groupsBelowMinimum || report.groupsBelowMinimum > 0 {
            out += "\n\(report.rowCount) of \(report.groupCount) groups shown"
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
                    out +=
                        "- ❌ \(expression): crossed by \(result.crossing.count) "
                        + "group\(result.crossing.count == 1 ? "" : "s")\n"
                    for row in result.crossing {
                        out += "  - " + Self.markdownCell(result.describe(row, in: report)) + "\n"
                    }
                }
            }
        }
    }

    static func markdownLine(_ cells: [String]) -> String {
        "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
    }

    static func markdownRule(_ rightAligned: [Bool]) -> String {
        "|" + rightAligned.map { $0 ? " --: |" : " :-- |" }.joined() + "\n"
    }

    /// Escapes what would break a table cell or start markup.
    static func markdownCell(_ text: String) -> String {
        let special: Set<UInt8> = [0x7C, 0x5C, 0x2A, 0x60, 0x3C, 0x3E, 0x5B, 0x5D, 0x0A, 0x0D]
        guard text.utf8.contains(where: { special.contains($0) }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "|", "\\", "*", "`", "<", ">", "[", "]":
                out.append("\\")
                out.append(character)
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
