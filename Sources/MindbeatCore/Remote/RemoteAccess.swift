/// What a command sent over SSH may do (SPEC §11): the forced command runs
/// as the key's account on the server's database, and nothing on the line may
/// reach past that — another database, another server, a file of the
/// server's, the service account's own logins, or the mail it sends.
public enum RemoteAccess {
    /// Why something is not available over SSH.
    public enum Refusal: Equatable, Sendable {
        /// `init`: it creates a database where it runs.
        case createsDatabase
        /// `login`, `logout`, `passwd`: password logins; over SSH the key is the login.
        case passwordLogin(String)
        /// `serve`: what the server's sshd runs.
        case serverSide
        /// `db`: database files stay on the server.
        case databaseFiles
        /// `completions`: a script for the caller's own shell.
        case localShell
        /// `outbox send`: the service account's crontab delivers mail.
        case mailDelivery
        /// The global option naming a database.
        case otherDatabase
        /// The global option naming another server.
        case otherServer
        /// An option that names a file of the server's (its name).
        case serverFile(String)
    }

    /// Why a command is not available over SSH, or nil when it is. `path` is
    /// the command's words (`["outbox", "send"]`).
    public static func refusal(path: [String]) -> Refusal? {
        guard let first = path.first else { return nil }
        switch first {
        case "init": return .createsDatabase
        case "login", "logout", "passwd": return .passwordLogin(first)
        case "serve": return .serverSide
        case "db": return .databaseFiles
        case "completions": return .localShell
        case "outbox" where path.dropFirst().first == "send": return .mailDelivery
        default: return nil
        }
    }

    /// Why a global option may not be given over SSH, or nil.
    public static func refusal(globalOption name: String) -> Refusal? {
        switch name {
        case "db": return .otherDatabase
        case "remote": return .otherServer
        default: return nil
        }
    }

    /// A time-zone name as `--tz` takes it (SPEC §11): an IANA name such as
    /// `Europe/Berlin`, `UTC` or `Etc/GMT+1` — letters, digits, `_`, `-`, `+`
    /// and `/`, at most 64 bytes, with no empty, `.` or `..` part and no
    /// leading `/`. Whether the zone exists is for the caller to check
    /// against the system's time-zone database.
    public static func zoneName(_ text: String) throws(InvalidValue) -> String {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw InvalidValue("is empty; give a time-zone name such as Europe/Berlin") }
        guard bytes.count <= 64 else { throw InvalidValue("is longer than 64 bytes; give a time-zone name such as Europe/Berlin") }
        let allowed = bytes.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
        }
        guard allowed else {
            throw InvalidValue("is not a time-zone name (letters, digits, _, -, + and /, such as Europe/Berlin)")
        }
        guard bytes.first != UInt8(ascii: "/") else { throw InvalidValue("is a path; give a time-zone name such as Europe/Berlin") }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw InvalidValue("is not a time-zone name (an empty, . or .. part); give one such as Europe/Berlin")
        }
        return text
    }
}
