import RunraEvents
import RunraReplay

/// The final summary of `replay`, for standard error.
enum ReplaySummaryText {
    static func render(_ report: ReplayReport, checkpointPath: String?, deadLetterPath: String?) -> String {
        var lines: [String] = []
        var head = "replay: \(report.events) events in \(String(format2(report.seconds))) s"
        if report.dryRun { head += " (dry run: nothing sent; 'sent' is what would be sent)" }
        if let resumed = report.resumedAfter { head += ", resumed after \(resumed)" }
        if report.interrupted { head += ", interrupted" }
        if report.read.badLines > 0 { head += ", \(report.read.badLines) bad lines" }
        lines.append(head)
        let header = [
            "exporter", "sent", "filtered", "rejected", "retried", "gave up", "dead-lettered", "bytes", "events/s",
        ]
        var rows = [header]
        for exporter in report.exporters {
            rows.append([
                exporter.label, "\(exporter.sent)", "\(exporter.filteredOut)", "\(exporter.rejected)",
                "\(exporter.retried)",
                "\(exporter.givenUp)", "\(exporter.deadLettered)", "\(exporter.bytes)",
                "\(Int(exporter.eventsPerSecond.rounded()))",
            ])
        }
        let widths = header.indices.map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.enumerated().map { column, cell in
                    column == 0
                        ? cell + String(repeating: " ", count: widths[column] - DisplayWidth.of(cell))
                        : String(repeating: " ", count: widths[column] - DisplayWidth.of(cell)) + cell
                }.joined(separator: "  ")
            )
        }
        for exporter in report.exporters {
            for failure in exporter.failures { lines.append("  \(exporter.label): \(failure)") }
        }
        if report.unrouted > 0 {
            lines.append("  \(report.unrouted) dead-letter records name an exporter that is not configured: not sent")
        }
        let lost = report.exporters.reduce(0) { $0 + $1.rejected + $1.givenUp - $1.deadLettered }
        if let deadLetterPath, report.exporters.contains(where: { $0.deadLettered > 0 }) {
            lines.append(
                "refused and given-up events were written to \(deadLetterPath) (resend them with --from-dead-letter)"
            )
        }
        if lost > 0 && deadLetterPath == nil {
            lines.append("\(lost) refused or given-up events were not kept (use --dead-letter FILE to keep them)")
        }
        for file in report.lostFiles {
            lines.append("LOST: \(lostDescription(file))")
        }
        if let checkpointPath, let position = report.checkpoint, !report.dryRun {
            lines.append("checkpoint \(checkpointPath): delivered through \(position)")
            if deadLetterPath == nil && report.exporters.contains(where: { $0.givenUp > 0 }) {
                lines.append(
                    "the checkpoint stays before the first given-up event: run the same command again to send them"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A file a follow checkpoint named, gone before it was delivered to its end.
    static func lostDescription(_ file: LiveCheckpoint.File) -> String {
        var text = "\(file.path) (of \(file.log), first line \(file.fingerprint)) was deleted before it was shipped: "
        if file.line > 0 {
            text += "the events after its line \(file.line) are lost"
        } else {
            text += "all its events are lost"
        }
        if file.bytesLost > 0 {
            text += " (at least \(file.bytesLost) bytes; it was not held open because runra-events was not running)"
        } else {
            text += " (it was not held open because runra-events was not running)"
        }
        return text
    }

    private static func format2(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
