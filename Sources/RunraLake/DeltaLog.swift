import Foundation
import RunraEvents
import RunraParquet

/// A Delta Lake table's commit log (`_delta_log/NNNNNNNNNNNNNNNNNNNN.json`), as this writer keeps it: it reads
/// the log to know the table's version, the files each origin added, and its own `txn` version; and it commits the
/// files of a group in one atomic commit (a new version made with `link(2)`, which fails when it exists already).
final class DeltaLog {
    /// A file added by a commit, with what its `add` action says of it.
    struct AddedFile {
        var relativePath: String
        var partition: LakePartition
        var summary: ParquetFileSummary
    }

    let root: String
    let appId: String
    let schema: LakeSchema
    let partitionColumns: [(name: String, type: String)]
    private(set) var version: Int64 = -1
    private(set) var transactionVersion: Int64 = -1
    /// The active files each origin added (what a group with that origin replaces).
    private(set) var filesByOrigin: [String: [String]] = [:]
    /// Every file a commit ever added (active or removed since).
    private(set) var everAdded = Set<String>()

    var logPath: String { "\(root)/_delta_log" }

    /// Reads the log of the table at `root` (none yet is a new table). Throws a configuration error when the table
    /// is one this writer must not write: another schema or partitioning, newer protocol versions, checkpoints only.
    init(root: String, appId: String, schema: LakeSchema, partitionBy: LakeSettings.PartitionBy) throws {
        self.root = root
        self.appId = appId
        self.schema = schema
        switch partitionBy {
        case .hour: partitionColumns = [("dt", "date"), ("hour", "integer")]
        case .day: partitionColumns = [("dt", "date")]
        case .none: partitionColumns = []
        }
        try read()
    }

    /// Removes the data files a writer killed between their rename and their commit left (`part-….parquet` files no
    /// commit added): no reader of the table sees them, and the restarted run writes their events again.
    /// `files`: the table's files as ``LakeDirectories/files(under:)`` lists them.
    func removeUncommittedFiles(among files: [String]) {
        for relative in files where LakeDirectories.isDataFile(relative) && !everAdded.contains(relative) {
            unlink("\(root)/\(relative)")
        }
    }

    /// The schema of the table: the file columns, then the partition columns.
    var schemaString: String {
        var fields = schema.parquet.columns.map { ($0.name, LakeSchema.sparkType($0.kind)) }
        fields += partitionColumns.map { ($0.name, $0.type) }
        let json = fields.map { #"{"name":"\#($0.0)","type":"\#($0.1)","nullable":true,"metadata":{}}"# }
        return #"{"type":"struct","fields":["# + json.joined(separator: ",") + "]}"
    }

    private func read() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logPath)) ?? []
        let versions = names.compactMap(Self.version(ofCommit:)).sorted()
        guard let last = versions.last else { return }
        guard versions.first == 0, versions.count == last + 1 else {
            throw configurationError("its log does not hold every commit from version 0 (a checkpoint replaced some)")
        }
        for version in versions { try apply(commit: version) }
        self.version = last
    }

    /// The version of a commit file's name, `00000000000000000003.json` → 3.
    static func version(ofCommit name: String) -> Int64? {
        guard name.count == 25, name.hasSuffix(".json") else { return nil }
        let digits = name.prefix(20)
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int64(digits)
    }

    private func commitPath(_ version: Int64) -> String {
        let digits = String(version)
        return "\(logPath)/" + String(repeating: "0", count: 20 - digits.count) + digits + ".json"
    }

    private func apply(commit version: Int64) throws {
        guard let data = FileManager.default.contents(atPath: commitPath(version)) else {
            throw configurationError("cannot read \(commitPath(version))")
        }
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let action = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw configurationError("\(commitPath(version)) holds a line that is not a JSON object")
            }
            try apply(action)
        }
    }

    private func apply(_ action: [String: Any]) throws {
        if let proto = action["protocol"] as? [String: Any] {
            let reader = proto["minReaderVersion"] as? Int ?? 1
            let writer = proto["minWriterVersion"] as? Int ?? 2
            guard reader <= 1, writer <= 2 else {
                throw configurationError(
                    "it needs reader version \(reader) and writer version \(writer); this writer knows 1 and 2"
                )
            }
        } else if let metaData = action["metaData"] as? [String: Any] {
            let columns = (metaData["partitionColumns"] as? [String]) ?? []
            guard columns == partitionColumns.map(\.name) else {
                throw configurationError(
                    "it is partitioned by \(columns) (set partitionBy to match, or use another path)"
                )
            }
            guard (metaData["schemaString"] as? String) == schemaString else {
                throw configurationError("its schema is not this configuration's (the same `columns`, or another path)")
            }
        } else if let add = action["add"] as? [String: Any], let path = add["path"] as? String {
            everAdded.insert(path)
            if let origin = (add["tags"] as? [String: Any])?["runraOrigin"] as? String {
                filesByOrigin[origin, default: []].append(path)
            }
        } else if let remove = action["remove"] as? [String: Any], let path = remove["path"] as? String {
            for (origin, paths) in filesByOrigin where paths.contains(path) {
                filesByOrigin[origin] = paths.filter { $0 != path }
            }
        } else if let txn = action["txn"] as? [String: Any], txn["appId"] as? String == appId {
            transactionVersion = max(
                transactionVersion,
                (txn["version"] as? Int64) ?? Int64(txn["version"] as? Int ?? -1)
            )
        }
    }

    /// Commits `files`, the group that began at `origin`, in one new version; files an earlier group with the same
    /// origin added (a run stopped after committing them and before its checkpoint) are removed in the same commit.
    func commit(_ files: [AddedFile], origin: String) throws {
        for attempt in 0..<5 {
            let next = version + 1
            let lines = actions(for: files, origin: origin, version: next)
            if try write(lines, as: next) {
                version = next
                transactionVersion += 1
                filesByOrigin[origin] = files.map(\.relativePath)
                everAdded.formUnion(files.map(\.relativePath))
                return
            }
            // Another writer made that version: read it and try the next one.
            if attempt == 4 { break }
            try apply(commit: next)
            version = next
        }
        throw RunraError(
            .exporter,
            "\(logPath): other writers kept committing first; is another replay writing this table?"
        )
    }

    private func actions(for files: [AddedFile], origin: String, version: Int64) -> [String] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var lines = [
            #"{"commitInfo":{"timestamp":\#(now),"operation":"WRITE","operationParameters":{"mode":"Append"},"#
                + #""engineInfo":"runra-events"}}"#
        ]
        if version == 0 {
            lines.append(#"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#)
            let columns = partitionColumns.map { JSONText.quoted($0.name) }.joined(separator: ",")
            lines.append(
                #"{"metaData":{"id":"\#(UUID().uuidString.lowercased())","format":{"provider":"parquet","options":{}},"#
                    + #""schemaString":\#(JSONText.quoted(schemaString)),"partitionColumns":[\#(columns)],"#
                    + #""configuration":{},"createdTime":\#(now)}}"#
            )
        }
        lines.append(
            #"{"txn":{"appId":\#(JSONText.quoted(appId)),"version":\#(transactionVersion + 1),"lastUpdated":\#(now)}}"#
        )
        for path in filesByOrigin[origin] ?? [] {
            lines.append(
                #"{"remove":{"path":\#(JSONText.quoted(path)),"deletionTimestamp":\#(now),"dataChange":true}}"#
            )
        }
        for file in files { lines.append(addAction(file, origin: origin, now: now)) }
        return lines
    }

    /// The `add` action of `file`: its path, partition values, size, statistics and origin.
    private func addAction(_ file: AddedFile, origin: String, now: Int64) -> String {
        let values = file.partition.values.map { pair in
            let value = pair.value.map { JSONText.quoted(partitionValue(pair.name, of: $0)) } ?? "null"
            return "\(JSONText.quoted(pair.name)):\(value)"
        }
        let stats = DeltaStatistics.json(file.summary, schema: schema)
        return #"{"add":{"path":\#(JSONText.quoted(file.relativePath)),"#
            + #""partitionValues":{\#(values.joined(separator: ","))},"size":\#(file.summary.bytes),"#
            + #""modificationTime":\#(now),"dataChange":true,"stats":\#(JSONText.quoted(stats)),"#
            + #""tags":{"runraOrigin":\#(JSONText.quoted(origin))}}}"#
    }

    /// A partition value as Delta serialises it: an hour is an integer (`05` → `5`).
    private func partitionValue(_ name: String, of value: String) -> String {
        name == "hour" ? String(Int(value) ?? 0) : value
    }

    /// Writes `lines` as version `version`; false when that version exists already.
    private func write(_ lines: [String], as version: Int64) throws -> Bool {
        try LakeDirectories.make(logPath)
        let final = commitPath(version)
        let temporary = "\(logPath)/.\(version).json.\(UUID().uuidString).tmp"
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let descriptor = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        defer { unlink(temporary) }
        do {
            defer { close(descriptor) }
            try bytes.withUnsafeBytes { try POSIX.writeAll(descriptor, $0, path: temporary) }
            try POSIX.fsync(descriptor, path: temporary)
        }
        if link(temporary, final) != 0 {
            if errno == EEXIST { return false }
            throw POSIX.ioError("commit", final)
        }
        try LakeDirectories.sync(logPath)
        return true
    }

    private func configurationError(_ message: String) -> RunraError {
        RunraError(.configuration, "the Delta table at \(root) cannot be written: \(message)")
    }
}
