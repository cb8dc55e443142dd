import Foundation
import Testing
import TestSupport

/// A mindbeat command running in the background, as a second terminal or a
/// script would run it: its pid while it runs, its output once it ends.
final class Running: @unchecked Sendable {
    let process = Process()
    private let group = DispatchGroup()
    private var out = Data(), err = Data()
    let started = Date()

    init(_ sandbox: Sandbox, as who: String, _ words: [String], env extra: [String: String] = [:]) throws {
        if sandbox.tokens[who] == nil { sandbox.tokens[who] = try sandbox.token(who) }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = words
        var env = sandbox.environment
        env["MINDBEAT_NOW"] = sandbox.now
        env["MINDBEAT_TOKEN"] = sandbox.tokens[who] ?? ""
        for (key, value) in extra { env[key] = value }
        process.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        DispatchQueue.global().async(group: group) { self.out = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { self.err = errPipe.fileHandleForReading.readDataToEndOfFile() }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Waits for the command to end: its outcome and how long it ran, or nil
    /// (after killing it) when it is still running after `seconds`.
    func finish(within seconds: Double) -> (outcome: Outcome, elapsed: Double)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let elapsed = Date().timeIntervalSince(started)
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            group.wait()
            return nil
        }
        process.waitUntilExit()
        group.wait()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (Outcome(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self)), elapsed)
    }

    /// Still blocked after `seconds`: what a test checks before acting, so
    /// that what it then sees is the command noticing, not finding.
    func isBlocked(after seconds: Double) -> Bool {
        usleep(UInt32(seconds * 1_000_000))
        return process.isRunning
    }
}

/// SPEC §13 and `MINDBEAT_CLOCK_RATE` (§8), end to end: `wait`, `chat
/// --follow` and `status --watch` against other processes acting on the
/// same database, each bounded to a few seconds of real time.
@Suite("Watching and waiting, end to end")
struct LiveCommandTests {
    /// Ann's session with Bo at 09:00 and the sandbox's clock at `now`.
    func world(now: String = "2026-12-01T08:00:00Z") throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.seed()
        try sandbox.logIn("ann", "bo", "cy", "di")
        let id = try sandbox.schedule()
        sandbox.now = now
        return (sandbox, id)
    }

    func wait(_ sandbox: Sandbox, as who: String = "ann", _ words: String..., env: [String: String] = [:]) throws -> (Outcome, Double) {
        let running = try Running(sandbox, as: who, ["wait"] + words, env: env)
        guard let (outcome, elapsed) = running.finish(within: 10) else {
            Issue.record("wait \(words.joined(separator: " ")) was still waiting after 10 s")
            return (Outcome(status: -1, stdout: "", stderr: ""), 10)
        }
        return (outcome, elapsed)
    }

    @Test func everyConditionThatAlreadyHoldsReturnsAtOnce() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:50:00Z")
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        sandbox.now = "2026-12-01T09:00:00Z"
        for condition in ["coach-joined", "member-joined", "started", "held-allowed"] {
            let (outcome, elapsed) = try wait(sandbox, id, "--for", condition, "--timeout", "5s")
            #expect(outcome.status == 0 && outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(condition): \(outcome.stderr)")
            #expect(elapsed < 2, "\(condition) took \(elapsed) s")
        }
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        #expect(try wait(sandbox, id, "--for", "ended").0.status == 0)
        // A member waits on the same conditions.
        #expect(try wait(sandbox, as: "bo", id, "--for", "coach-joined").0.status == 0)

        let noShow = try sandbox.schedule("2026-12-01T11:00:00Z")
        sandbox.now = "2026-12-01T11:00:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", noShow))
        sandbox.now = "2026-12-01T11:05:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "contact", noShow, "--via", "email"))
        sandbox.now = "2026-12-01T11:15:00Z"
        #expect(try wait(sandbox, noShow, "--for", "missed-allowed", "--timeout", "0s").0.status == 0)
    }

    @Test func anotherProcessActingEndsTheWait() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:45:00Z")
        let forCoach = try Running(sandbox, as: "bo", ["wait", id, "--for", "coach-joined", "--timeout", "20s"])
        let forMember = try Running(sandbox, as: "ann", ["wait", id, "--for", "member-joined", "--timeout", "20s"])
        let forEnd = try Running(sandbox, as: "bo", ["wait", id, "--for", "ended", "--timeout", "20s"])
        #expect(forCoach.isBlocked(after: 0.5) && forMember.isRunning && forEnd.isRunning)
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        let coach = forCoach.finish(within: 5)
        #expect(coach?.outcome.status == 0, "\(coach?.outcome.stderr ?? "still waiting")")
        #expect(forMember.isBlocked(after: 0.3), "the coach's join is not the member's")
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        let member = forMember.finish(within: 5)
        #expect(member?.outcome.status == 0, "\(member?.outcome.stderr ?? "still waiting")")
        #expect(forEnd.isBlocked(after: 0.3))
        sandbox.now = "2026-12-01T09:30:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        let ended = forEnd.finish(within: 5)
        #expect(ended?.outcome.status == 0 && ended?.outcome.stdout == "", "\(ended?.outcome.stderr ?? "still waiting")")
    }

    @Test func timeEndsTheWaitOnARunningTestClock() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:50:00Z")
        // Ten minutes to the start at 600 times real time: a second.
        let fast = ["MINDBEAT_CLOCK_RATE": "600"]
        let (started, startedAfter) = try wait(sandbox, id, "--for", "started", "--timeout", "8s", env: fast)
        #expect(started.status == 0, "\(started.stderr)")
        #expect(startedAfter > 0.8 && startedAfter < 5, "started after \(startedAfter) s")
        // The coach is early: end --held becomes allowed at the start.
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        let (held, heldAfter) = try wait(sandbox, id, "--for", "held-allowed", "--timeout", "8s", env: fast)
        #expect(held.status == 0 && heldAfter > 0.8 && heldAfter < 5, "held-allowed after \(heldAfter) s: \(held.stderr)")

        // The quarter-hour wait for a member who does not come, in about a
        // second and a half: the coach contacts the member at 09:06 from
        // another process while the wait runs, and it is over at 09:15.
        let noShow = try sandbox.schedule("2026-12-01T11:00:00Z")
        sandbox.now = "2026-12-01T11:00:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", noShow))
        let missed = try Running(sandbox, as: "ann", ["wait", noShow, "--for", "missed-allowed", "--timeout", "10s"], env: fast)
        #expect(missed.isBlocked(after: 0.6))
        sandbox.now = "2026-12-01T11:06:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "contact", noShow, "--via", "email"))
        let done = missed.finish(within: 8)
        #expect(done?.outcome.status == 0, "\(done?.outcome.stderr ?? "still waiting")")
        if let elapsed = done?.elapsed { #expect(elapsed > 1.2 && elapsed < 6, "missed-allowed after \(elapsed) s") }
        // Then end --missed is allowed indeed, at the clock's 09:15.
        sandbox.now = "2026-12-01T11:15:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "end", noShow, "--missed"))
    }

    @Test func aConditionThatCanNoLongerHoldExitsOne() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:50:00Z")
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        let (missed, _) = try wait(sandbox, id, "--for", "missed-allowed")
        expectFailure(missed, 1, "cannot be ended as missed")
        sandbox.now = "2026-12-01T09:30:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        expectFailure(try wait(sandbox, id, "--for", "held-allowed").0, 1, "no longer be ended as held")

        let cancelled = try sandbox.schedule("2026-12-03T09:00:00Z")
        try sandbox.expectOK(sandbox.run(as: "ann", "sessions", "cancel", cancelled, "--reason", "Travel"))
        for condition in ["ended", "started", "coach-joined"] {
            let (outcome, elapsed) = try wait(sandbox, id == cancelled ? id : cancelled, "--for", condition)
            expectFailure(outcome, 1, "cancelled")
            #expect(elapsed < 2)
            #expect(!outcome.stderr.contains("Travel"), "a reason is never repeated: \(outcome.stderr)")
        }

        // It becomes impossible while the wait runs: the session is cancelled.
        let later = try sandbox.schedule("2026-12-04T09:00:00Z")
        let waiting = try Running(sandbox, as: "bo", ["wait", later, "--for", "member-joined", "--timeout", "20s"])
        #expect(waiting.isBlocked(after: 0.5))
        try sandbox.expectOK(sandbox.run(as: "ann", "sessions", "cancel", later, "--reason", "Ill"))
        let result = waiting.finish(within: 5)
        #expect(result?.outcome.status == 1, "\(result?.outcome.stderr ?? "still waiting")")
        #expect(result?.outcome.stderr == "mindbeat: session \(later) was cancelled without the member joining\n")
    }

    @Test func theTimeoutIsRealTimeAndExitsSeventyFive() throws {
        let (sandbox, id) = try world()
        let (outcome, elapsed) = try wait(sandbox, id, "--for", "member-joined", "--timeout", "1s")
        expectFailure(outcome, 75, "gave up waiting for member-joined in session \(id) after 1s")
        #expect(elapsed > 0.9 && elapsed < 4, "timed out after \(elapsed) s")
        // The start is an hour away on the test clock, six seconds at this
        // rate: the one-second timeout still comes first.
        let (fast, fastElapsed) = try wait(sandbox, id, "--for", "started", "--timeout", "1s", env: ["MINDBEAT_CLOCK_RATE": "600"])
        expectFailure(fast, 75)
        #expect(fastElapsed > 0.9 && fastElapsed < 4)
        // A zero timeout asks once.
        let (once, onceElapsed) = try wait(sandbox, id, "--for", "coach-joined", "--timeout", "0s")
        expectFailure(once, 75)
        #expect(onceElapsed < 2)
    }

    @Test func whoMayWaitAndWhatIsABadRequest() throws {
        let (sandbox, id) = try world()
        let before = sandbox.dump()
        expectFailure(try wait(sandbox, as: "cy", id, "--for", "ended").0, 77, "line manager")
        expectFailure(try wait(sandbox, as: "di", id, "--for", "ended").0, 66)
        expectFailure(try wait(sandbox, "999", "--for", "ended").0, 66)
        expectFailure(try wait(sandbox, id).0, 64, "--for")
        expectFailure(try wait(sandbox, id, "--for", "joined").0, 64, "coach-joined, member-joined, started, held-allowed, missed-allowed, ended")
        expectFailure(try wait(sandbox, id, "--for", "ended", "--timeout", "15").0, 64, "90s, 15m, 2h")
        expectFailure(try wait(sandbox, id, "--for", "ended", "--timeout", "32d").0, 64, "31 days")
        expectFailure(try wait(sandbox, id, "--for", "ended", env: ["MINDBEAT_CLOCK_RATE": "fast"]).0, 64, "MINDBEAT_CLOCK_RATE")
        expectFailure(try wait(sandbox, id, "--for", "ended", env: ["MINDBEAT_CLOCK_RATE": "-2"]).0, 64, "MINDBEAT_CLOCK_RATE")
        // A rate without MINDBEAT_NOW would run the real clock fast: refused, for every command.
        var bare = sandbox.environment
        bare["MINDBEAT_CLOCK_RATE"] = "60"
        let whoami = try execute(binary, ["whoami"], environment: bare)
        expectFailure(whoami, 64, "MINDBEAT_NOW")
        #expect(sandbox.dump() == before, "waiting writes nothing")
    }

    @Test func aBlockedWaitCostsNextToNoCPU() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:45:00Z")
        let waiting = try Running(sandbox, as: "ann", ["wait", id, "--for", "member-joined", "--timeout", "15s"])
        #expect(waiting.isBlocked(after: 0.5))
        func ticks() -> Int? {
            guard let stat = try? String(contentsOfFile: "/proc/\(waiting.pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the command name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
            return user + system
        }
        let first = ticks()
        usleep(10_000_000)
        let last = ticks()
        #expect(waiting.isRunning)
        let perSecond = Int(sysconf(Int32(_SC_CLK_TCK)))
        if let first, let last {
            let used = Double(last - first) / Double(perSecond)
            // Under 2% of one core over ten seconds: 0.2 s.
            #expect(used < 0.2, "a blocked wait used \(used) s of CPU in 10 s")
            print("a blocked wait used \(last - first) ticks (\(used) s) of CPU in 10 s")
        } else {
            Issue.record("cannot read /proc/\(waiting.pid)/stat")
        }
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        #expect(waiting.finish(within: 5)?.outcome.status == 0)
    }

    // MARK: chat --follow

    @Test func followingTheChatPrintsEveryMessageOnceInOrderUntilTheEnd() throws {
        let (sandbox, id) = try world(now: "2026-12-01T09:00:00Z")
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        try sandbox.expectOK(sandbox.run(as: "ann", "chat", id, "Before anyone follows"))
        let json = try Running(sandbox, as: "ann", ["chat", id, "--follow", "--json"])
        let text = try Running(sandbox, as: "bo", ["chat", id, "--follow"])
        #expect(json.isBlocked(after: 0.5) && text.isRunning)
        // Two people typing at once, from two processes each.
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            let who = side == 0 ? "ann" : "bo"
            for number in 1...10 { _ = try? sandbox.run(as: who, "chat", id, "\(who) \(number)") }
        }
        try sandbox.expectOK(sandbox.run(as: "bo", "chat", id, "-", stdin: "two\nlines\n"))
        usleep(300_000)
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        guard let followed = json.finish(within: 5), let read = text.finish(within: 5) else {
            Issue.record("chat --follow did not end with the session")
            return
        }
        #expect(followed.outcome.status == 0 && read.outcome.status == 0, "\(followed.outcome.stderr) \(read.outcome.stderr)")
        // The JSON Lines are the conversation exactly: same messages, same order, none twice.
        let lines = followed.outcome.stdout.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is one JSON object")
        let whole = try sandbox.run(as: "ann", "chat", id, "--json").array
        #expect(objects.count == 22 && whole.count == 22)
        #expect(objects.map { $0["text"] as? String } == whole.map { $0["text"] as? String })
        #expect(objects.map { $0["author"] as? String } == whole.map { $0["author"] as? String })
        #expect(Set(objects.compactMap { $0["text"] as? String }).count == 22)
        for who in ["ann", "bo"] {
            let own = objects.compactMap { $0["text"] as? String }.filter { $0.hasPrefix(who + " ") }
            #expect(own == (1...10).map { "\(who) \($0)" }, "each sender's messages in the order sent")
        }
        // The text follower shows the same conversation as chat does.
        #expect(read.outcome.stdout == (try sandbox.run(as: "bo", "chat", id)).stdout)
    }

    @Test func followingAClosedChatPrintsItAndEnds() throws {
        let (sandbox, id) = try world(now: "2026-12-01T09:00:00Z")
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        try sandbox.expectOK(sandbox.run(as: "ann", "chat", id, "Hello"))
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        let outcome = try sandbox.run(as: "bo", "chat", id, "--follow")
        #expect(outcome.status == 0 && outcome.stdout.hasSuffix("Ann Coach: Hello\n"), "\(outcome.stdout)")
        expectFailure(try sandbox.run(as: "bo", "chat", id, "Hi", "--follow"), 64, "--follow")
        expectFailure(try sandbox.run(as: "cy", "chat", id, "--follow"), 77)
    }

    // MARK: status --watch off a terminal

    @Test func watchingOffATerminalPrintsALinePerChangeAndEndsWithTheSession() throws {
        let (sandbox, id) = try world(now: "2026-12-01T08:55:00Z")
        let lines = try Running(sandbox, as: "ann", ["status", id, "--watch"])
        let json = try Running(sandbox, as: "bo", ["status", id, "--watch", "--json"])
        #expect(lines.isBlocked(after: 0.5) && json.isRunning)
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        usleep(300_000)
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        usleep(300_000)
        try sandbox.expectOK(sandbox.run(as: "ann", "switch", id, "--phone"))
        usleep(300_000)
        sandbox.now = "2026-12-01T09:40:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        guard let watched = lines.finish(within: 5), let objects = json.finish(within: 5) else {
            Issue.record("status --watch did not end with the session")
            return
        }
        #expect(watched.outcome.status == 0 && objects.outcome.status == 0)
        let printed = watched.outcome.stdout.split(separator: "\n").map(String.init)
        // The snapshot, then one line per change — the ticking counter is none.
        #expect(printed.count == 2 + 8, "\(printed)")
        #expect(printed.first?.hasPrefix("Session \(id) · 2026-12-01 09:00–10:00 · Ann Coach with Bo Member") == true)
        #expect(Array(printed.dropFirst(2)) == [
            "08:55:00  session \(id): Ann joined; the counter started",
            "08:55:00  session \(id): chat is allowed now",
            "08:55:00  session \(id): contact is allowed now",
            "08:55:00  session \(id): switch is allowed now",
            "08:55:00  session \(id): Bo joined",
            "08:55:00  session \(id): end --held is allowed now",
            "08:55:00  session \(id): the session moved to the phone",
            "09:40:00  session \(id): the session ended: held",
        ], "\(printed)")
        // JSON Lines: a status object at the start and at each change, the last one held.
        let statuses = objects.outcome.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(statuses.count >= 4 && statuses.first?["status"] as? String == "scheduled")
        #expect(statuses.last?["status"] as? String == "held" && statuses.last?["next"] as? [Any] != nil)
    }
}

/// `status --watch` on a real terminal: tmux from Debian runs a shell in a
/// pane, keys are sent to it, and the screen and the raw bytes written to it
/// are read back.
@Suite("status --watch in a real terminal", .serialized,
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux (apt-get install tmux)"))
struct LiveTerminalTests {
    final class Pane {
        let socket: String
        let raw: String
        let directory: URL

        init(in directory: URL, environment: [String: String]) throws {
            self.directory = directory
            socket = directory.appendingPathComponent("tmux.sock").path
            raw = directory.appendingPathComponent("pane.raw").path
            // The shell's environment is the sandbox's, from a file it reads.
            let exports = environment.sorted { $0.key < $1.key }.map { "export \($0.key)=\(shellQuoted($0.value))" }
            try (exports + ["PS1='$ '"]).joined(separator: "\n").write(to: directory.appendingPathComponent("env.sh"), atomically: true, encoding: .utf8)
            // The tmux server lives on after the command that starts it, with
            // the descriptors it was given: Python starts it with none but
            // /dev/null, so no pipe of this test runner stays open in it.
            let started = try execute("/usr/bin/python3", ["-c", Pane.detached, "/usr/bin/tmux", "-S", socket, "-f", "/dev/null",
                                                           "new-session", "-d", "-s", "live", "-x", "100", "-y", "30", "/bin/bash --norc --noprofile"],
                                      environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": directory.path])
            #expect(started.status == 0, "tmux new-session: \(started.stderr)")
            serverPID = Int32((try? tmux("display-message", "-p", "#{pid}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "") ?? 0
            _ = try tmux("pipe-pane", "-t", "live", "-o", "cat >> \(shellQuoted(raw))")
            try type(". \(shellQuoted(directory.appendingPathComponent("env.sh").path)); clear")
        }

        private var serverPID: Int32 = 0

        /// Ends the tmux server, by its pid as well: the socket is gone once
        /// the sandbox's directory is.
        func close() {
            _ = try? tmux("kill-server")
            if serverPID > 0 { kill(serverPID, SIGKILL) }
        }

        /// Runs a command with no descriptor but the three standard ones
        /// (subprocess closes the rest), those to /dev/null for the server.
        static let detached = """
            import subprocess, sys
            quiet = "new-session" in sys.argv
            null = subprocess.DEVNULL if quiet else None
            sys.exit(subprocess.run(sys.argv[1:], stdin=null, stdout=null, stderr=null).returncode)
            """

        @discardableResult
        func tmux(_ words: String...) throws -> Outcome {
            // tmux closes every descriptor above 2 as it starts, as ssh does:
            // Python keeps the one Foundation watches for its exit.
            try execute("/usr/bin/python3", ["-c", Pane.detached, "/usr/bin/tmux", "-S", socket] + words, environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": directory.path])
        }

        func type(_ line: String) throws {
            try tmux("send-keys", "-t", "live", "-l", line)
            try tmux("send-keys", "-t", "live", "Enter")
        }

        var screen: String { (try? tmux("capture-pane", "-t", "live", "-p").stdout) ?? "" }
        var written: String { (try? String(contentsOfFile: raw, encoding: .utf8)) ?? "" }

        /// Waits up to `seconds` for the screen to show `text`.
        func shows(_ text: String, within seconds: Double = 5) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if screen.contains(text) { return true }
                usleep(100_000)
            }
            return false
        }
    }

    @Test func theCounterTicksTheBellRingsAndCtrlCPutsTheTerminalBack() throws {
        let sandbox = try Sandbox()
        try sandbox.seed()
        try sandbox.logIn("ann", "bo")
        let id = try sandbox.schedule()
        sandbox.now = "2026-12-01T08:55:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        var environment = sandbox.environment
        environment["MINDBEAT_NOW"] = "2026-12-01T08:55:00Z"
        // Ten seconds of the session every second: the counter visibly
        // moves, and the start (which allows end --held, and rings) is half
        // a minute of real time away.
        environment["MINDBEAT_CLOCK_RATE"] = "10"
        environment["MINDBEAT_TOKEN"] = sandbox.tokens["ann"] ?? ""
        environment["TERM"] = "xterm-256color"
        let pane = try Pane(in: sandbox.root, environment: environment)
        defer { pane.close() }
        let before = sandbox.root.appendingPathComponent("stty.before").path
        let after = sandbox.root.appendingPathComponent("stty.after").path
        try pane.type("stty -a > \(shellQuoted(before)); \(shellQuoted(binary)) status \(id) --watch")
        #expect(pane.shows("watching session \(id)"), "the live view: \(pane.screen)")
        func counter() -> Int? {
            guard let line = pane.screen.split(separator: "\n").first(where: { $0.contains("counter ") }),
                  let range = line.range(of: #"counter \d\d:\d\d:\d\d"#, options: .regularExpression) else { return nil }
            let parts = line[range].dropFirst("counter ".count).split(separator: ":").compactMap { Int($0) }
            return parts.count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : nil
        }
        let first = counter()
        usleep(2_500_000)
        let second = counter()
        if let first, let second {
            #expect(second >= first + 15, "the counter advances: \(first) then \(second)")
        } else {
            Issue.record("no counter on the screen: \(pane.screen)")
        }
        #expect(pane.screen.contains("waiting for Bo Member to join"))
        #expect(!pane.written.contains("\u{07}"), "no bell before anything happens")

        // Bo joins from another process: highlighted, and one bell.
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        #expect(pane.shows("Bo Member joined at"), "\(pane.screen)")
        #expect(pane.screen.contains("end --held    allowed"))
        usleep(1_200_000)
        #expect(pane.written.filter { $0 == "\u{07}" }.count == 1, "one bell for the join")

        try pane.tmux("send-keys", "-t", "live", "C-c")
        usleep(500_000)
        try pane.type("echo \"rc=$?\"; stty -a > \(shellQuoted(after))")
        #expect(pane.shows("rc=130"), "Ctrl-C exits 130: \(pane.screen)")
        let sttyBefore = try? String(contentsOfFile: before, encoding: .utf8)
        var sttyAfter: String?
        for _ in 0..<50 where sttyAfter == nil {
            sttyAfter = try? String(contentsOfFile: after, encoding: .utf8)
            usleep(100_000)
        }
        #expect(sttyBefore != nil && sttyBefore == sttyAfter, "the terminal is as it was:\n\(sttyBefore ?? "")\n\(sttyAfter ?? "")")
        // The alternate screen was left, the cursor shown again, and the
        // shell's own screen is back.
        #expect(pane.written.contains("\u{1B}[?1049l") && pane.written.contains("\u{1B}[?25h"))
        #expect(!pane.screen.contains("watching session"))
    }

    @Test func theViewEndsWithTheSessionAndLeavesItsLastStateOnTheScreen() throws {
        let sandbox = try Sandbox()
        try sandbox.seed()
        try sandbox.logIn("ann", "bo")
        let id = try sandbox.schedule()
        sandbox.now = "2026-12-01T09:00:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "attend", id))
        try sandbox.expectOK(sandbox.run(as: "bo", "attend", id))
        var environment = sandbox.environment
        environment["MINDBEAT_NOW"] = "2026-12-01T09:00:00Z"
        environment["MINDBEAT_TOKEN"] = sandbox.tokens["bo"] ?? ""
        environment["TERM"] = "xterm-256color"
        let pane = try Pane(in: sandbox.root, environment: environment)
        defer { pane.close() }
        try pane.type("\(shellQuoted(binary)) status \(id) --watch; echo \"rc=$?\"")
        #expect(pane.shows("watching session \(id)"), "\(pane.screen)")
        // A resize is redrawn at the new width.
        try pane.tmux("resize-window", "-t", "live", "-x", "60", "-y", "20")
        usleep(1_500_000)
        #expect(pane.screen.split(separator: "\n").allSatisfy { $0.count < 60 }, "\(pane.screen)")
        sandbox.now = "2026-12-01T09:50:00Z"
        try sandbox.expectOK(sandbox.run(as: "ann", "end", id, "--held"))
        #expect(pane.shows("rc=0"), "the watch ends with the session: \(pane.screen)")
        #expect(pane.screen.contains("held"), "its last state stays on the screen: \(pane.screen)")
    }
}
