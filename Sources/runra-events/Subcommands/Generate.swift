import ArgumentParser
import RunraEvents

extension RunraEventsCommand {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a realistic synthetic event log."
        )

        func run() async throws {
            throw RunraError(.usage, "generate is not implemented yet")
        }
    }
}
