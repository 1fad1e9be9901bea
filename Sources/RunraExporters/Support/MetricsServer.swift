import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import RunraEvents
public import RunraReplay

/// `replay --follow --metrics-address HOST:PORT`: the shipper's figures for Prometheus at `GET /metrics`.
///
/// The values are taken from the engine when scraped: events read, per exporter sent, rejected, retried, given up
/// and dead-lettered (counters), per followed log the bytes, files and seconds not yet acknowledged (gauges), and
/// with `--checkpoint` its failed writes (counter), whether it is failing, the events not in it and whether reading
/// waits for it (gauges).
public final class MetricsServer: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// Listens on `address` (`HOST:PORT`; `PORT` 0 picks a free one).
    public init(address: String, engine: ReplayEngine) async throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw RunraError(
                .usage,
                "--metrics-address must be HOST:PORT (for example 127.0.0.1:9464), not '\(address)'"
            )
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let metrics = ShipperMetrics(engine: engine)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 16)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(MetricsHandler(metrics: metrics))
                    }
                }
                .bind(host: host.isEmpty ? "0.0.0.0" : host, port: port)
                .get()
        } catch {
            try? await group.shutdownGracefully()
            throw RunraError(.usage, "cannot serve metrics on \(address): \(Self.reason(error))")
        }
    }

    /// `Address already in use (another process has the port; pick another with --metrics-address)`.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error) (pick another address with --metrics-address)" }
        let text = String(cString: strerror(error.errnoCode))
        switch error.errnoCode {
        case EADDRINUSE: return "\(text) (another process has the port; pick another with --metrics-address)"
        case EACCES: return "\(text) (ports below 1024 need privileges; pick another with --metrics-address)"
        case EADDRNOTAVAIL: return "\(text) (the host is not an address of this machine; use 127.0.0.1 or 0.0.0.0)"
        default: return "\(text) (pick another address with --metrics-address)"
        }
    }

    /// The port it listens on.
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Stops serving.
    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// The registry, brought up to date with the engine at each scrape.
private final class ShipperMetrics: @unchecked Sendable {
    private let engine: ReplayEngine
    private let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    private var reported: [String: Int] = [:]

    init(engine: ReplayEngine) {
        self.engine = engine
    }

    /// The metrics in Prometheus' text format.
    func render() -> [UInt8] {
        lock.withLock {
            let (read, exporters) = engine.progress()
            count("runra_events_read_total", [], read, "Events read from the logs and handed to the exporters.")
            for exporter in exporters {
                let labels = [("exporter", exporter.label)]
                count("runra_events_sent_total", labels, exporter.sent, "Events the exporter's destination accepted.")
                count(
                    "runra_events_rejected_total",
                    labels,
                    exporter.rejected,
                    "Events the destination refused for good."
                )
                count(
                    "runra_events_retried_total",
                    labels,
                    exporter.retried,
                    "Requests sent again after a retryable failure."
                )
                count(
                    "runra_events_given_up_total",
                    labels,
                    exporter.givenUp,
                    "Events of batches the exporter gave up on."
                )
                count(
                    "runra_events_dead_lettered_total",
                    labels,
                    exporter.deadLettered,
                    "Events written to the dead-letter file."
                )
            }
            let lost = engine.lostFiles()
            count(
                "runra_follow_lost_files_total",
                [],
                lost.count,
                "Files gone before they were delivered to their end."
            )
            count(
                "runra_follow_lost_bytes_total",
                [],
                Int(lost.reduce(0) { $0 + $1.bytesLost }),
                "Bytes known lost with those files (at least: a file's size is known as of when it was last seen)."
            )
            for lag in engine.lag() {
                let labels = [("log", lag.log)]
                gauge(
                    "runra_follow_lag_bytes",
                    labels,
                    Double(lag.bytes),
                    "Bytes of the log not yet acknowledged by every exporter."
                )
                gauge(
                    "runra_follow_lag_files",
                    labels,
                    Double(lag.files),
                    "Files of the log not yet delivered to their end."
                )
                gauge(
                    "runra_follow_lag_seconds",
                    labels,
                    lag.seconds ?? 0,
                    "Age of the oldest event read but not yet acknowledged."
                )
            }
            if let checkpoint = engine.checkpointHealth() {
                count(
                    "runra_checkpoint_write_failures_total",
                    [],
                    checkpoint.failedWrites,
                    "Checkpoint writes that failed (each is tried again)."
                )
                gauge(
                    "runra_checkpoint_failing",
                    [],
                    checkpoint.failure == nil ? 0 : 1,
                    "1 while the last checkpoint write failed."
                )
                gauge(
                    "runra_checkpoint_unsaved_events",
                    [],
                    Double(checkpoint.eventsSinceWritten),
                    "Events read since the last checkpoint written: what a restart would send again."
                )
                gauge(
                    "runra_checkpoint_reading_paused",
                    [],
                    checkpoint.readingPaused ? 1 : 0,
                    "1 while reading waits for the checkpoint to be written."
                )
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return buffer
        }
    }

    /// Brings a counter up to `value` (the engine keeps totals; Prometheus counters only go up).
    private func count(_ name: String, _ labels: [(String, String)], _ value: Int, _ help: String) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = value - reported[key, default: 0]
        let counter = registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
        if delta > 0 { counter.increment(by: Int64(delta)) }
        reported[key] = max(value, reported[key, default: 0])
    }

    /// Sets a gauge to `value`.
    private func gauge(_ name: String, _ labels: [(String, String)], _ value: Double, _ help: String) {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels).set(value)
    }

    /// A metric named `name` in full (no namespace, subsystem or unit added to it).
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

/// Answers `GET /metrics`; anything else is 404.
private final class MetricsHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ShipperMetrics
    private var path = ""

    init(metrics: ShipperMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = String(head.uri.prefix { $0 != "?" })
        case .body:
            break
        case .end:
            let found = path == "/metrics"
            let body = found ? metrics.render() : Array("not found: metrics are at /metrics\n".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.count)")
            headers.add(name: "Connection", value: "close")
            let head = HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
