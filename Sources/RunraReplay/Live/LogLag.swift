/// How far behind a followed log's delivery is (`replay --follow`'s status line and metrics).
public struct LogLag: Sendable, Equatable {
    /// The followed log (the live file's path).
    public var log: String
    /// Bytes read or waiting in its files that no exporter set has acknowledged yet (gzip files count once
    /// read to their end).
    public var bytes: Int64
    /// Its files not yet delivered to their end.
    public var files: Int
    /// The age of the oldest event read but not yet acknowledged, by its timestamp; `nil` when none is waiting.
    public var seconds: Double?
}
