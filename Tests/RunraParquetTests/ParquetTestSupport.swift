import Foundation
import RunraParquet
import Testing

/// A value of a test row, for any column kind.
enum TestValue: Equatable {
    case bytes([UInt8])
    case int64(Int64)
    case int32(Int32)
    case double(Double)
    case bool(Bool)

    static func text(_ string: String) -> TestValue { .bytes(Array(string.utf8)) }

    static func == (a: TestValue, b: TestValue) -> Bool {
        switch (a, b) {
        case (.bytes(let x), .bytes(let y)): x == y
        case (.int64(let x), .int64(let y)): x == y
        case (.int32(let x), .int32(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        case (.bool(let x), .bool(let y)): x == y
        default: false
        }
    }
}

/// The package root, from this file's path (Tests/RunraParquetTests/<file>).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The Python of the test virtual environment (`make test-deps`), or RUNRA_TEST_PYTHON.
func testPython() throws -> String {
    let path =
        ProcessInfo.processInfo.environment["RUNRA_TEST_PYTHON"] ?? packageRoot + "/.build/test-venv/bin/python3"
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw CheckerError(
            message: "no Python for the Parquet readers at \(path): run `make test-deps` (creates .build/test-venv "
                + "with pyarrow, duckdb, polars, deltalake) or set RUNRA_TEST_PYTHON"
        )
    }
    return path
}

struct CheckerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "runra-parquet-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes `rows` with a ParquetWriter to `<directory>/<name>.parquet`, and beside it the expected rows
/// (`.jsonl`) and the schema and options (`.spec.json`) that Tests/Tools/parquet_check.py reads.
@discardableResult
func writeCase(
    directory: String,
    name: String,
    schema: ParquetSchema,
    options: ParquetWriterOptions,
    rows: [[TestValue?]]
) throws -> (path: String, summary: ParquetFileSummary) {
    let path = directory + "/" + name + ".parquet"
    let writer = try ParquetWriter(path: path, schema: schema, options: options)
    for row in rows {
        precondition(row.count == schema.columns.count)
        for value in row {
            switch value {
            case nil: writer.appendNull()
            case .bytes(let bytes): bytes.withUnsafeBytes { writer.append($0) }
            case .int64(let v): writer.append(v)
            case .int32(let v): writer.append(v)
            case .double(let v): writer.append(v)
            case .bool(let v): writer.append(v)
            }
        }
        try writer.endRow()
    }
    let summary = try writer.close()
    try writeExpectations(directory: directory, name: name, schema: schema, options: options, rows: rows)
    return (path, summary)
}

func writeExpectations(
    directory: String,
    name: String,
    schema: ParquetSchema,
    options: ParquetWriterOptions,
    rows: [[TestValue?]]
) throws {
    var lines = ""
    lines.reserveCapacity(rows.count * 32)
    for row in rows {
        lines += "["
        for (index, value) in row.enumerated() {
            if index > 0 { lines += "," }
            switch value {
            case nil: lines += "null"
            case .bytes(let bytes): lines += "\"" + hex(bytes) + "\""
            case .int64(let v): lines += String(v)
            case .int32(let v): lines += String(v)
            case .double(let v): lines += "\"0x" + String(v.bitPattern, radix: 16) + "\""
            case .bool(let v): lines += v ? "true" : "false"
            }
        }
        lines += "]\n"
    }
    try lines.write(toFile: directory + "/" + name + ".jsonl", atomically: false, encoding: .utf8)
    let spec: [String: Any] = [
        "columns": schema.columns.map { ["name": $0.name, "kind": kindName($0.kind), "dictionary": $0.dictionary] },
        "compression": options.compression.rawValue,
        "rowGroupBytes": options.rowGroupBytes,
        "pageBytes": options.pageBytes,
        "keyValueMetadata": options.keyValueMetadata.map { [$0.key, $0.value] },
    ]
    let data = try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys])
    try data.write(to: URL(fileURLWithPath: directory + "/" + name + ".spec.json"))
}

func kindName(_ kind: ParquetColumn.Kind) -> String {
    switch kind {
    case .string: "string"
    case .json: "json"
    case .int64: "int64"
    case .int32: "int32"
    case .double: "double"
    case .boolean: "boolean"
    case .timestampMicros: "timestampMicros"
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

func hex(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Runs Tests/Tools/parquet_check.py on `files`; returns its exit status and its output (stdout and stderr).
func runChecker(_ files: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try testPython())
    process.arguments = [packageRoot + "/Tests/Tools/parquet_check.py"] + files
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// Runs the checker and records an issue with its report when it finds a mismatch.
func expectReadersAgree(_ files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try runChecker(files)
    #expect(result.status == 0, "parquet_check.py found mismatches:\n\(result.output)", sourceLocation: sourceLocation)
}
