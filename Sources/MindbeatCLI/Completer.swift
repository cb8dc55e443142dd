import MindbeatCore

/// Where session ids and member emails come from while completing: the
/// database in use for the binary, a fake in the tests. A source that fails
/// returns nothing: a completion never shows an error.
protocol CompletionSource {
    /// The ids of the sessions the caller may act on, as typed on the command line.
    func sessionIDs() -> [String]
    /// The emails of the caller's members.
    func memberEmails() -> [String]
}

/// What `mindbeat __complete -- WORDS…` prints: a directive on the first
/// line, then one candidate a line.
///
/// The shell scripts are stubs that never evaluate a candidate, so the
/// protocol between them and the binary is plain lines:
///
/// - `:words` — every further line is a candidate: a whole replacement for the
///   word being completed, already filtered by what has been typed of it.
/// - `:files` or `:files PREFIX` — complete the word as a file path (only the
///   shell can do that well: it knows the working directory, `~` and how to
///   quote a file name). With a PREFIX (`--db=`) the word starts with it and
///   it stays in front of the path. No candidates follow.
///
/// A candidate is never on the first line, so none can be taken for a
/// directive, and none holds whitespace or a control character, so a line is
/// always exactly one candidate.
struct CompletionReply: Equatable {
    enum Directive: Equatable {
        case words
        case files(prefix: String)
    }

    var directive: Directive
    var candidates: [String]

    static let nothing = CompletionReply(directive: .words, candidates: [])

    static func files(prefix: String = "") -> CompletionReply {
        CompletionReply(directive: .files(prefix: prefix), candidates: [])
    }

    /// The lines to print.
    var lines: [String] {
        switch directive {
        case .words: return [":words"] + candidates
        case .files(let prefix): return [prefix.isEmpty ? ":files" : ":files " + prefix]
        }
    }
}

/// Completes a mindbeat command line from the command table, the way the
/// parser reads it: the scripts only pass the words typed so far and insert
/// what comes back. Everything that decides a candidate lives here, in one
/// place that tests can reach without a shell.
struct Completer {
    let table: [Command]

    /// The commands a user may complete to: the table without the hidden helpers.
    var visible: [Command] { table.filter { !$0.hidden } }

    /// The candidates for the last of `words` (the words after `mindbeat`;
    /// the last may be empty). `source` is asked for only when ids or emails
    /// are wanted, with the database that `--db` names on the line, if any,
    /// so that the candidates come from the database the command will use.
    func complete(_ words: [String], source: (_ database: String?) -> any CompletionSource) -> CompletionReply {
        let current = words.last ?? ""
        let line = TypedLine(reading: words.dropLast(), commands: visible)
        let wanted = line.wanted(current: current, commands: visible)
        return resolve(wanted, line: line, source: source)
    }

    /// What the word being completed is, read from the words before it.
    enum Wanted {
        /// A value of this kind, after `prefix` (`--via=`) when it shares the word with its option.
        case value(ValueKind, typed: String, prefix: String)
        /// An option: of the command, or the global ones before a command.
        case option(typed: String)
        /// A subcommand of a group, or the first word of a command path.
        case commandWord([String], typed: String)
        /// A positional argument of the command, and any subcommands that may come in its place.
        case positional(Positional?, subcommands: [String], typed: String)
        case nothing
    }

    private func resolve(_ wanted: Wanted, line: TypedLine, source: (String?) -> any CompletionSource) -> CompletionReply {
        switch wanted {
        case .nothing:
            return .nothing
        case .commandWord(let words, let typed):
            return Completer.reply(words, typed: typed)
        case .option(let typed):
            return Completer.reply(line.availableOptions, typed: typed)
        case .value(let kind, let typed, let prefix):
            if kind.completion == .files { return .files(prefix: prefix) }
            return Completer.reply(candidates(for: kind, line: line, source: source), typed: typed, prefix: prefix)
        case .positional(let positional, let subcommands, let typed):
            guard let positional else { return Completer.reply(subcommands, typed: typed) }
            if positional.kind.completion == .files && subcommands.isEmpty { return .files() }
            return Completer.reply(subcommands + candidates(for: positional.kind, line: line, source: source), typed: typed)
        }
    }

    /// The possible values of a kind. Command words follow the arguments
    /// given so far: `help sessions …` offers what comes after `sessions`.
    private func candidates(for kind: ValueKind, line: TypedLine, source: (String?) -> any CompletionSource) -> [String] {
        switch kind.completion {
        case .words(let words): return words
        case .sessions: return source(line.database).sessionIDs()
        case .members: return source(line.database).memberEmails()
        case .commands: return Completer.nextPathWords(after: line.positionals, in: visible)
        case .files, .none: return []
        }
    }

    /// The words that may follow `path` in a command path: `["sessions"]` →
    /// list, show, add; `[]` → every first word.
    static func nextPathWords(after path: [String], in commands: [Command]) -> [String] {
        var words: [String] = []
        for command in commands where command.path.count > path.count && Array(command.path.prefix(path.count)) == path {
            let word = command.path[path.count]
            if !words.contains(word) { words.append(word) }
        }
        return words
    }

    /// The candidates that start with what was typed, safe to print one a
    /// line, each once, with `prefix` put back in front.
    static func reply(_ candidates: [String], typed: String, prefix: String = "") -> CompletionReply {
        var kept: [String] = []
        var seen = Set<String>()
        for candidate in candidates where candidate.hasPrefix(typed) && isPrintableWord(candidate) && seen.insert(candidate).inserted {
            kept.append(prefix + candidate)
        }
        return CompletionReply(directive: .words, candidates: kept)
    }

    /// Whether a candidate can go out as one line and be shown as it is: not
    /// empty, and no whitespace (a newline would make two candidates, a tab
    /// is fish's description separator), control or bidirectional control
    /// character. Ids and emails come from a database another program may
    /// have written; a candidate that fails is dropped, never repaired.
    static func isPrintableWord(_ candidate: String) -> Bool {
        !candidate.isEmpty && !candidate.unicodeScalars.contains {
            $0.properties.isWhitespace || Values.isUnprintable($0)
        }
    }
}

/// The words before the one being completed, read as the parser reads them:
/// global options, the command path, then options (`--opt value`,
/// `--opt=value`, `--` ending them) and positional arguments.
struct TypedLine {
    /// The command, once its whole path has been typed.
    private(set) var command: Command?
    /// The words typed after the global options and before the command was
    /// found: a group name waiting for its subcommand, or unknown words.
    private(set) var pathWords: [String] = []
    /// How many words came after the command path: after one, a subcommand
    /// can no longer follow (`feedback 12 show` is not `feedback show`).
    private(set) var wordsAfterPath = 0
    /// The option whose value is the word being completed.
    private(set) var pendingOption: Option?
    /// The names of the options given, `db` and `help` included.
    private(set) var used: Set<String> = []
    private(set) var positionals: [String] = []
    private(set) var optionsEnded = false
    /// The database `--db` names, wherever on the line.
    private(set) var database: String?
    /// The server `--remote` names, wherever on the line.
    private(set) var remote: String?

    init(reading words: ArraySlice<String>, commands: [Command]) {
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            index += 1
            if let option = pendingOption {
                pendingOption = nil
                if option.name == GlobalOption.db.name { database = word.isEmpty ? database : word }
                if option.name == GlobalOption.remote.name { remote = word.isEmpty ? remote : word }
                continue
            }
            if command == nil && pathWords.isEmpty && readGlobalOption(word) { continue }
            if command == nil {
                pathWords.append(word)
                if let found = commands.first(where: { $0.path == pathWords }) {
                    command = found
                    pathWords = []
                }
                continue
            }
            wordsAfterPath += 1
            // The parser takes the longest path that matches: `feedback`
            // becomes `feedback show` when `show` comes right after it.
            if let command, let longer = commands.first(where: { $0.path == command.path + [word] }), wordsAfterPath == 1 {
                self.command = longer
                wordsAfterPath = 0
                continue
            }
            readArgument(word)
        }
    }

    /// `--db`, `--help`, `-h` and `--version` before the command; false for
    /// the first word of the command.
    private mutating func readGlobalOption(_ word: String) -> Bool {
        switch word {
        case "-h", "--help": used.insert(GlobalOption.help.name)
        case "--version": used.insert(GlobalOption.version.name)
        default:
            for option in GlobalOption.withValues {
                if word == option.spelled {
                    pendingOption = option
                    used.insert(option.name)
                    return true
                }
                if word.hasPrefix(option.spelled + "=") {
                    used.insert(option.name)
                    let value = String(word.dropFirst(option.spelled.count + 1))
                    if !value.isEmpty, option.name == GlobalOption.db.name { database = value }
                    if !value.isEmpty, option.name == GlobalOption.remote.name { remote = value }
                    return true
                }
            }
            // An unknown option: the parser refuses it; completion reads on.
            return word.hasPrefix("-") && word != "-"
        }
        return true
    }

    /// One word after the command path.
    private mutating func readArgument(_ word: String) {
        if optionsEnded || word == "-" || !word.hasPrefix("-") {
            positionals.append(word)
            return
        }
        if word == "--" {
            optionsEnded = true
            return
        }
        if word == "-h" || word == GlobalOption.help.spelled {
            used.insert(GlobalOption.help.name)
            return
        }
        guard word.hasPrefix("--") else { return }
        let parts = word.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts.first ?? "")
        let inline = parts.count > 1 ? String(parts[1]) : nil
        guard let option = option(named: name) else { return }
        used.insert(name)
        guard option.value != nil else { return }
        if let inline {
            if name == GlobalOption.db.name && !inline.isEmpty { database = inline }
        } else {
            pendingOption = option
        }
    }

    /// An option of the command, or `--db`.
    func option(named name: String) -> Option? {
        if name == GlobalOption.db.name { return GlobalOption.db }
        return command?.option(named: name)
    }

    /// The options that may still be given: not given yet, and not excluded
    /// by a `oneOf` group another member of which was given.
    var availableOptions: [String] {
        guard let command else {
            return [GlobalOption.db, GlobalOption.help, GlobalOption.version].filter { !used.contains($0.name) }.map(\.spelled)
        }
        let excluded = Set(command.oneOf.filter { !used.isDisjoint(with: $0.names) }.flatMap(\.names))
        let own = command.options.filter { !used.contains($0.name) && !excluded.contains($0.name) }
        return (own + [GlobalOption.help, GlobalOption.db]).filter { !used.contains($0.name) }.map(\.spelled)
    }

    /// What the word being completed is.
    func wanted(current: String, commands: [Command]) -> Completer.Wanted {
        if let option = pendingOption, let kind = option.value {
            return .value(kind, typed: current, prefix: "")
        }
        // A lone `-` may be an argument (standard input), but options are
        // what is worth offering for it.
        let isOption = !optionsEnded && current.hasPrefix("-")
        guard let command else {
            if pathWords.isEmpty {
                if isOption { return optionValue(current) ?? .option(typed: current) }
                return .commandWord(Completer.nextPathWords(after: [], in: commands), typed: current)
            }
            // A group such as `sessions`: its subcommands, if the words so far name one.
            let next = Completer.nextPathWords(after: pathWords, in: commands)
            return next.isEmpty || isOption ? .nothing : .commandWord(next, typed: current)
        }
        if isOption { return optionValue(current) ?? .option(typed: current) }
        let subcommands = wordsAfterPath == 0 ? Completer.nextPathWords(after: command.path, in: commands) : []
        let index = positionals.count
        let positional: Positional?
        if index < command.positionals.count {
            positional = command.positionals[index]
        } else if let last = command.positionals.last, last.variadic {
            positional = last
        } else {
            positional = nil
        }
        return .positional(positional, subcommands: subcommands, typed: current)
    }

    /// `--via=em` completes the value after the `=`, the option kept in front;
    /// nil when the word has no `=`.
    private func optionValue(_ current: String) -> Completer.Wanted? {
        guard current.hasPrefix("--"), let equals = current.firstIndex(of: "=") else { return nil }
        let name = String(current[current.index(current.startIndex, offsetBy: 2)..<equals])
        guard let kind = option(named: name)?.value else { return .nothing }
        let prefix = String(current[...equals])
        return .value(kind, typed: String(current[current.index(after: equals)...]), prefix: prefix)
    }
}

extension ValueKind {
    /// What a shell is offered for a value of this kind.
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

/// What a value completes to.
enum Completion: Equatable, Sendable {
    case none
    case words([String])
    case files
    /// The words of command paths, for `help COMMAND…`.
    case commands
    /// Session ids, from the database in use.
    case sessions
    /// Member emails, from the database in use.
    case members
}
