extension StatisticsRenderer {
    /// With `--bin`: count, error rate and percentiles over time for the groups with most events, and with a
    /// baseline, the baseline's same charts beside each.
    func htmlCharts(_ out: inout Output) {
        guard let width = report.binWidth else { return }
        let all = StatisticsTimeSeries.of(report)
        guard !all.isEmpty else { return }
        let shown = Array(all.prefix(Self.chartedSeries))
        out += "<h2>Over time, per \(Self.durationText(width))</h2>\n"
        if all.count > shown.count {
            out +=
                "<p>The \(shown.count) groups with the most events of \(all.count); every group is in the table.</p>\n"
        }
        let figures = chartFigures(shown, width: width, span: Self.span(shown))
        guard let baseline else {
            out += "<div class=\"charts\">\n" + figures.joined() + "</div>\n"
            return
        }
        let byLabel = Dictionary(
            StatisticsTimeSeries.of(baseline).map { ($0.label, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        let matched = shown.map { byLabel[$0.label] ?? StatisticsTimeSeries(label: $0.label, points: [], total: 0) }
        let baselineFigures = chartFigures(matched, width: width, span: Self.span(matched))
        out += "<div class=\"pair\"><h3>This log</h3><h3>Baseline</h3></div>\n"
        for (current, before) in zip(figures, baselineFigures) {
            out += "<div class=\"pair\">\(current)\(before)</div>\n"
        }
    }

    /// The figures for `series` over the time `span` (seconds): count, error rate, then the percentiles (one chart,
    /// or one per group with `--by`).
    private func chartFigures(_ series: [StatisticsTimeSeries], width: Int64, span: ClosedRange<Double>?) -> [String] {
        let color = { (index: Int) in Self.palette[index % Self.palette.count] }
        let xLabel = Self.timeLabel(binWidth: width, span: span.map { $0.upperBound - $0.lowerBound } ?? 0)
        func lines(_ column: StatisticsColumn) -> [SVGLineChart.Series] {
            series.enumerated().map { index, line in
                SVGLineChart.Series(name: line.label, color: color(index), points: line.values(column, width: width))
            }
        }
        var figures = [
            figure(
                "Events",
                SVGLineChart(title: "count", series: lines(.count), xLabel: xLabel, xSpan: span) { Self.axisNumber($0) }
            ),
            figure(
                "Error rate",
                SVGLineChart(title: "error_rate", series: lines(.errorRate), xLabel: xLabel, xSpan: span) {
                    StatisticsNumberFormat.percent($0) ?? ""
                }
            ),
        ]
        let percentiles = chartedPercentiles.enumerated().map { index, p in
            (StatisticsColumn.percentile(p), color(index))
        }
        for line in series where !percentiles.isEmpty {
            let caption = "\(report.metric) percentiles" + (report.keyNames.count > 1 ? ": \(line.label)" : "")
            let chart = SVGLineChart(
                title: caption,
                series: percentiles.map { column, color in
                    SVGLineChart.Series(name: column.name, color: color, points: line.values(column, width: width))
                },
                xLabel: xLabel,
                xSpan: span
            ) { Self.axisNumber($0) }
            figures.append(figure(caption, chart))
        }
        return figures
    }

    /// p50, p95 and p99 when the report has them, else every percentile it has.
    private var chartedPercentiles: [Double] {
        let usual = report.percentiles.filter { [50, 95, 99].contains($0) }
        return usual.isEmpty ? report.percentiles : usual
    }

    private func figure(_ caption: String, _ chart: SVGLineChart) -> String {
        var legend = "<ul class=\"legend\">"
        for line in chart.series {
            legend +=
                "<li><span class=\"swatch\" "
                + "style=\"background:\(line.color)\"></span>\(HTMLText.escaped(line.name))</li>"
        }
        return "<figure><figcaption>\(HTMLText.escaped(caption))</figcaption>\(chart.svg())\(legend)</ul></figure>\n"
    }

    /// The first to the last bin of `series`, in seconds since the epoch.
    private static func span(_ series: [StatisticsTimeSeries]) -> ClosedRange<Double>? {
        let times = series.flatMap { $0.points.map(\.time.secondsSinceEpoch) }
        guard let first = times.min(), let last = times.max() else { return nil }
        return first...last
    }

    /// Labels for the time axis (UTC): `10:30`, with seconds for bins under a minute, with the date over a day
    /// (`span` in seconds).
    static func timeLabel(binWidth: Int64, span: Double) -> (Double) -> String {
        let range: Range<Int> = span >= 86_400 ? 5..<16 : binWidth < 60_000_000_000 ? 11..<19 : 11..<16
        return { seconds in
            let text = Array(Timestamp(nanosecondsSinceEpoch: Int64((seconds * 1e9).rounded())).description)
            guard text.count >= range.upperBound else { return String(text) }
            return String(text[range]).replacingT()
        }
    }

    /// An axis value: whole numbers as they are, others with at most two decimals.
    static func axisNumber(_ value: Double) -> String {
        StatisticsNumberFormat.text(value, digits: 2) ?? ""
    }
}

extension String {
    fileprivate func replacingT() -> String {
        String(map { $0 == "T" ? " " : $0 })
    }
}
