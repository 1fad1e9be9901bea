#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line on a terminal's standard error, rewritten in place as a long command advances (`\r`, erase to the end
/// of the line), at most four times a second and not in its first half second (a quick command shows none);
/// nothing when standard error is not a terminal or with `-q`. Used from one thread at a time.
final class ProgressLine: @unchecked Sendable {
    let isShown: Bool
    private var lastShown: timespec
    private var written = false

    init(quiet: Bool) {
        isShown = !quiet && StandardError.isTerminal
        lastShown = timespec()
        clock_gettime(CLOCK_MONOTONIC, &lastShown)
        lastShown.tv_nsec += 250_000_000  // the first line after 500 ms
    }

    /// Shows `text()` unless the line was rewritten less than 250 ms ago (`text` is not called then).
    func update(_ text: () -> String) {
        guard isShown else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        if Self.milliseconds(from: lastShown, to: now) < 250 { return }
        lastShown = now
        written = true
        write("\r\u{1B}[K" + text())
    }

    /// Erases the line, so what follows starts on a clean one.
    func clear() {
        guard written else { return }
        written = false
        write("\r\u{1B}[K")
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    private static func milliseconds(from start: timespec, to end: timespec) -> Int {
        (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1_000_000
    }
}
