#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// Everything a command may touch of the outside world: the environment, the
/// standard streams, the clock and the zone. Handlers receive it; nothing else
/// in mindbeat reads the environment.
final class Context {
    let environment: [String: String]
    let out: Output
    let err: Diagnostics
    /// The clock as it runs, for the few commands that take their time
    /// (`outbox send`); every other command reads `now`.
    private(set) var runningClock: any Clock
    /// The command's instant: read once when it starts, so that a command
    /// decides, stores and prints the same time. With a database server it is
    /// moved to the server's clock when the database opens (SPEC §12).
    private(set) var now: Instant
    /// Whether the clock is this machine's (no `MINDBEAT_NOW`): a database
    /// server's clock then replaces it.
    private let clockIsSystem: Bool
    let zone: any LocalZone
    let stdinFD: Int32
    let stdoutFD: Int32
    let stderrFD: Int32
    /// `--db`, if given.
    var databaseOverride: String?
    /// Set when the command came over SSH (`serve ssh`): the key it signs in
    /// with. Such a command has no terminal, no token and no state directory.
    var remoteKey: Int64?

    init(environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32, clock: any Clock, zone: any LocalZone) {
        self.environment = environment
        self.out = Output(fd: stdout)
        self.err = Diagnostics(fd: stderr)
        self.runningClock = clock
        self.now = clock.now()
        self.clockIsSystem = clock is SystemClock
        self.zone = zone
        self.stdinFD = stdin
        self.stdoutFD = stdout
        self.stderrFD = stderr
    }
    /// Never over SSH: a command run for a key opens no editor and asks for
    /// no password on whatever sshd gave it.
    var stdinIsTerminal: Bool { remoteKey == nil && isatty(stdinFD) == 1 }
    var stdoutIsTerminal: Bool { remoteKey == nil && isatty(stdoutFD) == 1 }

    /// Colour only on a terminal, and never with NO_COLOR set.
    var usesColor: Bool { stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" }

    func warn(_ text: String) { err.line(text) }

    // MARK: Files

    /// The user's home directory, from `$HOME`. (Not from the password
    /// database: the release binary is fully static, where NSS look-ups are
    /// unreliable.)
    var home: String? {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        return nil
    }

    /// An XDG base directory: the variable if absolute, else `~/fallback`.
    func xdg(_ variable: String, fallback: String) throws -> String {
        if let value = environment[variable], value.hasPrefix("/") { return value }
        guard let home else {
            throw UsageError("cannot tell where your files go: set HOME or \(variable)")
        }
        return home + "/" + fallback
    }

    /// `--db`, else `MINDBEAT_DB`, else `$XDG_DATA_HOME/mindbeat/mindbeat.db`.
    func databaseLocation() throws -> String {
        if let path = databaseOverride { return path }
        if let path = environment["MINDBEAT_DB"], !path.isEmpty { return path }
        return try xdg("XDG_DATA_HOME", fallback: ".local/share") + "/mindbeat/mindbeat.db"
    }

    /// The rules over the existing database, on the command's instant.
    func openMindbeat() throws -> Mindbeat {
        Mindbeat(store: try openStore(), clock: FixedClock(now), zone: zone, eventDescription: Phrases.eventDescription)
    }

    /// The store this command was given (over SSH, the one `serve ssh`
    /// opened), else the database opened now.
    var givenStore: (any Store)?

    private func openStore() throws -> any Store {
        if let givenStore { return opened(givenStore) }
        return try opened(Stores.open(try databaseLocation()))
    }

    /// The stores this command opened, so that a command whose output fails
    /// can say whether its change was saved all the same.
    private(set) var openedStores: [any Store] = []

    func opened(_ store: any Store) -> any Store {
        openedStores.append(store)
        if clockIsSystem, store.clockOffset != 0, openedStores.count == 1 {
            runningClock = OffsetClock(runningClock, seconds: store.clockOffset)
            now = OffsetClock(FixedClock(now), seconds: store.clockOffset).now()
        }
        return store
    }

    /// Whether the command committed a change to the database.
    var savedAChange: Bool { openedStores.contains { $0.committedWrites > 0 } }

    /// The rules over the existing database with the clock running, for a
    /// command that takes its time.
    func openMindbeatRunning() throws -> Mindbeat {
        Mindbeat(store: try openStore(), clock: runningClock, zone: zone, eventDescription: Phrases.eventDescription)
    }

    // MARK: Signing in

    /// Opens the database and authenticates the caller: the one place a
    /// login is checked (SPEC §7 order: the database first, then the login).
    func signIn() throws -> SignedIn {
        let mindbeat = try openMindbeat()
        if let remoteKey {
            return SignedIn(context: self, mindbeat: mindbeat, actor: try mindbeat.authenticate(.key(remoteKey)))
        }
        guard let token = try token(for: mindbeat.store) else { throw MindbeatError.notLoggedIn }
        let actor = try mindbeat.authenticate(.token(token))
        return SignedIn(context: self, mindbeat: mindbeat, actor: actor)
    }

    // Login tokens and the state directory: StateDirectory.swift.

    // MARK: Reading input

    /// A whole file, up to `limit` bytes.
    func readFile(_ path: String, limit: Int) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure.io("cannot read \(path)") }
        defer { close(fd) }
        return String(decoding: try readAll(fd, limit: limit), as: UTF8.self)
    }

    /// Everything on a descriptor, refusing more than `limit` bytes.
    func readAll(_ fd: Int32, limit: Int) throws -> [UInt8] {
        var data: [UInt8] = []
        // A login token is 69 bytes: no need to clear 64 KiB to read it.
        var chunk = [UInt8](repeating: 0, count: min(limit + 1, 65_536))
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure.io("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
            if data.count > limit { throw TooLarge() }
        }
        return data
    }

    struct TooLarge: Error {}

    /// Standard input as text, at most `limit` bytes.
    func readStdin(limit: Int) throws -> String? {
        do {
            return String(decoding: try readAll(stdinFD, limit: limit), as: UTF8.self)
        } catch is TooLarge {
            return nil
        }
    }

    /// One line of standard input, without its line ending.
    func readLine() throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(stdinFD, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure.io("cannot read standard input")
            }
            if count == 0 || byte == 10 { break }
            bytes.append(byte)
            if bytes.count > 4096 { throw UsageError("the password is longer than 4096 bytes") }
        }
        if bytes.last == 13 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A password: one line from standard input with `--password-stdin`, else
    /// asked for on the terminal without echo (twice when `confirm`). Checked
    /// before anything is hashed or written: for length, and a new one
    /// against the password policy (SPEC §5) — the common passwords of the
    /// system's dictionaries, and the account's name and email when known.
    func readPassword(fromStdin: Bool, confirm: Bool, prompt: String = "Password: ", use: PasswordUse = .existing) throws -> String {
        let password: String
        if fromStdin {
            password = try readLine()
        } else {
            guard stdinIsTerminal else {
                throw UsageError("no terminal to ask for the password on; pipe it in with --password-stdin")
            }
            password = try promptSecret(prompt)
            if confirm {
                let again = try promptSecret("Again: ")
                guard again == password else { throw UsageError("the two passwords differ") }
            }
        }
        do throws(InvalidValue) {
            switch use {
            case .existing:
                try Secrets.validatePassword(password)
            case .new(let name, let email):
                let lists = SystemPasswordLists()
                if lists.paths.isEmpty { warn(Phrases.noPasswordList) }
                try PasswordPolicy.check(password, common: lists)
                if let name, let email { try PasswordPolicy.check(password, name: name, email: email) }
            }
        } catch {
            throw UsageError("the password \(error.problem)")
        }
        return password
    }

    private func promptSecret(_ prompt: String) throws -> String {
        err.prompt(prompt)
        defer { if stdinIsTerminal { err.prompt("\n") } }
        return try QuietTerminal.withoutEcho(stdinFD) { try readLine() }
    }
}
