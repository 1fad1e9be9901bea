internal import RunraEvents

/// Finds a key written twice in one object of a JSON text (the parsed ``JSONValue`` keeps only the last).
enum DuplicateJSONKeys {
    /// The first repeated key and the path of its object (`name` for the top level); the text must be valid JSON.
    static func first(in bytes: [UInt8], path name: String) -> (key: String, path: String)? {
        var start = 0
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        var end = bytes.count
        while end > start, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            search(RawJSONValue(UnsafeBufferPointer(rebasing: buffer[start..<end])), path: name, depth: 0)
        }
    }

    /// Depth-first; the depth is bounded by the scanner's nesting limit, which the text passed.
    private static func search(_ value: RawJSONValue, path: String, depth: Int) -> (key: String, path: String)? {
        switch value.kind {
        case .object:
            var seen = Set<String>()
            for (key, member) in value.members {
                let name = decoded(key)
                if !seen.insert(name).inserted { return (name, path) }
                if let found = search(member, path: "\(path).\(name)", depth: depth + 1) { return found }
            }
        case .array:
            for (index, element) in value.elements.enumerated() {
                if let found = search(element, path: "\(path)[\(index)]", depth: depth + 1) { return found }
            }
        default: break
        }
        return nil
    }

    private static func decoded(_ key: RawJSONValue.Key) -> String {
        guard key.hasEscape else { return String(decoding: key.content, as: UTF8.self) }
        let quoted = [UInt8(ascii: "\"")] + Array(key.content) + [UInt8(ascii: "\"")]
        return (try? JSONValue(parsing: quoted))?.stringValue ?? String(decoding: key.content, as: UTF8.self)
    }
}
