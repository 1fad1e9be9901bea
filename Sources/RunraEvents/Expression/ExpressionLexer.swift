/// One token of the expression language.
struct ExpressionToken {
    enum Kind: Equatable {
        case identifier(String)
        /// A number and whether it was written as a plain integer (digits only).
        case number(Double, isInteger: Bool)
        case string(String)
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case equal, notEqual, less, lessEqual, greater, greaterEqual, match
        /// JavaScript's `===` and `!==` (strict: `undefined` is not `null`).
        case strictEqual, strictNotEqual
        /// `=>`, `?.`, `{`, `;`, `?`: the arrow form's tokens, and what it refuses with a hint.
        case arrow, optionalDot, leftBrace, semicolon, question
        case andAnd, orOr, bang
        case plus, minus, star, slash
        case end
    }

    var kind: Kind
    /// Byte offsets into the source's UTF-8.
    var start: Int
    var end: Int
}

/// Splits an expression into tokens on demand (the parser asks for one at a time).
struct ExpressionLexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ source: String) {
        self.bytes = Array(source.utf8)
    }

    /// The byte length of the source, the offset reported for "end of input".
    var endOffset: Int { bytes.count }

    /// The source text between two byte offsets.
    func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    mutating func next() throws(ExpressionSyntaxError) -> ExpressionToken {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        let start = position
        guard position < bytes.count else { return ExpressionToken(kind: .end, start: start, end: start) }
        let byte = bytes[position]
        let kind: ExpressionToken.Kind
        switch byte {
        case UInt8(ascii: "("): position += 1; kind = .leftParen
        case UInt8(ascii: ")"): position += 1; kind = .rightParen
        case UInt8(ascii: "["): position += 1; kind = .leftBracket
        case UInt8(ascii: "]"): position += 1; kind = .rightBracket
        case UInt8(ascii: ","): position += 1; kind = .comma
        case UInt8(ascii: "."): position += 1; kind = .dot
        case UInt8(ascii: "+"): position += 1; kind = .plus
        case UInt8(ascii: "-"): position += 1; kind = .minus
        case UInt8(ascii: "*"): position += 1; kind = .star
        case UInt8(ascii: "/"): position += 1; kind = .slash
        case UInt8(ascii: "{"): position += 1; kind = .leftBrace
        case UInt8(ascii: ";"): position += 1; kind = .semicolon
        case UInt8(ascii: "?"):
            if peek(1) == UInt8(ascii: ".") {
                position += 2; kind = .optionalDot
            } else {
                position += 1; kind = .question
            }
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") {
                if peek(2) == UInt8(ascii: "=") {
                    position += 3; kind = .strictEqual
                } else {
                    position += 2; kind = .equal
                }
            } else if peek(1) == UInt8(ascii: "~") {
                position += 2; kind = .match
            } else if peek(1) == UInt8(ascii: ">") {
                position += 2; kind = .arrow
            } else {
                throw ExpressionSyntaxError("unexpected '=' (compare with '==' or '===')", at: start)
            }
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") {
                if peek(2) == UInt8(ascii: "=") {
                    position += 3; kind = .strictNotEqual
                } else {
                    position += 2; kind = .notEqual
                }
            } else {
                position += 1; kind = .bang
            }
        case UInt8(ascii: "<"):
            if peek(1) == UInt8(ascii: "=") { position += 2; kind = .lessEqual } else { position += 1; kind = .less }
        case UInt8(ascii: ">"):
            if peek(1) == UInt8(ascii: "=") {
                position += 2; kind = .greaterEqual
            } else {
                position += 1; kind = .greater
            }
        case UInt8(ascii: "&"):
            guard peek(1) == UInt8(ascii: "&") else {
                throw ExpressionSyntaxError("unexpected '&' (use '&&' or 'and')", at: start)
            }
            position += 2; kind = .andAnd
        case UInt8(ascii: "|"):
            guard peek(1) == UInt8(ascii: "|") else {
                throw ExpressionSyntaxError("unexpected '|' (use '||' or 'or')", at: start)
            }
            position += 2; kind = .orOr
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try lexString(quote: byte))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = try lexNumber()
        default:
            guard Self.isIdentifierStart(byte) else {
                throw ExpressionSyntaxError("unexpected character '\(characterAt(start))'", at: start)
            }
            while position < bytes.count, Self.isIdentifierContinue(bytes[position]) { position += 1 }
            kind = .identifier(text(from: start, to: position))
        }
        return ExpressionToken(kind: kind, start: start, end: position)
    }

    private func peek(_ ahead: Int) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private func characterAt(_ offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return text(from: offset, to: end)
    }

    /// `digits ('.' digits)? ([eE] [+-]? digits)?`, not followed by a letter.
    private mutating func lexNumber() throws(ExpressionSyntaxError) -> ExpressionToken.Kind {
        let start = position
        var isInteger = true
        skipDigits()
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() else {
                throw ExpressionSyntaxError("invalid number: expected digits after '.'", at: start)
            }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() else {
                throw ExpressionSyntaxError("invalid number: expected digits in the exponent", at: start)
            }
        }
        if position < bytes.count, Self.isIdentifierContinue(bytes[position]) {
            throw ExpressionSyntaxError("invalid number '\(text(from: start, to: position + 1))'", at: start)
        }
        guard let value = Double(text(from: start, to: position)) else {
            throw ExpressionSyntaxError("invalid number", at: start)
        }
        return .number(value, isInteger: isInteger)
    }

    @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            position += 1
        }
        return position > start
    }

    /// A `"…"` or `'…'` string with JSON escapes (and `\'`).
    private mutating func lexString(quote: UInt8) throws(ExpressionSyntaxError) -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else { throw ExpressionSyntaxError("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == quote {
                position += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            let escapeStart = position
            guard let escaped = peek(1) else { throw ExpressionSyntaxError("unterminated string", at: start) }
            position += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try lexUnicodeEscape(escapeStart: escapeStart)
                out.append(contentsOf: String(Character(scalar)).utf8)
            default:
                throw ExpressionSyntaxError(
                    "invalid escape '\\\(characterAt(escapeStart + 1))' in string (write '\\\\' for a backslash)",
                    at: escapeStart
                )
            }
        }
    }

    /// The scalar of `\uXXXX` (the `\u` is consumed), joining a surrogate pair.
    private mutating func lexUnicodeEscape(escapeStart: Int) throws(ExpressionSyntaxError) -> Unicode.Scalar {
        let first = try hex4(escapeStart: escapeStart)
        if (0xD800...0xDBFF).contains(first) {
            guard peek(0) == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                throw ExpressionSyntaxError("invalid \\u escape: unpaired surrogate", at: escapeStart)
            }
            position += 2
            let second = try hex4(escapeStart: escapeStart)
            guard (0xDC00...0xDFFF).contains(second) else {
                throw ExpressionSyntaxError("invalid \\u escape: unpaired surrogate", at: escapeStart)
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw ExpressionSyntaxError("invalid \\u escape: unpaired surrogate", at: escapeStart)
        }
        return scalar
    }

    private mutating func hex4(escapeStart: Int) throws(ExpressionSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
                throw ExpressionSyntaxError("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
