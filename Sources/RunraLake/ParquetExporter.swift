import Foundation
public import RunraEvents
import RunraParquet
public import RunraReplay

/// The `parquet` exporter: a directory of Parquet files in Hive partitions by event time, or a Delta Lake table of
/// them (`format: delta`), written exactly once.
///
/// Batches go into a group of files, one per partition, under temporary names; ``flush()`` completes them (footer,
/// fsync, rename, directory fsync; for Delta one commit) and only then does the engine acknowledge the group
/// (``ExportAcknowledgement/onFlush(interval:)``). Each file is named after the ``BatchOrigin`` the group began at,
/// so a run restarted from the checkpoint writes the same name again (a Delta commit removes the file that origin
/// added before) instead of a second copy. Keys: docs/lake.md.
public actor ParquetExporter: EventExporter {
    /// The registry key.
    public static let id = "parquet"
    public nonisolated var id: String { Self.id }

    private var settings: LakeSettings?
    private var schema = LakeSchema(promoted: [])
    private var delta: DeltaLog?
    private var group: [LakePartition: LakeFile] = [:]
    private var groupOrigin: BatchOrigin?
    private var groupRows = 0
    /// A plain lake's data files when the exporter started, by name: the first group's origin may have files there
    /// from an earlier run, in partitions the group does not write again (emptied after the first flush).
    private var earlierFiles: [String: [String]] = [:]
    private nonisolated let rollInterval = RollInterval()

    /// An exporter that is not yet initialized.
    public init() {}

    /// The registration for ``ExporterRegistry``.
    public static var registration: ExporterRegistry.Registration {
        var registration = ExporterRegistry.Registration(id: id, configurationKeys: LakeSettings.keys) {
            ParquetExporter()
        }
        registration.defaultBatchSize = 2000
        registration.defaultFlushIntervalMs = 200
        registration.validate = { _ = try LakeSettings($0) }
        return registration
    }

    /// Held until flush, at the latest `rollIntervalMs` after the first batch of a group.
    public nonisolated var acknowledgement: ExportAcknowledgement { .onFlush(interval: rollInterval.value) }

    public func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try LakeSettings(configuration)
        schema = LakeSchema(promoted: settings.columns)
        try LakeDirectories.probe(settings.path, key: configuration.keyPath("path"))
        let existing = LakeDirectories.files(under: settings.path)
        for relative in existing where LakeDirectories.isTemporary(relative) { unlink("\(settings.path)/\(relative)") }
        if settings.format == .delta {
            delta = try DeltaLog(
                root: settings.path,
                appId: settings.appId,
                schema: schema,
                partitionBy: settings.partitionBy
            )
            delta?.removeUncommittedFiles(among: existing)
        } else {
            let dataFiles = existing.filter(LakeDirectories.isDataFile)
            earlierFiles = Dictionary(grouping: dataFiles) { ($0 as NSString).lastPathComponent }
        }
        rollInterval.value = .milliseconds(settings.rollIntervalMs)
        self.settings = settings
    }

    public func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        try await export(events, origin: BatchOrigin(key: "run-\(UInt64.random(in: 0...UInt64.max))"))
    }

    public func export(_ events: [RuntimeEvent], origin: BatchOrigin) async throws -> ExportOutcome {
        guard let settings else { throw RunraError(.exporter, "export before initialize") }
        if groupOrigin == nil { groupOrigin = origin }
        let row = LakeRow(schema: schema)
        do {
            for event in events {
                let (micros, exact) = LakeRow.time(of: event)
                let partition = LakePartition.of(micros: micros, by: settings.partitionBy)
                try row.append(event, micros: micros, exactTime: exact, to: file(for: partition, settings).writer)
            }
        } catch {
            discardGroup()
            throw error
        }
        groupRows += events.count
        var outcome = ExportOutcome(bytesSent: events.reduce(0) { $0 + $1.line.count })
        let bytes = group.values.reduce(0) { $0 + $1.writer.estimatedBytes }
        outcome.flushRequested = groupRows >= settings.rollRows || bytes >= settings.rollBytes
        return outcome
    }

    private func file(for partition: LakePartition, _ settings: LakeSettings) throws -> LakeFile {
        if let file = group[partition] { return file }
        let origin = groupOrigin?.key ?? "unknown"
        // Delta wants data files never overwritten: a random part and the codec, as Spark names them.
        let unique = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let name =
            settings.format == .delta
            ? "part-\(origin)-\(unique).\(settings.compression.rawValue).parquet" : "part-\(origin).parquet"
        let options = ParquetWriterOptions(
            compression: settings.compression,
            rowGroupBytes: settings.rowGroupBytes,
            // Pages of up to 4 MiB (or 20,000 values): zstd finds more to share in larger pages of `data`.
            pageBytes: 4 << 20,
            keyValueMetadata: [("runra.origin", origin)]
        )
        let file = try LakeFile(
            root: settings.path,
            partition: partition,
            name: name,
            schema: schema.parquet,
            options: options
        )
        group[partition] = file
        return file
    }

    /// Completes the group's files: each is published (renamed complete and synced); a Delta table commits them all
    /// at once. A plain lake removes files of the same origin in partitions this group did not write.
    public func flush() async throws {
        guard let settings, let origin = groupOrigin?.key, !group.isEmpty else { return }
        var published: [DeltaLog.AddedFile] = []
        do {
            for (partition, file) in group.sorted(by: { $0.key.directory < $1.key.directory }) {
                let summary = try file.publish()
                group[partition] = nil
                published.append(
                    DeltaLog.AddedFile(relativePath: file.relativePath, partition: partition, summary: summary)
                )
            }
            if let delta {
                try delta.commit(published, origin: origin)
            } else {
                removeEarlierFiles(of: origin, keeping: Set(published.map(\.relativePath)), root: settings.path)
            }
        } catch {
            if delta != nil { for file in published { unlink("\(settings.path)/\(file.relativePath)") } }
            discardGroup()
            throw error
        }
        groupOrigin = nil
        groupRows = 0
    }

    /// Removes `part-<origin>.parquet` files an earlier run wrote in partitions this group did not write (the earlier
    /// group held events of more partitions than the group that replaces it). Only the first group after a start
    /// can meet them.
    private func removeEarlierFiles(of origin: String, keeping: Set<String>, root: String) {
        for relative in earlierFiles["part-\(origin).parquet"] ?? [] where !keeping.contains(relative) {
            unlink("\(root)/\(relative)")
        }
        earlierFiles = [:]
    }

    private func discardGroup() {
        for file in group.values { file.discard() }
        group = [:]
        groupOrigin = nil
        groupRows = 0
    }

    public func dispose() async {
        discardGroup()
    }
}

/// The interval an exporter's configuration sets, readable without awaiting the actor.
final class RollInterval: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Duration.seconds(10)
    var value: Duration {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
