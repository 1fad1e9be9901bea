/// One walk over an event's `data` object that finds both `exitCode` and a `data.<key>` metric.
enum MetricFields {
    /// `exitCode` when it is a number, and the span of `data[metricKey]` when present.
    @inline(__always)
    static func find(
        in event: EventLine,
        metricKey wanted: UnsafeBufferPointer<UInt8>
    ) -> (exitCode: Double?, metric: Span?) {
        let data = event.fields.data
        let line = event.bytes
        guard data.isPresent, line[data.start] == UInt8(ascii: "{") else { return (nil, nil) }
        var exitCodeSpan: Span?
        var metricSpan: Span?
        do {
            var position = data.start + 1
            skipWhitespace(line, &position)
            if line[position] == UInt8(ascii: "}") { return (nil, nil) }
            while true {
                skipWhitespace(line, &position)
                let keyEnd = JSONDecoding.endOfString(line, position)
                let raw = UnsafeBufferPointer(rebasing: line[(position + 1)..<(keyEnd - 1)])
                position = keyEnd
                skipWhitespace(line, &position)
                position += 1  // ':'
                skipWhitespace(line, &position)
                let valueEnd = JSONDecoding.endOfValue(line, position)
                let span = Span(start: position, end: valueEnd)
                // The last duplicate wins, as in JSONDecoding.lookup.
                if equals(raw, wanted) { metricSpan = span }
                if raw.count == 8 && Glob.equals(raw, "exitCode") { exitCodeSpan = span }
                if raw.contains(UInt8(ascii: "\\")) {
                    let decoded = JSONDecoding.string(fromQuotedContent: raw)
                    if decoded == String(decoding: wanted, as: UTF8.self) { metricSpan = span }
                    if decoded == "exitCode" { exitCodeSpan = span }
                }
                position = valueEnd
                skipWhitespace(line, &position)
                let separator = line[position]
                position += 1
                if separator == UInt8(ascii: "}") { break }
            }
        }
        var exitCode: Double?
        if let exitCodeSpan {
            let first = line[exitCodeSpan.start]
            if first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 {
                exitCode = JSONDecoding.number(
                    UnsafeBufferPointer(rebasing: line[exitCodeSpan.start..<exitCodeSpan.end])
                )
            }
        }
        return (exitCode, metricSpan)
    }

    @inline(__always)
    private static func equals(_ raw: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        raw.count == wanted.count && (raw.isEmpty || memcmp(raw.baseAddress!, wanted.baseAddress!, raw.count) == 0)
    }

    @inline(__always)
    private static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, _ position: inout Int) {
        while position < line.count {
            switch line[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
