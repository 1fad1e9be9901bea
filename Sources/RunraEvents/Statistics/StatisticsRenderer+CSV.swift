extension StatisticsRenderer {
    /// The metric table with a header row: keys, then columns; exact numbers, empty for no value.
    func csv(_ out: inout Output) {
        let columns = flatColumns()
        out += (report.keyNames + columns.map(\.name)).map(Self.csvField).joined(separator: ",") + "\n"
        for position in 0..<report.rowCount {
            let row = report.row(position)
            let cells =
                row.key.map { $0.text ?? "" } + columns.map { StatisticsNumberFormat.exact($0.value(row)) ?? "" }
            out += cells.map(Self.csvField).joined(separator: ",") + "\n"
        }
    }

    /// RFC 4180 quoting.
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingQuotes() + "\""
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\"" { out.append("\"") }
            out.append(character)
        }
        return out
    }
}
