import Foundation
public import RunraEvents

/// A replay's resume point: the inputs (with fingerprints) and the position through which every exporter
/// acknowledged every event. Written atomically (temporary file, then rename).
public struct ReplayCheckpoint: Codable, Sendable, Equatable {
    /// One input as it was when the replay started.
    public struct Input: Codable, Sendable, Equatable {
        /// The path as given.
        public var path: String
        /// Its size in bytes when the replay started.
        public var size: Int64
        /// `fnv1a64:` and the hash of its first ``fingerprintBytes`` bytes (compressed bytes for gzip).
        public var fingerprint: String
        /// How many bytes the fingerprint covers (64 KiB, or less for a smaller file).
        public var fingerprintBytes: Int
    }

    /// The format version.
    public var version = 1
    /// The inputs, in order.
    public var inputs: [Input]
    /// The index in ``inputs`` of the last acknowledged event's input.
    public var input: Int
    /// The 1-based line number of the last acknowledged event (0: nothing yet).
    public var line: Int

    /// The position: everything at or before it was delivered.
    public var position: EventPosition { EventPosition(input: input, line: line) }

    /// A checkpoint of `inputs` at `position`.
    public init(inputs: [Input], position: EventPosition) {
        self.inputs = inputs
        self.input = position.input
        self.line = position.line
    }

    static let fingerprintLength = 64 * 1024

    /// Describes `paths` as they are now (sizes and fingerprints).
    public static func describe(paths: [String]) throws -> [Input] {
        try paths.map { path in
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw RunraError(.io, "cannot open \(path)")
            }
            defer { try? handle.close() }
            let size = Int64(
                (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0
            )
            let head = (try handle.read(upToCount: fingerprintLength)) ?? Data()
            return Input(path: path, size: size, fingerprint: ContentFingerprint.of(head), fingerprintBytes: head.count)
        }
    }

    /// Reads the checkpoint at `path`, or `nil` when there is none.
    public static func load(path: String) throws -> ReplayCheckpoint? {
        guard let data = try CheckpointFile.contents(path) else { return nil }
        do {
            return try JSONDecoder().decode(ReplayCheckpoint.self, from: data)
        } catch  where (try? JSONDecoder().decode(LiveCheckpoint.self, from: data))?.mode == "follow" {
            throw RunraError(
                .configuration,
                "checkpoint \(path) was written by replay --follow: add --follow, or pass another file to replay "
                    + "from the start"
            )
        } catch {
            throw RunraError(
                .configuration,
                "checkpoint \(path) is not a runra-events checkpoint (remove it to start over)"
            )
        }
    }

    /// Throws a clear error unless `current` (the inputs now) is the input this checkpoint was written for.
    /// Files may have grown (appended lines are replayed on resume), but not changed.
    public func verify(against current: [String], checkpointPath: String) throws {
        let advice = "remove \(checkpointPath) to start over, or pass the same files in the same order"
        guard current.count == inputs.count else {
            throw RunraError(
                .usage,
                "checkpoint \(checkpointPath) was written for \(inputs.count) input\(inputs.count == 1 ? "" : "s") "
                    + "(\(inputs.map(\.path).joined(separator: ", "))), not \(current.count): \(advice)"
            )
        }
        for (saved, path) in zip(inputs, current) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw RunraError(.io, "cannot open \(path)") }
            defer { try? handle.close() }
            let head = (try handle.read(upToCount: saved.fingerprintBytes)) ?? Data()
            if head.count != saved.fingerprintBytes || ContentFingerprint.of(head) != saved.fingerprint {
                throw RunraError(
                    .usage,
                    "checkpoint \(checkpointPath) was written for different input: \(path) is not the file "
                        + "\(saved.path) was (its first \(saved.fingerprintBytes) bytes differ; was it rotated or "
                        + "rewritten?): \(advice)"
                )
            }
        }
    }

    /// Writes the checkpoint to `path` atomically.
    public func write(to path: String) throws {
        try CheckpointFile.write(self, to: path)
    }
}
