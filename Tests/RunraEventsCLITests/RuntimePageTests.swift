import Foundation
import Testing

/// Every configuration block of the runtime's "Observability Exporters" page (Fixtures/config/runtime-page/) loads
/// and sends to local sinks exactly the events the page says, as Tests/RuntimePage/check_runtime_page.py works them
/// out on its own (issue #23).
@Suite(.timeLimit(.minutes(10))) struct RuntimePageTests {
    static let folder = CLI.fixture("config/runtime-page")

    @Test(
        arguments: try! FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .sorted()
    )
    func everyBlockLoadsInADryRun(_ name: String) throws {
        let result = try CLI.run(
            ["replay", "--dry-run", "-q", "--config", "\(Self.folder)/\(name)", CLI.fixture("events/small.jsonl")],
            environment: [
                "AXIOM_TOKEN": "xaat-page", "DATABASE_URL": "postgresql://127.0.0.1:1/x", "OTEL_API_KEY": "k",
            ]
        )
        #expect(result.status == 0, "\(name): \(result.stderr)")
    }

    @Test func thePageEndToEndAgreesWithThePythonOracle() throws {
        let root = CLI.packageRoot.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "\(root)/Tests/RuntimePage/check_runtime_page.py", CLI.executable.path, Self.folder,
            "\(root)/Tests/Servers/ingest_server.py",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.hasSuffix("all passed\n"), "\(text)")
    }
}
