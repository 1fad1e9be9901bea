/// A line chart as inline SVG: one line per series over a shared x axis, y from zero, with gridlines and tick
/// labels. All text goes through ``HTMLText``, so a series name is never markup.
struct SVGLineChart {
    /// One line; a `nil` y leaves a gap.
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double?)]
        var dashed = false
    }

    var title: String
    var series: [Series]
    /// A tick label for an x value.
    var xLabel: (Double) -> String
    /// The x values the axis spans (all the series' when `nil`), so charts side by side can share one.
    var xSpan: ClosedRange<Double>? = nil
    /// A tick label for a y value.
    var yLabel: (Double) -> String

    static let width = 560.0
    static let height = 220.0
    static let left = 60.0, right = 14.0, top = 12.0, bottom = 26.0

    /// The `<svg>` element, sized by its viewBox (it scales with the page).
    func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.compactMap(\.y) }
        var xRange = xSpan.map { ($0.lowerBound, $0.upperBound) } ?? (xs.min() ?? 0, xs.max() ?? 1)
        if xRange.1 <= xRange.0 { xRange = (xRange.0 - 1, xRange.0 + 1) }
        let yStep = Self.niceStep((ys.max() ?? 0) / 4)
        let ySteps = Swift.max(1, Int(((ys.max() ?? 0) / yStep).rounded(.up)))
        let yMax = yStep * Double(ySteps)
        let plot = (
            x: Self.left, y: Self.top, w: Self.width - Self.left - Self.right, h: Self.height - Self.top - Self.bottom
        )
        func px(_ x: Double) -> Double { plot.x + (x - xRange.0) / (xRange.1 - xRange.0) * plot.w }
        func py(_ y: Double) -> Double { plot.y + plot.h - y / yMax * plot.h }

        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Self.width) \(Self.height)\""
        out += " role=\"img\" aria-label=\"\(HTMLText.escaped(title))\"><title>\(HTMLText.escaped(title))</title>"
        for step in 0...ySteps {
            let y = yStep * Double(step)
            out +=
                "<line class=\"grid\" x1=\"\(plot.x)\" x2=\"\(plot.x + plot.w)\" y1=\"\(Self.f(py(y)))\" "
                + "y2=\"\(Self.f(py(y)))\"/>"
            out += "<text class=\"tick\" x=\"\(plot.x - 6)\" y=\"\(Self.f(py(y) + 4))\" text-anchor=\"end\">"
            out += HTMLText.escaped(yLabel(y)) + "</text>"
        }
        for step in 0...3 {
            let x = xRange.0 + (xRange.1 - xRange.0) * Double(step) / 3
            let anchor = step == 0 ? "start" : step == 3 ? "end" : "middle"
            out += "<text class=\"tick\" x=\"\(Self.f(px(x)))\" y=\"\(Self.height - 8)\" text-anchor=\"\(anchor)\">"
            out += HTMLText.escaped(xLabel(x)) + "</text>"
        }
        for line in series { out += path(line, px, py) }
        return out + "</svg>"
    }

    /// One series: a path whose gaps start new subpaths, and a dot for each point with no neighbour.
    private func path(_ line: Series, _ px: (Double) -> Double, _ py: (Double) -> Double) -> String {
        var d = ""
        var dots = ""
        var previous: Double?
        for (index, point) in line.points.enumerated() {
            guard let y = point.y else {
                previous = nil
                continue
            }
            d += (previous == nil ? "M" : "L") + Self.f(px(point.x)) + " " + Self.f(py(y)) + " "
            let nextMissing = index + 1 >= line.points.count || line.points[index + 1].y == nil
            if previous == nil && nextMissing {
                dots +=
                    "<circle cx=\"\(Self.f(px(point.x)))\" cy=\"\(Self.f(py(y)))\" r=\"2.5\" fill=\"\(line.color)\"/>"
            }
            previous = y
        }
        let name = HTMLText.escaped(line.name)
        let dash = line.dashed ? " stroke-dasharray=\"5 3\"" : ""
        return "<g class=\"series\"><title>\(name)</title><path d=\"\(d)\" fill=\"none\" stroke=\"\(line.color)\""
            + " stroke-width=\"1.8\"\(dash)/>\(dots)</g>"
    }

    /// The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (1 for nothing above zero).
    static func niceStep(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= value { power *= 10 }
        while power > value { power /= 10 }
        for step in [1.0, 2, 2.5, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// A coordinate with one decimal.
    static func f(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        return fraction == 0 ? String(whole) : (tenths < 0 && whole == 0 ? "-0." : "\(whole).") + String(fraction)
    }
}
