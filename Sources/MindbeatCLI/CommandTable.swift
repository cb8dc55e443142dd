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
    case time
    /// Free text: never echoed back in an error (it may be a private note).
    case text
    case choice([String])
    case path
    /// Command names, for `help COMMAND…`.
    case commandName

    /// The completion a shell offers for a value of this kind.
    var completion: Completion {
        switch self {
        case .sessionID: return .sessions
        case .email: return .members
        case .choice(let words): return .words(words)
        case .path: return .files
        case .commandName: return .commands
        default: return .none
        }
    }
}

/// How a shell completes a value.
enum Completion: Equatable, Sendable {
    case none
    case words([String])
    case files
    case commands
    /// Session ids, asked of the binary when completing.
    case sessions
    /// Member emails, asked of the binary when completing.
    case members
}

/// One `--option` of a command.
struct Option: Sendable {
    let name: String
    let value: ValueKind?
    let placeholder: String
    let help: String
    /// The command cannot run without it.
    var required = false

    /// A flag: present or not.
    static func flag(_ name: String, _ help: String) -> Option {
        Option(name: name, value: nil, placeholder: "", help: help)
    }

    /// An option with a value.
    static func value(_ name: String, _ placeholder: String, _ kind: ValueKind, _ help: String) -> Option {
        Option(name: name, value: kind, placeholder: placeholder, help: help)
    }

    /// An option with a value that must be given.
    static func needed(_ name: String, _ placeholder: String, _ kind: ValueKind, _ help: String) -> Option {
        Option(name: name, value: kind, placeholder: placeholder, help: help, required: true)
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

    init(_ name: String, _ kind: ValueKind, optional: Bool = false, variadic: Bool = false, _ help: String) {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.variadic = variadic
        self.help = help
    }
}

/// Options of which at most one (or, when required, exactly one) may be given.
struct OneOf: Sendable {
    let names: [String]
    let required: Bool
}

/// Where a command is listed in `mindbeat --help`.
enum CommandGroup: String, CaseIterable, Sendable {
    case sessions = "Sessions"
    case notes = "Notes and feedback"
    case accounts = "Accounts"
    case mail = "Mail"
    case shell = "Shell"
}

/// What a command's handler receives.
typealias Handler = @Sendable (Context, Arguments) throws -> Void

/// One command, as plain data: the parser, `--help`, the man pages and the
/// completion scripts are all made from this and nothing else.
struct Command: Sendable {
    let path: [String]
    let group: CommandGroup
    let summary: String
    let discussion: String
    let positionals: [Positional]
    let options: [Option]
    let oneOf: [OneOf]
    let examples: [(command: String, meaning: String)]
    /// Whether it needs a login (SPEC §5): all but a few.
    let needsLogin: Bool
    /// Left out of help and completions (the completion helper).
    let hidden: Bool
    let run: Handler?

    init(
        _ path: [String], group: CommandGroup, summary: String, discussion: String = "",
        positionals: [Positional] = [], options: [Option] = [], oneOf: [OneOf] = [],
        examples: [(command: String, meaning: String)] = [], needsLogin: Bool = true, hidden: Bool = false,
        run: Handler?
    ) {
        self.path = path
        self.group = group
        self.summary = summary
        self.discussion = discussion
        self.positionals = positionals
        self.options = options
        self.oneOf = oneOf
        self.examples = examples
        self.needsLogin = needsLogin
        self.hidden = hidden
        self.run = run
    }

    var name: String { path.joined(separator: " ") }
    /// `mindbeat-sessions-list`, as man pages are named.
    var manName: String { (["mindbeat"] + path).joined(separator: "-") }

    func option(named name: String) -> Option? { options.first { $0.name == name } }

    /// Whether any argument or option is free text (a note, a message, a comment).
    var takesFreeText: Bool {
        positionals.contains { $0.kind == .text } || options.contains { $0.value == .text }
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
    static let db = Option.value("db", "PATH", .path, "the database to use (overrides MINDBEAT_DB)")
    static let help = Option.flag("help", "show help for the command (also -h)")
    static let version = Option.flag("version", "print the version")
}
