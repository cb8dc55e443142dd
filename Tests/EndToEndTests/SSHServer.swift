import Foundation
import Testing
import TestSupport

/// Runs a program without a shell: its status, output and errors, with
/// `stdin` written from another thread (so a large input cannot block on a
/// full output pipe) and the process killed after `timeout` seconds.
///
/// A write to a child that has closed its input fails with EPIPE instead of
/// killing the test runner with SIGPIPE (Foundation does not ignore it, and
/// its non-throwing `FileHandle.write` traps on the error).
func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}

/// A child of the test runner inherits its blocked signals (SIGTERM among
/// them), so a script that stops its own children uses `kill -KILL`.
func execute(_ path: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
             timeout: TimeInterval = 30) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    ignoreBrokenPipes()
    let input = inPipe.fileHandleForWriting
    let errors = errPipe.fileHandleForReading
    let group = DispatchGroup()
    let collected = Collected()
    DispatchQueue.global().async(group: group) {
        if let stdin { try? input.write(contentsOf: stdin) }
        try? input.close()
    }
    DispatchQueue.global().async(group: group) { collected.errors = errors.readDataToEndOfFile() }
    // SIGKILL: children of the test runner inherit its blocked signals, SIGTERM among them.
    let pid = process.processIdentifier
    let timer = DispatchWorkItem { [process] in if process.isRunning { kill(pid, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    timer.cancel()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return Outcome(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: collected.errors, as: UTF8.self))
}

private final class Collected: @unchecked Sendable {
    var errors = Data()
}

/// A key pair made by ssh-keygen for one person: the private key's path,
/// its `.pub` line and its fingerprint as `ssh-keygen -l -E sha256` prints it.
struct ClientKey {
    let path: String
    let line: String
    let fingerprint: String
    var publicPath: String { path + ".pub" }
}

/// Debian's real OpenSSH server in front of a mindbeat database, the way
/// SPEC §11 deploys team mode: a service account owning the database, an
/// `AuthorizedKeysCommand` that asks `mindbeat serve authorized-keys`, and
/// the forced command that line names. One per test; needs root.
///
/// Everything it makes is its own: a service user `mbt` + 8 hex digits
/// (removed with its home by `stop`), a root-owned copy of the binary under
/// /usr/local/libexec, and a 0700 temporary directory with the host key, the
/// client keys, sshd_config, known_hosts and sshd's log.
final class SSHServer: @unchecked Sendable {
    let user: String
    let home: String
    /// The database, owned by the service user, in a 0700 directory of its home.
    let database: String
    /// The root-owned 0755 directory the binary is copied to.
    let libexec: String
    /// The copy of the binary sshd runs (AuthorizedKeysCommand and the forced command).
    let mindbeat: String
    /// Root's 0700 temporary directory: keys, config, log.
    let directory: String
    /// MINDBEAT_NOW for commands run locally on the database; nil for the real clock.
    var now: String?
    private(set) var port: Int32 = 0
    /// Lines added to sshd_config after the fixed ones (e.g. `SetEnv …`, `AcceptEnv …`).
    private(set) var extraConfig: [String]
    let logLevel: String
    /// The pid of sshd's listener (from its PidFile).
    private var sshd: pid_t?
    private var stopped = false

    var configPath: String { directory + "/sshd_config" }
    var logPath: String { directory + "/sshd.log" }
    var knownHosts: String { directory + "/known_hosts" }
    var canary: String { home + "/CANARY" }

    /// Makes the service user, its database directory, the binary's copy
    /// and a host key; `start` starts sshd.
    init(extraConfig: [String] = [], logLevel: String = "VERBOSE", now: String? = nil) throws {
        self.extraConfig = extraConfig
        self.logLevel = logLevel
        self.now = now
        let suffix = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(8))
        user = "mbt" + suffix
        home = "/home/" + user
        // In the PostgreSQL pass, a database of its own on the test server.
        database = TestBackend.isPostgres ? TestBackend.newDatabase(in: home) : home + "/db/mindbeat.db"
        libexec = "/usr/local/libexec/mindbeat-test-" + suffix
        mindbeat = libexec + "/mindbeat"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mindbeat-sshd-" + suffix).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        try Self.must(execute("/usr/sbin/useradd", ["-m", "-d", home, "-s", "/bin/sh", user]), "useradd")
        // UsePAM no refuses a locked (`!`) account; `*` is unlocked and matches no password.
        try Self.must(execute("/usr/sbin/usermod", ["-p", "*", user]), "usermod")
        try Self.must(execute("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/install", "-d", "-m", "0700", home + "/db"]), "database directory")

        // AuthorizedKeysCommand: every component root-owned, writable by root only.
        try Self.must(execute("/usr/bin/install", ["-d", "-o", "root", "-g", "root", "-m", "0755", "/usr/local/libexec", libexec]), "libexec")
        for component in ["/usr", "/usr/local", "/usr/local/libexec"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: component)
            let mode = (attributes[.posixPermissions] as? Int) ?? 0
            guard (attributes[.ownerAccountID] as? Int) == 0, mode & 0o022 == 0 else {
                throw Problem("\(component) must be root-owned and not group/other-writable for sshd's AuthorizedKeysCommand (mode \(String(mode, radix: 8)))")
            }
        }
        try Self.must(execute("/usr/bin/install", ["-o", "root", "-g", "root", "-m", "0755", binary, mindbeat]), "binary copy")

        try Self.must(execute("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", directory + "/host_key"]), "host key")
    }

    deinit { stop() }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @discardableResult
    static func must(_ outcome: Outcome, _ what: String) throws -> Outcome {
        guard outcome.status == 0 else { throw Problem("\(what): exit \(outcome.status): \(outcome.stderr)") }
        return outcome
    }

    // MARK: sshd

    var config: String {
        let fixed = [
            "ListenAddress 127.0.0.1",
            "Port \(port)",
            "HostKey \(directory)/host_key",
            "PidFile \(pidPath)",
            "AuthorizedKeysFile none",
            "AuthorizedKeysCommand \(mindbeat) --db \(database) serve authorized-keys %u %t %k",
            "AuthorizedKeysCommandUser \(user)",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "AllowUsers \(user)",
            "PermitTTY no",
            "DisableForwarding yes",
            "LogLevel \(logLevel)",
        ]
        return (fixed + extraConfig).joined(separator: "\n") + "\n"
    }

    /// Starts sshd on a free port and fills known_hosts with its host key.
    ///
    /// sshd runs in the background (no `-D`), logging to a file (`-E`), and
    /// is found by its PidFile: a child kept by Foundation's `Process` would
    /// close the descriptor `Process` watches for its exit, and Foundation
    /// would then block in waitpid on it, so that no later child is reaped.
    func start() throws {
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        var lastLog = ""
        for _ in 0..<3 {
            port = try Self.freePort()
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: logPath)
            try? FileManager.default.removeItem(atPath: pidPath)
            try Self.must(execute("/usr/sbin/sshd", ["-f", configPath, "-E", logPath]), "sshd")
            if waitForLog(count: 1, of: "Server listening on 127.0.0.1 port \(port)"), let pid = waitForPid() {
                sshd = pid
                let hostKey = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8)
                    .split(separator: " ").prefix(2).joined(separator: " ")
                try "[127.0.0.1]:\(port) \(hostKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
                return
            }
            lastLog = log
            if let pid = readPid() { kill(pid, SIGTERM) }
        }
        throw Problem("sshd did not start: \(lastLog)")
    }

    var pidPath: String { directory + "/sshd.pid" }

    private func readPid() -> pid_t? {
        (try? String(contentsOfFile: pidPath, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func waitForPid() -> pid_t? {
        for _ in 0..<200 {
            if let pid = readPid(), pid > 1 { return pid }
            usleep(25_000)
        }
        return nil
    }

    private func isRunning(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    /// Rewrites sshd_config with other extra lines and has sshd reread it
    /// (SIGHUP: sshd executes itself again). New connections see the change.
    func reconfigure(_ lines: [String]) throws {
        guard let sshd, isRunning(sshd) else { throw Problem("sshd is not running: \(log)") }
        let listening = "Server listening on 127.0.0.1 port \(port)"
        let before = log.components(separatedBy: listening).count - 1
        extraConfig = lines
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(sshd, SIGHUP)
        guard waitForLog(count: before + 1, of: listening) else { throw Problem("sshd did not come back after SIGHUP: \(log)") }
    }

    /// Sets the clock of a sandbox database as the server's operator does:
    /// `SetEnv MINDBEAT_NOW=…` in sshd_config, for every later connection;
    /// also the clock of local commands.
    func setClock(_ time: String) throws {
        now = time
        try reconfigure(extraConfig.filter { !$0.hasPrefix("SetEnv MINDBEAT_NOW=") } + ["SetEnv MINDBEAT_NOW=\(time)"])
    }

    private func waitForLog(count: Int, of line: String) -> Bool {
        for _ in 0..<200 {
            if log.components(separatedBy: line).count - 1 >= count { return true }
            usleep(25_000)
        }
        return false
    }

    /// sshd's log so far, for failure messages.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops sshd, removes the service user with its home, the binary's copy
    /// and the temporary directory. Safe to call twice.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if let sshd, readPid() == sshd {
            kill(sshd, SIGTERM)
            for _ in 0..<100 where isRunning(sshd) { usleep(10_000) }
        }
        _ = try? execute("/usr/sbin/userdel", ["-r", "-f", user])
        try? FileManager.default.removeItem(atPath: libexec)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Problem("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Problem("bind: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Problem("getsockname: \(errno)") }
        return Int32(UInt16(bigEndian: address.sin_port))
    }

    // MARK: Local commands on the database, as the service user

    /// The environment of a local command: nothing of root's.
    func localEnvironment(now: String?, state: String, token: String?, database: String) -> [String] {
        var env = ["HOME=\(home)", "PATH=/usr/bin:/bin", "MINDBEAT_DB=\(database)", "XDG_STATE_HOME=\(state)", "TZ=UTC"]
        if let now { env.append("MINDBEAT_NOW=\(now)") }
        if let token { env.append("MINDBEAT_TOKEN=\(token)") }
        return env
    }

    /// Runs `mindbeat WORDS` on the server's machine as the service user —
    /// mindbeat refuses a database owned by someone else, and root would
    /// leave -wal/-shm files the service user cannot open.
    @discardableResult
    func local(_ words: [String], stdin: String? = nil, token: String? = nil, database: String? = nil, state: String? = nil) throws -> Outcome {
        let env = localEnvironment(now: now, state: state ?? home + "/state", token: token, database: database ?? self.database)
        return try execute("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "-i"] + env + [mindbeat] + words,
                           stdin: stdin.map { Data($0.utf8) })
    }

    /// Logs `email` in locally (password on stdin) and returns the token.
    func token(_ email: String, password: String, database: String? = nil) throws -> String {
        let state = home + "/state-" + UUID().uuidString
        try Self.must(local(["login", email, "--password-stdin"], stdin: password + "\n", database: database, state: state), "login \(email)")
        let directory = state + "/mindbeat"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let file = files.first(where: { $0.hasSuffix(".token") }) else { throw Problem("no token file in \(directory): \(files)") }
        return try String(contentsOfFile: directory + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program as the service user (e.g. sqlite3).
    func asServiceUser(_ path: String, _ arguments: [String]) throws -> Outcome {
        try execute("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "-i", "HOME=\(home)", "PATH=/usr/bin:/bin", path] + arguments)
    }

    /// The database's rows (sqlite3 .dump, as the service user), to check
    /// that a refused command wrote nothing.
    func dump(_ database: String? = nil) throws -> String {
        if TestBackend.isPostgres { return TestBackend.dump(database ?? self.database) }
        return try Self.must(asServiceUser("/usr/bin/sqlite3", [database ?? self.database, ".dump"]), "sqlite3 .dump").stdout
    }

    /// A consistent copy of the database (sqlite3 .backup, as the service
    /// user; on PostgreSQL, mindbeat's own db copy into a new database).
    func copyDatabase(to path: String) throws {
        if TestBackend.isPostgres {
            try Self.must(local(["db", "copy", "--to", path]), "db copy")
            return
        }
        try Self.must(asServiceUser("/usr/bin/sqlite3", [database, ".backup '\(path)'"]), "sqlite3 .backup")
        try Self.must(asServiceUser("/bin/chmod", ["0600", path]), "chmod")
    }

    // MARK: Clients

    /// A fresh ed25519 key pair for `name`, in root's temporary directory.
    func key(_ name: String) throws -> ClientKey {
        let path = directory + "/key-" + name
        try Self.must(execute("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "\(name)@laptop", "-f", path]), "ssh-keygen")
        let listed = try Self.must(execute("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", path + ".pub"]), "ssh-keygen -l")
        let fingerprint = listed.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        return ClientKey(path: path, line: line, fingerprint: fingerprint)
    }

    /// The client's options before the key: no config file, no terminal,
    /// no prompts, only the keys given, this server's host key only.
    var clientOptions: [String] {
        ["-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
         "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "ConnectTimeout=10"]
    }

    /// `ssh … USER@127.0.0.1 -- WORDS` with `key`: what a person on another
    /// machine types. `extraOptions` come after `-T` and before `-i KEY`.
    /// `port` defaults to this server's. No words: no command at all.
    func ssh(key: ClientKey, _ words: [String], stdin: Data? = nil, extraOptions: [String] = [], port: Int32? = nil,
             environment extra: [String: String] = [:], timeout: TimeInterval = 30) throws -> Outcome {
        var arguments = clientOptions + extraOptions + ["-i", key.path, "-p", String(port ?? self.port), "\(user)@127.0.0.1"]
        if !words.isEmpty { arguments += ["--"] + words }
        var env = ["HOME": directory, "PATH": "/usr/bin:/bin"]
        for (name, value) in extra { env[name] = value }
        // ssh closes every descriptor above 2 as it starts, the one
        // Foundation's Process watches among them; Foundation then waits for
        // it in a blocking waitpid that holds up noticing any other child's
        // exit, in every suite, until ssh is done. timeout(1) keeps that
        // descriptor open, and kills a hung ssh.
        return try execute("/usr/bin/timeout", ["-s", "KILL", String(Int(timeout)), "/usr/bin/ssh"] + arguments,
                           stdin: stdin, environment: env, timeout: timeout + 5)
    }

    func ssh(key: ClientKey, _ words: String..., stdin: String? = nil) throws -> Outcome {
        try ssh(key: key, words, stdin: stdin.map { Data($0.utf8) })
    }
}
