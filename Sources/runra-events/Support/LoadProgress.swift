/// What `load-pg` has done so far, as its progress line says it:
/// `load-pg: 305000 rows committed, 41% of 120.3 MB, about 8.0 s left, 61000 rows/s`.
struct LoadProgress {
    /// Bytes of the inputs when each is a plain file (``InputSize/plainBytes(_:)``).
    let knownBytes: Int?
    var committed = 0
    var bytesRead = 0

    init(paths: [String?]) {
        knownBytes = InputSize.plainBytes(paths)
    }

    /// The line after `seconds` of loading.
    func text(seconds: Double) -> String {
        let rate = seconds > 0 ? Int(Double(committed) / seconds) : 0
        return "load-pg: \(committed) rows committed"
            + InputSize.shareText(read: bytesRead, of: knownBytes, seconds: seconds) + ", \(rate) rows/s"
    }
}
