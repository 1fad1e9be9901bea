/// Writes `tail`'s events in an output format: the csv/tsv header, the json array's brackets and commas.
final class TailWriter {
    private let renderer: EventRenderer
    private let output: ByteWriter
    private let format: OutputFormat
    private var scratch: [UInt8] = []
    private var wroteElement = false
    /// Events written so far.
    private(set) var written = 0

    init(renderer: EventRenderer, format: OutputFormat, output: ByteWriter) {
        self.renderer = renderer
        self.format = format
        self.output = output
    }

    /// Writes what comes before the first event.
    func begin(printsHeader: Bool) throws {
        if printsHeader { try output.write(renderer.header()) }
        if format == .json { try output.write("[") }
    }

    /// Writes one event.
    func write(_ event: EventLine) throws {
        scratch.removeAll(keepingCapacity: true)
        renderer.render(event, into: &scratch)
        var bytes = scratch[...]
        if format == .json && !wroteElement { bytes = bytes.dropFirst(1) }  // the first element has no comma
        wroteElement = true
        written += 1
        try bytes.withUnsafeBytes { try output.write($0) }
    }

    /// Writes one owned event.
    func write(_ event: RuntimeEvent) throws {
        try event.line.withUnsafeBufferPointer { try write(EventLine(bytes: $0, fields: event.fields)) }
    }

    /// Writes what comes after the last event.
    func end() throws {
        if format == .json { try output.write(wroteElement ? "\n]\n" : "]\n") }
    }

    func flush() throws {
        try output.flush()
    }
}
