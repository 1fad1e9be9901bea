import Foundation
import RunraEvents
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `replay --follow`: a shipper that loses nothing across rotation, restarts, a sink that is down, and says so
/// loudly when rotation deleted a file it could not hold open (docs/replay.md, "Shipping live logs").
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReplayFollowTests {
    static func jsonlSink(_ out: String) -> [String] {
        ["--to", "jsonl", "--set", "filePath=\(out)", "--set", "flushIntervalMs=50"]
    }

    @Test func shipsTheRotatedSetThenFollowsAcrossRotationAndRestarts() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let out = dir.path("out.jsonl")
        let checkpoint = dir.path("ship.ckpt")
        try FollowTest.append(0..<100, to: log + ".2")
        _ = try CLI.gzipInPlace(log + ".2")
        try FollowTest.append(100..<200, to: log + ".1")
        try FollowTest.append(200..<250, to: log)
        let arguments = Self.jsonlSink(out) + ["--checkpoint", checkpoint, log]
        var shipper = try Shipper(arguments, stderrPath: dir.path("err1"))
        func delivered(_ count: Int) -> Bool { FollowTest.ids(inFile: out).count >= count }

        #expect(FollowTest.wait(.seconds(30)) { delivered(250) }, "\(shipper.stderr)")
        // The rotated set came first, oldest first.
        #expect(FollowTest.ids(inFile: out).prefix(250) == ArraySlice((0..<250).map { "evt_\($0)" }))
        try FollowTest.append(250..<300, to: log)
        #expect(FollowTest.wait(.seconds(30)) { delivered(300) })
        // Rename rotation with gzip: the renamed file keeps its fingerprint; the new live file is followed.
        #expect(try CLI.run(["rotate", "--force", "-q", log]).status == 0)
        try FollowTest.append(300..<350, to: log)
        #expect(FollowTest.wait(.seconds(30)) { delivered(350) }, "\(shipper.stderr)")
        // copytruncate: the copy holds what was read; the truncated file starts again.
        try FollowTest.append(350..<400, to: log)
        #expect(try CLI.run(["rotate", "--force", "--copytruncate", "-q", log]).status == 0)
        try FollowTest.append(400..<450, to: log)
        #expect(FollowTest.wait(.seconds(30)) { delivered(450) }, "\(shipper.stderr)")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")

        // While stopped: more lines, one more rotation. A restart sends exactly what is new.
        try FollowTest.append(450..<500, to: log)
        #expect(try CLI.run(["rotate", "--force", "-q", log]).status == 0)
        try FollowTest.append(500..<520, to: log)
        shipper = try Shipper(arguments, stderrPath: dir.path("err2"))
        #expect(FollowTest.wait(.seconds(30)) { delivered(520) }, "\(shipper.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")

        let ids = FollowTest.ids(inFile: out)
        #expect(ids.count == 520, "every event once, none twice: \(ids.count) delivered")
        #expect(Set(ids) == FollowTest.expected(520))
        let saved = try String(contentsOfFile: checkpoint, encoding: .utf8)
        #expect(saved.contains(#""mode":"follow""#) && saved.contains(#""fingerprint":"fnv1a64:"#))
    }

    @Test func aSinkDownForTenSecondsLosesNothingEvenWhenRotationDeletesAFile() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let port = try AxiomSink.freePort()
        try FollowTest.append(0..<2000, to: log)
        let shipper = try Shipper(
            [
                "--to", "axiom", "--set", "url=http://127.0.0.1:\(port)", "--set", "token=xaat-test", "--set",
                "batchSize=50",
                "--set", "flushIntervalMs=50", "--checkpoint", dir.path("ship.ckpt"), log,
            ],
            stderrPath: dir.path("err")
        )
        Thread.sleep(forTimeInterval: 1)
        // Rotated and deleted while nothing could be delivered: the shipper holds the file open.
        #expect(rename(log, log + ".1") == 0)
        try FollowTest.append(2000..<3000, to: log)
        Thread.sleep(forTimeInterval: 1)
        #expect(unlink(log + ".1") == 0)
        Thread.sleep(forTimeInterval: 8)
        #expect(shipper.process.isRunning, "a shipper waits for its sink: \(shipper.stderr)")
        let sink = try AxiomSink(port: port, linesPath: dir.path("lines"))
        let all = FollowTest.expected(3000)
        #expect(FollowTest.wait(.seconds(90)) { Set(sink.ids).isSuperset(of: all) }, "\(shipper.stderr)")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")
        #expect(Set(sink.ids) == all)
    }

    @Test func aFileDeletedWhileTheShipperWasStoppedIsReportedLost() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let out = dir.path("out.jsonl")
        let arguments = Self.jsonlSink(out) + ["--checkpoint", dir.path("ship.ckpt"), log]
        try FollowTest.append(0..<100, to: log)
        var shipper = try Shipper(arguments, stderrPath: dir.path("err1"))
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 100 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try shipper.stop(SIGTERM) == 0)

        // While stopped: 50 more lines, then rotation deletes that file before anything could read it.
        try FollowTest.append(100..<150, to: log)
        #expect(rename(log, log + ".1") == 0)
        try FollowTest.append(150..<160, to: log)
        #expect(unlink(log + ".1") == 0)
        let metricsPort = try AxiomSink.freePort()
        shipper = try Shipper(
            arguments + ["--status-interval", "0.5", "--metrics-address", "127.0.0.1:\(metricsPort)"],
            stderrPath: dir.path("err2")
        )
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 110 }, "\(shipper.stderr)")
        // Said while it runs, not only at the end: on stderr, in the status line and in the metrics.
        #expect(FollowTest.wait(.seconds(10)) { shipper.stderr.contains("error: LOST: ") }, "\(shipper.stderr)")
        #expect(FollowTest.wait(.seconds(10)) { shipper.stderr.contains("; LOST 1 file(s)") }, "\(shipper.stderr)")
        let metrics = FollowTest.httpGet(port: metricsPort, path: "/metrics")
        #expect(metrics.contains("runra_follow_lost_files_total 1"), "\(metrics)")
        #expect(metrics.contains("runra_follow_lost_bytes_total"), "\(metrics)")
        let status = try shipper.stop(SIGTERM)
        let stderr = shipper.stderr
        #expect(status == 2, "a loss is an input error: \(stderr)")
        #expect(stderr.contains("app.jsonl") && stderr.contains("was deleted before it was shipped"), "\(stderr)")
        #expect(stderr.contains("after its line 100"), "\(stderr)")
        #expect(FollowTest.ids(inFile: out) == (0..<100).map { "evt_\($0)" } + (150..<160).map { "evt_\($0)" })
    }

    @Test func aGlobFollowsEachLogAndPicksUpNewOnes() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        let out = dir.path("out.jsonl")
        try FollowTest.append(0..<100, to: dir.path("logs/a.jsonl"))
        try FollowTest.append(100..<150, to: dir.path("logs/a.jsonl.1"))  // a's rotated file, not a log of its own
        try FollowTest.append(150..<200, to: dir.path("logs/b.jsonl"))
        let shipper = try Shipper(Self.jsonlSink(out) + [dir.path("logs/*.jsonl")], stderrPath: dir.path("err"))
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 200 }, "\(shipper.stderr)")
        try FollowTest.append(200..<250, to: dir.path("logs/c.jsonl"))
        try FollowTest.append(250..<300, to: dir.path("logs/a.jsonl"))
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 300 }, "\(shipper.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try shipper.stop(SIGTERM) == 0)
        let ids = FollowTest.ids(inFile: out)
        #expect(ids.count == 300 && Set(ids) == FollowTest.expected(300))
    }

    @Test func statusLineAndPrometheusMetricsShowDeliveryAndLag() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let out = dir.path("out.jsonl")
        let port = try AxiomSink.freePort()
        try FollowTest.append(0..<100, to: log)
        let shipper = try Shipper(
            Self.jsonlSink(out) + ["--status-interval", "0.3", "--metrics-address", "127.0.0.1:\(port)", log],
            stderrPath: dir.path("err")
        )
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 100 })
        var metrics = ""
        let scraped = FollowTest.wait(.seconds(10)) {
            metrics = FollowTest.httpGet(port: port, path: "/metrics")
            // The lag follows the acknowledgements within the checkpoint interval (200 ms).
            return metrics.contains(#"runra_events_sent_total{exporter="jsonl"} 100"#)
                && metrics.contains(#"runra_follow_lag_bytes{log="\#(log)"} 0"#)
        }
        #expect(scraped, "\(metrics)")
        #expect(metrics.hasPrefix("HTTP/1.1 200") && metrics.contains("text/plain; version=0.0.4"))
        #expect(metrics.contains("runra_events_read_total 100"), "\(metrics)")
        #expect(metrics.contains("# TYPE runra_events_sent_total counter"), "\(metrics)")
        #expect(FollowTest.httpGet(port: port, path: "/").hasPrefix("HTTP/1.1 404"))
        #expect(FollowTest.wait(.seconds(10)) { shipper.stderr.contains("runra-events: status: ") })
        #expect(try shipper.stop(SIGTERM) == 0)
        let status = try #require(shipper.stderr.split(separator: "\n").last { $0.hasPrefix("runra-events: status: ") })
        #expect(
            status.contains("jsonl 100 sent, 0 retried, 0 dead-lettered") && status.contains("lag \(log) 0 B"),
            "\(status)"
        )
    }

    @Test func aSecondSignalStopsAtOnceAndTheNextRunSendsWhatWasInFlight() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let checkpoint = dir.path("ship.ckpt")
        try FollowTest.append(0..<100, to: log)
        let hanging = try SilentListener()
        func axiom(_ port: Int) -> [String] {
            [
                "--to", "axiom", "--set", "url=http://127.0.0.1:\(port)", "--set", "token=xaat-test", "--set",
                "flushIntervalMs=50",
                "--checkpoint", checkpoint, log,
            ]
        }
        let shipper = try Shipper(axiom(hanging.port), stderrPath: dir.path("err1"))
        Thread.sleep(forTimeInterval: 1.5)  // the first batch is sent and waits for an answer that never comes
        kill(shipper.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 1)
        #expect(shipper.process.isRunning, "the first SIGTERM drains: the batch in flight is waited for")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try shipper.stop(SIGTERM, timeout: .seconds(10)) == 143)
        #expect(clock.now - start < .seconds(3))
        // The checkpoint is whole (written by rename) and acknowledges nothing: the next run sends everything.
        if let saved = FileManager.default.contents(atPath: checkpoint) {
            let object = try JSONSerialization.jsonObject(with: saved) as? [String: Any]
            let files = object?["files"] as? [[String: Any]] ?? []
            #expect(files.allSatisfy { ($0["offset"] as? Int) == 0 }, "\(String(decoding: saved, as: UTF8.self))")
        }
        let sink = try AxiomSink(linesPath: dir.path("lines"))
        let again = try Shipper(axiom(sink.port), stderrPath: dir.path("err2"))
        #expect(FollowTest.wait(.seconds(30)) { Set(sink.ids) == FollowTest.expected(100) }, "\(again.stderr)")
        #expect(try again.stop(SIGTERM) == 0)
    }

    @Test func aDrainThatOutlastsTheDeadlineEndsTheShipper() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        try FollowTest.append(0..<100, to: log)
        let hanging = try SilentListener()
        let shipper = try Shipper(
            [
                "--to", "axiom", "--set", "url=http://127.0.0.1:\(hanging.port)", "--set", "token=xaat-test",
                "--set", "flushIntervalMs=50", "--drain-timeout", "1", log,
            ],
            stderrPath: dir.path("err")
        )
        Thread.sleep(forTimeInterval: 1.5)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try shipper.stop(SIGTERM, timeout: .seconds(20)) == 0)
        #expect(clock.now - start < .seconds(5))
        #expect(shipper.stderr.contains("--drain-timeout"), "\(shipper.stderr)")
    }

    @Test func theConsoleIntoHeadEndsTheShipper() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        try FollowTest.append(0..<10, to: log)
        // Nothing more is written: the shipper must notice that head went away without a write failing.
        let result = try FaultShell.pipedIntoHead(["replay", "--follow", "--to", "console", log], folder: dir)
        #expect(result.status == "0", "\(result.stderr)")
    }

    @Test func aMissingLogIsWaitedForAndSaidSo() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("later.jsonl")
        let out = dir.path("out.jsonl")
        let shipper = try Shipper(Self.jsonlSink(out) + [log, dir.path("logs/*.jsonl")], stderrPath: dir.path("err"))
        #expect(
            FollowTest.wait(.seconds(10)) { shipper.stderr.contains("later.jsonl does not exist yet; waiting for it") }
        )
        #expect(shipper.stderr.contains("no file matches"), "\(shipper.stderr)")
        try FollowTest.append(0..<20, to: log)
        #expect(FollowTest.wait(.seconds(30)) { FollowTest.ids(inFile: out).count >= 20 }, "\(shipper.stderr)")
        #expect(try shipper.stop(SIGTERM) == 0)
    }

    @Test func memoryStaysBoundedWhileTheSinkIsDown() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        try FollowTest.append(0..<400_000, to: log)  // about 40 MB waiting on disk
        let port = try AxiomSink.freePort()
        let shipper = try Shipper(
            ["--to", "axiom", "--set", "url=http://127.0.0.1:\(port)", "--set", "token=xaat-test", log],
            stderrPath: dir.path("err")
        )
        var peak = 0
        for _ in 0..<30 {
            Thread.sleep(forTimeInterval: 0.1)
            let status =
                (try? String(contentsOfFile: "/proc/\(shipper.process.processIdentifier)/status", encoding: .utf8))
                ?? ""
            let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(separator: " ").dropFirst()
                .first
            peak = max(peak, Int(rss ?? "0") ?? 0)
        }
        // Reading pauses once the read-ahead and the exporter's queue are full: far less than the 40 MB backlog
        // (a debug build's own footprint is most of this).
        #expect(peak > 0 && peak < 60 * 1024, "peak RSS \(peak) KiB")
        print("replay --follow with its sink down and 40 MB waiting: peak RSS \(peak) KiB")
        let sink = try AxiomSink(port: port, linesPath: dir.path("lines"))
        #expect(FollowTest.wait(.seconds(120)) { Set(sink.ids).count == 400_000 }, "\(shipper.stderr)")
        #expect(try shipper.stop(SIGTERM) == 0)
    }

    @Test func optionsThatCannotFollowAreRefused() throws {
        for arguments in [
            ["replay", "--follow", "--to", "console"],
            ["replay", "--follow", "--to", "console", "-"],
            ["replay", "--follow", "--to", "console", "--dry-run", "x.jsonl"],
            ["replay", "--to", "console", "--status-interval", "5", "x.jsonl"],
            ["replay", "--to", "console", "--metrics-address", "127.0.0.1:9464", "x.jsonl"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }
}

/// The issue's test with real parts: a writer and `rotate` (rename and copytruncate) in a loop while the shipper
/// is killed with SIGKILL at random moments and restarted; PostgreSQL gets every event exactly once, the
/// Axiom-compatible sink at least once.
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil),
    .timeLimit(.minutes(5))
)
struct ReplayFollowKillTests {
    let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""

    func psql(_ sql: String) throws -> String { try PSQL.run(url, sql) }

    @Test func killNineAtRandomMomentsWhileRotatingLosesNothing() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("app.jsonl")
        let table = "ship_\(getpid())_\(Int.random(in: 1000..<9999))"
        defer { _ = try? psql("DROP TABLE IF EXISTS \(table)") }
        let sink = try AxiomSink(linesPath: dir.path("lines"))
        let config = try dir.write(
            "ship.json",
            """
            {"observability": {"exporters": [
              {"provider": "axiom", "config": {"url": "http://127.0.0.1:\(sink.port)", "token": "xaat-test", \
              "batchSize": 2000, "flushIntervalMs": 700}},
              {"provider": "postgres", "config": {"connectionString": "\(url)", "table": "\(table)", "batchSize": \
              2000, "flushIntervalMs": 700}}
            ]}}
            """
        )
        let arguments = ["--config", config, "--checkpoint", dir.path("ship.ckpt"), log]
        // Partial batches wait up to 700 ms: at any moment some events were read but not yet acknowledged, so a
        // checkpoint that ran ahead of the sinks would lose them at a kill (a shipper that checkpoints on read
        // failed this test in 3 of 3 runs).

        let total = 30_000
        let state = SharedState()
        let writer = Thread {
            do {
                let writer = try JSONLWriter(path: log, options: .init(bufferSize: 8 * 1024))
                for n in 0..<total {
                    try writer.append(line: FollowTest.event(n))
                    if n % 100 == 99 {
                        try writer.flush()
                        usleep(25_000)  // about 4,000 events/s: rotations and kills interleave with the writes
                    }
                }
                try writer.close()
                state.finish(written: total, error: nil)
            } catch {
                state.finish(written: 0, error: error)
            }
        }
        writer.start()
        var shipper = try Shipper(arguments, stderrPath: dir.path("err0"))
        var rounds = 0
        var rotations = 0
        let clock = ContinuousClock()
        var nextKill = clock.now + .milliseconds(Int.random(in: 400..<1500))
        while !state.isDone {
            var rotate = ["rotate", "--force", "--keep", "1000", "-q"]
            if rotations % 2 == 1 { rotate.append("--copytruncate") }
            #expect(try CLI.run(rotate + [log]).status == 0)
            rotations += 1
            Thread.sleep(forTimeInterval: 0.2)
            if clock.now >= nextKill && rounds < 5 {
                kill(shipper.process.processIdentifier, SIGKILL)
                try shipper.process.waitForExit(timeout: .seconds(30))
                rounds += 1
                shipper = try Shipper(arguments, stderrPath: dir.path("err\(rounds)"))
                nextKill = clock.now + .milliseconds(Int.random(in: 400..<1500))
            }
        }
        #expect(state.error == nil)
        #expect(rounds >= 2, "the writer finished before enough kills (\(rounds))")
        let everything = FollowTest.expected(total)
        let arrived = FollowTest.wait(.seconds(120)) {
            (try? psql("SELECT count(*) FROM \(table)")) == "\(total)" && Set(sink.ids).isSuperset(of: everything)
        }
        #expect(arrived, "not every event arrived within 120 s: \(shipper.stderr.suffix(2000))")
        #expect(try shipper.stop(SIGTERM) == 0, "\(shipper.stderr)")
        // Every truncation here is copytruncate's, so each one's copy must be found (it once was missed while a
        // rotation compressed it, and a generation was lost).
        let notices = (0...rounds).map { (try? String(contentsOfFile: dir.path("err\($0)"), encoding: .utf8)) ?? "" }
            .joined()
        #expect(!notices.contains("following it again from its start"), "\(notices.suffix(2000))")

        // PostgreSQL: exactly the written ids, each once.
        #expect(try psql("SELECT count(*), count(DISTINCT id) FROM \(table)") == "\(total)|\(total)")
        #expect(
            try psql("SELECT count(*) FROM \(table) WHERE substring(id FROM 5)::int NOT BETWEEN 0 AND \(total - 1)")
                == "0"
        )
        // The HTTP sink: every id at least once; duplicates only from batches in flight at a kill.
        let ids = sink.ids
        let missing = everything.subtracting(ids)
        #expect(missing.isEmpty, "\(missing.count) ids never reached the HTTP sink, e.g. \(missing.sorted().prefix(5))")
        #expect(Set(ids).isSubset(of: everything))
        // Per kill, at most what the engine held read but not acknowledged by both exporters, plus what was
        // acknowledged since the last checkpoint write (200 ms): per exporter 4 queued and 4 concurrent batches of
        // 2000, a partial batch, and 2 pieces of 256 KiB read ahead (about 2,400 of these lines each): ~23,000.
        let duplicates = ids.count - Set(ids).count
        #expect(duplicates <= rounds * 25_000, "\(duplicates) duplicates after \(rounds) kills")
        print(
            "replay --follow kill test: \(rounds) kills, \(rotations) rotations, \(duplicates) duplicates "
                + "at the HTTP sink"
        )
    }
}
