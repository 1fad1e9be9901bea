// libFuzzer target: the input reader (plain and gzip) under `EventFilter`, whatever the bytes.
// The low two bits of the first input byte pick a mode; the rest is the payload:
//   0: the payload as a file (plain text, or gzip when it starts with 1f 8b);
//   1: gzip(payload) must filter to exactly what the plain payload filters to;
//   2: gzip(payload) cut short at a fuzzed length: a truncation error, never a crash or hang;
//   3: gzip(payload) with one fuzzed byte flipped: an error or some output, never a crash or hang.
// Differential: in every mode the gzip bytes (the payload itself in mode 0) are also decompressed in memory with
// the reader's ISA-L inflater and with zlib, fed in and out in chunk sizes picked by the first byte's upper bits;
// the two must agree on success or failure and on the bytes, and for valid gzip or a prefix of it (modes 1 and 2) on
// corrupt data or truncation too (`_FuzzEntryPoints.gzipDisagreement`).
// Inputs and output live in unlinked files in /dev/shm. Build and run with scripts/fuzz.sh (docs/fuzzing.md).
import CLibFuzzer
import Glibc
import RunraEvents

@_cdecl("FuzzGzipReader_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var (argc, argv) = (argc, argv)
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let mode = data[0] & 3
    let inputChunk = [1, 7, 512, 1 << 16][Int(data[0] >> 2) & 3]
    let outputChunk = [1, 13, 4096, 1 << 16][Int(data[0] >> 4) & 3]
    let payload = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let compare = { (bytes: [UInt8], damaged: Bool) in
        if let disagreement = bytes.withUnsafeBytes({
            _FuzzEntryPoints.gzipDisagreement($0, inputChunk: inputChunk, outputChunk: outputChunk, damaged: damaged)
        }) {
            fatalError("ISA-L and zlib disagree (chunks \(inputChunk) in, \(outputChunk) out): \(disagreement)")
        }
    }
    switch mode {
    case 0:
        _ = filter(payload)
        if payload.starts(with: [0x1F, 0x8B]) { compare(payload, true) }
    case 1:
        let compressed = try! Deflater.gzip(payload)
        compare(compressed, false)
        let fromGzip = filter(compressed)
        guard fromGzip.error == nil else { fatalError("gzip of valid data fails: \(fromGzip.error!)") }
        // A payload that itself starts with the gzip magic is decompressed when read plain; skip the comparison.
        if payload.starts(with: [0x1F, 0x8B]) { break }
        let plain = filter(payload)
        guard plain.output == fromGzip.output, plain.matched == fromGzip.matched, plain.badLines == fromGzip.badLines else {
            fatalError("gzip and plain input disagree: \(plain.matched)/\(plain.badLines) vs \(fromGzip.matched)/\(fromGzip.badLines)")
        }
    case 2:
        let compressed = try! Deflater.gzip(payload)
        let cut = payload.isEmpty ? 0 : Int(payload[0]) % compressed.count
        let result = filter(Array(compressed[..<cut]))
        compare(Array(compressed[..<cut]), false)
        if cut >= 2 && result.error == nil { fatalError("gzip cut at \(cut) of \(compressed.count) bytes reads without an error") }
    default:
        var compressed = try! Deflater.gzip(payload)
        let position = payload.count >= 2 ? (Int(payload[0]) << 8 | Int(payload[1])) % compressed.count : 0
        compressed[position] ^= payload.last.map { $0 | 1 } ?? 0xFF
        _ = filter(compressed)
        compare(compressed, true)
    }
    return 0
}

struct FilterResult {
    var output: [UInt8]
    var matched: Int
    var badLines: Int
    var error: (any Error)?
}

/// Runs `EventFilter` (every event, JSONL out) over `bytes` as a file; small chunks and lines to reach the edges.
func filter(_ bytes: [UInt8]) -> FilterResult {
    let input = memoryFile(bytes)
    let output = memoryFile([])
    defer {
        close(input)
        close(output)
    }
    var options = ReadOptions()
    options.scanThreads = 1
    options.chunkBytes = 512
    options.maximumLineBytes = 300
    var badLines = 0
    var result = FilterResult(output: [], matched: 0, badLines: 0, error: nil)
    let writer = ByteWriter(fileDescriptor: output, name: "fuzz output", capacity: 4096)
    do {
        let summary = try EventFilter(selection: EventSelection()).run(
            paths: ["/proc/self/fd/\(input)"], options: options, output: writer, onBadLine: { _ in badLines += 1 }
        )
        result.matched = summary.matched
        result.error = summary.read.inputErrors.first
    } catch {
        result.error = error
    }
    try? writer.flush()
    result.badLines = badLines
    let length = Int(lseek(output, 0, SEEK_END))
    result.output = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
        count = pread(output, buffer.baseAddress, length, 0)
    }
    return result
}

/// An unlinked file in /dev/shm (memory) holding `bytes`.
func memoryFile(_ bytes: [UInt8]) -> Int32 {
    var template = Array("/dev/shm/runra-fuzz-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(descriptor >= 0, "mkstemp in /dev/shm failed")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        precondition(count > 0, "write to the temporary file failed")
        written += count
    }
    return descriptor
}
