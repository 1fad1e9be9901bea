import RunraEvents
import RunraParquet
import RunraReplay

/// A column promoted from `data` by the `columns` key: `"data.tool": "string"` becomes the column `tool`,
/// `"data.usage.inputTokens": "int64"` the column `usage_input_tokens`. A value that is missing, or of another type,
/// is null there (`data` still holds it).
struct LakeColumn: Sendable, Equatable {
    /// The types a promoted column can have, as written in the configuration.
    enum Kind: String, Sendable, CaseIterable {
        case string, int64, int32, double, boolean, timestamp, json
    }

    /// The path in the event, e.g. `data.usage.inputTokens`.
    var path: [String]
    var name: String
    var kind: Kind

    /// Reads the `columns` object: data paths to types.
    static func parse(_ configuration: ExporterConfiguration) throws -> [LakeColumn] {
        var columns: [LakeColumn] = []
        var taken = Set(LakeSchema.builtInNames)
        for key in configuration.values.keys.sorted() {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts[0] == "data", parts.allSatisfy({ !$0.isEmpty }) else {
                throw configuration.error(
                    key,
                    "a column is a path in data, e.g. \"data.tool\" "
                        + "(id, timestamp, type, sandboxId, runId and data are columns already)"
                )
            }
            let names = Kind.allCases.map(\.rawValue)
            guard let typeName = try configuration.choice(key, of: names + ["long", "integer", "bool"]) else {
                throw configuration.error(key, "expected a type: \(ExporterConfiguration.alternatives(names))")
            }
            let kind = Kind(rawValue: typeName) ?? ["long": .int64, "integer": .int32, "bool": .boolean][typeName]!
            let name = columnName(parts.dropFirst())
            guard taken.insert(name.lowercased()).inserted else {
                throw configuration.error(
                    key,
                    "its column name \(JSONText.quoted(name)) is taken (by a built-in column or another path)"
                )
            }
            columns.append(LakeColumn(path: parts, name: name, kind: kind))
        }
        return columns
    }

    /// `usage.inputTokens` → `usage_input_tokens`.
    static func columnName(_ parts: ArraySlice<String>) -> String {
        parts.map { part in
            var name = ""
            for character in part {
                if character.isUppercase, !name.isEmpty, name.last != "_" { name.append("_") }
                name += character.isLetter || character.isNumber ? String(character).lowercased() : "_"
            }
            return name
        }.joined(separator: "_")
    }

    var parquetKind: ParquetColumn.Kind {
        switch kind {
        case .string: return .string
        case .int64: return .int64
        case .int32: return .int32
        case .double: return .double
        case .boolean: return .boolean
        case .timestamp: return .timestampMicros
        case .json: return .json
        }
    }
}
