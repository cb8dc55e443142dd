import Foundation
import Testing

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
        let team = try Team(sandbox: false, extraConfig: ["SetEnv MINDBEAT_NOW=2030-01-01T00:00:00Z", "AcceptEnv MINDBEAT_* LD_PRELOAD"])
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
        let sent = ["MINDBEAT_NOW=2031-01-01T00:00:00Z", "MINDBEAT_CLOCK_RATE=1000", "MINDBEAT_DB=/etc/passwd",
                    "MINDBEAT_TOKEN=\(annToken)", "MINDBEAT_REMOTE=127.0.0.1:1"]
        let options = ["-o", "SetEnv=" + sent.joined(separator: " ")]
        let plain = try team.ssh("bo", "whoami")
        let sending = try team.ssh("bo", ["whoami"], extraOptions: options)
        #expect(plain.status == 0 && plain.stdout.contains("bo@example.com"), "\(Team.show(plain))")
        #expect(sending.status == plain.status && sending.stdout == plain.stdout && sending.stderr == plain.stderr, "\(Team.show(sending))")
        try expectStarts(inHours: 3, team, "bo", options)

        // LD_PRELOAD reaches the service account's shell (the loader warns
        // about a library it cannot find); the command still runs as usual.
        let preload = try team.ssh("bo", ["whoami"], extraOptions: ["-o", "SetEnv=LD_PRELOAD=/nonexistent.so"])
        #expect(preload.status == plain.status && preload.stdout == plain.stdout, "\(Team.show(preload))")
        #expect(preload.stderr.split(separator: "\n").filter { !$0.hasPrefix("ERROR: ld.so:") }.isEmpty, "\(Team.show(preload))")
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
