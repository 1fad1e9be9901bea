import Foundation
public import RunraEvents
@preconcurrency import Yams

/// Reads a configuration file, JSON or YAML, into a ``JSONValue``.
public enum ConfigurationDocument {
    /// The file's format.
    public enum Format: Sendable {
        case json, yaml
    }

    /// Reads and parses `path`: `.yaml`/`.yml` are YAML, `.json` is JSON, anything else by its first character.
    public static func load(path: String) throws -> JSONValue {
        let data = try contents(of: path)
        let lowered = path.lowercased()
        let format: Format
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            format = .yaml
        } else if lowered.hasSuffix(".json") {
            format = .json
        } else {
            format = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") ? .json : .yaml
        }
        return try parse(Array(data), format: format, name: path)
    }

    /// The bytes of `path`, or an error that says why they cannot be read and what to do.
    static func contents(of path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let file = (path.hasSuffix("/") ? path : path + "/") + "observability.yaml"
            throw RunraError(
                .io,
                "cannot read configuration file \(path): it is a directory (name the file in it, e.g. --config \(file))"
            )
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            throw RunraError(.io, "cannot read configuration file \(path): \(reason) (\(advice(code)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw RunraError(.io, "cannot read configuration file \(path): \(error.localizedDescription)")
        }
    }

    /// What to do when opening a configuration file failed with `code`.
    private static func advice(_ code: Int32) -> String {
        switch code {
        case ENOENT, ENOTDIR: return "check the path; Fixtures/observability.yaml is a sample to start from"
        case EACCES: return "make it readable by this user"
        default: return "check the file"
        }
    }

    /// Parses `bytes` as `format`; `name` is used in messages.
    public static func parse(_ bytes: [UInt8], format: Format, name: String) throws -> JSONValue {
        switch format {
        case .json:
            let value: JSONValue
            do {
                value = try JSONValue(parsing: bytes)
            } catch let error as RunraError {
                throw RunraError(.configuration, "\(name): \(error.message)")
            }
            if let (key, path) = DuplicateJSONKeys.first(in: bytes, path: name) {
                throw duplicateKey(key, in: name, at: path)
            }
            return value
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            // Measure what Yams will read: invalid UTF-8 is repaired first (libyaml would stop at it early).
            if YAMLNesting.exceeds(maximumDepth, in: Array(text.utf8)) {
                throw RunraError(.configuration, "\(name): nesting too deep (over \(maximumDepth) levels)")
            }
            let node: Node?
            do {
                node = try Yams.compose(yaml: text, resolver)
            } catch {
                throw RunraError(.configuration, "\(name): invalid YAML: \(error)")
            }
            guard let node else { return .object([:]) }
            var budget = maximumValues
            return try convert(node, file: name, path: name, depth: 1, budget: &budget)
        }
    }

    /// Two members of one object with the same key: JSON and YAML parsers keep one silently, so which one the user
    /// meant is unknowable.
    static func duplicateKey(_ key: String, in file: String, at path: String) -> RunraError {
        let inside = path == file ? key : "\(path.dropFirst(file.count + 1)).\(key)"
        return RunraError(.configuration, "\(file): \(inside): duplicate key; keep one of the two")
    }

    /// YAML 1.2's core schema: only true/false are Booleans (not yes/no/on/off), and integers are decimal, `0o`
    /// octal or `0x` hex — not YAML 1.1's base 60 (`1:30`), whose conversion in Yams traps on overflow (found by
    /// FuzzConfiguration).
    private static var resolver: Resolver {
        var core = Resolver.default
        if let replaced = try? core.replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$") { core = replaced }
        if let replaced = try? core.replacing(.int, with: "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$") {
            core = replaced
        }
        return core.removing(.timestamp).removing(.merge)
    }

    /// Deeper YAML is refused (a real configuration nests five or six levels).
    static let maximumDepth = 64

    /// More values than this, counting each use of an alias anew, are refused: `&a [*b, *b, …]` chains
    /// ("billion laughs") would otherwise expand exponentially.
    static let maximumValues = 100_000

    private static func convert(
        _ node: Node,
        file: String,
        path: String,
        depth: Int,
        budget: inout Int
    ) throws -> JSONValue {
        // Aliases can nest deeper than the text does, and repeat a subtree many times.
        guard depth <= maximumDepth else {
            throw RunraError(
                .configuration,
                "\(path): nesting too deep (over \(maximumDepth) levels, aliases expanded)"
            )
        }
        budget -= 1
        guard budget >= 0 else {
            throw RunraError(.configuration, "\(path): too many values (over \(maximumValues), aliases expanded)")
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal
                || scalar.style == .folded
            {
                return .string(scalar.string)
            }
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (offset, element) in sequence.enumerated() {
                elements.append(
                    try convert(element, file: file, path: "\(path)[\(offset)]", depth: depth + 1, budget: &budget)
                )
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw RunraError(.configuration, "\(path): a key is not a string")
                }
                guard members[name] == nil else { throw duplicateKey(name, in: file, at: path) }
                members[name] = try convert(
                    value,
                    file: file,
                    path: "\(path).\(name)",
                    depth: depth + 1,
                    budget: &budget
                )
            }
            return .object(members)
        }
    }
}
