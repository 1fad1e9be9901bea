import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of its own (scripts/pg-test-cluster.sh with a private state file), so that stopping and
/// starting its server does not disturb the other suites' server.
final class PrivateCluster {
    private let folder: TemporaryDirectory
    private let state: String
    let url: String

    init() throws {
        folder = try TemporaryDirectory()
        state = folder.path("cluster.env")
        let line = try Self.script(["start"], state: state)
        url = String(
            try #require(line.split(separator: "\n").last { $0.hasPrefix("RUNRA_TEST_PG_URL=") }).dropFirst(
                "RUNRA_TEST_PG_URL=".count
            )
        )
    }

    deinit { _ = try? Self.script(["stop"], state: state) }

    /// Stops the server, ending every session (`pg_ctl stop -m fast`: what a restart does); the data stays. Not
    /// `immediate`: the test cluster runs with `synchronous_commit=off`, so a crash may lose acknowledged commits.
    func stopServer() throws { try Self.script(["server-stop", "fast"], state: state) }

    /// Starts the stopped server again, on the same port.
    func startServer() throws { try Self.script(["server-start"], state: state) }

    /// Runs the cluster script with `posix_spawn` and `waitpid`: Foundation's `Process` was seen to miss the exit of
    /// a script whose grandchild (the server) lives on, and to wait forever.
    @discardableResult
    private static func script(_ arguments: [String], state: String) throws -> String {
        let outputPath = state + ".out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ["/bin/bash", CLI.packageRoot.appendingPathComponent("scripts/pg-test-cluster.sh").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["RUNRA_PG_STATE"] = state
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, &cEnvironment) == 0 else {
            throw ClusterFailed(arguments: arguments)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw ClusterFailed(arguments: arguments) }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    struct ClusterFailed: Error { var arguments: [String] }

    /// Runs `psql -tA -c sql` and returns its trimmed output.
    func psql(_ sql: String) throws -> String { try PSQL.run(url, sql) }

    /// `SELECT count(*), count(DISTINCT id)` of `table`, or nil before it exists.
    func counts(_ table: String) -> (Int, Int)? {
        guard let text = try? psql("SELECT count(*), count(DISTINCT id) FROM \(table)") else { return nil }
        let numbers = text.split(separator: "|").compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}

/// PostgreSQL going away in the middle of `load-pg` and of a `postgres` replay, and a replay killed with SIGKILL:
/// a clear error (exit 4), then a re-run or a `--checkpoint` resume that ends with exactly the source count.
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil),
    .timeLimit(.minutes(10))
)
struct FaultPostgresTests {
    /// Starts `runra-events arguments…` in the background, its standard error into `errors`.
    func start(_ arguments: [String], errors: String, environment: [String: String] = [:]) throws -> Process {
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        return process
    }

    /// Waits (at most a minute) until `table` has rows while `process` runs; returns the count.
    func waitForRows(_ cluster: PrivateCluster, _ table: String, _ process: Process) -> Int {
        for _ in 0..<6000 where process.isRunning {
            if let (count, _) = cluster.counts(table), count > 0 { return count }
            usleep(10_000)
        }
        return 0
    }

    @Test func loadPGFailsClearlyWhenTheServerGoesAwayAndARerunCompletes() throws {
        let cluster = try PrivateCluster()
        let total = 60_000
        let folder = try TemporaryDirectory()
        let file = try folder.write("big.jsonl", LoadPGCLITests.events(total))
        let errors = folder.path("stderr")
        let arguments = [
            "load-pg", "--database-url", cluster.url, "--table", "faults_load", "--batch-size", "200", file,
        ]
        let process = try start(arguments, errors: errors)
        let loaded = waitForRows(cluster, "faults_load", process)
        try cluster.stopServer()
        try process.waitForExit()  // at most two minutes, then a recorded issue
        try cluster.startServer()
        #expect(loaded > 0 && loaded < total)
        #expect(process.terminationReason == .exit)
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(process.terminationStatus == 4, "\(stderr)")
        #expect(stderr.contains("runra-events: error: "), "\(stderr)")
        let partial = try #require(cluster.counts("faults_load"))
        #expect(partial.0 < total)

        let rerun = try CLI.run(arguments)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(cluster.counts("faults_load") ?? (0, 0) == (total, total))
        #expect(
            rerun.stdoutText.hasPrefix("read \(total) events: \(total - partial.0) inserted, \(partial.0) duplicates"),
            "\(rerun.stdoutText)"
        )
    }

    @Test func postgresReplayFailsClearlyWhenTheServerGoesAwayAndResumes() throws {
        let cluster = try PrivateCluster()
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 4000, gapMs: 1)  // 4 s at real time
        let checkpoint = folder.path("replay.ckpt")
        let errors = folder.path("stderr")
        let arguments = [
            "replay", "--to", "postgres", "--set", "connectionString=\(cluster.url)", "--set", "table=faults_replay",
            "--set", "batchSize=50", "--set", "flushIntervalMs=50", "--checkpoint", checkpoint, input,
        ]
        let process = try start(arguments + ["--speed", "realtime"], errors: errors)
        let delivered = waitForRows(cluster, "faults_replay", process)
        try cluster.stopServer()
        try process.waitForExit()  // at most two minutes, then a recorded issue
        try cluster.startServer()
        #expect(delivered > 0)
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 4, "\(stderr)")
        #expect(stderr.contains("postgres: export: "), "\(stderr)")
        #expect(stderr.contains("the checkpoint stays before the first given-up event"), "\(stderr)")
        let partial = try #require(cluster.counts("faults_replay"))
        #expect(partial.0 < lines.count)

        let resumed = try CLI.run(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed after input 0 line"), "\(resumed.stderr)")
        #expect(cluster.counts("faults_replay") ?? (0, 0) == (lines.count, lines.count))
    }

    /// Issue 6: into PostgreSQL, killed with SIGKILL midway and resumed with `--checkpoint`: exactly the source count.
    @Test func killedPostgresReplayResumesWithExactlyTheSourceCount() throws {
        let cluster = try PrivateCluster()
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 4000, gapMs: 1)
        let checkpoint = folder.path("replay.ckpt")
        let config = try folder.write(
            "postgres.yaml",
            """
            provider: postgres
            config:
              connectionString: "${FAULT_PG_URL}"
              table: faults_killed
              batchSize: 50
              flushIntervalMs: 50
            """
        )
        let arguments = ["replay", "--config", config, "--checkpoint", checkpoint, input]
        let process = try start(
            arguments + ["--speed", "realtime"],
            errors: folder.path("stderr"),
            environment: ["FAULT_PG_URL": cluster.url]
        )
        var committed = 0
        for _ in 0..<6000 where process.isRunning && committed == 0 {
            if let data = FileManager.default.contents(atPath: checkpoint),
                let line = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["line"] as? Int
            {
                committed = line
            }
            usleep(10_000)
        }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        try process.waitForExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(committed > 0)
        let atKill = try #require(cluster.counts("faults_killed"))
        #expect(atKill.0 > 0 && atKill.0 < lines.count)

        let resumed = try CLI.run(arguments, environment: ["FAULT_PG_URL": cluster.url])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed after input 0 line"), "\(resumed.stderr)")
        #expect(cluster.counts("faults_killed") ?? (0, 0) == (lines.count, lines.count))
    }
}
