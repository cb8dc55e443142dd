import Foundation
import Testing
import TestSupport

/// Each exit status of SPEC §7 these commands can produce, from the real binary.
@Suite("Exit statuses, end to end")
struct ExitStatusTests {
    @Test func usageErrorsExit64WithTheUsageAndASuggestion() throws {
        let box = try Sandbox()
        try box.seed()
        let command = try box.run("sesions", "list")
        expectFailure(command, 64, "did you mean 'sessions'?")
        let option = try box.run("end", "1", "--hled")
        expectFailure(option, 64, "did you mean --held?")
        #expect(option.stderr.contains("usage: mindbeat end ID (--held | --missed)"))
        expectFailure(try box.run("end", "1"), 64, "give one of --held or --missed")
        expectFailure(try box.run("end", "1", "--held", "--missed"), 64, "cannot be used together")
        expectFailure(try box.run("end", "1", "--held", "--held"), 64, "more than once")
        expectFailure(try box.run("end", "1", "--held=yes"), 64, "takes no value")
        expectFailure(try box.run("sessions", "show", "0"), 64, "ID")
        expectFailure(try box.run("sessions", "show", "9223372036854775808"), 64, "out of range")
        expectFailure(try box.run("sessions", "show", "12abc"), 64)
        expectFailure(try box.run("sessions", "show"), 64, "missing ID")
        expectFailure(try box.run("sessions", "show", "1", "2"), 64, "unexpected argument")
        expectFailure(try box.run("sessions"), 64, "needs a subcommand")
        expectFailure(try box.run("sessions", "lst"), 64, "did you mean 'sessions list'?")
        expectFailure(try box.run("contact", "1", "--via", "pigeon"), 64, "email, phone, chat")
        expectFailure(try box.run("sessions", "add", "--at"), 64, "needs a value")
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "Bad\nName", "--email", "x@example.com", "--password-stdin"], stdin: "tulip-window-42\n"), 64, "--name")
        expectFailure(try box.run(["users", "add", "--role", "member", "--name", "X", "--email", "-x@example.com", "--password-stdin"], stdin: "tulip-window-42\n"), 64, "--email")
        expectFailure(try box.run([]), 64)
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_NOW": "tomorrow"]), 64, "MINDBEAT_NOW")
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_NOW": "2026-02-30T10:00:00Z"]), 64, "MINDBEAT_NOW")
    }

    @Test func optionsGoAnywhereInEitherSpelling() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run("sessions", "add", "--member=bo@example.com", "--at=2026-12-01T09:00:00Z"))
        #expect(try box.run("sessions", "show", "--json", "1").object["id"] as? Int == 1)
        #expect(try box.run("--db", box.databasePath, "sessions", "show", "1", "--json").object["id"] as? Int == 1)
        #expect(try box.run("sessions", "show", "1", "--db=\(box.databasePath)", "--json").object["id"] as? Int == 1)
    }

    @Test func helpAndVersionNeedNoDatabase() throws {
        let box = try Sandbox()
        let version = try box.run("--version")
        try box.expectOK(version)
        #expect(version.stdout.hasPrefix("mindbeat "))
        let help = try box.run("--help")
        try box.expectOK(help)
        #expect(help.stdout.contains("sessions list"))
        try box.expectOK(box.run("end", "--help"))
        try box.expectOK(box.run("end", "-h", "--bogus"))
        #expect(try box.run("help", "sessions", "list").stdout.contains("usage: mindbeat sessions list"))
        try box.expectOK(box.run("help", "users"))
        expectFailure(try box.run("help", "nonsense"), 64)
        #expect(!FileManager.default.fileExists(atPath: box.databasePath))
    }

    @Test func aMissingDatabaseSaysToRunInit() throws {
        let box = try Sandbox()
        let outcome = try box.run("whoami")
        expectFailure(outcome, 66, "mindbeat init")
        #expect(!FileManager.default.fileExists(atPath: box.databasePath))
    }

    @Test func withoutHomeOrXDGTheMessageSaysWhatToSet() throws {
        let box = try Sandbox()
        try box.seed()
        let token = try box.token("ann")
        let bare = ["MINDBEAT_DB": box.databasePath, "MINDBEAT_NOW": box.now]
        let process = try shell("env -i \(bare.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")) '\(binary)' whoami")
        #expect(process.status == 64)
        #expect(process.stderr == "mindbeat: cannot tell where your files go: set HOME or XDG_STATE_HOME\n")
        let withToken = try shell("env -i \(bare.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")) MINDBEAT_TOKEN='\(token)' '\(binary)' whoami")
        #expect(withToken.status == 0 && withToken.stdout.contains("ann@example.com"))
    }

    @Test func notLoggedInExits77WithAHint() throws {
        let box = try Sandbox()
        try box.seed()
        try FileManager.default.removeItem(at: box.root.appendingPathComponent("state"))
        for command in [["whoami"], ["sessions", "list"], ["status"], ["members"], ["attend", "1"]] {
            expectFailure(try box.run(command), 77, "mindbeat login")
        }
    }

    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func filesThatAreNotMindbeatDatabasesExit65Untouched() throws {
        let box = try Sandbox()
        let random = box.root.appendingPathComponent("random.db").path
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<16_384).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try bytes.write(to: URL(fileURLWithPath: random))
        expectFailure(try box.run(["whoami"], env: ["MINDBEAT_DB": random]), 65, "not a mindbeat database")
        expectFailure(try box.run(["init", "--name", "A", "--email", "a@example.com", "--password-stdin"], stdin: "tulip-window-42\n", env: ["MINDBEAT_DB": random]), 73)
        #expect(try Data(contentsOf: URL(fileURLWithPath: random)) == bytes)

        let foreign = box.root.appendingPathComponent("foreign.db").path
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [foreign, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('theirs');"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        expectFailure(try box.run(["sessions", "list"], env: ["MINDBEAT_DB": foreign]), 65)
        expectFailure(try box.run(["init", "--name", "A", "--email", "a@example.com", "--password-stdin"], stdin: "tulip-window-42\n", env: ["MINDBEAT_DB": foreign]), 73)
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }

    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func aDatabaseFromANewerMindbeatExits65Untouched() throws {
        let box = try Sandbox()
        try box.seed()
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [box.databasePath, "PRAGMA user_version = 42; PRAGMA wal_checkpoint(TRUNCATE);"]
        sqlite.standardOutput = Pipe()
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = try Data(contentsOf: URL(fileURLWithPath: box.databasePath))
        expectFailure(try box.run("whoami"), 65, "newer mindbeat")
        #expect(try Data(contentsOf: URL(fileURLWithPath: box.databasePath)) == before)
    }

    @Test func anUncreatableDatabaseExits73() throws {
        let box = try Sandbox()
        let blocker = box.root.appendingPathComponent("blocker").path
        _ = FileManager.default.createFile(atPath: blocker, contents: Data([1]))
        let outcome = try box.run(["init", "--name", "A", "--email", "a@example.com", "--password-stdin"], stdin: "tulip-window-42\n",
                                  env: ["MINDBEAT_DB": blocker + "/sub/mindbeat.db"])
        expectFailure(outcome, 73, "cannot create")
    }

    @Test func anUnwritableStdoutExits74() throws {
        let box = try Sandbox()
        try box.seed()
        _ = try box.schedule()
        let outcome = try box.run(["sessions", "list"], stdoutPath: "/dev/full")
        expectFailure(outcome, 74, "cannot write output")
        let help = try box.run(["--help"], stdoutPath: "/dev/full")
        expectFailure(help, 74)
        #expect(!outcome.stderr.contains("saved"), "a read saved nothing")
        // A write that committed cannot be taken back: the message says it was
        // saved, so that a script does not simply run it again.
        let added = try box.run(["sessions", "add", "--at", "2026-12-03T09:00:00Z", "--member", "bo@example.com"], stdoutPath: "/dev/full")
        expectFailure(added, 74, "the change was saved all the same")
        #expect(try box.run("sessions", "list", "--json").array.count == 2)
    }

    @Test func noColourOutsideATerminal() throws {
        let box = try Sandbox()
        try box.seed()
        _ = try box.schedule()
        #expect(!(try box.run("sessions", "list")).stdout.contains("\u{1B}"))
    }

    @Test func hostileValuesNeverCrash() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let huge = String(repeating: "9", count: 100_000)
        let hostile = ["", "\u{0}", "\u{1B}[31m", "\u{202E}evil", "\u{FFFD}", huge, "-", "--", "+99999999999999999d", "9999-12-31T23:59:59Z",
                       "2026-03-29 02:30", "-1", "0x10", "１２"]
        for value in hostile where !value.contains("\u{0}") {
            for command in [["sessions", "show", value], ["sessions", "add", "--at", value, "--member", "bo@example.com"], ["chat", id, value],
                            ["end", value, "--held"], ["sessions", "list", "--from", value], ["users", "list", "--role", value], [value]] {
                let outcome = try box.run(command)
                #expect(outcome.status < 128, "crashed on \(command.map { String($0.prefix(20)) })")
                #expect([0, 1, 64, 66].contains(outcome.status), "\(command.map { String($0.prefix(20)) }) exited \(outcome.status)")
                #expect(!outcome.stderr.contains("\u{1B}"), "an escape sequence reached stderr")
            }
        }
    }
}
