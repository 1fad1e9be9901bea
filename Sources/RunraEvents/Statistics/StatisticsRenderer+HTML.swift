extension StatisticsRenderer {
    /// Series drawn per chart; the rest are in the table.
    static let chartedSeries = 8
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// One self-contained page: no script, nothing fetched (its Content-Security-Policy forbids both), every
    /// value from the log escaped. The tables, and with `--bin` charts over time (beside the baseline's).
    func html(_ out: inout Output) {
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out +=
            "<title>runra-events stats: \(HTMLText.escaped(title))</title>\n<style>\(Self.pageStyle)"
            + "</style>\n</head>\n<body>\n"
        out += "<h1>runra-events stats</h1>\n<p class=\"subtitle\">\(HTMLText.escaped(title))</p>\n"
        out += "<p class=\"read\">\(readText(report.read, "Read"))"
        if let read = report.baselineRead { out += "; \(readText(read, "baseline"))" }
        out += ".</p>\n"
        htmlChecks(&out)
        htmlCharts(&out)
        htmlTypeTable(&out)
        htmlMetricTable(&out)
        out += "</body>\n</html>\n"
    }

    private func readText(_ read: ReadSummary, _ name: String) -> String {
        "\(name) \(read.lines) lines: \(read.events) events, \(read.badLines) bad"
    }

    private func htmlTypeTable(_ out: inout Output) {
        out +=
            "<h2>Events by type</h2>\n<table "
            + "class=\"types\"><thead><tr><th>type</th><th>count</th></tr></thead><tbody>\n"
        for entry in report.typeCounts {
            out += "<tr><td>\(HTMLText.escaped(entry.type))</td><td class=\"n\">\(entry.count)</td></tr>\n"
        }
        out += "</tbody></table>\n<p>Total: \(report.totalEvents) selected events.</p>\n"
    }

    private func htmlMetricTable(_ out: inout Output) {
        out += "<h2>\(HTMLText.escaped(title))</h2>\n<table class=\"metrics\"><thead><tr>"
        let columns = flatColumns(forPeople: true)
        for name in report.keyNames { out += "<th>\(HTMLText.escaped(name))</th>" }
        for column in columns { out += "<th class=\"n\">\(HTMLText.escaped(column.name))</th>" }
        out += "</tr></thead><tbody>\n"
        for position in 0..<report.rowCount {
            let row = report.row(position)
            out += "<tr>"
            for value in row.key { out += "<td>\(HTMLText.escaped(value.text ?? "–"))</td>" }
            for column in columns { out += "<td class=\"n\">\(HTMLText.escaped(column.humanText(row) ?? "–"))</td>" }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n"
        let kept = report.groupCount - report.groupsBelowMinimum
        if report.rowCount < kept || report.groupsBelowMinimum > 0 {
            out += "<p>\(report.rowCount) of \(report.groupCount) groups shown"
            if report.groupsBelowMinimum > 0 { out += " (\(report.groupsBelowMinimum) below --min-count)" }
            out += ".</p>\n"
        }
    }

    private func htmlChecks(_ out: inout Output) {
        guard !checks.isEmpty else { return }
        out += "<h2>Checks</h2>\n<ul class=\"checks\">\n"
        for result in checks {
            let expression = "<code>\(HTMLText.escaped(result.check.expression.description))</code>"
            if result.passed {
                out += "<li><span class=\"pass\">PASS</span> \(expression)</li>\n"
                continue
            }
            let groups = result.crossing.count
            out +=
                "<li><span class=\"fail\">FAIL</span> \(expression): crossed by \(groups) "
                + "group\(groups == 1 ? "" : "s")<ul>"
            for row in result.crossing { out += "<li>\(HTMLText.escaped(result.describe(row, in: report)))</li>" }
            out += "</ul></li>\n"
        }
        out += "</ul>\n"
    }

    static let pageStyle = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
        h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 8px}.subtitle{color:#555;margin:2px 0}
        .read{color:#777;font-size:12px}table{border-collapse:collapse;margin:4px 0}
        th,td{border-bottom:1px solid #e4e4e4;padding:3px 10px;text-align:left;white-space:pre}
        th{background:#f6f6f6}.n{text-align:right;font-variant-numeric:tabular-nums}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:18px}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:18px}
        figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}svg.chart{width:100%;height:auto}
        .grid{stroke:#e8e8e8}.tick{font-size:10px;fill:#666}
        .legend{list-style:none;padding:0;margin:4px 0;font-size:12px;display:flex;flex-wrap:wrap;gap:4px 14px}
        .swatch{display:inline-block;width:14px;height:3px;margin-right:5px;vertical-align:middle}
        .pass,.fail{color:#fff;font-size:11px;font-weight:700;padding:1px 5px;border-radius:3px;background:#2a7d2a}
        .fail{background:#b00020}.checks li{margin:3px 0}code{background:#f3f3f3;padding:0 3px}
        """
}
