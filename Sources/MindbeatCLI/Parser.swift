import MindbeatCore

/// What a command line asks for.
enum Request {
    case run(Command, Arguments)
    case help([String])
    case version
}

/// Reads a command line against the command table. Options may come before or
/// after positional arguments, as `--opt value` or `--opt=value`; `--` ends
/// options; `-h`/`--help` anywhere before `--` asks for help. Every problem is
/// a `UsageError` that names it and shows the command's usage.
struct Parser {
    /// The command table, built the first time a command is looked up:
    /// `--version` never pays for it.
    private let tableProvider: () -> [Command]
    var table: [Command] { tableProvider() }
    /// Reads a TIME value (it needs the clock and the zone).
    let readTime: (String) throws(InvalidValue) -> Instant

    init(table: @autoclosure @escaping () -> [Command], readTime: @escaping (String) throws(InvalidValue) -> Instant) {
        self.tableProvider = table
        self.readTime = readTime
    }

    /// The global options, before or after the command: where the command
    /// runs and in which zone.
    struct Globals: Equatable {
        /// `--db PATH|URI`.
        var db: String?
        /// `--remote [USER@]HOST[:PORT]`.
        var remote: String?
        /// `--tz ZONE`.
        var tz: String?
        /// Where they were on the line (indices of the option and its value),
        /// so that the line can be sent on without them.
        var positions: Set<Int> = []
    }

    /// Called with `--tz` once the whole line is read and before any TIME
    /// value is read, so that `--at '2026-12-01 10:00' --tz Europe/Berlin`
    /// reads the time in Berlin whichever comes first.
    var selectZone: (String) throws(UsageError) -> Void = { _ throws(UsageError) in }

    static let globalValueOptions = ["db", "remote", "tz"]
    static let globalUsage = "usage: mindbeat [--db PATH] [--remote HOST] [--tz ZONE] COMMAND [ARGS] (mindbeat --help lists the commands)"

    /// The result, and the global options given.
    func parse(_ tokens: [String]) throws(UsageError) -> (Request, Globals) {
        var index = 0
        var globals = Globals()
        var wantsHelp = false
        var wantsVersion = false
        // Global options before the command.
        while index < tokens.count {
            let token = tokens[index]
            if token == "-h" || token == "--help" {
                wantsHelp = true
            } else if token == "--version" {
                wantsVersion = true
            } else if let name = Parser.globalValueName(token) {
                try readGlobal(name, tokens, &index, into: &globals)
            } else if token.hasPrefix("-") && token != "-" {
                let name = token.split(separator: "=", maxSplits: 1).first.map(String.init) ?? token
                var lines = ["unknown option \(Parser.shown(name))"]
                if let close = Parser.closest(name, among: ["--db", "--remote", "--tz", "--help", "--version"]) { lines[0] += "; did you mean \(close)?" }
                throw UsageError(lines: lines + [Parser.globalUsage])
            } else {
                break
            }
            index += 1
        }
        guard index < tokens.count else {
            if wantsHelp { return (.help([]), globals) }
            if wantsVersion { return (.version, globals) }
            throw UsageError("no command given", Parser.globalUsage)
        }
        let (command, used) = try findCommand(tokens, from: index, wantsHelp: wantsHelp)
        guard let command else {
            // Help for a group such as `users`.
            return (.help(Array(tokens[index..<(index + used)])), globals)
        }
        index += used
        var arguments = Arguments()
        var rawPositionals: [String] = []
        var seen = Set<String>()
        var optionsEnded = false
        var problems: [String] = []
        // TIME values, read once the zone is known.
        var times: [(name: String, raw: String, spelled: String, kind: ValueKind)] = []
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if optionsEnded || token == "-" || !token.hasPrefix("-") {
                rawPositionals.append(token)
                continue
            }
            if token == "--" {
                optionsEnded = true
                continue
            }
            if token == "-h" || token == "--help" {
                wantsHelp = true
                continue
            }
            let parts = token.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let inline = parts.count > 1 ? String(parts[1]) : nil
            // Only a word shaped like an option is named back; anything else may
            // be text (a note that starts with "--") and is never echoed.
            guard token.hasPrefix("--"), Parser.looksLikeOption(name) else {
                problems.append(Parser.looksLikeOption(String(token.drop { $0 == "-" }))
                    ? unknownOption(token, in: command)
                    : "an argument starts with - but is not an option; put -- before text that starts with -")
                continue
            }
            if Parser.globalValueOptions.contains(name) && command.option(named: name) == nil {
                index -= 1
                try readGlobal(name, tokens, &index, into: &globals)
                index += 1
                continue
            }
            guard let option = command.option(named: name) else {
                problems.append(unknownOption("--" + name, in: command))
                continue
            }
            if seen.contains(name) {
                problems.append("\(option.spelled) is given more than once")
                continue
            }
            seen.insert(name)
            guard let kind = option.value else {
                if inline != nil { problems.append("\(option.spelled) takes no value") }
                arguments.values[name] = .flag
                continue
            }
            let raw: String
            if let inline {
                raw = inline
            } else if index < tokens.count {
                raw = tokens[index]
                index += 1
            } else {
                problems.append("\(option.spelled) needs a value (\(option.placeholder))")
                continue
            }
            if kind == .time {
                times.append((name, raw, option.spelled, kind))
                continue
            }
            do {
                arguments.values[name] = try convert(raw, kind: kind)
            } catch {
                problems.append(describe(option.spelled, raw: raw, kind: kind, problem: error.problem, in: command))
            }
        }
        if wantsHelp { return (.help(command.path), globals) }
        if let first = problems.first {
            throw UsageError(first, "usage: \(command.usage)")
        }
        if let zone = globals.tz { try selectZone(zone) }
        for time in times {
            do {
                arguments.values[time.name] = try convert(time.raw, kind: time.kind)
            } catch {
                throw UsageError(describe(time.spelled, raw: time.raw, kind: time.kind, problem: error.problem, in: command), "usage: \(command.usage)")
            }
        }
        // Positional arguments.
        var position = 0
        for (offset, spec) in command.positionals.enumerated() {
            let isLast = offset == command.positionals.count - 1
            let values = spec.variadic && isLast
                ? Array(rawPositionals.dropFirst(position))
                : (position < rawPositionals.count ? [rawPositionals[position]] : [])
            if values.isEmpty && !spec.optional {
                throw UsageError("missing \(spec.name)", "usage: \(command.usage)")
            }
            var converted: [String] = []
            for raw in values {
                do {
                    let value = try convert(raw, kind: spec.kind)
                    if spec.variadic, case .string(let word) = value {
                        converted.append(word)
                    } else {
                        arguments.values[spec.name] = value
                    }
                } catch {
                    throw UsageError(describe(spec.name, raw: raw, kind: spec.kind, problem: error.problem, in: command), "usage: \(command.usage)")
                }
            }
            if spec.variadic { arguments.values[spec.name] = .words(converted) }
            position += values.count
        }
        if position < rawPositionals.count {
            let extra = rawPositionals[position]
            // A stray word of a command that takes free text may be part of a
            // private note: it is never echoed.
            if command.takesFreeText {
                throw UsageError("unexpected extra argument; give the text as one argument (quote it)", "usage: \(command.usage)")
            }
            if command.neverEchoesWords {
                throw UsageError("unexpected extra argument (a password is never given as an argument)", "usage: \(command.usage)")
            }
            let what = extra.hasPrefix("-") && extra != "-" ? "argument \(Parser.shown(extra)) (put -- before text that starts with -)" : "argument \(Parser.shown(extra))"
            throw UsageError("unexpected \(what)", "usage: \(command.usage)")
        }
        for option in command.options where option.required && arguments.values[option.name] == nil {
            throw UsageError("missing \(option.usage)", "usage: \(command.usage)")
        }
        for group in command.oneOf {
            let given = group.names.filter { arguments.values[$0] != nil }
            let spelled = group.names.map { "--" + $0 }
            if given.count > 1 {
                throw UsageError("\(given.map { "--" + $0 }.joined(separator: " and ")) cannot be used together", "usage: \(command.usage)")
            }
            if given.isEmpty && group.required {
                let list = spelled.count == 2 ? spelled.joined(separator: " or ") : spelled.joined(separator: ", ")
                throw UsageError("give one of \(list)", "usage: \(command.usage)")
            }
        }
        return (.run(command, arguments), globals)
    }

    /// `db` for `--db` or `--db=…`, and so on; nil for anything else.
    static func globalValueName(_ token: String) -> String? {
        globalValueOptions.first { token == "--" + $0 || token.hasPrefix("--" + $0 + "=") }
    }

    /// A global option's value, from `--name=value` or the next word.
    private func readGlobal(_ name: String, _ tokens: [String], _ index: inout Int, into globals: inout Globals) throws(UsageError) {
        let token = tokens[index]
        let start = index
        defer { globals.positions.formUnion(start...index) }
        let placeholder = ["db": "PATH", "remote": "[USER@]HOST[:PORT]", "tz": "ZONE"][name] ?? "VALUE"
        let value: String
        if token.hasPrefix("--\(name)=") {
            value = String(token.dropFirst(name.count + 3))
        } else if index + 1 < tokens.count {
            index += 1
            value = tokens[index]
        } else {
            throw UsageError("--\(name) needs a value (\(placeholder))")
        }
        switch name {
        case "db":
            guard !value.isEmpty else { throw UsageError("--db is empty; give the path of a database") }
            globals.db = value
        case "remote":
            globals.remote = value
        default:
            globals.tz = value
        }
    }

    /// The longest command path at `start`; nil with a count for a group
    /// name that needs a subcommand, when help was asked for.
    private func findCommand(_ tokens: [String], from start: Int, wantsHelp: Bool) throws(UsageError) -> (Command?, Int) {
        var best: Command?
        for command in table where tokens.count - start >= command.path.count {
            if Array(tokens[start..<(start + command.path.count)]) == command.path,
               command.path.count > (best?.path.count ?? 0) {
                best = command
            }
        }
        if let best { return (best, best.path.count) }
        let word = tokens[start]
        let children = table.filter { $0.path.count > 1 && $0.path[0] == word && !$0.hidden }
        if !children.isEmpty {
            if wantsHelp || tokens[(start + 1)...].contains(where: { $0 == "-h" || $0 == "--help" }) { return (nil, 1) }
            let names = children.map { $0.path[1] }
            var message = "'\(word)' needs a subcommand: \(names.joined(separator: ", "))"
            if start + 1 < tokens.count, let close = Parser.closest(tokens[start + 1], among: names) {
                message = "unknown command '\(word) \(Parser.sanitized(tokens[start + 1]))'; did you mean '\(word) \(close)'?"
            }
            throw UsageError(lines: [message] + children.map { "usage: " + $0.usage })
        }
        var message = "unknown command \(Parser.shown(word))"
        let names = Set(table.filter { !$0.hidden }.map { $0.path[0] }).sorted()
        if let close = Parser.closest(word, among: names) { message += "; did you mean '\(close)'?" }
        throw UsageError(message, Parser.globalUsage)
    }

    /// "unknown option '--shard'; did you mean --shared?" — except that a
    /// command taking free text never names the word back: `chat 5
    /// -anxious-about-x` may be a message (SPEC §6), and only the option it
    /// is close to, if any, is named.
    private func unknownOption(_ token: String, in command: Command) -> String {
        guard command.neverEchoesWords else { return "unknown option \(Parser.shown(token))" + suggestion(for: token, in: command) }
        return "unknown option" + suggestion(for: token, in: command) + " (to give text that starts with -, put -- before it)"
    }

    private func suggestion(for token: String, in command: Command) -> String {
        let names = command.options.map(\.spelled) + ["--help", "--db", "--remote", "--tz"]
        if let close = Parser.closest(token, among: names) { return " for '\(command.name)'; did you mean \(close)?" }
        return " for '\(command.name)'"
    }

    func convert(_ raw: String, kind: ValueKind) throws(InvalidValue) -> ParsedValue {
        switch kind {
        case .sessionID: return .integer(try Values.sessionID(raw))
        case .minutes: return .integer(try Values.minutes(raw))
        case .rating: return .integer(try Values.rating(raw))
        case .seriesCount: return .integer(try Values.seriesCount(raw))
        case .bankSessions: return .integer(try Values.bankSessions(raw))
        case .email: return .string(try Values.email(raw))
        case .name: return .string(try Values.name(raw))
        case .phone: return .string(raw.isEmpty ? "" : try Values.phone(raw))
        case .url: return .string(raw.isEmpty ? "" : try Values.url(raw))
        case .time: return .instant(try readTime(raw))
        case .duration: return .integer(try TimeInput.duration(raw))
        case .text, .commandName, .word: return .string(raw)
        case .publicKey:
            guard !raw.isEmpty else { throw InvalidValue("is empty; give the line of a .pub file, or - to read it from standard input") }
            return .string(raw)
        case .fingerprint: return .string(try PublicKey.fingerprint(raw))
        case .path:
            guard !raw.isEmpty else { throw InvalidValue("is empty") }
            // `--svg --json` is a forgotten file name, not a file called --json.
            guard raw == "-" || !raw.hasPrefix("-") else {
                throw InvalidValue("looks like an option; for a file whose name starts with -, put ./ before it")
            }
            return .string(raw)
        case .choice(let words):
            guard words.contains(raw) else {
                throw InvalidValue("is not one of \(words.joined(separator: ", "))")
            }
            return .string(raw)
        }
    }

    /// `--at '2026-02-30' is not a real date: …`; free text is never echoed.
    func describe(_ what: String, raw: String, kind: ValueKind, problem: String, in command: Command) -> String {
        // A word given for a fixed set of choices is shown: it was meant as one.
        let isChoice: Bool
        if case .choice = kind { isChoice = true } else { isChoice = false }
        if kind == .text || (command.neverEchoesWords && !isChoice) { return "\(what) \(problem)" }
        return "\(what) \(Parser.shown(raw)) \(problem)"
    }

    /// Letters, digits and inner hyphens, at most 40: the shape of an option name.
    static func looksLikeOption(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...40).contains(bytes.count), bytes.first != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// A value from the command line, quoted, made safe to print: control
    /// characters shown as `?`, long values cut.
    static func shown(_ raw: String) -> String {
        "'" + sanitized(raw) + "'"
    }

    static func sanitized(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars.prefix(60) {
            out.unicodeScalars.append(Values.isUnprintable(scalar) ? "?" : scalar)
        }
        if raw.unicodeScalars.count > 60 { out += "…" }
        return out
    }

    /// The closest name within two edits, if any.
    static func closest(_ word: String, among names: [String]) -> String? {
        let target = Array(word.lowercased().unicodeScalars.prefix(64))
        var best: (String, Int)?
        for name in names {
            let distance = editDistance(target, Array(name.unicodeScalars))
            if distance <= 2, distance < (best?.1 ?? Int.max) { best = (name, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
