import Foundation
import Testing
import TestSupport

@Suite("Accounts, end to end")
struct AccountCommandTests {
    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func initCreatesAPrivateDatabaseAndLogsIn() throws {
        let box = try Sandbox()
        let outcome = try box.run(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"], stdin: "ann-password\n")
        try box.expectOK(outcome)
        let attributes = try FileManager.default.attributesOfItem(atPath: box.databasePath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: (box.databasePath as NSString).deletingLastPathComponent)
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        let state = box.root.appendingPathComponent("state/mindbeat").path
        #expect((try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int) == 0o700)
        let tokenFile = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first)
        #expect((try FileManager.default.attributesOfItem(atPath: state + "/" + tokenFile)[.posixPermissions] as? Int) == 0o600)
        let whoami = try box.run("whoami", "--json")
        #expect(whoami.object["email"] as? String == "ann@example.com")
        #expect(whoami.object["role"] as? String == "coach")
        #expect(whoami.object["admin"] as? Bool == true)
        #expect(Set(whoami.object.keys) == ["email", "name", "role", "admin", "phone", "zoom", "sandbox"])
        #expect(whoami.object["sandbox"] as? Bool == false)
        #expect(!box.dump().contains("ann-password"))
    }

    /// "Bo \u{202E}rebmeM" would show as "Bo Member"; a Zoom link could end in
    /// what looks like another host. Refused at input, nothing written.
    @Test func namesAndLinksWithBidiControlsAreRefused() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("ann", "di")
        let before = box.dump()
        let name = try box.run(as: "ann", "users", "add", "--role", "member", "--name", "Mallory \u{202E}nimdA", "--email", "m@example.com", "--password-stdin", stdin: "m-password-long\n")
        expectFailure(name, 64, "--name")
        #expect(name.stderr.contains("U+202E"))
        #expect(!name.stderr.contains("\u{202E}"))
        let zoom = try box.run(as: "di", "profile", "--zoom", "https://zoom.example/j/1\u{2066}x")
        expectFailure(zoom, 64, "--zoom")
        #expect(box.dump() == before)
    }

    @Test func initTwiceIsRefused() throws {
        let box = try Sandbox()
        try box.seed()
        let before = box.dump()
        let again = try box.run(["init", "--name", "X", "--email", "x@example.com", "--password-stdin"], stdin: "tulip-window-42\n")
        expectFailure(again, 1, "already has accounts")
        #expect(box.dump() == before)
    }

    @Test func passwordRules() throws {
        let box = try Sandbox()
        let short = try box.run(["init", "--name", "Ann", "--email", "ann@example.com", "--password-stdin"], stdin: "short\n")
        expectFailure(short, 64, "shorter than 8")
        #expect(!FileManager.default.fileExists(atPath: box.databasePath))
        let noTerminal = try box.run(["init", "--name", "Ann", "--email", "ann@example.com"], stdin: "")
        expectFailure(noTerminal, 64, "--password-stdin")
        #expect(!FileManager.default.fileExists(atPath: box.databasePath))
    }

    @Test func loginLogoutAndTheSameMessageForBothWrongs() throws {
        let box = try Sandbox()
        try box.seed()
        let wrongPassword = try box.run(["login", "bo@example.com", "--password-stdin"], stdin: "nope-nope\n")
        let wrongEmail = try box.run(["login", "nobody@example.com", "--password-stdin"], stdin: "bo-password\n")
        expectFailure(wrongPassword, 77)
        expectFailure(wrongEmail, 77)
        #expect(wrongPassword.stderr == wrongEmail.stderr)
        try box.expectOK(box.run(["login", "BO@example.com", "--password-stdin"], stdin: "bo-password\r\n"))
        #expect(try box.run("whoami").stdout.contains("bo@example.com"))
        try box.expectOK(box.run("logout"))
        expectFailure(try box.run("whoami"), 77, "mindbeat login")
    }

    @Test func aTokenFromTheEnvironmentOverridesAndCanBeRevoked() throws {
        let box = try Sandbox()
        try box.seed()
        let token = try box.token("bo")
        #expect(try box.run(["whoami"], env: ["MINDBEAT_TOKEN": token]).stdout.contains("bo@example.com"))
        #expect(try box.run(["whoami"]).stdout.contains("ann@example.com"))
        try box.expectOK(box.run(["logout"], env: ["MINDBEAT_TOKEN": token]))
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_TOKEN": token]), 77, "expired or was revoked")
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_TOKEN": "mbt_forged"]), 77, "not logged in")
    }

    @Test func loginsExpireAfterThirtyDays() throws {
        let box = try Sandbox()
        try box.seed()
        box.now = "2026-12-31T07:59:00Z"
        try box.expectOK(box.run("whoami"))
        box.now = "2026-12-31T08:00:00Z"
        expectFailure(try box.run("whoami"), 77, "expired")
        // At the end of the supported range a login lasts to its end: not a bug (70).
        box.now = "9999-12-20T00:00:00Z"
        try box.expectOK(box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"))
        try box.expectOK(box.run("whoami"))
    }

    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func movingTheDatabaseKeepsTheLogin() throws {
        let box = try Sandbox()
        try box.seed()
        let moved = box.root.appendingPathComponent("moved.db").path
        try FileManager.default.moveItem(atPath: box.databasePath, toPath: moved)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: box.databasePath + suffix) {
            try FileManager.default.moveItem(atPath: box.databasePath + suffix, toPath: moved + suffix)
        }
        #expect(try box.run(["--db", moved, "whoami"]).stdout.contains("ann@example.com"))
    }

    @Test func passwdAsksForTheCurrentPasswordThenTheNewOne() throws {
        let box = try Sandbox()
        try box.seed()
        let other = try box.token("ann")
        try box.logIn("bo")
        // A stolen login alone cannot take the account over: 77, nothing changed.
        let before = box.dump()
        expectFailure(try box.run(["passwd", "--password-stdin"], stdin: "guessed-wrong\na-new-password\n"), 77, "current password is wrong")
        expectFailure(try box.run(["passwd", "--password-stdin"], stdin: "a-new-password\n"), 64, "shorter than 8")
        #expect(box.dump() == before)
        try box.expectOK(box.run(["whoami"], env: ["MINDBEAT_TOKEN": other]))
        let changed = try box.run(["passwd", "--password-stdin"], stdin: "ann-password\na-new-password\n")
        try box.expectOK(changed)
        #expect(changed.stdout.contains("other logins were revoked"))
        try box.expectOK(box.run("whoami"))
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_TOKEN": other]), 77)
        expectFailure(try box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"), 77)
        try box.expectOK(box.run(["login", "ann@example.com", "--password-stdin"], stdin: "a-new-password\n"))
        // Bo's login is untouched by Ann's change.
        try box.expectOK(box.run(as: "bo", "whoami"))
    }

    /// SPEC §5's policy, on every command that sets a password, each refusal
    /// before anything is written, never repeating the password.
    @Test func weakPasswordsAreRefusedWherePasswordsAreSet() throws {
        let box = try Sandbox()
        let weak = [("baseball", "commonly used"), ("IloveYou", "commonly used"), ("aaaaaaaa", "repeated"), ("        ", "only spaces"), ("baseball  ", "commonly used"),
                    ("12345678", "run"), ("hgfedcba", "run"), ("coach-ann-1", "name")]
        for (password, why) in weak {
            let outcome = try box.run(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"], stdin: password + "\n")
            expectFailure(outcome, 64, why)
            if password.contains(where: { $0 != " " }) { #expect(!outcome.stderr.contains(password)) }
            #expect(!FileManager.default.fileExists(atPath: box.databasePath))
        }
        try box.seed()
        try box.logIn("bo")
        let before = box.dump()
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "Gus Grant", "--email", "gus@example.com", "--password-stdin"],
                                  stdin: "grant-me-access\n"), 64, "name or email")
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "Gus Grant", "--email", "gus.w@example.com", "--password-stdin"],
                                  stdin: "football\n"), 64, "commonly used")
        expectFailure(try box.run(as: "bo", "passwd", "--password-stdin", stdin: "bo-password\nmember-of-the-year\n"), 64, "name or email")
        expectFailure(try box.run(as: "bo", "passwd", "--password-stdin", stdin: "bo-password\nbo-password\n"), 64, "same as the current")
        expectFailure(try box.run(["users", "reset", "bo@example.com", "--password-stdin"], stdin: "sunshine\n"), 64, "commonly used")
        #expect(box.dump() == before)
    }

    /// An admin's reset: a one-time password, every login revoked, a forced
    /// change, an account notice at once, and whoami saying who and when.
    @Test func usersResetSetsAOneTimePasswordThatMustBeChanged() throws {
        let box = try Sandbox()
        try box.seed()
        let boBefore = try box.token("bo")
        expectFailure(try box.run(as: "di", "users", "reset", "bo@example.com", "--password-stdin", stdin: "one-time-pw-42\n"), 77, "admin")
        expectFailure(try box.run(as: "di", "users", "reset", "nobody@example.com", "--password-stdin", stdin: "one-time-pw-42\n"), 77, "admin")
        expectFailure(try box.run(["users", "reset", "nobody@example.com", "--password-stdin"], stdin: "one-time-pw-42\n"), 66)
        box.now = "2026-12-01T09:30:00Z"
        let reset = try box.run(["users", "reset", "bo@example.com", "--password-stdin"], stdin: "one-time-pw-42\n")
        try box.expectOK(reset)
        #expect(!reset.stdout.contains("one-time-pw-42"))
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_TOKEN": boBefore]), 77, "revoked")
        expectFailure(try box.run(["login", "bo@example.com", "--password-stdin"], stdin: "bo-password\n"), 77)

        let boState = box.root.appendingPathComponent("state-bo-reset").path
        let asBo = ["XDG_STATE_HOME": boState]
        let login = try box.run(["login", "bo@example.com", "--password-stdin"], stdin: "one-time-pw-42\n", env: asBo)
        try box.expectOK(login)
        #expect(login.stdout.contains("mindbeat passwd"))
        for words in [["sessions", "list"], ["notes", "list"], ["profile", "--phone", "+49 170 7654321"]] {
            expectFailure(try box.run(words, env: asBo), 77, "run mindbeat passwd")
        }
        let whoami = try box.run(["whoami"], env: asBo)
        try box.expectOK(whoami)
        #expect(whoami.stdout.contains("Password last reset by an administrator, Ann Coach <ann@example.com>, on 2026-12-01 09:30."))
        #expect(Set(try box.run(["whoami", "--json"], env: asBo).object.keys) == ["email", "name", "role", "admin", "phone", "zoom", "sandbox"])
        try box.expectOK(box.run(["passwd", "--password-stdin"], stdin: "one-time-pw-42\nbo-own-choice-7\n", env: asBo))
        try box.expectOK(box.run(["sessions", "list"], env: asBo))

        let outbox = try box.run("outbox", "--json")
        #expect(outbox.array.map { "\($0["kind"] ?? "") \($0["recipient"] ?? "") \($0["due_at"] ?? "") \($0["session"] is NSNull)" }
                == ["account bo@example.com 2026-12-01T09:30:00Z true"])
        #expect(!box.dump().contains("one-time-pw-42"))
    }

    /// SPEC §5: a wrong email and a wrong password take the same time — an
    /// unknown email costs one password verification, like a known one.
    /// Measured as each login's CPU time (bash's `time`), the two kinds
    /// interleaved, 20 of each, their medians within 10%. The suite running
    /// beside this test on a 2-core machine moves even CPU time (argon2 is
    /// memory-bound) by up to 15%, so a round that misses is measured again,
    /// up to three rounds; the per-process decoy this replaced cost twice as
    /// much as a wrong password, which no round would pass.
    @Test func loginTakesTheSameTimeForAnUnknownEmailAsForAWrongPassword() throws {
        let box = try Sandbox()
        try box.seed()
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        func round() throws -> (known: Double, unknown: Double) {
            let result = try shell("""
                TIMEFORMAT='%3U %3S'
                for i in $(seq 1 20); do
                  for email in bo@example.com nobody@example.com; do
                    t=$( { time printf 'not-the-password\\n' | '\(binary)' login "$email" --password-stdin 2>/dev/null; } 2>&1 )
                    echo "$email $t"
                  done
                done
                """, environment: env)
            func median(_ email: String) -> Double {
                let times = result.lines.filter { $0.hasPrefix(email + " ") }.map { line in
                    line.split(separator: " ").dropFirst().compactMap { Double($0) }.reduce(0, +)
                }.sorted()
                #expect(times.count == 20, "\(result.stdout) \(result.stderr)")
                return times.isEmpty ? 0 : times[times.count / 2]
            }
            return (median("bo@example.com"), median("nobody@example.com"))
        }
        var rounds: [(known: Double, unknown: Double)] = []
        for _ in 0..<3 {
            let measured = try round()
            rounds.append(measured)
            if abs(measured.known - measured.unknown) / max(measured.known, measured.unknown) < 0.10 { break }
        }
        let last = rounds.last ?? (0, 0)
        #expect(last.known > 0.02, "a verification takes real work: \(last.known) s")
        #expect(abs(last.known - last.unknown) / max(last.known, last.unknown) < 0.10,
                "median CPU time of a login (wrong password, unknown email), each round: \(rounds)")
    }

    @Test func usersAddAndList() throws {
        let box = try Sandbox()
        try box.seed()
        let list = try box.run("users", "list", "--json")
        #expect(list.array.map { $0["email"] as? String } == ["ann@example.com", "bo@example.com", "cy@example.com", "di@example.com", "ed@example.com"])
        #expect(try box.run("users", "list", "--role", "coach", "--json").array.count == 2)
        #expect(try box.run("users", "list").stdout.contains("Cy Lead"))
        expectFailure(try box.run(as: "di", "users", "list"), 77, "admin")
        try box.logIn("bo")
        let before = box.dump()
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "B", "--email", "Bo@Example.com", "--password-stdin"], stdin: "tulip-window-42\n"), 1, "already exists")
        expectFailure(try box.run(as: "bo", "users", "add", "--role", "member", "--name", "Z", "--email", "z@example.com", "--password-stdin", stdin: "tulip-window-42\n"), 77)
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "Z", "--email", "z@example.com", "--coach", "nobody@example.com", "--password-stdin"], stdin: "tulip-window-42\n"), 66)
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "Z", "--email", "z@example.com", "--manager", "di@example.com", "--password-stdin"], stdin: "tulip-window-42\n"), 1, "not a manager")
        #expect(box.dump() == before)
    }

    @Test func aCoachAddsTheirOwnMembers() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run(as: "di", "users", "add", "--role", "member", "--name", "Gus", "--email", "gus@example.com", "--password-stdin", stdin: "gus-password\n"))
        let members = try box.run(as: "di", "members", "--json")
        #expect(members.array.map { $0["email"] as? String } == ["ed@example.com", "gus@example.com"])
    }

    @Test func profileShowsAndUpdates() throws {
        let box = try Sandbox()
        try box.seed()
        let updated = try box.run("profile", "--zoom", "https://zoom.example/j/1", "--phone", "+1 (555) 010-0100", "--json")
        #expect(updated.object["zoom"] as? String == "https://zoom.example/j/1")
        #expect(updated.object["phone"] as? String == "+1 (555) 010-0100")
        let cleared = try box.run("profile", "--phone=", "--json")
        #expect(cleared.object["phone"] is NSNull)
        #expect(try box.run("profile").stdout.contains("https://zoom.example/j/1"))
        expectFailure(try box.run("profile", "--zoom", "javascript:alert(1)"), 64, "--zoom")
        expectFailure(try box.run("profile", "--phone", "+1 555\r\nBcc: x"), 64, "--phone")
    }

    @Test func membersForCoachAndLineManager() throws {
        let box = try Sandbox()
        try box.seed()
        _ = try box.schedule("2026-12-02T09:00:00Z")
        let coach = try box.run("members", "--json")
        let bo = try #require(coach.array.first)
        #expect(bo["email"] as? String == "bo@example.com")
        #expect(Set(bo.keys) == ["email", "name", "role", "admin", "phone", "zoom", "next_session", "held", "missed", "bank", "changes",
                                 "flagged"])
        #expect(bo["bank"] is NSNull && bo["changes"] as? Int == 0 && bo["flagged"] as? Bool == false)
        #expect((bo["next_session"] as? [String: Any])?["contact_attempts"] as? Int == 0)
        let manager = try box.run(as: "cy", "members", "--json")
        let report = try #require(manager.array.first)
        #expect(Set(report.keys) == ["email", "name", "role", "admin", "phone", "zoom", "next_session", "held", "missed"])
        let next = try #require(report["next_session"] as? [String: Any])
        #expect(Set(next.keys) == ["id", "coach", "coach_name", "member", "member_name", "starts_at", "ends_at", "duration_minutes", "status"])
        expectFailure(try box.run(as: "bo", "members"), 77)
        #expect(try box.run("members").stdout.contains("Bo Member"))
    }
}
