import Foundation
import RunraEvents
import RunraReplay

/// What a plain `replay` has done so far: its progress line on a terminal
/// (`replay: 120000 events read, 41% of 120.3 MB, about 8 s left, 30000 events/s; sent: axiom 90000`), and what
/// was delivered when Ctrl-C's drain is cut short by `--drain-timeout`.
final class ReplayProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let line: ProgressLine
    private let knownBytes: Int?
    private let start = ContinuousClock.now
    private var bytesRead = 0
    private var eventsRead = 0
    private var finished = false

    /// Progress of reading `paths` (standard input for `nil`); a line only when `shown`.
    init(paths: [String?], shown: Bool) {
        line = ProgressLine(quiet: !shown)
        knownBytes = InputSize.plainBytes(paths)
    }

    /// Whether the line is shown (on a terminal, without `-q`).
    var isShown: Bool { line.isShown }

    /// `options`, telling this progress what was read (counted when handed to the exporters, not before).
    func reading(_ options: ReadOptions) -> ReadOptions {
        var options = options
        options.onProgress = { [self] bytes, events in lock.withLock { (bytesRead, eventsRead) = (bytes, events) } }
        return options
    }

    /// Rewrites the line with `engine`'s counts (at most four times a second), until ``finish()``.
    func show(_ engine: ReplayEngine) {
        guard line.isShown else { return }
        let (events, exporters) = engine.progress()
        lock.withLock {
            guard !finished else { return }
            let read = max(eventsRead, events)
            let seconds = (ContinuousClock.now - start).seconds
            let rate = seconds > 0 ? Int(Double(read) / seconds) : 0
            let sent = exporters.map { "\($0.label) \($0.sent)\(Self.pendingText($0))" }.joined(separator: ", ")
            let share = bytesRead > 0 ? InputSize.shareText(read: bytesRead, of: knownBytes, seconds: seconds) : ""
            line.update { "replay: \(read) events read\(share), \(rate) events/s; sent: \(sent)" }
        }
    }

    /// ` (+N in files not yet complete)` for an exporter that writes files complete only at flush, else nothing.
    static func pendingText(_ exporter: ExporterSummary) -> String {
        exporter.pending > 0 ? " (+\(exporter.pending) in files not yet complete)" : ""
    }

    /// Erases the line for good: what is printed next starts on a clean line.
    func finish() {
        lock.withLock {
            finished = true
            line.clear()
        }
    }

    /// After a drain cut short: the line erased, then `delivered: axiom 0, jsonl 5000 (of 8192 events read)`.
    func delivered(_ engine: ReplayEngine) -> String {
        finish()
        let (events, exporters) = engine.progress()
        let read = lock.withLock { max(eventsRead, events) }
        let sent = exporters.map { "\($0.label) \($0.sent)" }.joined(separator: ", ")
        return "delivered: \(sent) (of \(read) events read)"
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
