import Foundation
public import RunraEvents

/// Expands `${VAR}` and `${VAR:-default}` in every string of a configuration from the environment.
///
/// An unset variable without a default is an error naming the key path, unless `unsetIsEmpty` (dry runs),
/// which expands it to an empty string and records a warning. `$${` writes a literal `${`.
public struct EnvironmentExpansion: Sendable {
    /// The variables.
    public var environment: [String: String]
    /// Expand unset variables to "" with a warning instead of failing.
    public var unsetIsEmpty: Bool
    /// Warnings about unset variables (with ``unsetIsEmpty``).
    public private(set) var warnings: [String] = []
    /// The key paths whose strings named an unset variable (with ``unsetIsEmpty``).
    public private(set) var unsetPaths: [String] = []

    /// An expansion from `environment`.
    public init(environment: [String: String], unsetIsEmpty: Bool = false) {
        self.environment = environment
        self.unsetIsEmpty = unsetIsEmpty
    }

    /// `value` with every string expanded; `path` names it in messages.
    public mutating func expand(_ value: JSONValue, path: String) throws -> JSONValue {
        switch value {
        case .string(let text): return .string(try expand(text, path: path))
        case .array(let elements):
            return .array(try elements.enumerated().map { try expand($0.element, path: "\(path)[\($0.offset)]") })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for key in members.keys.sorted() { out[key] = try expand(members[key]!, path: "\(path).\(key)") }
            return .object(out)
        default: return value
        }
    }

    /// `text` with its references expanded.
    public mutating func expand(_ text: String, path: String) throws -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            if rest[afterDollar...].hasPrefix("${") {
                out += "${"
                rest = rest[rest.index(afterDollar, offsetBy: 2)...]
                continue
            }
            guard rest[afterDollar...].hasPrefix("{"), let close = rest[afterDollar...].firstIndex(of: "}") else {
                out.append("$")
                rest = rest[afterDollar...]
                continue
            }
            let reference = rest[rest.index(after: afterDollar)..<close]
            var name = Substring(reference)
            var fallback: Substring?
            if let separator = reference.range(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            }
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw RunraError(
                    .configuration,
                    "\(path): '${\(reference)}' is not a valid variable reference (write ${NAME} or ${NAME:-default})"
                )
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else if unsetIsEmpty {
                warnings.append("\(path): ${\(name)} is not set (a real run would stop here)")
                unsetPaths.append(path)
            } else {
                throw RunraError(
                    .configuration,
                    "\(path): the environment variable \(name) is not set (export \(name)=…, or write ${\(name):"
                        + "-default} in the configuration)"
                )
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}
