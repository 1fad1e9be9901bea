import Foundation
import RunraTestSupport
import Testing

/// `stats -o html` in a real headless Chromium (Debian's package): the page loads with nothing on the console (no
/// error, no blocked script), the charts are SVG with drawn lines, hostile text from the log stays text, and a
/// screenshot is taken.
@Suite(.timeLimit(.minutes(10))) struct StatsHTMLChromiumTests {
    /// A sandbox name that would be markup, script, an SVG break-out or an attribute break-out if written as it is.
    static let hostile =
        "sb_<script>document.title='pwned'</script></svg><img src=x "
        + "onerror=\"document.title='pwned'\">'\u{07}\u{1B}[31m"

    /// Two sandboxes (one hostile) over ten minutes, every third command failing.
    static func log(start minute: Int = 0) -> String {
        var lines: [String] = []
        for index in 0..<240 {
            let sandbox = index % 2 == 0 ? "sb_plain" : hostile
            let time = String(format: "2026-06-15T10:%02d:%02d.000Z", minute + index / 24, (index * 7) % 60)
            let event: [String: Any] = [
                "id": "e\(index)", "timestamp": time, "type": "exec.completed", "sandboxId": sandbox,
                "data": [
                    "command": index % 5 == 0 ? "</svg>\"npm test\"" : "ls", "exitCode": index % 3 == 0 ? 1 : 0,
                    "durationMs": 10 + (index * 37) % 400,
                ],
            ]
            let data = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Chromium's view of `page`: the DOM after load, the console lines, and a screenshot at `screenshot`.
    struct Loaded {
        var dom: String
        var console: [String]
    }

    static func load(_ page: String, screenshot: String) throws -> Loaded? {
        guard let chromium = ExternalTool.find("chromium", package: "chromium") else { return nil }
        let profile = try TemporaryDirectory()
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.url.path)",
            "--enable-logging=stderr", "--v=0", "--window-size=1200,1600",
        ]
        let environment = ["HOME": profile.url.path]
        let dump = try chromium.run(common + ["--dump-dom", "file://" + page], environment: environment)
        #expect(dump.status == 0, "chromium --dump-dom: \(dump.stderr.suffix(2000))")
        let shot = try chromium.run(
            common + ["--screenshot=\(screenshot)", "file://" + page],
            environment: environment
        )
        #expect(shot.status == 0, "chromium --screenshot: \(shot.stderr.suffix(2000))")
        let console = (dump.stderr + shot.stderr).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(
            String.init
        )
        return Loaded(dom: dump.stdoutText, console: console)
    }

    func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func theBinnedReportRendersItsChartsAndRunsNoScript() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("events.jsonl", Self.log())
        let page = directory.path("report.html")
        let result = try CLI.run([
            "stats", "-o", "html", "--by", "sandboxId", "--bin", "1m", "--fail-if", "p95 > 300", input,
        ])
        #expect(result.status == 3, "\(result.stderr)")
        try result.stdout.write(to: URL(fileURLWithPath: page))
        #expect(!result.stdoutText.lowercased().contains("<script"), "the page holds a script element")
        #expect(!result.stdoutText.contains("http://") && !result.stdoutText.contains("https://"), "the page links out")

        guard let loaded = try Self.load(page, screenshot: directory.path("report.png")) else { return }
        #expect(loaded.console.isEmpty, "console: \(loaded.console)")
        // count, error rate, and one percentile chart per sandbox
        #expect(occurrences("<svg class=\"chart\"", in: loaded.dom) == 4)
        #expect(occurrences("<path d=\"M", in: loaded.dom) == 2 + 2 + 2 * 3)
        #expect(loaded.dom.contains("<title>runra-events stats: "), "the title changed: a script ran")
        #expect(!loaded.dom.contains("pwned\"") && !loaded.dom.lowercased().contains("<script"))
        #expect(!loaded.dom.contains("<img"), "the hostile name became an element")
        #expect(loaded.dom.contains("sb_&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;/svg&gt;&lt;img"))
        #expect(loaded.dom.contains("\\u0007\\u001B[31m"), "control characters are not shown as escapes")
        let png = try Data(contentsOf: URL(fileURLWithPath: directory.path("report.png")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "screenshot of \(png.count) bytes")
    }

    @Test func aBaselineGetsItsChartsBesideTheReportsAndTheTablesAreThere() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("pr.jsonl", Self.log())
        let base = try directory.write("main.jsonl", Self.log(start: 20))
        let page = directory.path("report.html")
        let result = try CLI.run(["stats", "-o", "html", "--bin", "5m", "--baseline", base, input])
        #expect(result.status == 0, "\(result.stderr)")
        try result.stdout.write(to: URL(fileURLWithPath: page))
        guard let loaded = try Self.load(page, screenshot: directory.path("baseline.png")) else { return }
        #expect(loaded.console.isEmpty, "console: \(loaded.console)")
        #expect(occurrences("<div class=\"pair\">", in: loaded.dom) == 1 + 3)
        #expect(occurrences("<svg class=\"chart\"", in: loaded.dom) == 6)
        #expect(loaded.dom.contains("10:20") && loaded.dom.contains("10:00"), "each side has its own time axis")
        #expect(loaded.dom.contains("<th class=\"n\">baseline_count</th>"))
        #expect(loaded.dom.contains("<td>exec.completed</td><td class=\"n\">240</td>"))
    }

    @Test func withoutBinThePageHasTheTablesAndNoCharts() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("events.jsonl", Self.log())
        let result = try CLI.run(["stats", "-o", "html", "--by", "data.command", input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdoutText.contains("<svg"))
        #expect(result.stdoutText.contains("<td>&lt;/svg&gt;&quot;npm test&quot;</td>"))
        #expect(result.stdoutText.hasPrefix("<!DOCTYPE html>") && result.stdoutText.hasSuffix("</html>\n"))
    }
}
