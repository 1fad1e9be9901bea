/// Writes ``PGEventRow``s in COPY text format (PROTOCOLS §3.2), straight into a byte buffer.
///
/// Escaping: backslash → `\\`, tab → `\t`, newline → `\n`, carriage return → `\r`; a NUL byte, which no
/// PostgreSQL text value can hold, becomes U+FFFD. An empty id or timestamp is written as `\N` (NULL).
///
/// The jsonb rule (when `sanitizesJSONB` is on): jsonb refuses the escapes `\u0000` and lone UTF-16 surrogates
/// (`\ud800` not followed by a low surrogate, or a low surrogate alone). Each such escape in the data text is
/// rewritten to `\ufffd` (U+FFFD REPLACEMENT CHARACTER); a valid surrogate pair is kept. This is a byte-level
/// rewrite of escape sequences, so `\\u0000` (an escaped backslash, then `u0000`) is left alone.
struct COPYTextEncoder {
    /// Apply the jsonb rule to the data column.
    var sanitizesJSONB: Bool

    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let backslash = UInt8(ascii: "\\")
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends `row` as one line: `id \t timestamp \t type \t sandbox_id \t run_id \t data \n`.
    func append(_ row: PGEventRow, to buffer: inout [UInt8]) {
        appendTextOrNull(row.id, to: &buffer)
        buffer.append(Self.tab)
        appendTextOrNull(row.timestamp, to: &buffer)
        buffer.append(Self.tab)
        appendText(row.type, to: &buffer)
        buffer.append(Self.tab)
        appendText(row.sandboxId, to: &buffer)
        buffer.append(Self.tab)
        appendText(row.runId, to: &buffer)
        buffer.append(Self.tab)
        if row.dataJSON.isEmpty {
            buffer.append(UInt8(ascii: "{"))
            buffer.append(UInt8(ascii: "}"))
        } else {
            row.dataJSON.withUnsafeBufferPointer { data in
                if sanitizesJSONB {
                    Self.appendJSONB(data, to: &buffer)
                } else {
                    Self.appendEscaped(data, to: &buffer)
                }
            }
        }
        buffer.append(Self.newline)
    }

    /// `text`, or `\N` (NULL) when it is empty, so `NOT NULL` refuses the row.
    private func appendTextOrNull(_ text: String, to buffer: inout [UInt8]) {
        if text.isEmpty {
            buffer.append(Self.backslash)
            buffer.append(UInt8(ascii: "N"))
        } else {
            appendText(text, to: &buffer)
        }
    }

    private func appendText(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { Self.appendEscaped($0, to: &buffer) }
    }

    /// Whether `byte` needs attention: backslash, tab, newline, carriage return or NUL.
    @inline(__always)
    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x5C || (byte <= 0x0D && (byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x00))
    }

    @inline(__always)
    private static func appendSpecial(_ byte: UInt8, to buffer: inout [UInt8]) {
        switch byte {
        case 0x00: buffer.append(contentsOf: replacement)
        case 0x09: buffer.append(contentsOf: [backslash, UInt8(ascii: "t")])
        case 0x0A: buffer.append(contentsOf: [backslash, UInt8(ascii: "n")])
        case 0x0D: buffer.append(contentsOf: [backslash, UInt8(ascii: "r")])
        default: buffer.append(contentsOf: [backslash, backslash])
        }
    }

    /// COPY-escapes `bytes` (no JSON awareness).
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for i in 0..<bytes.count where isSpecial(bytes[i]) {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            appendSpecial(bytes[i], to: &buffer)
            runStart = i + 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// COPY-escapes JSON text and applies the jsonb rule to its `\uXXXX` escapes.
    static func appendJSONB(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        let count = bytes.count
        var runStart = 0
        var i = 0
        while i < count {
            let byte = bytes[i]
            guard isSpecial(byte) else {
                i += 1
                continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            guard byte == backslash, i + 1 < count else {
                appendSpecial(byte, to: &buffer)
                i += 1
                runStart = i
                continue
            }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "u"), let unit = hex4(bytes, at: i + 2) {
                if unit == 0 || (0xDC00...0xDFFF).contains(unit) {
                    appendReplacementEscape(to: &buffer)
                    i += 6
                } else if (0xD800...0xDBFF).contains(unit) {
                    if i + 7 < count, bytes[i + 6] == backslash, bytes[i + 7] == UInt8(ascii: "u"),
                        let low = hex4(bytes, at: i + 8), (0xDC00...0xDFFF).contains(low)
                    {
                        appendEscapedEscape(bytes, from: i, to: &buffer)
                        appendEscapedEscape(bytes, from: i + 6, to: &buffer)
                        i += 12
                    } else {
                        appendReplacementEscape(to: &buffer)
                        i += 6
                    }
                } else {
                    appendEscapedEscape(bytes, from: i, to: &buffer)
                    i += 6
                }
            } else if next == backslash {
                // An escaped backslash: both are data, and the next byte starts fresh.
                buffer.append(contentsOf: [backslash, backslash, backslash, backslash])
                i += 2
            } else {
                buffer.append(contentsOf: [backslash, backslash])
                i += 1
            }
            runStart = i
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// `\ufffd` with its backslash doubled for COPY.
    private static func appendReplacementEscape(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: [backslash, backslash, UInt8(ascii: "u"), 0x66, 0x66, 0x66, 0x64])
    }

    /// The six bytes `\uXXXX` at `start`, with the backslash doubled for COPY.
    private static func appendEscapedEscape(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to buffer: inout [UInt8]
    ) {
        buffer.append(backslash)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start + 6)]))
    }

    /// The value of four hex digits at `start`, or `nil`.
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt16? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for k in start..<(start + 4) {
            let c = bytes[k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
