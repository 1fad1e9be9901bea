import Foundation
import RunraReplay

/// `replay --follow --status-interval`: a line on standard error now and then, for people and log collectors.
///
///     runra-events: status: 1520 events/s read, 1498/s delivered; axiom 120431 sent, 3 retried, 0 dead-lettered; lag
/// logs/app.jsonl 0 B 0.4 s (4h 10m for an old log)
///
/// A file lost before it was shipped adds `; LOST 1 file(s) (at least N B)`. While checkpoint writes fail, it ends
/// with `; checkpoint failing for 12.4 s (62 writes): cannot write checkpoint ship.ckpt: No space left on device;
/// 18230 events not in it` (and `, reading paused` at the backlog limit).
struct ShipperStatus {
    let engine: ReplayEngine

    func run(every seconds: Double) async {
        var last = (time: Date(), read: 0, delivered: 0)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(seconds))
            if Task.isCancelled { break }
            let (read, exporters) = engine.progress()
            let delivered = exporters.map(\.sent).min() ?? 0
            let now = Date()
            let elapsed = max(0.001, now.timeIntervalSince(last.time))
            var line = "runra-events: status: \(Int((Double(read - last.read) / elapsed).rounded())) events/s read, "
            line += "\(Int((Double(delivered - last.delivered) / elapsed).rounded()))/s delivered"
            for exporter in exporters {
                line +=
                    "; \(exporter.label) \(exporter.sent) sent\(ReplayProgress.pendingText(exporter)),"
                    + " \(exporter.retried) retried,"
                    + " \(exporter.deadLettered) dead-lettered"
            }
            let lost = engine.lostFiles()
            if !lost.isEmpty {
                let bytes = lost.reduce(0) { $0 + $1.bytesLost }
                line += "; LOST \(lost.count) file(s)" + (bytes > 0 ? " (at least \(bytes) B)" : "")
            }
            for lag in engine.lag() {
                line += "; lag \(lag.log) \(lag.bytes) B"
                if lag.files > 1 { line += " in \(lag.files) files" }
                line += " " + HumanDuration.text(seconds: lag.seconds ?? 0)
            }
            if let checkpoint = engine.checkpointHealth(), let failure = checkpoint.failure {
                line += String(format: "; checkpoint failing for %.1f s", checkpoint.failingSeconds)
                line += " (\(checkpoint.failedWrites) writes): "
                line += "\(failure); \(checkpoint.eventsSinceWritten) events not in it"
                if checkpoint.readingPaused { line += ", reading paused" }
            }
            StandardError.print(line)
            last = (now, read, delivered)
        }
    }
}
