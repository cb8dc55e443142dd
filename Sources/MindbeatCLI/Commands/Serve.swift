#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

extension Commands {
    static let serveAuthorizedKeys = Command(
        ["serve", "authorized-keys"], group: .server,
        summary: "answer sshd's AuthorizedKeysCommand (team mode)",
        discussion: """
            For sshd_config: AuthorizedKeysCommand /usr/local/bin/mindbeat --db /srv/mindbeat/mindbeat.db \
            serve authorized-keys %u %t %k. For a key registered with mindbeat keys add, prints one \
            authorized_keys line that forces this mindbeat, on this database, to serve that key's \
            account and nothing else (restrict: no terminal, no forwarding); for any other key prints \
            nothing; nor for a path of mindbeat or of the database holding a control character, ", \\ \
            or ', which sshd could not pass to the forced command intact. Exits 0 either way; a problem (a database that cannot be opened) is logged on \
            standard error, which sshd writes to its log. Needs no login. USER is sshd's %u and is \
            not consulted: give the command in a Match User block for the service account.
            """,
        positionals: [
            Positional(Key.sshUser, "the user sshd authenticates (%u)"),
            Positional(Key.keyType, "the key's type (%t)"),
            Positional(Key.keyBlob, "the key, base64 (%k)"),
        ],
        examples: [("mindbeat --db /srv/mindbeat/mindbeat.db serve authorized-keys mindbeat ssh-ed25519 AAAAC3Nza…", "what sshd runs")],
        action: .open { context, arguments in
            guard let key = try? PublicKey.parse(type: try arguments.required(.keyType), base64: try arguments.required(.keyBlob)) else {
                return
            }
            do {
                let location = try AuthorizedKeyLine.absolute(try context.databaseLocation())
                let mindbeat = try context.openMindbeat()
                guard let id = try mindbeat.authorizedKeyID(key) else { return }
                guard let binary = AuthorizedKeyLine.executablePath() else {
                    return context.warn("serve authorized-keys: cannot tell where this mindbeat is (/proc/self/exe)")
                }
                guard let line = AuthorizedKeyLine(binary: binary, database: location, keyID: id, key: key).text else {
                    return context.warn("serve authorized-keys: the path of mindbeat or of the database holds a control character, \", \\ or ', which sshd's forced command cannot carry; no key line is printed (move it)")
                }
                context.out.line(line)
            } catch {
                let (_, lines) = ExitStatus.describe(error, zone: context.zone, now: context.now)
                for line in lines { context.warn("serve authorized-keys: " + line) }
            }
        }
    )
}

extension Commands {
    static let serveSSH = Command(
        ["serve", "ssh"], group: .server,
        summary: "run a command sent over SSH as the key's account (sshd's forced command)",
        discussion: """
            Not for people to type: serve authorized-keys puts it in the forced command of each \
            registered key, and sshd runs it for every connection with that key. It runs \
            SSH_ORIGINAL_COMMAND as the key's account, on this database, with the server's clock. \
            The command line is split into words by a fixed grammar, never by a shell: spaces and \
            tabs separate words; '…' is literal; in "…" only \\" and \\\\ are escapes; outside \
            quotes \\ escapes the next character; $, `, *, ~, ; and | are ordinary characters. A \
            NUL or a line break, an unbalanced quote, a trailing lone \\ or more than 65,536 bytes: \
            exit 64. A leading word mindbeat is dropped. With no command it greets the key's owner. \
            Not available over SSH (exit 77): init, login, logout, passwd, users reset of your own \
            account, outbox send, db, serve, completions, --db, --remote, and any option that \
            names a file on the server. --tz takes only a time-zone name. MINDBEAT_NOW and \
            MINDBEAT_CLOCK_RATE are ignored unless the database was made with init --sandbox; the \
            client's environment is never read. Standard input, output, error and the exit status \
            pass through; a command that watches or waits ends when its client goes away. A key \
            that was removed, or whose account was, is refused (77).
            """,
        positionals: [Positional(Key.keyID, "the key's id, as serve authorized-keys printed it")],
        examples: [("ssh mindbeat@team.example.com sessions list", "what a coach types; sshd runs serve ssh KEYID for it")],
        action: .open { context, arguments in
            throw Finished(status: try RemoteServer.serve(context, keyID: try arguments.required(.keyID)))
        }
    )
}

/// The line `serve authorized-keys` prints for sshd: a forced command that
/// runs this very binary on this very database for one key, with every
/// forwarding and the terminal refused.
struct AuthorizedKeyLine {
    let binary: String
    let database: String
    let keyID: Int64
    let key: PublicKey

    /// The line, or nil when a path cannot be carried safely: a control
    /// character (a line break would end the line and start another, which
    /// sshd would read as a key of its own), or `"`, `\` or `'`.
    ///
    /// sshd reads the option's text with only `\"` unescaped — a `\\`
    /// reaches the shell as two backslashes (OpenSSH's opt_dequote) — and
    /// then hands the command to the service account's shell (`$SHELL -c`).
    /// So each path is quoted for the shell with single quotes, or left bare
    /// when it holds only safe characters, as every ordinary path does; a
    /// path with `$(…)`, a space or `;` is one word and runs nothing. A path
    /// that would need `"`, `\` or a `'` (written `'\''`) is refused rather
    /// than escaped: no escaping of sshd's gives the shell back the same path.
    var text: String? {
        guard ![binary, database].contains(where: AuthorizedKeyLine.cannotCarry) else { return nil }
        let command = CommandWords.quote([binary, "--db", database, "serve", "ssh", String(keyID)])
        return "command=\"\(command)\",restrict \(key.type.rawValue) \(key.base64)"
    }

    /// Whether a path holds what the forced command cannot carry.
    static func cannotCarry(_ path: String) -> Bool {
        path.unicodeScalars.contains { Values.isControl($0) || $0 == "\"" || $0 == "\\" || $0 == "'" }
    }

    /// This process's executable, by absolute path.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The binary was replaced while this one ran (an upgrade): the
        // kernel's name for it is not a path to run.
        return path.hasSuffix(" (deleted)") ? nil : path
    }

    /// A database path made absolute against the working directory.
    /// A PostgreSQL URI is carried without its password, which sshd's
    /// lines must never show: the service account keeps it in its
    /// `~/.pgpass` (or a service file), where libpq finds it.
    static func absolute(_ path: String) throws -> String {
        if Stores.isServer(path) { return Stores.shown(path) }
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw UsageError("cannot tell the working directory to make \(path) absolute; give --db an absolute path")
        }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return directory + "/" + path
    }
}
