import Foundation
import Testing
import TestSupport

/// Files and processes handled the way a careful Unix tool handles them
/// (SPEC §8): what init creates, what any command agrees to open, the state
/// directory, child processes' environments, SIGQUIT, and who may run
/// outbox send.
@Suite("Files and processes, end to end", .enabled(if: !TestBackend.isPostgres, "the SQLite file and its directory"))
struct FileSafetyTests {
    static let initArguments = ["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"]

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    // MARK: init

    @Test func initNeverTakesOverAFileItDidNotCreate() throws {
        let box = try Sandbox()
        let data = box.root.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // An empty file anyone may write, put there beforehand.
        #expect(FileManager.default.createFile(atPath: box.databasePath, contents: Data(), attributes: [.posixPermissions: 0o666]))
        _ = try shell("chmod 666 '\(box.databasePath)'")
        let adopted = try box.run(Self.initArguments, stdin: "ann-password\n")
        expectFailure(adopted, 73, "never takes over a file it did not create")
        #expect(adopted.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: box.databasePath)).isEmpty)
        #expect(Self.mode(box.databasePath) == 0o666)
        #expect(Self.files(box.root.appendingPathComponent("state/mindbeat").path).isEmpty, "no login was saved")
        #expect(Self.files(data) == ["mindbeat.db"], "nothing else was left")

        // A symbolic link is never followed: not to a missing file, not to one that exists.
        try FileManager.default.removeItem(atPath: box.databasePath)
        let target = box.root.appendingPathComponent("target.db").path
        try FileManager.default.createSymbolicLink(atPath: box.databasePath, withDestinationPath: target)
        expectFailure(try box.run(Self.initArguments, stdin: "ann-password\n"), 73)
        #expect(!FileManager.default.fileExists(atPath: target))
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: target))
        expectFailure(try box.run(Self.initArguments, stdin: "ann-password\n"), 73)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "theirs")

        // Nothing there: init creates it, 0600, and a second init is refused as before.
        try FileManager.default.removeItem(atPath: box.databasePath)
        try box.expectOK(box.run(Self.initArguments, stdin: "ann-password\n"))
        #expect(Self.mode(box.databasePath) == 0o600)
        #expect(Self.files(data) == ["mindbeat.db"], "the file it was built in is gone")
        expectFailure(try box.run(Self.initArguments, stdin: "ann-password\n"), 1, "already has accounts")
    }

    @Test func aFailedInitLeavesNothingBehindAndARetryWorks() throws {
        let box = try Sandbox()
        // The login cannot be saved: the state directory would be under a file.
        let blocker = box.root.appendingPathComponent("blocker").path
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data([1])))
        let failed = try box.run(Self.initArguments, stdin: "ann-password\n", env: ["XDG_STATE_HOME": blocker + "/state"])
        expectFailure(failed, 74)
        #expect(!FileManager.default.fileExists(atPath: box.databasePath), "the database it created was removed")
        #expect(Self.files(box.root.appendingPathComponent("data").path).isEmpty, "and nothing else was left")
        try box.expectOK(box.run(Self.initArguments, stdin: "ann-password\n"))
        #expect(try box.run("whoami").stdout.contains("ann@example.com"))
    }

    // MARK: What any command opens

    @Test func aDatabasePathThatIsNotARegularFileExits65AtOnce() throws {
        let box = try Sandbox()
        let fifo = box.root.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let directory = box.root.appendingPathComponent("a-directory").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        for path in [fifo, directory, "/dev/null"] {
            var env = box.environment
            env["MINDBEAT_DB"] = path
            env["MINDBEAT_NOW"] = box.now
            // A hang would be a timeout's 124 (or 137: the test runner blocks SIGTERM).
            for command in ["whoami", "sessions list", "login ann@example.com --password-stdin <<< ann-password", "outbox send",
                            "init --name A --email a@example.com --password-stdin <<< ann-password"] {
                let outcome = try shell("timeout -k 5 10 '\(binary)' \(command)", environment: env)
                expectFailure(outcome, 65, "is not a regular file")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(path) \(command): \(outcome.stderr)")
            }
            // Completion opens the database too, and offers nothing.
            let completion = try shell("timeout -k 5 10 '\(binary)' __complete -- attend ''", environment: env)
            #expect(completion.status == 0, "\(path): \(completion.status)")
            #expect(completion.stderr.isEmpty)
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
    }

    @Test func aDatabaseOrStateDirectoryOthersMayWriteIsRefused() throws {
        let box = try Sandbox()
        try box.seed()
        _ = try box.schedule()
        let db = box.databasePath
        let data = (db as NSString).deletingLastPathComponent
        let state = box.root.appendingPathComponent("state/mindbeat").path
        let before = box.dump()
        func refused(_ path: String, mode: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            _ = try shell("chmod \(mode) '\(path)'")
            for command in [["whoami"], ["sessions", "list"], ["outbox", "send"]] {
                let outcome = try box.run(command, env: ["MINDBEAT_SENDMAIL": "/bin/true"])
                #expect(outcome.status == 77, "\(command) on \(path) \(mode): \(outcome.status) \(outcome.stderr)", sourceLocation: sourceLocation)
                #expect(outcome.stderr == "mindbeat: \(message)\n", sourceLocation: sourceLocation)
            }
        }
        try refused(db, mode: "0666", "\(db) is writable by others; run: chmod go-w \(db)")
        try refused(db, mode: "0620", "\(db) is writable by others; run: chmod go-w \(db)")
        _ = try shell("chmod 0600 '\(db)'")
        try refused(data, mode: "0770", "\(data) is writable by others; run: chmod go-w \(data)")
        try refused(data, mode: "1777", "\(data) is a shared directory that others may write, and SQLite keeps files beside the database; keep \(db) in a directory of your own")
        _ = try shell("chmod 0700 '\(data)'")
        if FileManager.default.fileExists(atPath: db + "-wal") {
            try refused(db + "-wal", mode: "0646", "\(db)-wal is writable by others; run: chmod go-w \(db)-wal")
            _ = try shell("chmod 0600 '\(db)-wal'")
        }
        // The state directory: where the login is read from.
        _ = try shell("chmod 0730 '\(state)'")
        let login = try box.run("whoami")
        #expect(login.status == 77)
        #expect(login.stderr == "mindbeat: \(state) is writable by others; run: chmod go-w \(state)\n")
        expectFailure(try box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"), 77, "chmod go-w \(state)")
        _ = try shell("chmod 0700 '\(state)'")
        try box.expectOK(box.run("whoami"))
        #expect(box.dump() == before, "a refused command wrote nothing")
        // A path with a space is quoted in the command to copy.
        let spaced = box.root.appendingPathComponent("my data").path
        try FileManager.default.createDirectory(atPath: spaced, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        _ = try shell("chmod 0777 '\(spaced)'")
        let outcome = try box.run(["whoami"], env: ["MINDBEAT_DB": spaced + "/m.db"])
        #expect(outcome.status == 66, "missing is missing, wherever: \(outcome.stderr)")
        let created = try box.run(Self.initArguments, stdin: "ann-password\n", env: ["MINDBEAT_DB": spaced + "/m.db"])
        #expect(created.status == 77)
        #expect(created.stderr == "mindbeat: \(spaced) is writable by others; run: chmod go-w '\(spaced)'\n")
        #expect(Self.files(spaced).isEmpty)
    }

    @Test func theStateDirectoryIsNeverChmodedThroughALink() throws {
        let box = try Sandbox()
        try box.seed()
        let state = box.root.appendingPathComponent("state/mindbeat").path
        try FileManager.default.removeItem(atPath: state)
        // A link to a directory of one's own: used, and left as it is.
        let own = box.root.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: false)
        _ = try shell("chmod 0755 '\(own)'")
        try FileManager.default.createSymbolicLink(atPath: state, withDestinationPath: own)
        try box.expectOK(box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"))
        #expect(Self.mode(own) == 0o755, "the link's target was not chmod-ed")
        #expect(Self.files(own).contains { $0.hasSuffix(".token") })
        try box.expectOK(box.run("whoami"))

        // A link to someone else's directory: refused, untouched.
        guard getuid() == 0 else { return }
        let theirs = box.root.appendingPathComponent("theirs").path
        try FileManager.default.createDirectory(atPath: theirs, withIntermediateDirectories: false)
        _ = try shell("chmod 0755 '\(theirs)' && chown 65534:65534 '\(theirs)'")
        try FileManager.default.removeItem(atPath: state)
        try FileManager.default.createSymbolicLink(atPath: state, withDestinationPath: theirs)
        let before = box.dump()
        let refused = try box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n")
        expectFailure(refused, 77, "\(state) belongs to another user (uid 65534)")
        #expect(box.dump() == before, "no login was issued")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(Self.mode(theirs) == 0o755)
        #expect(Self.files(theirs).isEmpty, "no login written into it")
        // Nor is a token planted there read.
        try "mbt_planted\n".write(toFile: theirs + "/planted.token", atomically: false, encoding: .utf8)
        expectFailure(try box.run("whoami"), 77, "belongs to another user")
    }

    // MARK: Child processes

    @Test func theMailCommandGetsNoMindbeatVariables() throws {
        let (box, _, _) = try OutboxCommandTests.prepared(marker: "ENV-1")
        let dump = box.root.appendingPathComponent("mail-env").path
        let (command, _) = try OutboxCommandTests.fakeSendmail(box, body: "env >> '\(dump)'")
        let token = try box.token("ann")
        let send = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command, "MINDBEAT_TOKEN": token, "MINDBEAT_MAIL_FROM": "coaching@example.org",
                                                        "MINDBEAT_ANYTHING": "x", "KEPT_VARIABLE": "kept"])
        try box.expectOK(send)
        let environment = try String(contentsOfFile: dump, encoding: .utf8)
        #expect(environment.contains("KEPT_VARIABLE=kept"))
        #expect(environment.contains("HOME="))
        #expect(!environment.contains("MINDBEAT_"), "\(environment)")
        #expect(!environment.contains(token))
    }

    // MARK: Signals

    /// Runs `mindbeat ARGS` with standard input a pipe that stays open, waits
    /// until it blocks reading it, sends `signal`, and returns how it ended.
    static func signalled(_ box: Sandbox, _ arguments: [String], signal: Int32, env extra: [String: String] = [:]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        for (key, value) in extra { env[key] = value }
        process.environment = env
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        process.standardError = errors
        // It inherits the test runner's signal mask, which blocks the signals
        // under test: mindbeat unblocks them itself.
        try process.run()
        let pid = process.processIdentifier
        // Blocked in a read of the pipe: the kernel says so in wchan; where it
        // does not, sleeping for a while is the next best thing.
        let deadline = Date().addingTimeInterval(10)
        var sleeping = 0
        while Date() < deadline {
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
            if wchan.contains("pipe_read") { break }
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.split(separator: ")").last?.split(separator: " ").first == "S" { sleeping += 1 }
            if sleeping > 20 && !wchan.contains("_") { break }
            usleep(20_000)
        }
        kill(pid, signal)
        // Never a hang of the tests: a command that carries on is killed.
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 10, execute: watchdog)
        defer { watchdog.cancel() }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        return (process, String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: [SIGQUIT, SIGINT, SIGTERM])
    func aSignalEndsACommandAndWritesNothing(signal: Int32) throws {
        let box = try Sandbox()
        try box.seed()
        let before = box.dump()
        for backtrace in [nil, "enable=yes,interactive=yes"] {
            let env = backtrace.map { ["SWIFT_BACKTRACE": $0] } ?? [:]
            // users add reads the new account's password before it writes.
            let arguments = ["users", "add", "--role", "member", "--name", "Quinn", "--email", "quinn@example.com", "--password-stdin"]
            let (process, stderr) = try Self.signalled(box, arguments, signal: signal, env: env)
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                    "signal \(signal), SWIFT_BACKTRACE=\(backtrace ?? "unset"): \(process.terminationReason) \(process.terminationStatus)")
            for word in ["rash", "acktrac", "Thread 0", "debugger"] {
                #expect(!stderr.contains(word), "signal \(signal): \(stderr.prefix(300))")
            }
        }
        #expect(box.dump() == before)
    }

    // MARK: outbox send

    @Test(.enabled(if: getuid() == 0, "runs mindbeat as another user (nobody) with setpriv, which needs root"))
    func outboxSendRunsOnlyAsTheDatabaseOwnerOrRoot() throws {
        let (box, _, _) = try OutboxCommandTests.prepared(marker: "OWNER-1")
        let (command, spool) = try OutboxCommandTests.fakeSendmail(box)
        // The user nobody can reach the database file, but neither read nor write it (0600).
        let data = (box.databasePath as NSString).deletingLastPathComponent
        _ = try shell("chmod 0755 '\(box.root.path)' && chmod 0711 '\(data)' && chown 65534:65534 '\(spool)'")
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["MINDBEAT_SENDMAIL"] = command
        let asNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups"
        // Even a user who can open and write it (CAP_DAC_OVERRIDE), where the
        // system lets setpriv grant that, is not its owner.
        var refused = try shell("\(asNobody) --inh-caps=+dac_override --ambient-caps=+dac_override '\(binary)' outbox send", environment: env)
        if refused.stderr.hasPrefix("setpriv") {
            refused = try shell("\(asNobody) '\(binary)' outbox send", environment: env)
        }
        #expect(refused.status == 77, "\(refused.status) \(refused.stderr)")
        #expect(refused.stderr == "mindbeat: only the owner of \(box.databasePath) (uid 0) or root may run this: it is the operator's job, and runs the operator's own commands\n")
        #expect(refused.stdout.isEmpty)
        #expect(try OutboxCommandTests.messages(spool).isEmpty)
        #expect(OutboxCommandTests.storyNotices(try box.run("outbox", "--json").array).allSatisfy {
            $0["status"] as? String == "pending" && $0["attempts"] as? Int == 0
        })
        // And without that capability, the same.
        let plain = try shell("\(asNobody) '\(binary)' outbox send", environment: env)
        #expect(plain.status == 77 && plain.stderr == refused.stderr, "\(plain.status) \(plain.stderr)")

        // Its owner may, when that is not root.
        _ = try shell("chown -R 65534:65534 '\(data)'")
        let owner = try shell("\(asNobody) '\(binary)' outbox send", environment: env)
        #expect(owner.status == 0, "\(owner.stderr)")
        #expect(owner.stdout == "3 sent, 0 failed\n")
        #expect(try OutboxCommandTests.messages(spool).count == 3)
        // And root always may.
        let rootRun = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command])
        try box.expectOK(rootRun)
        #expect(rootRun.stdout == "0 sent, 0 failed\n")
    }
}
