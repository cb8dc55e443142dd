import MindbeatCore

// Every option and positional argument of the command table, each with the
// type its value arrives as. Commands declare and read their values through
// these, never through a string.

extension Key where Value == Bool {
    static let json = Key(flag: "json")
    static let passwordStdin = Key(flag: "password-stdin")
    static let admin = Key(flag: "admin")
    static let sandbox = Key(flag: "sandbox")
    static let upcoming = Key(flag: SessionScope.upcoming.rawValue)
    static let past = Key(flag: SessionScope.past.rawValue)
    static let all = Key(flag: SessionScope.all.rawValue)
    static let held = Key(flag: EndOutcome.held.rawValue)
    static let missed = Key(flag: EndOutcome.missed.rawValue)
    static let zoomFlag = Key(flag: Channel.zoom.rawValue)
    static let phoneFlag = Key(flag: Channel.phone.rawValue)
    static let platform = Key(flag: Channel.platform.rawValue)
    static let shared = Key(flag: Visibility.shared.rawValue)
    static let `private` = Key(flag: Visibility.private.rawValue)
}

extension Key where Value == Int64 {
    /// A session id as the first argument.
    static let id = Key("ID", .sessionID)
    /// A session id as an option (`notes --session ID`).
    static let session = Key("session", .sessionID)
    static let duration = Key("duration", .minutes)
    static let rating = Key("rating", .rating)
    static let count = Key("count", .seriesCount)
    /// `users bank --sessions N`.
    static let bankSessions = Key("sessions", .bankSessions)
    /// `wait --timeout DURATION`, in seconds.
    static let timeout = Key("timeout", .duration)
}

extension Key where Value == Instant {
    static let at = Key("at", .time)
    static let from = Key("from", .time)
    static let to = Key("to", .time)
}

extension Key where Value == String {
    static let db = Key("db", .path)
    static let member = Key("member", .email)
    static let coach = Key("coach", .email)
    static let manager = Key("manager", .email)
    static let email = Key("email", .email)
    /// An email as the first argument (`login EMAIL`).
    static let emailArgument = Key("EMAIL", .email)
    static let name = Key("name", .name)
    static let phone = Key("phone", .phone)
    static let zoom = Key("zoom", .url)
    static let note = Key("note", .text)
    static let comment = Key("comment", .text)
    static let reason = Key("reason", .text)
    /// `report --svg FILE`: a file to write, or `-` for standard output.
    static let svg = Key("svg", .path)
    /// The text of a message or note, or `-` for standard input.
    static let text = Key("TEXT", .text)
    static let shell = Key("SHELL", .choice(["bash", "zsh", "fish"]))
    static let directory = Key("DIR", .path)
    /// `keys add --user EMAIL`, `keys list --user EMAIL`.
    static let user = Key("user", .email)
    static let publicKey = Key("KEY", .publicKey)
    static let fingerprint = Key("FINGERPRINT", .fingerprint)
    /// sshd's `%u %t %k` for `serve authorized-keys`.
    static let sshUser = Key("USER", .word)
    static let keyType = Key("TYPE", .word)
    static let keyBlob = Key("BLOB", .word)
    /// The id `serve authorized-keys` put in the forced command.
    static let keyID = Key("KEYID", .word)
}

extension Key where Value == ContactMethod {
    static let via = Key("via", .choice(ContactMethod.words))
}

extension Key where Value == WaitCondition {
    static let waitFor = Key("for", .choice(WaitCondition.words))
}

extension Key where Value == Bool {
    static let watch = Key(flag: "watch")
    static let follow = Key(flag: "follow")
}

extension Key where Value == Bool {
    static let csv = Key(flag: "csv")
}

extension Key where Value == ReportInterval {
    static let by = Key("by", .choice(ReportInterval.words))
}

extension Key where Value == Recurrence {
    static let every = Key("every", .choice(Recurrence.words))
}

extension Key where Value == Role {
    static let role = Key("role", .choice(Role.words))
}

extension Key where Value == [String] {
    /// `help COMMAND…`.
    static let commandWords = Key("COMMAND", .commandName)
    /// `__complete WORDS…`: the words typed so far.
    static let completionWords = Key("WORDS", .text)
}

extension Key where Value == String {
    /// `db copy --to DEST`: a SQLite path or a PostgreSQL URI.
    static let copyTo = Key("to", .path)
}
