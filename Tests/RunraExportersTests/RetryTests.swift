import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

@Suite struct RetryHintTests {
    let now = 1_800_000_000.0

    @Test func retryAfterSeconds() {
        #expect(RetryHints.retryAfter("7", now: now) == 7)
        #expect(RetryHints.retryAfter(" 0 ", now: now) == 0)
        #expect(RetryHints.retryAfter(nil, now: now) == nil)
        #expect(RetryHints.retryAfter("soon", now: now) == nil)
    }

    @Test func retryAfterHTTPDate() {
        // 1994-11-06T08:49:37Z is 784111777.
        #expect(RetryHints.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(RetryHints.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(RetryHints.httpDate("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(RetryHints.retryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: 784_111_777) == 10)
        #expect(RetryHints.retryAfter("Sun, 06 Nov 1994 08:49:27 GMT", now: 784_111_777) == 0)
    }

    @Test func rateLimitReset() {
        #expect(RetryHints.rateLimitReset("1800000012", now: now) == 12)
        #expect(RetryHints.rateLimitReset("1700000000", now: now) == 0)
        #expect(RetryHints.rateLimitReset(nil, now: now) == nil)
    }

    @Test func backoffGrowsAndIsCapped() {
        var policy = RetryPolicy()
        policy.random = { 0.5 }  // no jitter
        #expect(policy.backoff(retry: 1).seconds == 0.5)
        #expect(policy.backoff(retry: 2).seconds == 1)
        #expect(policy.backoff(retry: 4).seconds == 4)
        #expect(policy.backoff(retry: 20).seconds == 30)
        policy.random = { 0 }
        #expect(policy.backoff(retry: 2).seconds == 0.5)
        policy.random = { 0.999_999 }
        #expect(abs(policy.backoff(retry: 2).seconds - 1.5) < 0.001)
        #expect(policy.serverWait(seconds: 3600).seconds == 60)
    }
}

@Suite struct DeliveryTests {
    func request() -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "http://127.0.0.1:1/x?token=secret",
            headers: [],
            body: [1],
            timeout: .seconds(1)
        )
    }

    func classify(_ response: HTTPResponse) -> ResponseVerdict {
        switch response.status {
        case 200: return .success
        case 503: return .retry(serverHintSeconds: RetryHints.retryAfter(response.header("retry-after"), now: 0))
        default: return .permanent
        }
    }

    @Test func retriesUntilSuccessHonouringHints() async throws {
        let transport = FakeTransport([
            .fail, .respond(503, headers: [("Retry-After", "9")]), .respond(503), .respond(200),
        ])
        let sleeps = SleepRecorder()
        let delivery = try await deliver(
            request(),
            exporter: "t",
            transport: transport,
            policy: sleeps.policy(),
            classify: classify
        )
        #expect(delivery.retries == 3)
        #expect(!delivery.refused)
        #expect(transport.requests.count == 4)
        #expect(sleeps.waits == [0.5, 9, 2])
    }

    @Test func permanentIsNotRetried() async throws {
        let transport = FakeTransport([.respond(400, body: "bad")])
        let delivery = try await deliver(
            request(),
            exporter: "t",
            transport: transport,
            policy: SleepRecorder().policy(),
            classify: classify
        )
        #expect(delivery.refused)
        #expect(delivery.response.status == 400)
        #expect(transport.requests.count == 1)
    }

    @Test func givesUpAfterMaximumAttemptsWithoutLeakingTheQuery() async throws {
        let transport = FakeTransport(Array(repeating: .respond(503, body: "busy"), count: 10))
        let sleeps = SleepRecorder()
        let error = await #expect(throws: ExportFailure.self) {
            _ = try await deliver(
                self.request(),
                exporter: "t",
                transport: transport,
                policy: sleeps.policy(maximumAttempts: 3),
                classify: classify
            )
        }
        #expect(transport.requests.count == 3)
        #expect(sleeps.waits.count == 2)
        #expect(error?.retries == 2, "the requests sent again count, though the payload was given up")
        #expect(error?.error.code == .exporter)
        #expect(error?.description.contains("gave up after 3 attempts") == true)
        #expect(error?.description.contains("secret") == false)
    }

    /// A sink that fails a whole retry schedule is taken to be down: the exporter's later payloads give up at once,
    /// so the time against a dead sink does not grow with the number of batches.
    @Test func aSinkThatIsDownEndsTheExporterNotEachPayload() async throws {
        let transport = FakeTransport(Array(repeating: .fail, count: 1000))
        let sleeps = SleepRecorder()
        let policy = sleeps.policy(maximumAttempts: 4).withOwnBudget()
        var messages: [String] = []
        for _ in 0..<25 {
            let error = await #expect(throws: (any Error).self) {
                _ = try await deliver(
                    self.request(),
                    exporter: "t",
                    transport: transport,
                    policy: policy,
                    classify: classify
                )
            }
            messages.append(error.map { "\($0)" } ?? "")
        }
        #expect(transport.requests.count == 4)
        #expect(sleeps.waits.count == 3)
        #expect(messages[0].contains("gave up after 4 attempts"))
        #expect(
            messages.dropFirst().allSatisfy {
                $0.contains("taken to be down") && $0.contains("gave up after 4 attempts")
            }
        )
        #expect(messages.allSatisfy { !$0.contains("secret") })
    }

    /// A sink that answered while a payload was retrying is up: that payload's giving up does not end the others.
    @Test func anAnswerMeanwhileKeepsTheSinkUp() {
        let budget = RetryBudget()
        let mark = budget.mark
        budget.recordAnswer()
        budget.giveUp(reason: "timeouts", since: mark)
        #expect(budget.spent == nil)
        budget.giveUp(reason: "timeouts", since: budget.mark)
        #expect(budget.spent == "timeouts")
    }

    /// Each exporter has a budget of its own: one sink being down says nothing of another's.
    @Test func exportersDoNotShareABudget() {
        let first = RetryPolicy.standard.withOwnBudget()
        let second = RetryPolicy.standard.withOwnBudget()
        first.budget?.giveUp(reason: "down", since: 0)
        #expect(first.budget?.spent == "down")
        #expect(second.budget?.spent == nil)
        #expect(RetryPolicy.standard.budget == nil)
    }

    @Test func givesUpWhenTheElapsedBudgetIsSpent() async throws {
        let transport = FakeTransport(Array(repeating: .respond(503, headers: [("Retry-After", "50")]), count: 20))
        let sleeps = SleepRecorder()
        var policy = sleeps.policy()
        policy.maximumElapsed = .seconds(120)
        await #expect(throws: ExportFailure.self) {
            _ = try await deliver(
                self.request(),
                exporter: "t",
                transport: transport,
                policy: policy,
                classify: classify
            )
        }
        #expect(sleeps.waits == [50, 50])
    }

    @Test func redactsCredentials() {
        #expect(redacted("https://user:pw@host/p?key=1") == "https://host/p")
        #expect(redacted("http://host:1/a@b") == "http://host:1/a@b")
    }
}
