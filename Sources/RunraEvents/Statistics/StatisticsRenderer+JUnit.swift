extension StatisticsRenderer {
    /// JUnit XML: one test case per `--fail-if`, failing with the groups that crossed it; the table as system-out.
    func junit(_ output: inout Output) {
        let failures = checks.filter { !$0.passed }.count
        let suiteName = "runra-events stats: " + title
        var out = ""
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<testsuites name=\"runra-events stats\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        out +=
            "  <testsuite name=\"\(Self.xmlEscaped(suiteName))\" tests=\"\(checks.count)\" failures=\"\(failures)\" "
            + "errors=\"0\" skipped=\"0\">\n"
        for result in checks {
            let name = Self.xmlEscaped(result.check.expression.description)
            out += "    <testcase classname=\"runra-events.stats\" name=\"\(name)\""
            if result.passed {
                out += "/>\n"
                continue
            }
            let groups = result.crossing.count
            let message = "crossed by \(groups) of \(report.rowCount) group\(report.rowCount == 1 ? "" : "s")"
            out += ">\n      <failure type=\"threshold\" message=\"\(message)\">"
            out += Self.xmlEscaped(result.crossing.map { result.describe($0, in: report) }.joined(separator: "\n"))
            out += "</failure>\n    </testcase>\n"
        }
        output += out
        output += "    <system-out>"
        let escapeToOutput = { (piece: String) in output += Self.xmlEscaped(piece) }
        withoutActuallyEscaping(
            escapeToOutput,
            do: { escaping in
                var table = Output(emit: escaping)
                self.table(&table)
                table.flush()
            }
        )
        output += "</system-out>\n  </testsuite>\n</testsuites>\n"
    }

    /// Escapes text for XML content and attributes; drops characters XML 1.0 does not allow.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
