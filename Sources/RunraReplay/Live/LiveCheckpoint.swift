import Foundation
internal import RunraEvents

/// The checkpoint of `replay --follow`: per file, known by the fingerprint of its first line, how far every
/// exporter has acknowledged it. Written atomically (temporary file, then rename) while shipping and at the end.
///
/// Names do not count: a file renamed to `.1` and compressed to `.1.gz` keeps its fingerprint, so a restart
/// neither sends it again nor skips it.
public struct LiveCheckpoint: Codable, Sendable, Equatable {
    /// One file.
    public struct File: Codable, Sendable, Equatable {
        /// The followed log it belongs to (the live file's path as given or matched).
        public var log: String
        /// `fnv1a64:` and the hash of its first line (decompressed), or of its first 4096 bytes.
        public var fingerprint: String
        /// The name it had when last seen.
        public var path: String
        public var device: UInt64
        public var inode: UInt64
        public var compressed: Bool
        /// Bytes through the last acknowledged line (decompressed bytes for gzip).
        public var offset: Int64
        /// That line's number (0: nothing yet).
        public var line: Int
        /// Its size when last seen (decompressed for gzip; absent until read to the end).
        public var size: Int64?
        /// Acknowledged to its end, and read to its end after it left the live name: it will not grow.
        public var complete: Bool
        /// Still the live file, under the log's own name, when last seen (absent in older checkpoints: then
        /// taken from `path == log`). A live file gone while no shipper ran may have grown before it went.
        public var live: Bool? = nil

        /// For a file gone before it was delivered: the bytes known not delivered (from its size when last seen).
        public var bytesLost: Int64 { max(0, (size ?? offset) - offset) }
    }

    /// The format version.
    public var version = 2
    /// Always `follow` (a `replay` checkpoint without `--follow` has `inputs` instead).
    public var mode = "follow"
    /// The files, by log, oldest first.
    public var files: [File]

    /// A checkpoint of `files`.
    public init(files: [File]) {
        self.files = files
    }

    /// Reads the checkpoint at `path`, or `nil` when there is none.
    public static func load(path: String) throws -> LiveCheckpoint? {
        guard let data = try CheckpointFile.contents(path) else { return nil }
        guard let checkpoint = try? JSONDecoder().decode(LiveCheckpoint.self, from: data), checkpoint.mode == "follow"
        else {
            throw RunraError(
                .configuration,
                "checkpoint \(path) is not a replay --follow checkpoint (a replay without --follow writes another kind;"
                    + " remove it or pass another file to start over)"
            )
        }
        return checkpoint
    }

    /// Writes the checkpoint to `path` atomically.
    public func write(to path: String) throws {
        try CheckpointFile.write(self, to: path)
    }
}
