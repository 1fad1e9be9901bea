import CYaml

/// Measures how deep a YAML document nests, with libyaml's event parser (iterative), before Yams composes it.
///
/// Yams builds its node tree recursively, so a few thousand levels of `[[[…` overflow the stack (found by
/// FuzzConfiguration); checking first turns that into a clear error.
enum YAMLNesting {
    /// Whether some collection in `bytes` sits more than `limit` levels deep. `false` when libyaml cannot parse
    /// the text: Yams then reports the syntax error.
    static func exceeds(_ limit: Int, in bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return false }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return false }
                let type = event.type
                yaml_event_delete(&event)
                switch type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return true }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT:
                    return false
                default:
                    break
                }
            }
        }
    }
}
