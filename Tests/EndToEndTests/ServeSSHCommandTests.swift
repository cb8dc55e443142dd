import Foundation
import Testing
import TestSupport

/// `serve ssh KEYID`, the forced command of team mode (SPEC §11), run the way
/// sshd runs it — `SSH_ORIGINAL_COMMAND` in the environment — but without an
/// sshd, so that these run on every machine. TeamModeTests go through a real
/// OpenSSH server.
@Suite("serve ssh, end to end")
struct ServeSSHCommandTests {
    /// A seeded database with a key for Ann (id 1) and one for Bo (id 2).
    static func served(sandbox: Bool = false) throws -> Sandbox {
        let box = try Sandbox()
        if sandbox {
            try box.expectOK(box.run(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin", "--sandbox"],
                                     stdin: "ann-password\n"))
            try box.expectOK(box.run(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com",
                                      "--password-stdin"], stdin: "bo-password\n"))
        } else {
            try box.seed()
        }
        try box.expectOK(box.run(as: "ann", "keys", "add", try KeyCommandTests.keygen(box, "ann").line))
        try box.expectOK(box.run(as: "bo", "keys", "add", try KeyCommandTests.keygen(box, "bo").line))
        return box
    }

    /// What sshd runs for key `id` when the client sent `line` (nil: no command).
    func ssh(_ box: Sandbox, key id: String = "1", _ line: String?, stdin: String? = nil, env: [String: String] = [:]) throws -> Outcome {
        // sshd gives the forced command the service account's environment, not
        // the user's: no token, and here no MINDBEAT_DB (the line names it).
        var extra = ["MINDBEAT_TOKEN": "", "MINDBEAT_DB": ""]
        if let line { extra["SSH_ORIGINAL_COMMAND"] = line }
        for (name, value) in env { extra[name] = value }
        return try box.run(["--db", box.databasePath, "serve", "ssh", id], stdin: stdin, env: extra)
    }

    @Test func greetsTheKeysOwnerWhenNoCommandIsSent() throws {
        let box = try Self.served()
        let greeting = try ssh(box, key: "2", nil)
        try box.expectOK(greeting)
        #expect(greeting.lines.first == "Hi Bo Member! You are connected to mindbeat as bo@example.com.")
        #expect(try ssh(box, key: "2", "mindbeat").lines.first == greeting.lines.first)
        // A remote in the service account's environment never sends serve elsewhere.
        #expect(try ssh(box, key: "2", nil, env: ["MINDBEAT_REMOTE": "elsewhere.invalid"]).lines.first == greeting.lines.first)
        let sandbox = try Self.served(sandbox: true)
        #expect(try ssh(sandbox, nil).lines.first == "Hi Ann Coach! You are connected to mindbeat as ann@example.com (sandbox).")
    }

    @Test func runsTheCommandAsTheKeysAccountWithOrWithoutALeadingMindbeat() throws {
        let box = try Self.served()
        let bare = try ssh(box, key: "2", "whoami --json")
        try box.expectOK(bare)
        #expect(bare.object["email"] as? String == "bo@example.com")
        #expect(bare.object["sandbox"] as? Bool == false)
        #expect(try ssh(box, key: "2", "mindbeat whoami --json").stdout == bare.stdout)
        // The same output as a local login gets.
        #expect(try box.run(as: "bo", "whoami", "--json").stdout == bare.stdout)
    }

    @Test func quotedWordsArriveWholeAndNothingIsExpanded() throws {
        let box = try Self.served(sandbox: true)
        let at = ["MINDBEAT_NOW": "2026-12-01T09:00:00Z"]
        let added = try ssh(box, "sessions add --at 2026-12-01T09:00:00Z --member bo@example.com", env: at)
        try box.expectOK(added)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.expectOK(ssh(box, "attend \(id)", env: at))
        try box.expectOK(ssh(box, key: "2", "attend \(id)", env: at))
        let text = "it's $(not) run; `ever` | * ~ \\ \"quoted\""
        let quoted = "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        try box.expectOK(ssh(box, key: "2", "chat \(id) \(quoted)", env: at))
        let chat = try ssh(box, "chat \(id) --json", env: at)
        #expect(chat.array.last?["text"] as? String == text)
        #expect(chat.array.last?["author"] as? String == "bo@example.com")
    }

    @Test func standardInputAndTheExitStatusPassThrough() throws {
        let box = try Self.served()
        let note = try ssh(box, "notes add --member bo@example.com --private -", stdin: "Worried about the move.\n")
        try box.expectOK(note)
        #expect(note.stdout.hasPrefix("Saved private note"))
        let listed = try box.run(as: "ann", "notes", "list", "--member", "bo@example.com", "--json")
        #expect(listed.array.first?["body"] as? String == "Worried about the move.")
        // A refusal keeps its status and its message.
        expectFailure(try ssh(box, key: "2", "users list"), 77)
        expectFailure(try ssh(box, key: "2", "sessions show 999"), 66)
    }

    @Test func theClockOfARealDatabaseIsTheServersWhateverTheEnvironmentSays() throws {
        let box = try Self.served()
        // The box's clock says 2026-12-01T08:00:00Z; the server's clock is the real one.
        let added = try ssh(box, "sessions add --at +1h --member bo@example.com", env: ["MINDBEAT_NOW": "2030-01-01T00:00:00Z"])
        try box.expectOK(added)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try ssh(box, "sessions show \(id) --json")
        let startsAt = try #require(ISO8601DateFormatter().date(from: shown.object["starts_at"] as? String ?? ""))
        #expect(abs(startsAt.timeIntervalSinceNow - 3600) < 120, "starts at \(startsAt), an hour from the real now")
        // An invalid MINDBEAT_NOW on the server does not stop it either.
        try box.expectOK(ssh(box, "whoami", env: ["MINDBEAT_NOW": "yesterday"]))
        #expect(!(try ssh(box, "whoami").stdout.contains("sandbox")))
    }

    @Test func aSandboxTakesItsClockFromTheServersEnvironment() throws {
        let box = try Self.served(sandbox: true)
        let whoami = try ssh(box, "whoami", env: ["MINDBEAT_NOW": "2026-12-01T08:00:00Z"])
        #expect(whoami.lines.first == "Ann Coach <ann@example.com> · coach · admin · sandbox")
        let added = try ssh(box, "sessions add --at +1h --member bo@example.com", env: ["MINDBEAT_NOW": "2026-12-01T08:00:00Z"])
        try box.expectOK(added)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try ssh(box, "sessions show \(id) --json", env: ["MINDBEAT_NOW": "2026-12-01T08:00:00Z"])
        #expect(shown.object["starts_at"] as? String == "2026-12-01T09:00:00Z")
        expectFailure(try ssh(box, "whoami", env: ["MINDBEAT_NOW": "yesterday"]), 64, "MINDBEAT_NOW")
    }

    @Test func theClientsZoneIsANameOfTheZoneDatabaseAndNothingElse() throws {
        let box = try Self.served(sandbox: true)
        let now = ["MINDBEAT_NOW": "2026-12-01T08:00:00Z"]
        let added = try ssh(box, "--tz Europe/Berlin sessions add --at '2026-12-02 10:00' --member bo@example.com", env: now)
        try box.expectOK(added)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try ssh(box, "sessions show \(id) --json", env: now).object["starts_at"] as? String == "2026-12-02T09:00:00Z")
        #expect(try ssh(box, "sessions show \(id) --tz America/New_York", env: now).stdout.contains("04:00"))
        let before = box.dump()
        for zone in ["../../etc/passwd", "/etc/localtime", "Mars/Olympus_Mons", "Europe/Berlin;id", "''"] {
            expectFailure(try ssh(box, "--tz \(zone) sessions list", env: now), 64, "--tz")
        }
        #expect(box.dump() == before)
    }

    @Test func hostileLinesAreRefusedWholeAndRunNothing() throws {
        let box = try Self.served()
        let canary = box.root.appendingPathComponent("canary").path
        let before = box.dump()
        let lines: [(String, Int32)] = [
            ("whoami; touch \(canary)", 64),
            ("whoami && touch \(canary)", 64),
            ("whoami | touch \(canary)", 64),
            ("$(touch \(canary))", 64),
            ("`touch \(canary)`", 64),
            ("*", 64),
            ("~", 64),
            ("whoami 'unclosed", 64),
            ("whoami\ntouch \(canary)", 64),
            ("whoami \\", 64),
            ("whoami " + String(repeating: "x", count: 65_537), 64),
            ("--db /etc/passwd whoami", 77),
            ("whoami --db=/etc/passwd", 77),
            ("--remote evil.example.com whoami", 77),
            ("init --name Eve --email eve@example.com", 77),
            ("init", 77),
            ("serve ssh 2", 77),
            ("serve authorized-keys u ssh-ed25519 AAAA", 77),
            ("outbox send", 77),
            ("login ann@example.com", 77),
            ("logout", 77),
            ("passwd", 77),
            ("completions bash", 77),
            ("users reset ann@example.com --password-stdin", 77),
        ]
        for (line, status) in lines {
            let outcome = try ssh(box, line, stdin: "Correct-horse-battery-9\nCorrect-horse-battery-9\n")
            expectFailure(outcome, status)
            #expect(outcome.stdout.isEmpty, "\(line.prefix(40)): \(outcome.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: canary))
        #expect(box.dump() == before)
        // Another admin's reset of someone else is fine over SSH; of oneself, not.
        let reset = try ssh(box, "users reset bo@example.com --password-stdin", stdin: "Correct-horse-battery-9\n")
        try box.expectOK(reset)
        // Bo's key is not a password login: it works as before, and whoami says so.
        let whoami = try ssh(box, key: "2", "whoami")
        try box.expectOK(whoami)
        #expect(whoami.stdout.contains("your SSH keys work as before"), "\(whoami.stdout)")
        try box.expectOK(ssh(box, key: "2", "sessions list"))
    }

    @Test func bytesThatAreNotUTF8AreRefusedNotRepaired() throws {
        let box = try Self.served()
        // Set by bash, byte for byte, as sshd would: a lone 0xFF after the command.
        let script = "SSH_ORIGINAL_COMMAND=$'whoami \\xff' \"$0\" --db \"$1\" serve ssh 1 2>&1; echo \"status $?\""
        let outcome = try execute("/bin/bash", ["-c", script, binary, box.databasePath], environment: ["PATH": "/usr/bin:/bin", "TZ": "UTC"])
        #expect(outcome.stdout.contains("not valid UTF-8"), "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("status 64\n"), "\(outcome.stdout)")
    }

    @Test func aKeyThatIsUnknownOrRemovedIsRefused() throws {
        let box = try Self.served()
        expectFailure(try ssh(box, key: "3", "whoami"), 77, "not registered")
        expectFailure(try ssh(box, key: "0", "whoami"), 64, "KEYID")
        expectFailure(try ssh(box, key: "x", "whoami"), 64, "KEYID")
        let fingerprint = try #require(try box.run(as: "bo", "keys", "list", "--json").array.first?["fingerprint"] as? String)
        try box.expectOK(box.run(as: "bo", "keys", "remove", fingerprint))
        expectFailure(try ssh(box, key: "2", "whoami"), 77, "no longer registered")
        expectFailure(try ssh(box, key: "2", nil), 77, "no longer registered")
    }

    @Test func aCommandOverSSHHasNoTerminalTokenOrStateDirectory() throws {
        let box = try Self.served()
        // No TEXT: over SSH there is never a terminal for an editor.
        expectFailure(try ssh(box, "notes add --member bo@example.com --private"), 64, "no terminal")
        // Completion candidates come from the server's database, whatever --db the line names.
        let other = try Sandbox()
        try other.expectOK(other.run(["init", "--name", "Zed Coach", "--email", "zed@example.com", "--password-stdin"], stdin: "zed-password\n"))
        let completed = try ssh(box, "__complete -- --db \(other.databasePath) notes add --member ''")
        try box.expectOK(completed)
        #expect(completed.stdout.contains("bo@example.com"))
        #expect(!completed.stdout.contains("zed@example.com"))
    }
}
