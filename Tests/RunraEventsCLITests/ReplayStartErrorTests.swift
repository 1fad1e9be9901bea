import Foundation
import RunraTestSupport
import Testing

/// What stops `replay` before it reads an event is exit 2 with the path or address, the reason (errno text) and
/// what to do.
@Suite(.timeLimit(.minutes(5))) struct ReplayStartErrorTests {
    let small = CLI.fixture("events/small.jsonl")

    @Test func aMissingConfigurationFileSaysWhyAndWhatToDo() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("observability.yaml")
        let result = try CLI.run(["replay", "--config", missing, small])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "runra-events: error: cannot read configuration file \(missing): No such file or directory "
                + "(check the path; Fixtures/observability.yaml is a sample to start from)\n",
            "\(result.stderr)"
        )
    }

    @Test func aConfigurationDirectoryIsNamedWithTheFileToGive() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["replay", "--config", directory.url.path, small])
        #expect(result.status == 2)
        #expect(
            result.stderr == "runra-events: error: cannot read configuration file \(directory.url.path): it is a "
                + "directory (name the file in it, e.g. --config \(directory.url.path)/observability.yaml)\n",
            "\(result.stderr)"
        )
    }

    @Test func aMetricsPortInUseSaysSoAtStart() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path("app.jsonl")
        try FollowTest.append(0..<10, to: log)
        let taken = try SilentListener()
        let address = "127.0.0.1:\(taken.port)"
        let result = try CLI.run([
            "replay", "--follow", "--to", "jsonl", "--set", "filePath=\(directory.path("out.jsonl"))",
            "--metrics-address", address, log,
        ])
        #expect(result.status == 2)
        #expect(
            result.stderr == "runra-events: error: cannot serve metrics on \(address): Address already in use "
                + "(another process has the port; pick another with --metrics-address)\n",
            "\(result.stderr)"
        )
        #expect(FollowTest.ids(inFile: directory.path("out.jsonl")).isEmpty, "nothing was shipped")
    }
}
