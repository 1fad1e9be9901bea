import RunraEvents
import RunraReplay
import Testing

/// YAML that FuzzConfiguration (Fuzz/, docs/fuzzing.md) showed could crash or hang the loader.
@Suite struct ConfigurationFuzzRegressionTests {
    private func loadError(_ yaml: String) -> RunraError? {
        do {
            _ = try ConfigurationDocument.parse(Array(yaml.utf8), format: .yaml, name: "c.yaml")
            return nil
        } catch {
            return error as? RunraError
        }
    }

    // 4000 nested flow sequences overflowed the stack inside Yams' recursive composer.
    @Test func deeplyNestedFlowCollectionsAreAnError() {
        let error = loadError("a: " + String(repeating: "[", count: 4000) + String(repeating: "]", count: 4000))
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("nesting too deep") == true)
    }

    // Found by the fuzzer after the depth check: invalid UTF-8 near the end made libyaml (which the check uses) stop
    // before the deep part, while Yams, given the repaired text, still recursed 3000 levels.
    @Test func deepNestingIsFoundDespiteInvalidUTF8() {
        let open = UInt8(ascii: "[")
        let tail = Array("    {\n ".utf8) + [0xA8] + Array("      \"provider\": \"axio*\"] }\n      },\n     \"co".utf8)
        let bytes = Array(repeating: open, count: 3138) + [0xA7] + Array(repeating: open, count: 15) + [0xBB] + tail
        do {
            _ = try ConfigurationDocument.parse(bytes, format: .yaml, name: "c.yaml")
            Issue.record("expected an error")
        } catch {
            #expect((error as? RunraError)?.message.contains("nesting too deep") == true)
        }
    }

    @Test func deeplyNestedBlockSequencesAreAnError() {
        let yaml = (0..<1000).map { String(repeating: "  ", count: $0) + "-" }.joined(separator: "\n")
        #expect(loadError(yaml)?.message.contains("nesting too deep") == true)
    }

    @Test func aliasesThatExpandExponentiallyAreAnError() {
        var yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let uses = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "l\(level): &l\(level) [\(uses)]\n"
        }
        #expect(loadError(yaml)?.message.contains("too many values") == true)
    }

    @Test func aliasesThatNestDeeperThanTheTextAreAnError() {
        var yaml = "a0: &a0 [x]\n"
        for level in 1...100 { yaml += "a\(level): &a\(level) [*a\(level - 1)]\n" }
        #expect(loadError(yaml)?.message.contains("nesting too deep") == true)
    }

    // A YAML 1.1 base-60 integer too large for Int trapped in Yams' conversion; YAML 1.2 reads it as a string.
    @Test func sexagesimalNumbersAreStrings() throws {
        let value = try ConfigurationDocument.parse(
            Array("a: 115111151151111111111:1\nb: 1:30\n".utf8),
            format: .yaml,
            name: "c.yaml"
        )
        #expect(value == .object(["a": .string("115111151151111111111:1"), "b": .string("1:30")]))
    }

    @Test func integersFollowYAML12() throws {
        let value = try ConfigurationDocument.parse(
            Array("a: 42\nb: -7\nc: 0x1F\nd: 0o17\n".utf8),
            format: .yaml,
            name: "c.yaml"
        )
        #expect(value == .object(["a": .number(42), "b": .number(-7), "c": .number(31), "d": .number(15)]))
    }

    @Test func ordinaryNestingStillLoads() throws {
        let value = try ConfigurationDocument.parse(
            Array(
                "observability:\n  exporters:\n    - provider: console\n      config: {headers: {a: [1, [2]]}}\n".utf8
            ),
            format: .yaml,
            name: "c.yaml"
        )
        #expect(
            value.value(at: try JSONPath(parsing: "observability.exporters[0].config.headers.a[1][0]")) == .number(2)
        )
    }
}
