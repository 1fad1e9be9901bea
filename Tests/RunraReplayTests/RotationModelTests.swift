import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

/// `replay --follow` against a model of the disk, the way Vector tests its file source: a seeded random sequence
/// of appends (whole and partial lines), rotations under each naming scheme, compression, retention, a writer
/// that holds its file until told to reopen, sink outages and restarts of the shipper, run against the real engine
/// and reader; after each sequence the sink holds every event written exactly once.
///
/// `make test` runs 200 sequences, `make soak` 2,000 (`RUNRA_SOAK_SEQUENCES`; without it, plain `swift test` skips the
/// suite). A failure names its seed: `RUNRA_SOAK_SEED=N swift test --filter RotationModelTests` runs that one again.
@Suite(.timeLimit(.minutes(60)), .enabled(if: soakRequested, "make test and make soak run it"))
struct RotationModelTests {
    static let seeds: [UInt64] = {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["RUNRA_SOAK_SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["RUNRA_SOAK_SEQUENCES"].flatMap(Int.init) ?? 2000
        return (0..<UInt64(count)).map { $0 }
    }()

    /// Sequences run four at a time (lanes), each lane its seeds one after the other: hundreds of shippers at once
    /// on two cores would only measure the machine.
    @Test(arguments: 0..<4)
    func everyEventOnceWhateverRotationDoes(lane: Int) async throws {
        for seed in Self.seeds where seed % 4 == UInt64(lane) {
            try await runSequence(seed: seed)
        }
    }

    func runSequence(seed: UInt64) async throws {
        var random = SplitMix(seed: seed)
        let folder = try TemporaryDirectory()
        let scheme = RotationModel.Scheme.modelled[Int(random.next() % UInt64(RotationModel.Scheme.modelled.count))]
        let writer = RotationModel.Writer.allCases[Int(random.next() % 2)]
        let model = try RotationModel(root: folder.path("disk"), scheme: scheme, writer: writer)
        let exporter = RecordingExporter(id: "sink")
        var shipper = Self.start(model, exporter: exporter, checkpoint: folder.path("ship.ckpt"))
        var trace: [String] = ["seed \(seed): \(scheme), \(writer) writer"]
        var reports: [ReplayReport] = []

        for _ in 0..<60 {
            let operation = Operation.random(using: &random)
            trace.append("\(operation)")
            guard case .restart = operation else {
                try await Self.apply(operation, to: model, exporter: exporter, shipperStarted: shipper.started)
                continue
            }
            // Stopped as by SIGTERM; the log goes on meanwhile; started again from the checkpoint.
            reports.append(try await shipper.stop())
            for _ in 0..<Int(random.next() % 4) {
                // Not retention: a file that was live when the shipper stopped and is deleted before it starts
                // again may have grown meanwhile, and is rightly reported lost.
                let whileStopped = Operation.random(using: &random)
                guard whileStopped.isDiskOperation, !whileStopped.isRetention else { continue }
                trace.append("  while stopped: \(whileStopped)")
                try await Self.apply(whileStopped, to: model, exporter: exporter, shipperStarted: shipper.started)
            }
            shipper = Self.start(model, exporter: exporter, checkpoint: folder.path("ship.ckpt"))
        }
        model.completePartialLine()
        let expected = Set(model.written)
        let deadline = ContinuousClock.now + .seconds(30)
        while Self.delivered(exporter).isSuperset(of: expected) == false && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        reports.append(try await shipper.stop())

        let ids = Self.ids(exporter)
        let duplicates = ids.count - Set(ids).count
        let missing = expected.subtracting(ids)
        let context = trace.joined(separator: "\n")
        #expect(missing.isEmpty, "\(missing.count) never delivered: \(missing.sorted().prefix(5))\n\(context)")
        let twice = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(duplicates == 0, "\(duplicates) delivered twice: \(twice.prefix(3))…\(twice.suffix(3))\n\(context)")
        #expect(Set(ids).isSubset(of: expected), "delivered events never written\n\(context)")
        let lost = reports.flatMap(\.lostFiles).map(\.path)
        #expect(lost.isEmpty, "reported lost: \(lost)\n\(context)")
    }

    /// Applies `operation`. Retention deletes only files rotated a while ago, and only once the running shipper has
    /// been up a while: a file rotated and deleted before any shipper looked is a loss that is rightly reported.
    static func apply(
        _ operation: Operation,
        to model: RotationModel,
        exporter: RecordingExporter,
        shipperStarted: ContinuousClock.Instant
    ) async throws {
        switch operation {
        case .append(let count): model.append(count)
        case .appendPartial: model.appendPartial()
        case .rotate: model.rotate()
        case .compress: try model.compressOldest()
        case .deleteDelivered:
            let settled = ContinuousClock.now - .milliseconds(300)
            if shipperStarted < settled { model.deleteOldest(delivered: delivered(exporter), rotatedBefore: settled) }
        case .reopen: model.reopen()
        case .outage(let failures): exporter.failuresLeft = failures
        case .pause(let milliseconds): try await Task.sleep(for: .milliseconds(milliseconds))
        case .restart: break
        }
    }

    // MARK: The shipper

    struct Shipper {
        let engine: ReplayEngine
        let run: Task<ReplayReport, any Error>
        let started = ContinuousClock.now

        /// Stops as SIGTERM does: what is in flight is delivered, the checkpoint written.
        func stop() async throws -> ReplayReport {
            engine.interrupt()
            return try await run.value
        }
    }

    static func start(_ model: RotationModel, exporter: RecordingExporter, checkpoint: String) -> Shipper {
        let reader = LiveLogReader(inputs: [model.log])
        reader.olddirs = ["../archive"]
        reader.pollInterval = .milliseconds(10)
        reader.rotatedFileLinger = .milliseconds(200)
        var options = ReplayOptions()
        options.keepsTrying = true
        options.firstRetryWait = .milliseconds(5)
        options.checkpointPath = checkpoint
        options.checkpointInterval = .milliseconds(20)
        let target = ReplayTarget(
            label: exporter.id,
            exporter: exporter,
            batchSize: 16,
            flushInterval: .milliseconds(5)
        )
        let engine = ReplayEngine(targets: [target], options: options)
        return Shipper(engine: engine, run: Task { try await engine.run(.live(reader)) })
    }

    static func ids(_ exporter: RecordingExporter) -> [Int] {
        exporter.events.compactMap { event in event.id.flatMap { Int($0.dropFirst(4)) } }
    }

    static func delivered(_ exporter: RecordingExporter) -> Set<Int> { Set(ids(exporter)) }
}

/// Whether `make soak` (or a seed to run again) asked for the model test.
let soakRequested: Bool = {
    let environment = ProcessInfo.processInfo.environment
    return environment["RUNRA_SOAK_SEQUENCES"] != nil || environment["RUNRA_SOAK_SEED"] != nil
}()

/// One step of a sequence.
enum Operation: CustomStringConvertible {
    case append(Int)
    case appendPartial, rotate, compress, deleteDelivered, reopen
    case outage(Int)
    case pause(Int)
    case restart

    static func random(using random: inout SplitMix) -> Operation {
        switch random.next() % 100 {
        case 0..<35: .append(Int(random.next() % 40) + 1)
        case 35..<42: .appendPartial
        case 42..<57: .rotate
        case 57..<66: .compress
        case 66..<72: .deleteDelivered
        case 72..<78: .reopen
        case 78..<82: .outage(Int(random.next() % 4) + 1)
        case 82..<95: .pause(Int(random.next() % 30))
        default: .restart
        }
    }

    var isRetention: Bool {
        if case .deleteDelivered = self { true } else { false }
    }

    /// What writers and rotation do (not the sink or the shipper).
    var isDiskOperation: Bool {
        switch self {
        case .append, .appendPartial, .rotate, .compress, .deleteDelivered, .reopen: true
        case .outage, .pause, .restart: false
        }
    }

    var description: String {
        switch self {
        case .append(let count): "append \(count)"
        case .appendPartial: "append a partial line"
        case .rotate: "rotate"
        case .compress: "compress the oldest plain rotated file"
        case .deleteDelivered: "delete the oldest rotated file, when delivered"
        case .reopen: "the writer reopens"
        case .outage(let failures): "the sink fails \(failures) times"
        case .pause(let milliseconds): "pause \(milliseconds) ms"
        case .restart: "restart the shipper"
        }
    }
}

/// SplitMix64: a seeded generator, so a sequence can be run again from its seed.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    /// Seeds start far apart in the sequence (a plain `seed` would give seed + 1 the same stream, shifted by one).
    init(seed: UInt64) { state = Self.mix(seed &+ 0x2545_F491_4F6C_DD1D) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
