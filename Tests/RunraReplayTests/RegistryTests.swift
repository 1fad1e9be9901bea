import RunraEvents
import RunraReplay
import Testing

@Suite struct RegistryTests {
    @Test func configurationErrorsNameTheKeyPath() throws {
        let config = ExporterConfiguration(
            path: "observability.exporters[1].config",
            values: ["batchSize": .string("ten")]
        )
        #expect {
            try config.integer("batchSize")
        } throws: { error in
            "\(error)" == #"observability.exporters[1].config.batchSize: expected a whole number, got "ten""#
        }
    }
}
