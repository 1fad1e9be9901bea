/// SQL identifier quoting: names are always double-quoted, so case, spaces and quotes survive and nothing is injected.
public enum PostgresIdentifier {
    /// `name` as a quoted identifier: `events` → `"events"`, `my"table` → `"my""table"`.
    ///
    /// Same output as libpq's `PQescapeIdentifier`. A NUL character (which PostgreSQL cannot store) becomes U+FFFD.
    public static func quote(_ name: String) -> String {
        var result = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": result += "\"\""
            case "\0": result.unicodeScalars.append("\u{FFFD}")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// `"schema"."table"`: each part quoted separately (a dot inside a name stays part of that name).
    public static func qualified(schema: String?, _ table: String) -> String {
        guard let schema, !schema.isEmpty else { return quote(table) }
        return quote(schema) + "." + quote(table)
    }
}
