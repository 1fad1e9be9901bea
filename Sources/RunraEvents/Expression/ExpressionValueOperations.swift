/// The value rules of the expression language: equality, ordering, string tests, arithmetic.
///
/// Strings compare by Unicode scalars (UTF-8 bytes), without normalization, as jq does.
enum ExpressionValues {
    /// Deep structural equality; numbers by value (`1 == 1.0`), strings by scalars.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return sameScalars(a, b)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for index in a.indices where !equal(a[index], b[index]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], equal(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    /// The order of two numbers or two strings; `nil` for null or mixed types (every ordering test is then false).
    static func order(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            if a < b { return -1 }
            if a > b { return 1 }
            return a == b ? 0 : nil
        case (.string(let a), .string(let b)):
            return compareScalars(a, b)
        default: return nil
        }
    }

    /// Substring on strings, membership on arrays, false otherwise.
    static func contains(_ container: JSONValue, _ element: JSONValue) -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let needle) = element else { return false }
            return containsBytes(text, needle)
        case .array(let elements):
            return elements.contains { equal($0, element) }
        default:
            return false
        }
    }

    static func startsWith(_ value: JSONValue, _ prefix: JSONValue) -> Bool {
        guard case .string(let text) = value, case .string(let start) = prefix else { return false }
        return hasPrefix(text, start)
    }

    static func endsWith(_ value: JSONValue, _ suffix: JSONValue) -> Bool {
        guard case .string(let text) = value, case .string(let end) = suffix else { return false }
        return hasSuffix(text, end)
    }

    /// `+ - * /` on two numbers; null for anything else and for division by zero.
    static func arithmetic(
        _ operation: ExpressionNode.ArithmeticOperator,
        _ lhs: JSONValue,
        _ rhs: JSONValue
    ) -> JSONValue {
        guard case .number(let a) = lhs, case .number(let b) = rhs else { return .null }
        switch operation {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide: return b == 0 ? .null : .number(a / b)
        }
    }

    // MARK: Byte-level string helpers (no allocation for native strings)

    static func sameScalars(_ a: String, _ b: String) -> Bool {
        withBytes(a) { x in withBytes(b) { y in x.count == y.count && x.elementsEqual(y) } }
    }

    static func compareScalars(_ a: String, _ b: String) -> Int {
        withBytes(a) { x in
            withBytes(b) { y in
                let common = min(x.count, y.count)
                for index in 0..<common where x[index] != y[index] {
                    return x[index] < y[index] ? -1 : 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        withBytes(text) { x in
            withBytes(prefix) { p in p.count <= x.count && x[..<p.count].elementsEqual(p) }
        }
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        withBytes(text) { x in
            withBytes(suffix) { s in s.count <= x.count && x[(x.count - s.count)...].elementsEqual(s) }
        }
    }

    static func containsBytes(_ text: String, _ needle: String) -> Bool {
        withBytes(text) { haystack in
            withBytes(needle) { pattern in
                guard let first = pattern.first else { return true }
                guard pattern.count <= haystack.count else { return false }
                let last = haystack.count - pattern.count
                var index = 0
                while index <= last {
                    if haystack[index] == first,
                        haystack[index..<(index + pattern.count)].elementsEqual(pattern)
                    {
                        return true
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// Calls `body` with the string's UTF-8; native strings need no copy.
    @inline(__always)
    static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }
}
