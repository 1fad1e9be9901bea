import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// A host name that does not resolve is tried for seconds, not the whole retry schedule, and the message says it is
/// DNS. Real lookups of a `.invalid` name (RFC 2606: it never resolves); the waits are recorded, not slept.
@Suite struct NameResolutionTests {
    func request(_ url: String) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: [], body: [1], timeout: .seconds(10))
    }

    @Test(arguments: ["http/1.1", "h2"])
    func anUnknownHostIsRetriedBrieflyAndSaidToBeDNS(_ version: String) async throws {
        let transport: any HTTPTransport = version == "h2" ? HTTP2Transport() : AsyncHTTPTransport()
        let sleeps = SleepRecorder()
        let error = await #expect(throws: ExportFailure.self) {
            _ = try await deliver(
                self.request("http://no-such-host.invalid:4318/v1/logs"),
                exporter: "otel",
                transport: transport,
                policy: sleeps.policy(),
                classify: { _ in .success }
            )
        }
        await transport.shutdown()
        let message = error?.description ?? ""
        #expect(message.contains("cannot resolve host no-such-host.invalid ("), "\(message)")
        #expect(message.contains("check the host name in the URL"), "\(message)")
        // The waits are recorded, not slept: without the resolution bound they would run to the policy's 300 s.
        // (How many attempts fit depends on how long each lookup took, so their number is not checked.)
        #expect(sleeps.waits.reduce(0, +) <= RetryPolicy.standard.maximumResolutionElapsed.seconds, "\(sleeps.waits)")
    }
}
