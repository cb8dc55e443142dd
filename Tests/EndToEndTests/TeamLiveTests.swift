import Foundation
import Testing
import TestSupport

/// An ssh command that runs in the background: `Team.ssh` on a thread.
final class InBackground: @unchecked Sendable {
    private var result: Outcome?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Outcome) {
        DispatchQueue.global().async {
            self.result = (try? body()) ?? Outcome(status: -1, stdout: "", stderr: "could not start")
            self.done.signal()
        }
    }

    func finish(within seconds: Double) -> Outcome? {
        done.wait(timeout: .now() + seconds) == .success ? result : nil
    }
}

/// How many commands sshd runs for the service user now (`serve ssh`).
func running(on server: SSHServer) -> Int {
    // The command itself, not the shell sshd runs it through.
    let found = try? execute("/usr/bin/pgrep", ["-c", "-u", server.user, "-f", "^\(server.mindbeat) .*serve ssh"])
    return Int((found?.stdout ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}

/// Whether `condition` comes true within `seconds`, asked every 100 ms.
func eventually(within seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(100_000)
    }
    return condition()
}

/// SPEC §13 over SSH (§11): the server watches its database, the client only
/// streams; a running test clock only in a sandbox; a client that goes away
/// leaves no command waiting on the server.
@Suite("Watching and waiting over a real sshd", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
                "needs root and openssh-server: starts sshd and creates a service user"))
struct TeamLiveTests {
    @Test func waitFollowAndWatchWorkOverSSH() throws {
        let team = try Team(sandbox: true)
        let server = team.server
        defer { server.stop() }
        let id = try team.ssh("ann", "sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try server.setClock("2026-12-01T08:50:00Z")
        #expect(try team.ssh("ann", "attend", id).status == 0)
        let wait = InBackground { try team.ssh("ann", "wait", id, "--for", "member-joined", "--timeout", "20s") }
        let follow = InBackground { try team.ssh("bo", "chat", id, "--follow", "--json") }
        let watch = InBackground { try team.ssh("ann", "status", id, "--watch") }
        // All three are running on the server before Bo acts.
        #expect(eventually { running(on: server) == 3 }, "\(running(on: server)) commands on the server")
        usleep(300_000)
        #expect(wait.finish(within: 0) == nil, "wait returned before the member joined")
        #expect(try team.ssh("bo", "attend", id).status == 0)
        #expect(wait.finish(within: 5)?.status == 0)
        #expect(try team.ssh("bo", "chat", id, "Hello over SSH").status == 0)
        #expect(try team.ssh("ann", "chat", id, "Welcome, Bo").status == 0)
        usleep(300_000)
        #expect(try team.ssh("ann", "end", id, "--held").status == 0)

        let followed = follow.finish(within: 10)
        #expect(followed?.status == 0, "\(followed.map(Team.show) ?? "still following")")
        let texts = (followed?.stdout ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String
        }
        #expect(texts == ["Hello over SSH", "Welcome, Bo"])
        let watched = watch.finish(within: 10)
        #expect(watched?.status == 0, "\(watched.map(Team.show) ?? "still watching")")
        let lines = watched?.stdout ?? ""
        #expect(lines.contains("session \(id): Bo joined") && lines.contains("session \(id): the session ended: held"), "\(lines)")
        // No terminal on the server: lines, never escape sequences.
        #expect(!lines.contains("\u{1B}") && !lines.contains("\u{07}"))
    }

    @Test func aSandboxsClockRunsAtTheServersRate() throws {
        let team = try Team(sandbox: true)
        let server = team.server
        defer { server.stop() }
        let id = try team.ssh("ann", "sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try server.reconfigure(["SetEnv MINDBEAT_NOW=2026-12-01T08:50:00Z MINDBEAT_CLOCK_RATE=600"])
        let started = Date()
        let outcome = try team.ssh("bo", "wait", id, "--for", "started", "--timeout", "10s")
        let elapsed = Date().timeIntervalSince(started)
        #expect(outcome.status == 0, "\(Team.show(outcome))")
        #expect(elapsed > 0.8 && elapsed < 6, "ten minutes at 600 times took \(elapsed) s")
        // An invalid rate on the server is the server's usage error.
        try server.reconfigure(["SetEnv MINDBEAT_NOW=2026-12-01T08:50:00Z MINDBEAT_CLOCK_RATE=fast"])
        let invalid = try team.ssh("bo", "whoami")
        #expect(invalid.status == 64 && invalid.stderr.contains("MINDBEAT_CLOCK_RATE"), "\(Team.show(invalid))")
    }

    @Test func aRealDatabaseIgnoresTheRateAndAGoneClientLeavesNothingWaiting() throws {
        let team = try Team(sandbox: false, extraConfig: ["SetEnv MINDBEAT_NOW=2030-01-01T00:00:00Z MINDBEAT_CLOCK_RATE=fast"])
        let server = team.server
        defer { server.stop() }
        let id = try team.ssh("ann", "sessions", "add", "--at", "+2h", "--member", "bo@example.com").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(id) != nil, "the server's environment does not set a real database's clock")
        // The real clock: two hours to the start, so the timeout comes first.
        let timedOut = try team.ssh("bo", "wait", id, "--for", "started", "--timeout", "1s")
        #expect(timedOut.status == 75 && timedOut.stderr.contains("gave up waiting"), "\(Team.show(timedOut))")

        // A client that goes away: the command it started on the server ends
        // too, without waiting for anything to change.
        // ssh is killed after five seconds (timeout(1) also keeps the
        // descriptor Foundation watches for its exit, which ssh closes).
        let ann = team.key("ann")
        let arguments = ["-s", "KILL", "5", "/usr/bin/ssh"] + server.clientOptions
            + ["-i", ann.path, "-p", String(server.port), "\(server.user)@127.0.0.1", "--", "wait", id, "--for", "ended"]
        let client = InBackground { try execute("/usr/bin/timeout", arguments, environment: ["HOME": server.directory, "PATH": "/usr/bin:/bin"]) }
        let seen = eventually { running(on: server) > 0 }
        #expect(seen, "the wait never ran on the server")
        let killed = client.finish(within: 10)
        #expect(killed?.status == 137, "\(killed.map(Team.show) ?? "ssh still running")")
        let gone = eventually { running(on: server) == 0 }
        #expect(gone, "the server's wait outlived its client")
    }
}
