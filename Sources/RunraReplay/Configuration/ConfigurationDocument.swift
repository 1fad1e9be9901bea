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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunraError(.io, "cannot read configuration file \(path)")
        }
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

    /// Parses `bytes` as `format`; `name` is used in messages.
    public static func parse(_ bytes: [UInt8], format: Format, name: String) throws -> JSONValue {
        switch format {
        case .json:
            do {
                return try JSONValue(parsing: bytes)
            } catch let error as RunraError {
                throw RunraError(.configuration, "\(name): \(error.message)")
            }
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            let node: Node?
            do {
                node = try Yams.compose(yaml: text, resolver)
            } catch {
                throw RunraError(.configuration, "\(name): invalid YAML: \(error)")
            }
            guard let node else { return .object([:]) }
            return try convert(node, path: name)
        }
    }

    /// YAML 1.2's core schema: only true/false are Booleans (not yes/no/on/off).
    private static var resolver: Resolver {
        let core = (try? Resolver.default.replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$")) ?? .default
        return core.removing(.timestamp).removing(.merge)
    }

    private static func convert(_ node: Node, path: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal || scalar.style == .folded {
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
            return .array(try sequence.enumerated().map { try convert($0.element, path: "\(path)[\($0.offset)]") })
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw RunraError(.configuration, "\(path): a key is not a string")
                }
                members[name] = try convert(value, path: "\(path).\(name)")
            }
            return .object(members)
        }
    }
}
