import MindbeatCore

/// The commands of mindbeat, one declaration each, one file each; `table`
/// lists them all.
enum Commands {}

extension Context {
    var render: Render { Render(zone: zone, now: now, color: usesColor) }

    /// Prints one JSON value.
    func print(_ value: JSON) { out.line(value.rendered()) }
}

/// Options several commands share.
enum CommonOptions {
    static let json = Option.flag(.json, "print JSON instead of text")
    static let passwordStdin = Option.flag(
        .passwordStdin, "read the password as one line from standard input instead of asking on the terminal")
}

extension InvalidValue {
    /// The problem as a usage error naming where the value came from.
    func usage(_ what: String) -> UsageError { UsageError("\(what) \(problem)") }
}
