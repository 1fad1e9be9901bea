import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An endpoint whose host name does not resolve (`.invalid` never does): a replay gives up after seconds with
/// "cannot resolve host", exit 4; a shipper keeps trying and says it is DNS.
@Suite(.timeLimit(.minutes(5))) struct UnresolvedHostCLITests {
    @Test func aReplayGivesUpSayingItIsDNS() throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 200)
        let result = try CLI.run([
            "replay", "--to", "otel", "--set", "endpoint=http://no-such-host.invalid:4318",
            "--set", "batchConfig.maxExportBatchSize=50", input,
        ])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("cannot resolve host no-such-host.invalid ("), "\(result.stderr)")
        #expect(result.stderr.contains("check the host name in the URL"), "\(result.stderr)")
        // The summary's row: otel, sent, filtered, rejected, retried, gave up, …. How long it tried is bounded by
        // NameResolutionTests with recorded waits; how many retries fit depends on the resolver's speed, so the
        // retried column is checked by RetriedCountTests and the exporters' tests instead.
        let row = result.stderr.split(separator: "\n").first { $0.hasPrefix("otel ") }?.split(separator: " ") ?? []
        #expect(row.count > 5 && row[1] == "0" && row[5] == "200", "\(result.stderr)")
    }

    @Test func aShipperKeepsTryingAndSaysItIsDNS() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path("app.jsonl")
        try FollowTest.append(0..<10, to: log)
        let shipper = try Shipper(
            ["--to", "axiom", "--set", "url=http://no-such-host.invalid:4318", "--set", "token=xaat-test", log],
            stderrPath: directory.path("err")
        )
        let said = FollowTest.wait(.seconds(60)) {
            shipper.stderr.contains("cannot resolve host no-such-host.invalid (")
                && shipper.stderr.contains("trying again until it is delivered")
        }
        #expect(said, "\(shipper.stderr)")
        // Stopped while it was still trying: the batch counts as given up (exit 4, docs/replay.md "Stopping"), and
        // the next run sends it (the checkpoint stays before it).
        #expect(try shipper.stop(SIGTERM) == 4, "\(shipper.stderr)")
    }
}
