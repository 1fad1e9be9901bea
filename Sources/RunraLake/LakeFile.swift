import Foundation
import RunraParquet

/// One Parquet file of the group being written: under a temporary hidden name in its partition's directory until
/// ``publish()`` renames it to its final name, so a reader never sees a partial file.
final class LakeFile {
    let partition: LakePartition
    /// The final path relative to the lake's root, e.g. `dt=2026-06-15/hour=10/part-….parquet`.
    let relativePath: String
    let path: String
    let temporaryPath: String
    let writer: ParquetWriter

    /// Starts the file `name` in `partition` under `root`, replacing a temporary file a killed run left.
    init(
        root: String,
        partition: LakePartition,
        name: String,
        schema: ParquetSchema,
        options: ParquetWriterOptions
    ) throws {
        self.partition = partition
        let directory = partition.directory.isEmpty ? root : "\(root)/\(partition.directory)"
        try LakeDirectories.make(directory)
        relativePath = partition.directory.isEmpty ? name : "\(partition.directory)/\(name)"
        path = "\(directory)/\(name)"
        temporaryPath = "\(directory)/.\(name).tmp"
        unlink(temporaryPath)
        do {
            writer = try ParquetWriter(path: temporaryPath, schema: schema, options: options)
        } catch {
            throw LakeDirectories.failure(
                "\(error)",
                advice: "check the lake's directory, its permissions and free space"
            )
        }
    }

    /// Writes the footer, syncs the file, renames it to its final name and syncs the directory.
    func publish() throws -> ParquetFileSummary {
        let summary: ParquetFileSummary
        do {
            summary = try writer.close()
        } catch {
            discard()
            throw LakeDirectories.failure(
                "\(error)",
                advice: "free space on the lake's disk; the file is written again"
            )
        }
        do {
            try LakeDirectories.publish(temporaryPath, as: path)
        } catch {
            unlink(temporaryPath)
            throw error
        }
        return summary
    }

    /// Abandons the file and removes its temporary name.
    func discard() {
        writer.abandon()
        unlink(temporaryPath)
    }
}
