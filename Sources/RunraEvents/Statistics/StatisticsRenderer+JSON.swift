extension StatisticsRenderer {
    /// One JSON object; the schema is docs/stats.schema.json (`"schema": "runra-events.stats/1"`).
    func json(_ output: inout Output) {
        var json = StatisticsJSONWriter(report: report)
        json.header()
        json.typeCounts()
        json.rows(&output)
        json.checks(checks, &output)
        output += String(decoding: json.out, as: UTF8.self)
    }
}

/// The bytes of `stats -o json`, section by section.
private struct StatisticsJSONWriter {
    let report: StatisticsReport
    var out: [UInt8] = []

    init(report: StatisticsReport) {
        self.report = report
    }

    // MARK: Sections

    /// The opening brace and every member before `events`.
    mutating func header() {
        append("{\n")
        append("\"schema\":\"runra-events.stats/1\",\n")
        appendKey("metric")
        appendString(report.metric.description)
        append(",\n")
        appendKey("metricTypes")
        appendStrings(report.metricTypes)
        append(",\n")
        appendKey("keys")
        appendStrings(report.keyNames)
        append(",\n")
        appendKey("binSeconds")
        appendNumber(report.binWidth.map { Double($0) / 1e9 })
        append(",\n")
        appendKey("percentiles")
        append("[" + report.percentiles.map { JSONText.number($0) }.joined(separator: ",") + "]")
        append(",\n")
        appendKey("columns")
        appendStrings(report.columns.map(\.name))
        append(",\n")
        appendKey("relativeAccuracy")
        appendNumber(QuantileSketch.relativeAccuracy)
        append(",\n")
        appendKey("input")
        appendRead(report.read)
        append(",\n")
        appendKey("baselineInput")
        appendRead(report.baselineRead)
        append(",\n")
    }

    /// `events` (the counts by type) and `groups`.
    mutating func typeCounts() {
        append("\"events\":{\"total\":\(report.totalEvents),\"byType\":[")
        for (index, entry) in report.typeCounts.enumerated() {
            append(index > 0 ? ",\n  " : "\n  ")
            append("{\"type\":")
            appendString(entry.type)
            append(",\"count\":\(entry.count)}")
        }
        append(report.typeCounts.isEmpty ? "]},\n" : "\n]},\n")
        append(
            "\"groups\":{\"total\":\(report.groupCount),\"belowMinCount\":\(report.groupsBelowMinimum),"
                + "\"shown\":\(report.rowCount)},\n"
        )
    }

    /// `rows`: each group's columns, and its baseline and change when compared.
    mutating func rows(_ output: inout StatisticsRenderer.Output) {
        append("\"rows\":[")
        for index in 0..<report.rowCount {
            let row = report.row(index)
            flushIfLarge(&output)
            append(index > 0 ? ",\n  " : "\n  ")
            append("{\"key\":")
            appendGroupKey(row)
            append(",\"group\":")
            appendString(row.label(keyNames: report.keyNames))
            for column in report.columns {
                append(",")
                appendKey(column.name)
                appendNumber(column.value(row.statistics))
            }
            append(",\"baseline\":")
            if let baseline = row.baseline {
                appendColumns { $0.value(baseline) }
                append(",\"change\":")
                appendColumns { StatisticsColumn.change(from: $0.value(baseline), to: $0.value(row.statistics)) }
            } else {
                append("null,\"change\":null")
            }
            append("}")
        }
        append(report.rowCount == 0 ? "],\n" : "\n],\n")
    }

    /// `checks`, and the closing brace.
    mutating func checks(_ checks: [StatisticsCheckResult], _ output: inout StatisticsRenderer.Output) {
        append("\"checks\":[")
        for (index, result) in checks.enumerated() {
            append(index > 0 ? ",\n  " : "\n  ")
            append("{\"expression\":")
            appendString(result.check.expression.description)
            append(",\"passed\":\(result.passed),\"crossing\":[")
            for (rowIndex, row) in result.crossing.enumerated() {
                flushIfLarge(&output)
                if rowIndex > 0 { append(",") }
                append("{\"key\":")
                appendGroupKey(row)
                append(",\"group\":")
                appendString(row.label(keyNames: report.keyNames))
                append(",\"detail\":")
                appendString(result.describe(row, in: report))
                append("}")
            }
            append("]}")
        }
        append(checks.isEmpty ? "]\n}\n" : "\n]\n}\n")
    }

    // MARK: Values

    /// Hands what is written so far on once it passes 64 KiB.
    private mutating func flushIfLarge(_ output: inout StatisticsRenderer.Output) {
        if out.count >= 65_536 {
            output += String(decoding: out, as: UTF8.self)
            out.removeAll(keepingCapacity: true)
        }
    }

    private mutating func append(_ text: String) { out.append(contentsOf: text.utf8) }

    private mutating func appendNumber(_ value: Double?) { append(StatisticsNumberFormat.exact(value) ?? "null") }

    private mutating func appendString(_ text: String?) {
        if let text { JSONText.appendQuoted(text, to: &out) } else { append("null") }
    }

    private mutating func appendKey(_ key: String) {
        JSONText.appendQuoted(key, to: &out)
        append(":")
    }

    private mutating func appendStrings(_ values: [String]) {
        append("[")
        for (index, value) in values.enumerated() {
            if index > 0 { append(",") }
            appendString(value)
        }
        append("]")
    }

    private mutating func appendRead(_ read: ReadSummary?) {
        guard let read else { return append("null") }
        append("{\"lines\":\(read.lines),\"events\":\(read.events),\"badLines\":\(read.badLines)}")
    }

    private mutating func appendGroupKey(_ row: StatisticsReport.Row) {
        append("{")
        for (index, (name, value)) in zip(report.keyNames, row.key).enumerated() {
            if index > 0 { append(",") }
            appendKey(name)
            appendString(value.text)
        }
        append("}")
    }

    private mutating func appendColumns(_ value: (StatisticsColumn) -> Double?) {
        append("{")
        for (index, column) in report.columns.enumerated() {
            if index > 0 { append(",") }
            appendKey(column.name)
            appendNumber(value(column))
        }
        append("}")
    }
}
