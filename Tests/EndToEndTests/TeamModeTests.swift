import Foundation
import Testing
import TestSupport

/// A word of a command line sent over SSH, quoted by the grammar of SPEC §11
/// (`'…'` is literal; `\` escapes the next character outside quotes), so the
/// server splits the line back into exactly these words.
func remoteQuoted(_ word: String) -> String {
    let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
        scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.:/@+=,".unicodeScalars.contains(scalar))
    }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Harness's people on a team server: Ann (a coach with the admin right),
/// Cy (a line manager) and Bo (Ann's member, who reports to Cy), each with an
/// SSH key registered — Ann's by herself, Bo's and Cy's by Ann as admin.
final class Team: @unchecked Sendable {
    let server: SSHServer
    let sandbox: Bool
    var keys: [String: ClientKey] = [:]
    static let passwords = ["ann": "ann-password", "bo": "bo-password", "cy": "cy-password"]

    init(sandbox: Bool, extraConfig: [String] = [], logLevel: String = "VERBOSE") throws {
        self.sandbox = sandbox
        // A sandbox's clock is set from sshd_config; a real database runs on the real clock.
        let start = "2026-12-01T08:00:00Z"
        let config = sandbox ? ["SetEnv MINDBEAT_NOW=\(start)"] + extraConfig : extraConfig
        server = try SSHServer(extraConfig: config, logLevel: logLevel, now: sandbox ? start : nil)
        do {
            try SSHServer.must(server.local(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"] + (sandbox ? ["--sandbox"] : []),
                                            stdin: "ann-password\n"), "init")
            try SSHServer.must(server.local(["users", "add", "--role", "manager", "--name", "Cy Lead", "--email", "cy@example.com", "--password-stdin"],
                                            stdin: "cy-password\n"), "users add cy")
            try SSHServer.must(server.local(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com",
                                             "--manager", "cy@example.com", "--phone", "+49 170 1234567", "--password-stdin"],
                                            stdin: "bo-password\n"), "users add bo")
            for who in ["ann", "bo", "cy"] {
                let key = try server.key(who)
                keys[who] = key
                let words = who == "ann" ? ["keys", "add", key.line] : ["keys", "add", "--user", "\(who)@example.com", key.line]
                let added = try SSHServer.must(server.local(words), "keys add \(who)")
                #expect(added.stdout == key.fingerprint + "\n")
            }
            try server.start()
        } catch {
            server.stop()
            throw error
        }
    }

    func key(_ who: String) -> ClientKey { keys[who] ?? ClientKey(path: "/nonexistent", line: "", fingerprint: "") }

    /// `ssh SERVER -- WORDS` as `who`, each word quoted for the server's grammar.
    func ssh(_ who: String, _ words: [String], stdin: String? = nil, extraOptions: [String] = []) throws -> Outcome {
        try server.ssh(key: key(who), words.map(remoteQuoted), stdin: stdin.map { Data($0.utf8) }, extraOptions: extraOptions)
    }

    func ssh(_ who: String, _ words: String..., stdin: String? = nil) throws -> Outcome {
        try ssh(who, words, stdin: stdin)
    }

    /// The whole of an outcome, for failure messages.
    static func show(_ outcome: Outcome) -> String {
        "exit \(outcome.status), stdout: \(outcome.stdout.debugDescription), stderr: \(outcome.stderr.debugDescription)"
    }
}

private let needsRoot = getuid() == 0

/// A word quoted for bash.
func shellQuoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// Team mode (SPEC §11) through Debian's real OpenSSH: sshd asks `mindbeat
/// serve authorized-keys` about each key and runs the forced command it
/// names, `serve ssh KEYID`, on the service account's database.
@Suite("Team mode over a real sshd", .serialized)
struct TeamModeTests {
    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func onlyARegisteredKeyGetsInAndEachActsAsItsOwner() throws {
        let team = try Team(sandbox: false)
        let server = team.server
        defer { server.stop() }

        let ann = try team.ssh("ann", "whoami")
        #expect(server.log.contains("Accepted publickey for \(server.user) from 127.0.0.1"), "\(server.log)")
        #expect(ann.status == 0, "\(Team.show(ann))")
        #expect(ann.stdout.contains("Ann Coach <ann@example.com>"), "\(Team.show(ann))")

        // A key nobody registered: sshd's own refusal, and nothing ran.
        let stranger = try server.key("stranger")
        let refused = try server.ssh(key: stranger, ["whoami"])
        #expect(refused.status == 255)
        #expect(refused.stderr.contains("Permission denied (publickey)"), "\(Team.show(refused))")
        #expect(refused.stdout.isEmpty)
        #expect(server.log.contains("Failed publickey for \(server.user) from 127.0.0.1"))

        // Bo gets in as Bo; once his key is removed, his next connection is refused.
        let bo = try team.ssh("bo", "whoami")
        #expect(bo.status == 0 && bo.stdout.contains("Bo Member <bo@example.com>"), "\(Team.show(bo))")
        let boKey = team.key("bo")
        let parts = boKey.line.split(separator: " ").map(String.init)
        let served = try server.local(["serve", "authorized-keys", server.user, parts[0], parts[1]])
        let keyID = served.stdout.components(separatedBy: " serve ssh ").last?.components(separatedBy: "\"").first ?? ""
        #expect(Int(keyID) != nil, "\(Team.show(served))")
        try SSHServer.must(server.local(["keys", "remove", boKey.fingerprint]), "keys remove")
        let removed = try team.ssh("bo", "whoami")
        #expect(removed.status == 255)
        #expect(removed.stderr.contains("Permission denied (publickey)"), "\(Team.show(removed))")
        #expect(removed.stdout.isEmpty)
        // The forced command of a line sshd may still hold: `serve ssh` with the old id is refused.
        let stale = try execute("/usr/sbin/runuser", ["-u", server.user, "--", "/usr/bin/env", "-i"]
                                + server.localEnvironment(now: server.now, state: server.home + "/state-none", token: nil, database: server.database)
                                + ["SSH_ORIGINAL_COMMAND=whoami", server.mindbeat, "--db", server.database, "serve", "ssh", keyID])
        expectFailure(stale, 77)
        #expect(stale.stdout.isEmpty)

        // A client that offers Cy's public key first — without its private
        // half, so it cannot prove it — and then Ann's key acts as Ann.
        let cyPublicOnly = server.directory + "/cy-public-only.pub"
        try FileManager.default.copyItem(atPath: team.key("cy").publicPath, toPath: cyPublicOnly)
        let before = server.log
        let mixed = try server.ssh(key: team.key("ann"), ["whoami"], extraOptions: ["-i", cyPublicOnly])
        let logged = String(server.log.dropFirst(before.count))
        #expect(logged.contains("Accepted key ED25519 \(team.key("cy").fingerprint)"), "the server was not asked about Cy's key: \(logged)")
        #expect(logged.contains("Accepted publickey for \(server.user) from 127.0.0.1") && logged.contains(team.key("ann").fingerprint), "\(logged)")
        #expect(mixed.status == 0, "\(Team.show(mixed))")
        #expect(mixed.stdout.contains("ann@example.com") && !mixed.stdout.contains("cy@example.com"), "\(Team.show(mixed))")

        // People add their own keys over ssh: Cy rotates his, and the old
        // one is refused from then on.
        let cyOld = team.key("cy")
        let cyNew = try server.key("cy-new")
        let added = try server.ssh(key: cyOld, ["keys", "add", "-"], stdin: Data((cyNew.line + "\n").utf8))
        #expect(added.status == 0 && added.stdout == cyNew.fingerprint + "\n", "\(Team.show(added))")
        let rotated = try server.ssh(key: cyNew, ["keys", "remove", cyOld.fingerprint])
        #expect(rotated.status == 0, "\(Team.show(rotated))")
        let withNew = try server.ssh(key: cyNew, ["whoami"])
        #expect(withNew.status == 0 && withNew.stdout.contains("cy@example.com"), "\(Team.show(withNew))")
        let withOld = try server.ssh(key: cyOld, ["whoami"])
        #expect(withOld.status == 255 && withOld.stderr.contains("Permission denied (publickey)"), "\(Team.show(withOld))")

        // Nothing listening: ssh's own failure.
        let closed = try server.ssh(key: team.key("ann"), ["whoami"], port: SSHServer.freePort())
        #expect(closed.status == 255)
        #expect(closed.stderr.contains("Connection refused"), "\(Team.show(closed))")
    }

    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func noCommandGreetsAndASandboxSaysSo() throws {
        let team = try Team(sandbox: true)
        defer { team.server.stop() }
        let greeting = try team.ssh("ann", [])
        #expect(greeting.status == 0, "\(Team.show(greeting))")
        #expect(greeting.lines.first == "Hi Ann Coach! You are connected to mindbeat as ann@example.com (sandbox).", "\(Team.show(greeting))")
        let bo = try team.ssh("bo", [])
        #expect(bo.status == 0 && bo.lines.first == "Hi Bo Member! You are connected to mindbeat as bo@example.com (sandbox).", "\(Team.show(bo))")

        let whoami = try team.ssh("ann", "whoami")
        let prefixed = try team.ssh("ann", "mindbeat", "whoami")
        #expect(whoami.status == 0)
        #expect(prefixed.status == whoami.status && prefixed.stdout == whoami.stdout && prefixed.stderr == whoami.stderr,
                "\(Team.show(prefixed)) vs \(Team.show(whoami))")
        #expect(whoami.stdout.contains("sandbox"), "\(Team.show(whoami))")
        let json = try team.ssh("ann", "whoami", "--json")
        #expect(json.object["email"] as? String == "ann@example.com", "\(Team.show(json))")
        #expect(json.object["sandbox"] as? Bool == true, "\(Team.show(json))")
    }

    /// A real database ignores the server's `SetEnv MINDBEAT_NOW` and
    /// anything the client sends: the server's clock is the clock.
    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func aRealDatabaseRunsOnTheServersClockWhateverTheEnvironment() throws {
        let team = try Team(sandbox: false, extraConfig: ["SetEnv MINDBEAT_NOW=2030-01-01T00:00:00Z", "AcceptEnv MINDBEAT_* LD_PRELOAD TZ TZDIR"])
        defer { team.server.stop() }
        let greeting = try team.ssh("ann", [])
        #expect(greeting.status == 0 && greeting.lines.first == "Hi Ann Coach! You are connected to mindbeat as ann@example.com.", "\(Team.show(greeting))")
        let whoami = try team.ssh("ann", "whoami")
        #expect(whoami.status == 0 && !whoami.stdout.contains("sandbox"), "\(Team.show(whoami))")
        #expect(try team.ssh("ann", "whoami", "--json").object["sandbox"] as? Bool == false)

        // 2027 is in the future by the real clock, in the past by 2030's.
        let later = try team.ssh("ann", "sessions", "add", "--at", "2027-06-01T10:00:00Z", "--member", "bo@example.com")
        #expect(later.status == 0, "scheduled by SetEnv's clock: \(Team.show(later))")
        try expectStarts(inHours: 1, team, "ann", [])

        // What a client sends, with the server accepting it (AcceptEnv): no
        // other clock, database, login or server.
        let annToken = try team.server.token("ann@example.com", password: "ann-password")
        let plain = try team.ssh("bo", "whoami")
        #expect(plain.status == 0 && plain.stdout.contains("bo@example.com"), "\(Team.show(plain))")
        let sent = ["MINDBEAT_NOW=2031-01-01T00:00:00Z", "MINDBEAT_CLOCK_RATE=1000", "MINDBEAT_DB=/etc/passwd", "MINDBEAT_TOKEN=\(annToken)"]
        let options = ["-o", "SetEnv=" + sent.joined(separator: " ")]
        let sending = try team.ssh("bo", ["whoami"], extraOptions: options)
        #expect(sending.status == plain.status && sending.stdout == plain.stdout && sending.stderr == plain.stderr, "\(Team.show(sending))")
        try expectStarts(inHours: 3, team, "bo", options)
        // A remote of the client's choosing: still this server, this database.
        let remote = try team.ssh("bo", ["whoami"], extraOptions: ["-o", "SetEnv=MINDBEAT_REMOTE=127.0.0.1:1"])
        #expect(remote.status == plain.status && remote.stdout == plain.stdout && remote.stderr == plain.stderr, "\(Team.show(remote))")
        // A zone that names a file, or another zone directory: the server's zone.
        let listed = try team.ssh("bo", ["sessions", "list"])
        for zone in ["TZ=/etc/shadow", "TZ=../../../etc/shadow", "TZDIR=/etc TZ=shadow"] {
            let zoned = try team.ssh("bo", ["sessions", "list"], extraOptions: ["-o", "SetEnv=" + zone])
            #expect(zoned.status == 0 && zoned.stdout == listed.stdout, "\(zone): \(Team.show(zoned))")
        }

        // LD_PRELOAD reaches the service account's shell (the loader warns
        // about a library it cannot find); the command still runs as usual.
        let preload = try team.ssh("bo", ["whoami"], extraOptions: ["-o", "SetEnv=LD_PRELOAD=/nonexistent.so"])
        #expect(preload.status == plain.status && preload.stdout == plain.stdout, "\(Team.show(preload))")
        #expect(preload.stderr.split(separator: "\n").filter { !$0.hasPrefix("ERROR: ld.so:") }.isEmpty, "\(Team.show(preload))")
    }

    /// The protocol story over ssh — a coach's key and a member's key on a
    /// sandbox whose clock the operator sets (`SetEnv MINDBEAT_NOW`) — gives
    /// exactly what the same commands give locally, with password logins, on
    /// a copy of the database taken before the story began.
    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func theProtocolOverSSHIsTheProtocolLocally() throws {
        let team = try Team(sandbox: true, extraConfig: ["AcceptEnv MINDBEAT_* LD_PRELOAD"])
        let server = team.server
        defer { server.stop() }
        let twin = TestBackend.isPostgres ? TestBackend.newDatabase(in: server.home) : server.home + "/db/twin.db"
        try server.copyDatabase(to: twin)
        var tokens: [String: String] = [:]
        for (who, password) in Team.passwords { tokens[who] = try server.token("\(who)@example.com", password: password, database: twin) }
        // Bo's client also sends a clock, a database and Ann's login (valid
        // on the server's database); the server accepts MINDBEAT_* from
        // clients. None of it may change a thing.
        let annToken = try server.token("ann@example.com", password: "ann-password")
        let boSends = ["-o", "SetEnv=MINDBEAT_NOW=2030-01-01T00:00:00Z MINDBEAT_DB=/etc/passwd MINDBEAT_TOKEN=\(annToken)"]

        @discardableResult
        func step(_ who: String, _ words: String..., stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
            let remote = try team.ssh(who, words, stdin: stdin, extraOptions: who == "bo" ? boSends : [])
            let local = try server.local(words, stdin: stdin, token: tokens[who], database: twin)
            #expect(remote.status == local.status && remote.stdout == local.stdout && remote.stderr == local.stderr,
                    "\(who): \(words.joined(separator: " "))\n over ssh: \(Team.show(remote))\n locally:  \(Team.show(local))",
                    sourceLocation: sourceLocation)
            return remote
        }
        func ids(_ outcome: Outcome) -> [String] { outcome.array.map { ($0["id"] as? Int).map(String.init) ?? "?" } }

        // 08:00: Ann schedules two sessions with Bo.
        let held = try step("ann", "sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let missed = try step("ann", "sessions", "add", "--at", "2026-12-01T11:00:00Z", "--member", "bo@example.com").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(held) != nil && Int(missed) != nil && held != missed)
        #expect(ids(try step("bo", "sessions", "list", "--json")) == [held, missed])
        // The client's zone (--tz, a name from the zone database) shows the server's times in it.
        let berlin = try step("bo", "--tz", "Europe/Berlin", "sessions", "list")
        #expect(berlin.status == 0 && berlin.stdout.contains("10:00") && berlin.stdout.contains("12:00"), "\(Team.show(berlin))")

        // 08:50: both attend, chat (one line from standard input), and Ann notes what she sees.
        try server.setClock("2026-12-01T08:50:00Z")
        let early = try step("ann", "attend", held)
        #expect(early.status == 0 && early.stderr.contains("counter"), "the coach is warned that the counter runs: \(Team.show(early))")
        #expect(try step("bo", "attend", held).status == 0)
        #expect(try step("bo", "chat", held, "Hi Ann, I'm here — \"ready\" $(date) *").status == 0)
        #expect(try step("ann", "chat", held, "-", stdin: "Welcome, Bo!\n").status == 0)
        let chat = try step("bo", "chat", held, "--json")
        #expect(chat.array.map { $0["text"] as? String } == ["Hi Ann, I'm here — \"ready\" $(date) *", "Welcome, Bo!"], "\(Team.show(chat))")
        let phone = try step("ann", "contact", held, "--via", "phone", "--note", "line was busy")
        #expect(phone.status == 0 && phone.stdout.contains("+49 170 1234567"), "\(Team.show(phone))")
        #expect(try step("ann", "notes", "add", "--session", held, "--shared", "Bo set three goals").status == 0)
        #expect(try step("ann", "notes", "add", "--session", held, "--private", "Ask about the move").status == 0)
        #expect(try step("bo", "notes", "list", "--session", held, "--json").array.isEmpty, "a shared note shows only once the session has ended")
        let status = try step("bo", "status", held, "--json")
        #expect(status.object["status"] as? String == "in_progress" && status.object["elapsed_seconds"] as? Int == 0, "\(Team.show(status))")

        // 09:50: Ann ends it as held; Bo now sees the shared note, never the private one, and leaves feedback.
        try server.setClock("2026-12-01T09:50:00Z")
        let ended = try step("ann", "end", held, "--held")
        #expect(ended.status == 0 && ended.stdout.contains("feedback"), "\(Team.show(ended))")
        let notes = try step("bo", "notes", "list", "--session", held, "--json")
        #expect(notes.array.map { $0["body"] as? String } == ["Bo set three goals"], "\(Team.show(notes))")
        #expect(try step("ann", "notes", "list", "--session", held, "--json").array.count == 2)
        #expect(try step("bo", "feedback", held, "--rating", "5", "--comment", "Very helpful").status == 0)
        let feedback = try step("ann", "feedback", "show", held)
        #expect(feedback.status == 0 && feedback.stdout.contains("Very helpful"), "\(Team.show(feedback))")
        expectFailure(try step("bo", "feedback", held, "--rating", "4"), 1)

        // 11:00: Ann waits alone, tries to reach Bo, and may end it as missed from 11:15.
        try server.setClock("2026-12-01T11:00:00Z")
        #expect(try step("ann", "attend", missed).status == 0)
        try server.setClock("2026-12-01T11:06:00Z")
        #expect(try step("ann", "contact", missed, "--via", "email").status == 0)
        let tooSoon = try step("ann", "end", missed, "--missed")
        expectFailure(tooSoon, 1, "11:15")
        try server.setClock("2026-12-01T11:15:00Z")
        #expect(try step("ann", "end", missed, "--missed").status == 0)
        expectFailure(try step("bo", "attend", missed), 1)
        let past = try step("bo", "sessions", "list", "--past", "--json")
        #expect(past.array.map { $0["status"] as? String } == ["missed", "held"], "\(Team.show(past))")

        // Cy, Bo's line manager, sees over ssh exactly what a manager sees locally.
        let managerFields: Set<String> = ["id", "coach", "coach_name", "member", "member_name", "starts_at", "ends_at", "duration_minutes", "status"]
        let managed = try step("cy", "sessions", "list", "--all", "--json")
        #expect(ids(managed).sorted() == [held, missed].sorted(), "\(Team.show(managed))")
        for session in managed.array { #expect(Set(session.keys) == managerFields) }
        #expect(Set(try step("cy", "sessions", "show", held, "--json").object.keys) == managerFields)
        expectFailure(try step("cy", "notes", "list"), 77)
        expectFailure(try step("cy", "notes", "list", "--session", held), 77)
        expectFailure(try step("cy", "chat", held), 77)
        expectFailure(try step("cy", "feedback", "show", held), 77)
        expectFailure(try step("cy", "status", held), 77)

        // 12:00: Bo's week (SPEC §9, §10) — a bank, a series in Bo's zone, a
        // move, a member's cancel and a coach's, the calendars.
        try server.setClock("2026-12-01T12:00:00Z")
        #expect(try step("ann", "users", "bank", "bo@example.com", "--sessions", "6").status == 0)
        expectFailure(try step("bo", "users", "bank", "bo@example.com", "--sessions", "60"), 77)
        let series = try step("bo", "--tz", "Europe/Berlin", "sessions", "add", "--at", "2026-12-08 10:00", "--every", "week",
                              "--count", "3")
        let week = series.lines.filter { !$0.isEmpty }
        #expect(week.count == 3, "\(Team.show(series))")
        expectFailure(try step("bo", "sessions", "add", "--at", "2026-12-30T09:00:00Z", "--every", "week", "--count", "4"), 1,
                      "bank")
        expectFailure(try step("ann", "sessions", "cancel", week[0]), 64, "--reason")
        #expect(try step("bo", "sessions", "reschedule", week[0], "--at", "2026-12-09T09:00:00Z").status == 0)
        #expect(try step("bo", "sessions", "cancel", week[1]).status == 0)
        #expect(try step("ann", "sessions", "cancel", week[2], "--reason", "a conference, sorry").status == 0)
        expectFailure(try step("cy", "sessions", "cancel", week[0]), 77)
        let members = try step("ann", "members", "--json")
        let bo = members.array.first { $0["email"] as? String == "bo@example.com" }
        #expect(bo?["changes"] as? Int == 2 && (bo?["bank"] as? [String: Any])?["remaining"] as? Int == 5, "\(Team.show(members))")
        let calendar = try step("bo", "calendar")
        #expect(calendar.stdout.contains("STATUS:CANCELLED\r\n") && calendar.stdout.contains("SEQUENCE:1\r\n"), "\(Team.show(calendar))")
        let managerCalendar = try step("cy", "calendar")
        #expect(managerCalendar.status == 0 && !managerCalendar.stdout.contains("DESCRIPTION"), "\(Team.show(managerCalendar))")
        let shown = try step("bo", "sessions", "show", week[2], "--json")
        #expect(shown.object["cancel_reason"] as? String == "a conference, sorry", "\(Team.show(shown))")
    }

    /// sshd hands `serve ssh` the client's command line as one string; it is
    /// split by a fixed grammar, never by a shell, and what may not run
    /// remotely is refused — nothing run, nothing written.
    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func hostileCommandLinesRunNothingAndWriteNothing() throws {
        let team = try Team(sandbox: true)
        let server = team.server
        defer { server.stop() }
        let canary = server.canary
        let ann = team.key("ann")
        let before = try server.dump()
        let lines: [(String, Int32)] = [
            ("whoami; touch \(canary)", 64), ("whoami && touch \(canary)", 64), ("whoami | touch \(canary)", 64),
            ("$(touch \(canary))", 64), ("`touch \(canary)`", 64), ("*", 64), ("~", 64), ("whoami 'unclosed", 64),
            ("whoami\ntouch \(canary)", 64), ("whoami" + String(repeating: " ", count: 65_531), 64),
            ("--db /etc/passwd whoami", 77), ("--remote x whoami", 77), ("--tz ../../etc/passwd whoami", 64),
            ("--tz /etc/passwd whoami", 64), ("--tz Mars/Olympus_Mons whoami", 64),
            ("init --name X --email x@e.com", 77), ("serve ssh 1", 77), ("outbox send", 77), ("login ann@example.com", 77),
            ("passwd", 77), ("completions bash", 77), ("logout", 77), ("users reset ann@example.com", 77),
        ]
        for (line, status) in lines {
            // One argument: ssh sends it unchanged as the command line.
            let outcome = try server.ssh(key: ann, [line])
            let shown = line.count > 80 ? "whoami + \(line.utf8.count - 6) spaces" : line.debugDescription
            #expect(outcome.status == status, "\(shown): \(Team.show(outcome))")
            #expect(outcome.stdout.isEmpty, "\(shown): \(Team.show(outcome))")
            #expect(outcome.stderr.hasPrefix("mindbeat: ") && !outcome.stderr.contains("\nERROR"), "\(shown): \(Team.show(outcome))")
            #expect(!FileManager.default.fileExists(atPath: canary), "\(shown) ran a command")
        }
        // Bytes that are not UTF-8 (ssh passes them as they are): refused, not repaired into other words.
        let sshCommand = (["/usr/bin/ssh"] + server.clientOptions + ["-i", ann.path, "-p", String(server.port), "\(server.user)@127.0.0.1", "--"])
            .map(shellQuoted).joined(separator: " ")
        let invalid = try shell(sshCommand + " $'whoami \\xff'; a=$?; " + sshCommand + " $'\\xc0\\xafwhoami'; echo $a $?",
                                environment: ["HOME": server.directory])
        #expect(invalid.stdout == "64 64\n" && invalid.stderr.hasPrefix("mindbeat: "), "\(Team.show(invalid))")
        #expect(invalid.stderr.components(separatedBy: "UTF-8").count == 3, "\(Team.show(invalid))")

        // The limit is 65,536 bytes: one byte less than the refused line runs.
        let longest = try server.ssh(key: ann, ["whoami" + String(repeating: " ", count: 65_530)])
        #expect(longest.status == 0 && longest.stdout.contains("ann@example.com"), "\(Team.show(longest))")
        // A megabyte of command line through raw ssh fails, whoever stops it.
        let huge = try server.ssh(key: ann, ["whoami"] + Array(repeating: String(repeating: "x", count: 65_536), count: 16))
        #expect(huge.status != 0 && huge.stdout.isEmpty, "\(Team.show(huge))")
        #expect(!FileManager.default.fileExists(atPath: canary))
        #expect(try server.dump() == before, "a refused command line wrote to the database")
    }

    /// `restrict` and the server refuse a terminal and every forwarding.
    @Test(.enabled(if: needsRoot, "needs root: starts sshd and creates a service user"))
    func noTerminalAndNoForwarding() throws {
        let team = try Team(sandbox: true, logLevel: "DEBUG1")
        let server = team.server
        defer { server.stop() }
        let ann = team.key("ann")

        // -tt insists on a terminal: sshd refuses it, and the command never runs.
        let tty = try team.ssh("ann", ["whoami"], extraOptions: ["-tt"])
        #expect(tty.status == 255 && tty.stderr.contains("PTY allocation request failed"), "\(Team.show(tty))")
        #expect(tty.stdout.isEmpty, "\(Team.show(tty))")

        // -R: the server will not listen for the client.
        let remote = try team.ssh("ann", ["whoami"], extraOptions: ["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:\(server.port)"])
        #expect(remote.status == 255 && remote.stderr.contains("remote port forwarding failed"), "\(Team.show(remote))")

        // -W (a stdio forward, the channel -L opens): refused, nothing relayed.
        let stdio = try server.ssh(key: ann, [], extraOptions: ["-W", "127.0.0.1:\(server.port)"])
        #expect(stdio.status == 255 && stdio.stderr.contains("administratively prohibited") && stdio.stderr.contains("stdio forwarding failed"),
                "\(Team.show(stdio))")
        #expect(!stdio.stdout.contains("SSH-2.0"), "sshd's banner came through the forward")

        // -L: a connection to the forwarded port gets nothing from the
        // server's side (sshd's banner would come through) and is closed.
        let local = try SSHServer.freePort()
        let ssh = (["/usr/bin/ssh"] + server.clientOptions + ["-N", "-o", "ExitOnForwardFailure=yes", "-L", "\(local):127.0.0.1:\(server.port)",
                                                           "-i", ann.path, "-p", String(server.port), "\(server.user)@127.0.0.1"])
            .map(shellQuoted).joined(separator: " ")
        let forward = try shell("""
            \(ssh) 2>'\(server.directory)/forward.err' & pid=$!
            for i in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/\(local)) 2>/dev/null && break; sleep 0.025; done
            timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(local) && head -c 64 <&3'
            kill -KILL $pid; wait $pid
            cat '\(server.directory)/forward.err' >&2
            """, environment: ["HOME": server.directory])
        #expect(!forward.stdout.contains("SSH-2.0"), "sshd's banner came through the forward: \(Team.show(forward))")
        #expect(forward.stderr.contains("administratively prohibited"), "\(Team.show(forward))")
        #expect(server.log.contains("refused local port forward"), "\(server.log)")

        // -A: the client offers its agent; the server does not forward it.
        #expect(!server.log.contains("auth-agent-req"))
        let agentCommand = (["/usr/bin/ssh"] + server.clientOptions + ["-A", "-i", ann.path, "-p", String(server.port), "\(server.user)@127.0.0.1", "--", "whoami"])
            .map(shellQuoted).joined(separator: " ")
        let agent = try shell("""
            eval "$(ssh-agent -s -a '\(server.directory)/agent.sock')" >/dev/null || exit 99
            ssh-add -q '\(ann.path)' || { kill -KILL "$SSH_AGENT_PID"; exit 98; }
            \(agentCommand); status=$?
            kill -KILL "$SSH_AGENT_PID"
            exit $status
            """, environment: ["HOME": server.directory])
        #expect(agent.status == 0 && agent.stdout.contains("ann@example.com"), "\(Team.show(agent))")
        #expect(server.log.contains("auth-agent-req"), "the client did not ask for agent forwarding: \(server.log)")
        #expect(server.log.contains("agent forwarding disabled"), "\(server.log)")
    }

    /// `sessions add --at +Nh` over ssh as `who` starts N hours after the real now.
    func expectStarts(inHours hours: Int, _ team: Team, _ who: String, _ options: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = Date().addingTimeInterval(Double(hours) * 3600)
        let added = try team.ssh(who, ["sessions", "add", "--at", "+\(hours)h"] + (who == "ann" ? ["--member", "bo@example.com"] : []), extraOptions: options)
        #expect(added.status == 0, "\(Team.show(added))", sourceLocation: sourceLocation)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try team.ssh(who, "sessions", "show", id, "--json")
        let startsAt = (shown.object["starts_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
        #expect(startsAt.map { abs($0.timeIntervalSince(expected)) < 300 } == true,
                "starts_at \(String(describing: startsAt)), expected about \(expected): \(Team.show(shown))", sourceLocation: sourceLocation)
    }
}
