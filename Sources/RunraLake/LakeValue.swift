import Foundation
import RunraEvents
import RunraParquet

/// Turns a JSON value's text into a typed column value: null when it is missing or of another type (an integer
/// column and `1.5`, a string column and `3`), never a guess.
enum LakeValue {
    static func append(_ raw: [UInt8]?, as kind: LakeColumn.Kind, to writer: ParquetWriter) {
        guard let raw else { return writer.appendNull() }
        raw.withUnsafeBufferPointer { append($0, as: kind, to: writer) }
    }

    /// Appends the value whose JSON text is `raw` (`nil`: missing).
    static func append(_ raw: UnsafeBufferPointer<UInt8>?, as kind: LakeColumn.Kind, to writer: ParquetWriter) {
        guard let raw, !raw.isEmpty else { return writer.appendNull() }
        switch kind {
        case .int64:
            if let value = integer(raw) { writer.append(value) } else { writer.appendNull() }
        case .int32:
            if let value = integer(raw), let narrow = Int32(exactly: value) {
                writer.append(narrow)
            } else {
                writer.appendNull()
            }
        case .double:
            if let value = number(raw) { writer.append(value) } else { writer.appendNull() }
        case .boolean:
            if raw.elementsEqual("true".utf8) {
                writer.append(true)
            } else if raw.elementsEqual("false".utf8) {
                writer.append(false)
            } else {
                writer.appendNull()
            }
        case .string:
            if let text = string(raw) { text.withUnsafeBytes { writer.append($0) } } else { writer.appendNull() }
        case .timestamp:
            if let text = string(raw), let time = Timestamp(rfc3339: String(decoding: text, as: UTF8.self)) {
                writer.append(floorDivide(time.nanosecondsSinceEpoch, 1000))
            } else {
                writer.appendNull()
            }
        case .json:
            writer.append(UnsafeRawBufferPointer(raw))
        }
    }

    /// A JSON integer (no fraction, no exponent) that fits in 64 bits.
    static func integer(_ raw: [UInt8]) -> Int64? {
        raw.withUnsafeBufferPointer { integer($0) }
    }

    /// A JSON integer (no fraction, no exponent) that fits in 64 bits.
    static func integer(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < raw.count else { return nil }
        var value: Int64 = 0
        while index < raw.count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow) =
                negative
                ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
            guard !overflowTimes, !overflow else { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// A JSON number.
    static func number(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let first = raw.first,
            first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else {
            return nil
        }
        return Double(String(decoding: raw, as: UTF8.self))
    }

    /// A JSON string's value as UTF-8 bytes.
    static func string(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard raw.count >= 2, raw[0] == UInt8(ascii: "\""), raw[raw.count - 1] == UInt8(ascii: "\"") else { return nil }
        let content = UnsafeBufferPointer(rebasing: raw[1..<(raw.count - 1)])
        guard content.contains(UInt8(ascii: "\\")) else { return Array(content) }
        return Array(RuntimeEvent.decodedString(content: content).utf8)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
