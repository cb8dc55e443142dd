#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// Who a command sent over SSH runs as, and on which database: fixed by the
/// forced command sshd runs (`serve ssh KEYID`), never by the words sent.
struct RemoteCaller {
    let keyID: Int64
    let database: String
    /// The database as `serve ssh` opened it, so that the command does not
    /// open it again.
    let store: any Store
}

/// The server's side of team mode (SPEC §11): `serve ssh KEYID`, the forced
/// command that runs `SSH_ORIGINAL_COMMAND` as the key's account.
enum RemoteServer {
    /// Whether a command line is the forced command `serve authorized-keys`
    /// prints — `[--db PATH] serve ssh KEYID` — and nothing else: its clock
    /// is not the environment's to set, so an invalid `MINDBEAT_NOW` on the
    /// server must not stop it before it looks at the database.
    static func isForcedCommand(_ arguments: [String]) -> Bool {
        guard arguments.count >= 3, arguments.suffix(3).prefix(2) == ["serve", "ssh"] else { return false }
        let before = arguments.dropLast(3)
        switch before.count {
        case 0: return true
        case 1: return before.first?.hasPrefix("--db=") == true
        case 2: return before.first == "--db"
        default: return false
        }
    }

    /// Runs the command the client sent and returns its exit status.
    static func serve(_ context: Context, keyID text: String) throws -> Int32 {
        guard let keyID = Int64(text), keyID > 0, String(keyID) == text else {
            throw UsageError("KEYID \(Parser.shown(text)) is not a key id; serve ssh is the command serve authorized-keys gives sshd")
        }
        let database = try AuthorizedKeyLine.absolute(try context.databaseLocation())
        let mindbeat = try context.openMindbeat()
        let account: Account
        let sandbox: Bool
        do {
            let caller = try mindbeat.keyCaller(keyID)
            (account, sandbox) = (caller.actor.account, caller.sandbox)
        } catch MindbeatError.notLoggedIn {
            throw CommandFailure.unsafe("this SSH key is not registered with mindbeat")
        }

        // The server's clock, unless the database is a sandbox whose server
        // set one (sshd's SetEnv). Nothing the client sends reaches here:
        // sshd passes its variables only with AcceptEnv, and they are read
        // only in a sandbox.
        var clock: any Clock = SystemClock()
        if sandbox, let chosen = try testClock(context.environment) { clock = chosen }
        // The command's environment: the server's zone and nothing else — no
        // token, no database, no mail command, no editor.
        var environment: [String: String] = [:]
        // sshd may pass a client's variables on (AcceptEnv), and the C
        // library reads TZ and TZDIR from the process's environment: only a
        // TZ that names a zone of the system's database stays, so that no
        // client names a file; TZDIR never does.
        unsetenv("TZDIR")
        if let zone = context.environment["TZ"], SystemZone.exists(zone, environment: [:]) {
            environment["TZ"] = zone
        } else {
            unsetenv("TZ")
        }
        tzset()

        let words: [String]
        do {
            words = CommandWords.dropLeadingMindbeat(try CommandWords.split(bytes: originalCommand(context)))
        } catch {
            throw UsageError("the command sent over SSH \(error.problem) (\(Phrases.remoteGrammar))")
        }
        if words.isEmpty {
            let render = context.render
            context.out.line("Hi \(render.text(account.name))! You are connected to mindbeat as \(render.text(account.email))\(sandbox ? " (sandbox)" : "").")
            context.out.line("There is no shell here. Run a command with: ssh HOST mindbeat COMMAND [ARGS],")
            context.out.line("or on your machine: mindbeat --remote HOST COMMAND [ARGS] (mindbeat help lists the commands).")
            return ExitStatus.success.rawValue
        }
        guard context.out.flush() else { throw OutputError(message: outputFailure(context)) }
        return run(arguments: words, environment: environment, stdin: context.stdinFD, stdout: context.stdoutFD,
                   stderr: context.stderrFD, clock: clock,
                   remote: RemoteCaller(keyID: keyID, database: database, store: mindbeat.store))
    }

    /// `SSH_ORIGINAL_COMMAND` as sshd set it, byte for byte: the environment
    /// mindbeat reads repairs bytes that are not UTF-8, and the grammar
    /// refuses them instead of running other words than were sent.
    static func originalCommand(_ context: Context) -> [UInt8] {
        guard let line = context.environment["SSH_ORIGINAL_COMMAND"] else { return [] }
        if let raw = getenv("SSH_ORIGINAL_COMMAND") {
            let bytes = raw.withMemoryRebound(to: UInt8.self, capacity: strlen(raw)) { Array(UnsafeBufferPointer(start: $0, count: strlen(raw))) }
            // The process's own variable, unless a test passed another.
            if String(decoding: bytes, as: UTF8.self) == line { return bytes }
        }
        return Array(line.utf8)
    }

    /// Refuses, before the line is parsed, a command that does not run over
    /// SSH and a global option that would reach past the server's database —
    /// whatever else is wrong with the line (exit 77).
    static func refuseEarly(_ words: [String], table: [Command]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            if let name = Parser.globalValueName(word) {
                if let reason = RemoteAccess.refusal(globalOption: name) { throw notAvailable(reason) }
                index += word.contains("=") ? 1 : 2
            } else if word == "-h" || word == "--help" || word == "--version" {
                index += 1
            } else {
                break
            }
        }
        let rest = words[min(index, words.count)...]
        let path = table.filter { rest.starts(with: $0.path) }.max { $0.path.count < $1.path.count }?.path
        let first = rest.first.map { [$0] } ?? []
        if let reason = RemoteAccess.refusal(path: path ?? first) { throw notAvailable(reason) }
    }

    /// The checks that need the parsed line: a global option given after the
    /// command, an option that names a file of the server's, and a reset the
    /// service refuses (of one's own password, with a key).
    static func refuse(_ request: Request, globals: Parser.Globals, context: Context) throws {
        if globals.db != nil, let reason = RemoteAccess.refusal(globalOption: "db") { throw notAvailable(reason) }
        if globals.remote != nil, let reason = RemoteAccess.refusal(globalOption: "remote") { throw notAvailable(reason) }
        guard case .run(let command, let arguments) = request else { return }
        if let reason = RemoteAccess.refusal(path: command.path) { throw notAvailable(reason) }
        for option in command.options where option.value == .path {
            if let value = arguments.values[option.name], value != .string("-") {
                throw notAvailable(.serverFile(option.name))
            }
        }
        // Who may reset whom is the service's rule; over SSH it is asked
        // before the one-time password is read.
        if command.path == ["users", "reset"], let email = arguments[.emailArgument] {
            let signedIn = try context.signIn()
            try signedIn.mindbeat.checkReset(signedIn.actor, email: email)
        }
    }

    static func notAvailable(_ reason: RemoteAccess.Refusal) -> CommandFailure {
        .unsafe("not available over SSH: " + Phrases.remote(reason))
    }
}
