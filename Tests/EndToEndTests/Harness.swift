import Foundation
import Testing
import TestSupport

/// The result of one run of the built binary.
struct Outcome {
    let status: Int32
    let stdout: String
    let stderr: String

    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The JSON stdout decodes to.
    var json: Any? {
        guard let data = stdout.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
}

/// The built `mindbeat`: `MINDBEAT_BIN`, else the debug build of this package.
let binary: String = {
    if let path = ProcessInfo.processInfo.environment["MINDBEAT_BIN"], !path.isEmpty { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/mindbeat").path
}()

/// A throwaway home for one test: its own database, state directory and clock.
final class Sandbox: @unchecked Sendable {
    let root: URL
    var now = "2026-12-01T08:00:00Z"
    var environment: [String: String]

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mindbeat-e2e-\(UUID().uuidString)")
        // 0700 whatever the umask: mindbeat refuses a database in a directory others may write.
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        environment = [
            "HOME": root.path,
            "PATH": "/usr/bin:/bin",
            "MINDBEAT_DB": TestBackend.isPostgres ? TestBackend.newDatabase(in: root.path)
                                                  : root.appendingPathComponent("data/mindbeat.db").path,
            "XDG_STATE_HOME": root.appendingPathComponent("state").path,
            "TZ": "UTC",
        ]
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var databasePath: String { environment["MINDBEAT_DB"] ?? "" }

    /// Runs `mindbeat ARGS` with `stdin` piped in, under the sandbox's clock.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, env extra: [String: String] = [:], stdoutPath: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = environment
        env["MINDBEAT_NOW"] = now
        for (key, value) in extra { env[key] = value }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        if let stdoutPath {
            process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        } else {
            process.standardOutput = outPipe
        }
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        // A command that exits before reading its input (help, a usage error)
        // closes the pipe: the write must fail quietly, not kill the runner.
        ignoreBrokenPipes()
        if let stdin { try? inPipe.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let out = stdoutPath == nil ? outPipe.fileHandleForReading.readDataToEndOfFile() : Data()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Outcome(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    func run(_ words: String..., stdin: String? = nil, env: [String: String] = [:]) throws -> Outcome {
        try run(words, stdin: stdin, env: env)
    }

    /// `init` as Ann, a coach with the admin right, with Bo (a member with a
    /// phone and a line manager, Cy), Di (another coach) and Ed (Di's member).
    func seed() throws {
        try expectOK(run(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"))
        try expectOK(run(["users", "add", "--role", "manager", "--name", "Cy Lead", "--email", "cy@example.com", "--password-stdin"], stdin: "cy-password\n"))
        try expectOK(run(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com", "--manager", "cy@example.com",
                          "--phone", "+49 170 1234567", "--password-stdin"], stdin: "bo-password\n"))
        try expectOK(run(["users", "add", "--role", "coach", "--name", "Di Coach", "--email", "di@example.com", "--zoom", "https://zoom.example/j/42",
                          "--password-stdin"], stdin: "di-password\n"))
        try expectOK(run(["users", "add", "--role", "member", "--name", "Ed Member", "--email", "ed@example.com", "--coach", "di@example.com",
                          "--password-stdin"], stdin: "ed-password\n"))
    }

    /// A login token for one of the seeded people, for `as:`.
    func token(_ who: String) throws -> String {
        let state = root.appendingPathComponent("state-\(who)").path
        let outcome = try run(["login", "\(who)@example.com", "--password-stdin"], stdin: "\(who)-password\n", env: ["XDG_STATE_HOME": state])
        try expectOK(outcome)
        let directory = state + "/mindbeat"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let file = files.first(where: { $0.hasSuffix(".token") }),
              let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)
        else { return "" }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var tokens: [String: String] = [:]

    /// Logs the seeded people in ahead of time, so that a later dump of the
    /// database is not changed by a first login.
    func logIn(_ people: String...) throws {
        for who in people where tokens[who] == nil { tokens[who] = try token(who) }
    }

    /// Runs a command as a seeded person.
    @discardableResult
    func run(as who: String, _ words: String..., stdin: String? = nil) throws -> Outcome {
        if tokens[who] == nil { tokens[who] = try token(who) }
        return try run(words, stdin: stdin, env: ["MINDBEAT_TOKEN": tokens[who] ?? ""])
    }

    /// Schedules a session of Ann's with Bo and returns its id.
    func schedule(_ at: String = "2026-12-01T09:00:00Z", member: String = "bo@example.com", as who: String = "ann") throws -> String {
        let outcome = try run(as: who, "sessions", "add", "--at", at, "--member", member)
        try expectOK(outcome)
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func expectOK(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr)", sourceLocation: sourceLocation)
        if outcome.status != 0 { throw Failed() }
    }

    struct Failed: Error {}

    /// The environment of a shell script that runs the binary as `$BIN`
    /// under the sandbox's clock, for tests that start processes at once.
    var scriptEnvironment: [String: String] {
        var env = environment
        env["MINDBEAT_NOW"] = now
        env["BIN"] = binary
        return env
    }

    /// Runs SQL on the sandbox's database from outside mindbeat: the sqlite3
    /// shell, or psql (tables in the schema `mindbeat`); rows one a line,
    /// columns joined by `|`, NULL as nothing, as both print them.
    func sql(_ query: String) throws -> Outcome {
        if TestBackend.isPostgres {
            return try execute("/usr/bin/psql", ["-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", databasePath,
                                                  "-c", "SET search_path TO mindbeat; " + query])
        }
        return try execute("/usr/bin/sqlite3", [databasePath, query])
    }

    /// The database's rows, to check that a refused command wrote nothing.
    func dump() -> String {
        if TestBackend.isPostgres { return TestBackend.dump(databasePath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [databasePath, ".dump"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Checks an error: the exit status, and that every stderr line is prefixed.
func expectFailure(_ outcome: Outcome, _ status: Int32, _ fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.status == status, "expected \(status), got \(outcome.status): \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(!outcome.stderr.isEmpty, "no message on stderr", sourceLocation: sourceLocation)
    for line in outcome.stderr.split(separator: "\n") {
        #expect(line.hasPrefix("mindbeat: "), "unprefixed stderr line: \(line)", sourceLocation: sourceLocation)
    }
    if let fragment {
        #expect(outcome.stderr.contains(fragment), "stderr lacks \(fragment): \(outcome.stderr)", sourceLocation: sourceLocation)
    }
}
