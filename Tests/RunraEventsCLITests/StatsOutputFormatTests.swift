import Foundation
import FoundationXML
import RunraTestSupport
import Testing

/// Every `stats` output format, parsed back and compared with the JSON report.
@Suite(.timeLimit(.minutes(5))) struct StatsOutputFormatTests {
    static let sharedText = GeneratedLog(count: 6_000, seed: 7).jsonl
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = try directory.write("events.jsonl", Self.sharedText)
    }

    /// The JSON rows keyed by `sandboxId|data.command`.
    func jsonRows() throws -> [String: [String: Any]] {
        let report = try statsJSON(["--by", "sandboxId", "--by", "data.command", path])
        var rows: [String: [String: Any]] = [:]
        for row in report.rows { rows["\(row.key["sandboxId"]!!)|\(row.key["data.command"]!!)"] = row }
        return rows
    }

    /// RFC 4180 parsing (quotes, doubled quotes, commas inside quotes).
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return records
    }

    @Test func csvHasHeaderAndTheJSONNumbers() throws {
        let result = try CLI.run(["stats", "-o", "csv", "--by", "sandboxId", "--by", "data.command", path])
        #expect(result.status == 0)
        let records = Self.parseCSV(result.stdoutText)
        let header = try #require(records.first)
        #expect(
            header == [
                "sandboxId", "data.command", "count", "failures", "error_rate", "values", "missing", "non_numeric",
                "avg", "min",
                "p50", "p90", "p95", "p99", "max", "sum",
            ]
        )
        let expected = try jsonRows()
        #expect(records.count - 1 == expected.count)
        #expect(records.contains { $0.count > 1 && $0[1] == "pytest \"a,b\"" })  // quoted field read back
        for record in records.dropFirst() {
            let row = try #require(expected["\(record[0])|\(record[1])"])
            for (index, name) in header.enumerated().dropFirst(2) {
                // Foundation's JSONSerialization on Linux can be off in the last digit; csv is exact text.
                let number = try #require((row[name] as? NSNumber)?.doubleValue, "\(name)")
                let value = try #require(Double(record[index]), "\(name)")
                #expect(abs(value - number) <= 1e-14 * abs(number), "\(name)")
            }
        }
    }

    /// The rows of the Markdown table whose header starts with `firstColumn`.
    static func markdownTable(_ text: String, firstColumn: String) -> [[String]] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| \(firstColumn) |") }) else { return [] }
        func cells(_ line: String) -> [String] {
            line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map {
                $0.replacingOccurrences(of: "\\", with: "")
            }
        }
        var rows = [cells(lines[start])]
        #expect(lines[start + 1].hasPrefix("| :-- |") || lines[start + 1].hasPrefix("| --: |"))
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("| ") else { break }
            rows.append(cells(line))
        }
        return rows
    }

    @Test func markdownTablesReadBack() throws {
        let result = try CLI.run([
            "stats", "-o", "markdown", "--by", "sandboxId", "--by", "data.command", "--fail-if", "p50 > 1000000",
            "--fail-if",
            "error_rate > 0", path,
        ])
        #expect(result.status == 3)
        let text = result.stdoutText
        #expect(text.contains("### Events by type"))
        let types = Self.markdownTable(text, firstColumn: "type")
        #expect(types.count == 1 + GeneratedLog.types.count)
        let table = Self.markdownTable(text, firstColumn: "sandboxId")
        let header = try #require(table.first)
        #expect(header.prefix(4) == ["sandboxId", "data.command", "count", "failures"])
        let expected = try jsonRows()
        #expect(table.count - 1 == expected.count)
        let countIndex = try #require(header.firstIndex(of: "count"))
        let maxIndex = try #require(header.firstIndex(of: "max"))
        let rateIndex = try #require(header.firstIndex(of: "error_rate"))
        for row in table.dropFirst() {
            let json = try #require(expected["\(row[0])|\(row[1])"])
            #expect(Int(row[countIndex]) == json["count"] as? Int)
            #expect(Double(row[maxIndex]) == json["max"] as? Double)
            let rate = (json["error_rate"] as? Double ?? 0) * 100
            #expect(abs((Double(row[rateIndex].dropLast()) ?? -1) - rate) < 0.006)  // "12.34%"
        }
        #expect(text.contains("- ✅ `p50 > 1000000`: passed"))
        #expect(text.contains("- ❌ `error_rate > 0`: crossed by \(expected.count) groups"))
    }

    @Test func junitHasOneTestCasePerCheck() throws {
        let result = try CLI.run([
            "stats", "-o", "junit", "--by", "sandboxId", "--fail-if", "count == 0", "--fail-if",
            "p99 > 1 && sandboxId == \"sb_3\"",
            path,
        ])
        #expect(result.status == 3)
        let document = try XMLDocument(data: result.stdout)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "2")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(
            cases.map { $0.attribute(forName: "name")?.stringValue } == [
                "count == 0", "p99 > 1 && sandboxId == \"sb_3\"",
            ]
        )
        #expect(cases[0].elements(forName: "failure").isEmpty)
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.stringValue?.hasPrefix("sandboxId=sb_3 (p99=") == true)
        #expect(failure.attribute(forName: "message")?.stringValue == "crossed by 1 of 5 groups")
        let output = try document.nodes(forXPath: "//system-out").first?.stringValue
        #expect(output?.contains("data.durationMs over exec.completed, by sandboxId") == true)
    }

    @Test func tableColumnsAlignAndMatchJSON() throws {
        let result = try CLI.run(["stats", "--by", "sandboxId", path])
        #expect(result.status == 0)
        let lines = result.stdoutLines
        let start = try #require(lines.firstIndex { $0.hasPrefix("sandboxId ") })
        let header = lines[start].split(separator: " ").map(String.init)
        #expect(header.first == "sandboxId" && header.last == "sum")
        let rows = lines[(start + 1)...].prefix { !$0.isEmpty && !$0.hasPrefix("(") }
        #expect(rows.count == 5)
        // Right-aligned numbers: every row is as long as the header line.
        #expect(rows.allSatisfy { $0.count == lines[start].count })
        let json = try statsJSON(["--by", "sandboxId", path])
        for (line, row) in zip(rows, json.rows) {
            let cells = line.split(separator: " ").map(String.init)
            #expect(cells[0] == row.key["sandboxId"]!!)
            #expect(Int(cells[header.firstIndex(of: "count")!]) == row["count"] as? Int)
            #expect(Double(cells[header.firstIndex(of: "min")!]) == row["min"] as? Double)
        }
    }

    @Test func jsonHasTheDocumentedTopLevelFields() throws {
        let report = try statsJSON([path])
        for field in [
            "schema", "metric", "metricTypes", "keys", "binSeconds", "percentiles", "columns", "relativeAccuracy",
            "input",
            "baselineInput", "events", "groups", "rows", "checks",
        ] {
            #expect(report[field] != nil, "\(field)")
        }
        #expect(report["schema"] as? String == "runra-events.stats/1")
        #expect(report["baselineInput"] is NSNull)
        #expect(report.rows[0]["baseline"] is NSNull)
        #expect(report.rows[0]["group"] as? String == "all")
    }
}

/// `stats -o markdown --by KEY`: a pipe table with the group columns whose cells read back, per GitHub-flavored
/// Markdown's escaping, as exactly the group values of the JSON report, whatever characters they hold.
@Suite(.timeLimit(.minutes(5))) struct StatsMarkdownGroupTests {
    static let commands = [
        "cat a.log | grep -c ERROR", #"echo "a\b" > /tmp/ü.txt"#, "*bold* _it_ `tick` <b>x</b> [l](u) ~s~", "",
        "line\nbreak", "trailing \\", "|", "plain",
    ]

    /// Splits a table row on unescaped `|` and undoes backslash escapes of ASCII punctuation (GFM §2.4).
    static func cells(_ row: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var characters = Array(row.dropFirst().dropLast()).makeIterator()
        while let character = characters.next() {
            if character == "\\", let next = characters.next() {
                if next.isASCII && next.isPunctuation || next.isASCII && next.isSymbol {
                    cell.append(next)
                } else {
                    cell += "\\\(next)"
                }
            } else if character == "|" {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(character)
            }
        }
        cells.append(cell)
        return cells.map {
            $0.hasPrefix(" ") && $0.hasSuffix(" ") && $0.count >= 2 ? String($0.dropFirst().dropLast()) : $0
        }
    }

    @Test(arguments: [
        ["--by", "data.command"], ["--by", "data.command", "--by", "sandboxId"],
        ["--by", "data.command", "--bin", "1h"],
    ])
    func groupCellsReadBackExactly(_ grouping: [String]) throws {
        let directory = try TemporaryDirectory()
        var text = ""
        for (index, command) in Self.commands.enumerated() {
            let escaped = String(
                decoding: try JSONSerialization.data(withJSONObject: [command], options: [.withoutEscapingSlashes]),
                as: UTF8.self
            ).dropFirst().dropLast()
            text +=
                #"{"id":"m\#(index)","timestamp":"2026-06-15T10:30:0\#(index).000Z","type":"exec.completed","#
                + #""sandboxId":"sb|\#(index % 2)","data":{"command":\#(escaped),"exitCode":0,"#
                + #""durationMs":\#(index + 1)}}"#
                + "\n"
        }
        let path = try directory.write("events.jsonl", text)
        let markdown = try CLI.run(["stats", "-o", "markdown"] + grouping + [path])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        let lines = markdown.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("| data.command |") })
        let header = Self.cells(lines[start])
        let names = grouping.enumerated().filter { $0.offset % 2 == 1 && grouping[$0.offset - 1] == "--by" }.map(
            \.element
        )
        #expect(Array(header.prefix(names.count)) == names)
        if grouping.contains("--bin") { #expect(header[names.count] == "bin") }
        let rows = lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map(Self.cells)
        #expect(rows.allSatisfy { $0.count == header.count }, "a cell broke the table: \(rows)")
        // Markdown cells are one line: a newline in a value is shown as a space.
        let expected = Self.commands.map { $0.replacingOccurrences(of: "\n", with: " ") }
        #expect(rows.map { $0[0] }.sorted() == expected.sorted())
        if names.count == 2 { #expect(Set(rows.map { $0[1] }) == ["sb|0", "sb|1"]) }
    }
}
