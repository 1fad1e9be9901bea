import Foundation
import RunraTestSupport
import Testing

/// `Process.waitForExit(timeout:)` from TestSupport.swift: the status of a process that ends, and a recorded issue plus
/// SIGKILL for one that does not (instead of a hang).
@Suite(.timeLimit(.minutes(5))) struct ProcessWaitTests {
    func shell(_ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        return process
    }

    @Test func anEndingProcessGivesItsStatus() throws {
        let process = try shell("exit 3")
        try process.waitForExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 3)
    }

    @Test func aLingeringProcessIsKilledWithARecordedIssue() throws {
        let process = try shell("exec sleep 600")
        withKnownIssue("the helper reports the process it had to kill") {
            try process.waitForExit(timeout: .milliseconds(200))
        }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)
    }

    @Test func theAsyncWaitGivesTheStatusAndKillsALingeringProcess() async throws {
        let ending = try shell("exit 5")
        try await ending.waitForExit()
        #expect(ending.terminationStatus == 5)

        let lingering = try shell("exec sleep 600")
        await withKnownIssue("the helper reports the process it had to kill") {
            try await lingering.waitForExit(timeout: .milliseconds(200))
        }
        #expect(lingering.terminationReason == .uncaughtSignal)
        #expect(lingering.terminationStatus == SIGKILL)
    }
}
