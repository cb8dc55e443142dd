import MindbeatCore

/// The parts of the manual that are not about one command: the environment,
/// the files and the protocol in prose. Plain data, like the command table.
enum Manual {
    /// Man pages carry this date, never the day they were generated, so that
    /// regenerating them changes nothing.
    static let date = "2026-11-01"

    static let environment: [(name: String, meaning: String)] = [
        ("MINDBEAT_DB", "The database. Default: $XDG_DATA_HOME/mindbeat/mindbeat.db (~/.local/share/mindbeat/mindbeat.db). --db PATH overrides it."),
        ("MINDBEAT_NOW", "A fixed \"now\" (RFC 3339, with Z or an offset) for scripts and tests; every rule and timestamp uses it. Invalid: exit 64. Over SSH it is ignored, unless the server's database was made with init --sandbox and the server sets it (mindbeat-serve(1))."),
        ("MINDBEAT_CLOCK_RATE", "With MINDBEAT_NOW: the clock starts at that instant when the process starts and runs at this multiple of real time (a positive number up to 1000000, such as 600), so that tests of wait, status --watch and chat --follow take seconds. Invalid, or set without MINDBEAT_NOW: exit 64. Over SSH as MINDBEAT_NOW: only in a sandbox, from the server's environment."),
        ("MINDBEAT_TOKEN", "A login token, overriding the stored one. Like every MINDBEAT_* variable, it is never passed to the editor or the mail command."),
        ("XDG_DATA_HOME, XDG_STATE_HOME, HOME", "Where the database and the logins are kept by default."),
        ("TZ", "The zone times are shown in and local TIME values are read in."),
        ("NO_COLOR", "No colour, even on a terminal. There is never colour outside one."),
        ("COLUMNS", "The width help is wrapped to on a terminal; in a pipe it is always 80."),
        ("MINDBEAT_SENDMAIL", "The mail command of outbox send, split on spaces and run without a shell. Default: /usr/sbin/sendmail -t -i."),
        ("MINDBEAT_MAIL_FROM", "The From address of notices. Default: mindbeat@localhost. Invalid: exit 64."),
        ("MINDBEAT_REMOTE", "[USER@]HOST[:PORT]: run every command on that team server over SSH (see mindbeat-serve(1)); --remote overrides it."),
        ("MINDBEAT_SSH", "The ssh command of team mode, split on spaces and run without a shell. Default: ssh, sharing one connection a server."),
        ("VISUAL, EDITOR", "The editor notes add opens when no TEXT is given on a terminal."),
    ]

    static let files: [(path: String, meaning: String)] = [
        ("~/.local/share/mindbeat/mindbeat.db", "The database (SQLite, WAL mode), created 0600 in a 0700 directory. init creates it exclusively, never through a symbolic link, and it appears only complete; init refuses anything already at the path (a mindbeat database with accounts: 1; anything else it did not create, even an empty file: 73). A path that is not a regular file (a FIFO, a device, a directory) exits 65 at once. A database that others may write, or whose -wal or -shm file or directory others may write, is refused (77, naming it and the chmod that fixes it); directories above the database's own are not checked."),
        ("~/.local/state/mindbeat/ID.token", "The login for the database whose id is ID, 0600 in a 0700 directory. Moving the database keeps it. A login lasts \(Policy.loginLifetimeDays) days. The directory must be yours and writable by nobody else (else 77); it may be a symbolic link to a directory of yours, which is then never chmod-ed."),
        ("~/.local/state/mindbeat/edit/", "Notes being written in your editor, one file (0600) a run, in a 0700 directory of mindbeat's own (never /tmp), removed however the editor ends. A file left by a mindbeat that was killed is removed by the next notes add; one another notes add is editing is left alone."),
    ]

    static let signals: [(name: String, meaning: String)] = [
        ("SIGINT, SIGQUIT, SIGTERM", "End the command at once; whatever it was writing is rolled back, never half-written. SIGQUIT (Ctrl-\\) does what SIGINT does: no backtrace, no core file. While an editor runs, SIGINT (Ctrl-C) goes to the editor; SIGTERM, SIGHUP and SIGQUIT remove the note being written and end mindbeat by the signal."),
    ]

    /// The protocol of SPEC §2, in paragraphs, with the numbers of `Policy`.
    static let protocolProse: [String] = [
        "Either party may attend a session from \(Policy.earlyJoinMinutes) minutes before its start until it ends. The session is in progress from the first attend. The counter starts when the coach joins and stops when the session ends. A coach who joins before the start is warned that the counter has started, that ending the session would end it for the member too, and that mindbeat will not end it before the start unless the member joins. Attending again keeps the first join time.",
        "While a session is in progress its parties may chat. The coach may move it to Zoom (with a Zoom link on their profile; the link is posted into the chat), to the phone (with the member's number), and back to the platform. A session held on Zoom or the phone is still ended with mindbeat end.",
        "Only the coach ends a session, once joined. It ends as held from the start, or earlier once the member has joined. It ends as missed only when the member has not joined, the coach has waited \(Policy.waitMinutes) minutes from the later of the start and their own join, and has made at least one contact attempt (mindbeat contact) since joining and no earlier than \(Policy.contactAfterMinutes) minutes after the start.",
        "Every refusal exits 1 and names every unmet condition and, where time will lift it, the local time from which the action is allowed. With --json, status lists each unmet condition as an object with a stable id (below) and a message.",
        "A member's line manager sees the time, people and status of their reports' sessions (sessions list, sessions show, members) and nothing else: never chat, contact attempts, notes or feedback. Anyone else finds nothing: a session they are not part of does not exist for them (exit 66).",
    ]
}

/// man(7) pages, made from the command table.
struct ManPages {
    let table: [Command]

    /// Text made safe for roff: backslashes, leading dots and quotes, hyphens.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            case "–": out += "\\(en"
            case "—": out += "\\(em"
            case "…": out += "..."
            case "·": out += "\\(md"
            case "₆", "³": out.append(character)
            default: out.append(character)
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }

    static func bold(_ text: String) -> String { "\\fB" + escape(text) + "\\fR" }

    /// Every page, by file name.
    func pages() -> [(file: String, text: String)] {
        [("mindbeat.1", overview())] + table.filter { !$0.hidden }.map { ($0.manName + ".1", page(for: $0)) }
            + groups.map { ("mindbeat-\($0).1", groupPage($0)) }
    }

    /// The first words of commands that have no command of their own
    /// (`keys add`, `keys list` but no `keys`): each gets a page listing its
    /// commands, so that `man mindbeat-keys` finds them.
    var groups: [String] {
        var found: [String] = []
        for command in table where !command.hidden && command.path.count > 1 {
            let word = command.path[0]
            if !found.contains(word) && !table.contains(where: { $0.path == [word] }) { found.append(word) }
        }
        return found
    }

    /// The page of the group a command belongs to, if it has one.
    private func groupPageName(of command: Command) -> String? {
        guard command.path.count > 1, groups.contains(command.path[0]) else { return nil }
        return "mindbeat-" + command.path[0]
    }

    private static func render(_ blocks: [ManualBlock]) -> [String] {
        var lines: [String] = []
        for block in blocks {
            switch block {
            case .paragraph(let text):
                lines += [".PP", escape(text)]
            case .example(let example):
                lines += [".PP", ".RS 4", ".EX"] + example.map(escape) + [".EE", ".RE"]
            case .subsection(let title):
                lines.append(".SS \(escape(title))")
            case .item(let term, let text):
                lines += [".TP", bold(term), escape(text)]
            }
        }
        return lines
    }

    /// Without a paragraph break right after a heading, which is one too many.
    private static func tidy(_ lines: [String]) -> [String] {
        var kept: [String] = []
        for line in lines {
            if line == ".PP", let last = kept.last, last.hasPrefix(".SH") || last.hasPrefix(".SS") { continue }
            kept.append(line)
        }
        return kept
    }

    /// A group's page: its prose (Manual.group), then its commands.
    func groupPage(_ word: String) -> String {
        let prose = Manual.group(word)
        let commands = table.filter { !$0.hidden && $0.path.count > 1 && $0.path[0] == word }
        var lines = header("mindbeat-" + word, prose?.summary ?? "the \(word) commands")
        lines += [".SH SYNOPSIS"]
        for (index, command) in commands.enumerated() {
            if index > 0 { lines.append(".br") }
            lines += [".B mindbeat \(ManPages.escape(command.path.joined(separator: " ")))"] + command.usageParts.dropFirst().map(ManPages.escape)
        }
        lines += [".SH DESCRIPTION"] + ManPages.render(prose?.description ?? [])
        lines.append(".SH COMMANDS")
        for command in commands {
            lines += [".TP", ".B \(ManPages.escape(command.usage))",
                      ManPages.escape(command.summary) + "; see \\fB\(ManPages.escape(command.manName))\\fR(1)."]
        }
        if let files = prose?.files, !files.isEmpty {
            lines.append(".SH FILES")
            for file in files {
                lines += [".TP", ".I \(ManPages.escape(file.path))", ManPages.escape(file.meaning)]
            }
        }
        lines += [".SH SEE ALSO"]
        let pages = ["mindbeat(1)"] + commands.map { $0.manName + "(1)" } + (prose?.seeAlso ?? [])
        lines.append(pages.map { page in
            let open = page.firstIndex(of: "(") ?? page.endIndex
            return ".BR \(page[..<open]) \(page[open...])"
        }.joined(separator: " ,\n"))
        return ManPages.tidy(lines).joined(separator: "\n") + "\n"
    }

    private func header(_ name: String, _ summary: String) -> [String] {
        [
            ".\\\" Generated from the mindbeat command table by 'make generate'; do not edit.",
            ".TH \(name.uppercased()) 1 \(Manual.date) \"mindbeat \(mindbeatVersion)\" \"mindbeat manual\"",
            ".SH NAME",
            "\(ManPages.escape(name)) \\- \(ManPages.escape(summary))",
        ]
    }

    private func synopsis(_ command: Command) -> [String] {
        [".SH SYNOPSIS", ".B mindbeat \(ManPages.escape(command.path.joined(separator: " ")))"] + command.usageParts.dropFirst().map(ManPages.escape)
    }

    private func exitStatus() -> [String] {
        var lines = [".SH EXIT STATUS"]
        for status in ExitStatus.allCases {
            lines += [".TP", ".B \(status.rawValue)", ManPages.escape(status.meaning)]
        }
        return lines
    }

    func page(for command: Command) -> String {
        var lines = header(command.manName, command.summary)
        lines += synopsis(command)
        lines += [".SH DESCRIPTION", ManPages.escape(command.discussion.isEmpty ? command.summary.prefix(1).uppercased() + command.summary.dropFirst() + "." : command.discussion)]
        lines += [".PP", command.needsLogin
            ? "Needs a login (\\fBmindbeat login\\fR); without one it exits 77."
            : "Needs no login."]
        if !command.positionals.isEmpty {
            lines.append(".SH ARGUMENTS")
            for positional in command.positionals {
                lines += [".TP", ".I \(ManPages.escape(positional.name))", ManPages.escape(positional.help)]
            }
        }
        lines.append(".SH OPTIONS")
        for option in command.options {
            let term = option.value == nil ? ".B \(ManPages.escape(option.spelled))" : ".BI \(ManPages.escape(option.spelled)) \" \(ManPages.escape(option.placeholder))\""
            lines += [".TP", term, ManPages.escape(option.help + (option.required ? " Required." : ""))]
        }
        for group in command.oneOf {
            let names = group.names.map { "--" + $0 }.joined(separator: ", ")
            lines += [".PP", ManPages.escape((group.required ? "Exactly one of " : "At most one of ") + names + ".")]
        }
        lines += [".TP", ".BR \\-h \", \" \\-\\-help", "Show help for the command.",
                  ".TP", ".BI \\-\\-db \" PATH\"", ManPages.escape(GlobalOption.db.help + "."),
                  ".TP", ".BI \\-\\-remote \" [USER@]HOST[:PORT]\"", ManPages.escape(GlobalOption.remote.help + "."),
                  ".TP", ".BI \\-\\-tz \" ZONE\"", ManPages.escape(GlobalOption.tz.help + ".")]
        if !command.examples.isEmpty {
            lines.append(".SH EXAMPLES")
            for (index, example) in command.examples.enumerated() {
                if index > 0 { lines.append(".PP") }
                lines += [ManPages.escape(example.meaning) + ":", ".PP", ".RS 4", ".EX", ManPages.escape(example.command), ".EE", ".RE"]
            }
        }
        lines += exitStatus()
        lines += [".SH SEE ALSO", ".BR mindbeat (1)" + (groupPageName(of: command).map { " ,\n.BR \($0) (1)" } ?? "")]
        return lines.joined(separator: "\n") + "\n"
    }

    func overview() -> String {
        var lines = header("mindbeat", "run coaching sessions from the shell, the Mindbeat way")
        lines += [".SH SYNOPSIS", ".B mindbeat", "[\\fB\\-\\-db\\fR \\fIPATH\\fR]", "[\\fB\\-\\-remote\\fR \\fIHOST\\fR]", "[\\fB\\-\\-tz\\fR \\fIZONE\\fR]", ".I COMMAND", "[\\fIARGS\\fR]", ".br",
                  ".B mindbeat", "\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR | \\fBhelp\\fR [\\fICOMMAND\\fR...]"]
        lines += [".SH DESCRIPTION",
                  ManPages.escape("mindbeat runs coaching sessions from a shell the way the Mindbeat coaching platform works: list your sessions, attend one (a counter starts when you join), chat, fall back to Zoom or the phone, and end it as held or missed under the \(Policy.waitMinutes)-minute-wait protocol. The protocol is enforced, never advisory. Every command is scriptable: --json output, documented exit statuses and a fixed clock (MINDBEAT_NOW)."),
                  ".PP",
                  ManPages.escape("Options may come before or after arguments, as --opt value or --opt=value; -- ends options. TIME values are RFC 3339 (2026-12-01T10:00:00+01:00), a local date and time in $TZ (2026-12-01 10:00), a local date (midnight), now, or an offset from now (+90m, +2h, +1d). Impossible dates and local times that a daylight-saving change skips or repeats are errors, never rolled over.")]
        lines.append(".SH THE PROTOCOL")
        for (index, paragraph) in Manual.protocolProse.enumerated() {
            if index > 0 { lines.append(".PP") }
            lines.append(ManPages.escape(paragraph))
        }
        lines.append(".SH COMMANDS")
        for group in CommandGroup.allCases {
            let commands = table.filter { $0.group == group && !$0.hidden }
            guard !commands.isEmpty else { continue }
            lines += [".SS \(ManPages.escape(group.rawValue))"]
            for command in commands {
                lines += [".TP", ".B \(ManPages.escape(command.usage))",
                          ManPages.escape(command.summary) + "; see \\fB\(ManPages.escape(command.manName))\\fR(1)."]
            }
        }
        lines += [".SH GLOBAL OPTIONS"]
        for option in GlobalOption.all {
            lines += [".TP", ".B \(ManPages.escape(option.usage))", ManPages.escape(option.help)]
        }
        lines.append(".SH REFUSAL REASONS")
        lines.append(ManPages.escape("The stable ids of unmet conditions, as status --json reports them in reasons[].id:"))
        for kind in UnmetKind.allCases {
            lines += [".TP", ".B \(ManPages.escape(kind.rawValue))", ManPages.escape(Phrases.meaning(kind) + ".")]
        }
        lines += exitStatus()
        lines.append(".PP")
        lines.append(ManPages.escape("When several things are wrong, the first in this order decides: usage (64), data (65), database (73, 65, 75, 74), login (77), visibility (66), role (77), rules (1). Errors and warnings go to standard error, each line starting with \"mindbeat: \"."))
        lines.append(".SH ENVIRONMENT")
        for variable in Manual.environment {
            lines += [".TP", ".B \(ManPages.escape(variable.name))", ManPages.escape(variable.meaning)]
        }
        lines.append(".SH FILES")
        for file in Manual.files {
            lines += [".TP", ".I \(ManPages.escape(file.path))", ManPages.escape(file.meaning)]
        }
        lines.append(".SH SIGNALS")
        for signal in Manual.signals {
            lines += [".TP", ".B \(ManPages.escape(signal.name))", ManPages.escape(signal.meaning)]
        }
        lines.append(".SH EXAMPLES")
        let story: [(String, String)] = [
            ("mindbeat sessions add --at '2026-12-01 10:00' --member bo@example.com", "Schedule a session with Bo."),
            ("mindbeat attend", "Join the session that is about to start; the counter starts."),
            ("mindbeat contact 1 --via email", "Bo has not joined \(Policy.contactAfterMinutes) minutes after the start: email a reminder."),
            ("mindbeat status 1", "See the counter and when missed becomes allowed."),
            ("mindbeat end 1 --missed", "\(Policy.waitMinutes) minutes on, end the session as missed."),
        ]
        for (index, (command, meaning)) in story.enumerated() {
            if index > 0 { lines.append(".PP") }
            lines += [ManPages.escape(meaning), ".PP", ".RS 4", ".EX", ManPages.escape(command), ".EE", ".RE"]
        }
        lines += [".SH SEE ALSO"]
        let names = table.filter { !$0.hidden }.map(\.manName) + groups.map { "mindbeat-" + $0 }
        lines.append(names.map { ".BR \($0) (1)" }.joined(separator: " ,\n"))
        return lines.joined(separator: "\n") + "\n"
    }
}
