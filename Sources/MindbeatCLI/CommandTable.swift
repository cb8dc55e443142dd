import MindbeatCore

/// What kind of value an option or argument takes: how it is checked, how it
/// is shown in usage lines, and how a shell completes it.
enum ValueKind: Equatable, Sendable {
    case sessionID
    case email
    case name
    case phone
    case url
    case minutes
    case rating
    /// How many sessions a series has.
    case seriesCount
    /// How many sessions a bank holds.
    case bankSessions
    case time
    /// A length of real time: `90s`, `15m`, `2h`.
    case duration
    /// Free text: never echoed back in an error (it may be a private note).
    case text
    case choice([String])
    case path
    /// An OpenSSH public key line (`TYPE BLOB [COMMENT]`), or `-` for
    /// standard input; parsed by the command.
    case publicKey
    /// A key fingerprint, `SHA256:` and 43 base64 characters.
    case fingerprint
    /// A word passed by sshd (`serve authorized-keys USER TYPE BLOB`), checked
    /// by the command.
    case word
    /// Command names, for `help COMMAND…`.
    case commandName
}

/// The typed name of an option or a positional argument. A handler reads a
/// value through its key, so a misspelt name does not compile and the value
/// arrives as the type the key names (`Key<Instant>` for `--at`).
///
/// `Value` carries no constraint here (`Arguments` asks for `ArgumentValue`
/// where it reads one): a constrained generic type makes the runtime prove
/// the constraint when its metadata is first made, by scanning every
/// conformance in the static binary — 80,000 instructions a command.
struct Key<Value>: Sendable {
    let name: String
    /// What the value is; nil for a flag.
    let kind: ValueKind?

    init(_ name: String, _ kind: ValueKind?) {
        self.name = name
        self.kind = kind
    }
}

/// A flag that says yes by being there.
extension Key where Value == Bool {
    init(flag name: String) { self.init(name, nil) }
}

/// A set of flags of which at most one (or exactly one) may be given, read as
/// one value: `--held | --missed` is an `EndOutcome`. Each case's raw value is
/// the name of its flag.
protocol FlagChoice: CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension EndOutcome: FlagChoice {}
extension Channel: FlagChoice {}
extension Visibility: FlagChoice {}
extension SessionScope: FlagChoice {}

/// One `--option` of a command.
struct Option: Sendable {
    let name: String
    let value: ValueKind?
    let placeholder: String
    let help: String
    /// The command cannot run without it.
    var required = false

    /// A flag: present or not.
    static func flag(_ key: Key<Bool>, _ help: String) -> Option {
        Option(name: key.name, value: nil, placeholder: "", help: help)
    }

    /// An option with a value.
    static func value<V>(_ key: Key<V>, _ placeholder: String, _ help: String) -> Option {
        Option(name: key.name, value: key.kind, placeholder: placeholder, help: help)
    }

    /// An option with a value that must be given.
    static func needed<V>(_ key: Key<V>, _ placeholder: String, _ help: String) -> Option {
        Option(name: key.name, value: key.kind, placeholder: placeholder, help: help, required: true)
    }

    var spelled: String { "--" + name }
    var usage: String { value == nil ? spelled : spelled + " " + placeholder }
}

/// A positional argument.
struct Positional: Sendable {
    let name: String
    let kind: ValueKind
    let optional: Bool
    let variadic: Bool
    let help: String

    init<V>(_ key: Key<V>, optional: Bool = false, variadic: Bool = false, _ help: String) {
        self.name = key.name
        self.kind = key.kind ?? .text
        self.optional = optional
        self.variadic = variadic
        self.help = help
    }
}

/// Options of which at most one (or, when required, exactly one) may be given.
struct OneOf: Sendable {
    let names: [String]
    let required: Bool

    /// Flags read together as one `FlagChoice`.
    init<C: FlagChoice>(_ choice: C.Type, required: Bool) {
        self.names = choice.allCases.map(\.rawValue)
        self.required = required
    }

    /// Two options with values, of which one (or none) is given.
    init<A, B>(_ first: Key<A>, _ second: Key<B>, required: Bool) {
        self.names = [first.name, second.name]
        self.required = required
    }

    /// Three options, flags or with values, of which one (or none) is given.
    init<A, B, C>(_ first: Key<A>, _ second: Key<B>, _ third: Key<C>, required: Bool) {
        self.names = [first.name, second.name, third.name]
        self.required = required
    }
}

/// Where a command is listed in `mindbeat --help`.
enum CommandGroup: String, CaseIterable, Sendable {
    case sessions = "Sessions"
    case notes = "Notes and feedback"
    case accounts = "Accounts"
    case mail = "Mail"
    case server = "Team server"
    case shell = "Shell"
}

/// What a command does when it runs. Whether it needs a login is not a
/// separate flag that a handler could forget: a command that needs one gets
/// an authenticated `SignedIn`, made by the runner and nowhere else.
enum Action: Sendable {
    /// Needs no login.
    case open(@Sendable (Context, Arguments) throws -> Void)
    /// Needs a login; the runner opens the database and authenticates first.
    case signedIn(@Sendable (SignedIn, Arguments) throws -> Void)
    /// Reads and checks its input first (a body from standard input, a
    /// password), so that a bad body is refused before the database is
    /// opened (SPEC §7), then runs signed in. The first stage is given the
    /// input and nothing else: it cannot reach the database.
    case prepared(@Sendable (Input, Arguments) throws -> (SignedIn) throws -> Void)

    var needsLogin: Bool {
        if case .open = self { return false }
        return true
    }
}

/// One command, as plain data: the parser, `--help`, the man pages and the
/// completion are all made from this and nothing else.
struct Command: Sendable {
    let path: [String]
    let group: CommandGroup
    let summary: String
    let discussion: String
    let positionals: [Positional]
    let options: [Option]
    let oneOf: [OneOf]
    let examples: [(command: String, meaning: String)]
    /// Left out of help and completions (the completion helper).
    let hidden: Bool
    let action: Action

    init(
        _ path: [String], group: CommandGroup, summary: String, discussion: String = "",
        positionals: [Positional] = [], options: [Option] = [], oneOf: [OneOf] = [],
        examples: [(command: String, meaning: String)] = [], hidden: Bool = false,
        action: Action
    ) {
        self.path = path
        self.group = group
        self.summary = summary
        self.discussion = discussion
        self.positionals = positionals
        self.options = options
        self.oneOf = oneOf
        self.examples = examples
        self.hidden = hidden
        self.action = action
    }

    /// Whether it needs a login (SPEC §5): all but a few.
    var needsLogin: Bool { action.needsLogin }

    var name: String { path.joined(separator: " ") }
    /// `mindbeat-sessions-list`, as man pages are named.
    var manName: String { (["mindbeat"] + path).joined(separator: "-") }

    func option(named name: String) -> Option? { options.first { $0.name == name } }

    /// Whether any argument or option is free text (a note, a message, a comment).
    var takesFreeText: Bool {
        positionals.contains { $0.kind == .text } || options.contains { $0.value == .text }
    }

    /// Whether a word of this command's line may be private — free text out of
    /// place (`chat "I am scared…"` with no ID), or a password typed as an
    /// argument (`login bo@example.com hunter2…`): its errors then name the
    /// option or argument and the problem, never the word (SPEC §6).
    var neverEchoesWords: Bool {
        takesFreeText || options.contains { $0.name == "password-stdin" }
    }

    /// The usage line: `mindbeat end ID (--held | --missed)`.
    var usage: String { usageParts.joined(separator: " ") }

    /// The usage line in the units it may be wrapped between.
    var usageParts: [String] {
        var words = ["mindbeat " + path.joined(separator: " ")]
        for positional in positionals {
            var word = positional.name
            if positional.variadic { word += "..." }
            words.append(positional.optional ? "[\(word)]" : word)
        }
        var grouped = Set<String>()
        for group in oneOf {
            let parts = group.names.compactMap { option(named: $0)?.usage }
            grouped.formUnion(group.names)
            words.append(group.required ? "(" + parts.joined(separator: " | ") + ")" : "[" + parts.joined(separator: " | ") + "]")
        }
        for option in options where !grouped.contains(option.name) && option.required {
            words.append(option.usage)
        }
        for option in options where !grouped.contains(option.name) && !option.required {
            words.append("[\(option.usage)]")
        }
        return words
    }
}

/// The global options, accepted before or after the command.
enum GlobalOption {
    static let db = Option.value(Key<String>.db, "PATH", "the database to use: a SQLite path, or a postgres:// URI (overrides MINDBEAT_DB)")
    static let remote = Option.value(Key<String>("remote", .word), "[USER@]HOST[:PORT]",
                                     "run the command on that mindbeat server over SSH (overrides MINDBEAT_REMOTE)")
    static let tz = Option.value(Key<String>("tz", .word), "ZONE",
                                 "the time zone for display and local TIME input, a name such as Europe/Berlin (overrides TZ)")
    static let help = Option.flag(Key(flag: "help"), "show help for the command (also -h)")
    static let version = Option.flag(Key(flag: "version"), "print the version")
    static let all = [db, remote, tz, help, version]
    /// Those that take a value.
    static let withValues = [db, remote, tz]
}
