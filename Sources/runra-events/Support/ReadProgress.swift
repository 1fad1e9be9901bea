import RunraEvents

/// The progress line of a command that reads its inputs to the end (`stats`, `filter` into a file or a pipe):
/// `stats: 41% of 1000.0 MB, about 3.2 s left` (a share for plain files, else `412.3 MB read`).
enum ReadProgress {
    /// `options`, reporting to `line` as `command` reads `paths`.
    static func reporting(
        _ options: ReadOptions,
        to line: ProgressLine,
        command: String,
        paths: [String?]
    ) -> ReadOptions {
        guard line.isShown else { return options }
        var options = options
        let known = InputSize.plainBytes(paths)
        let start = ContinuousClock.now
        options.onProgress = { bytes, _ in
            line.update {
                let elapsed = (ContinuousClock.now - start).components
                let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
                return command + ":" + InputSize.shareText(read: bytes, of: known, seconds: seconds).dropFirst()
            }
        }
        return options
    }
}
