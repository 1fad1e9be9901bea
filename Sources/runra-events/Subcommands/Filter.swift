import ArgumentParser
import RunraEvents

extension RunraEventsCommand {
    struct Filter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the events that match the selection."
        )

        func run() async throws {
            throw RunraError(.usage, "filter is not implemented yet")
        }
    }
}
