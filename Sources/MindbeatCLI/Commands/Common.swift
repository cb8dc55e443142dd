import MindbeatCore

/// The commands of mindbeat, one declaration each; `table` lists them all.
enum Commands {}

extension Context {
    /// The rules over the existing database, and the caller's login token.
    func signedIn() throws -> (Mindbeat, String?) {
        let mindbeat = try openMindbeat()
        return (mindbeat, try token(for: mindbeat.store))
    }

    var render: Render { Render(zone: zone, now: now, color: usesColor) }

    /// Prints one JSON value.
    func print(_ value: JSON) { out.line(value.rendered()) }
}

/// Options several commands share.
enum CommonOptions {
    static let json = Option.flag("json", "print JSON instead of text")
    static let passwordStdin = Option.flag(
        "password-stdin", "read the password as one line from standard input instead of asking on the terminal")
}

extension Arguments {
    /// The required session id in position 0.
    var sessionID: Int64 { positionalInteger(0) ?? 0 }
}
