import MindbeatCore

/// `--help` text, made from the command table.
struct HelpWriter {
    let table: [Command]
    let width: Int

    /// Words of `text` wrapped to `width`, each line after the first indented.
    static func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
        var lines: [String] = []
        var line = String(repeating: " ", count: firstIndent ?? indent)
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// `usage: mindbeat …`, wrapped between its parts with continuation lines
    /// aligned after the command name.
    static func usageLines(_ command: Command, width: Int) -> [String] {
        let parts = command.usageParts
        let indent = String(repeating: " ", count: "usage: ".count + parts[0].count + 1)
        var lines: [String] = []
        var line = "usage: " + parts[0]
        for part in parts.dropFirst() {
            if line.count + 1 + part.count > width && line.count > indent.count {
                lines.append(line)
                line = indent + part
            } else {
                line += " " + part
            }
        }
        lines.append(line)
        return lines
    }

    /// Two columns: a term and its description, wrapped.
    func definitions(_ items: [(String, String)], termWidth: Int = 24) -> [String] {
        var lines: [String] = []
        for (term, text) in items {
            let padded = "  " + term
            if padded.count + 2 > termWidth {
                lines.append(padded)
                lines += HelpWriter.wrap(text, width: width, indent: termWidth)
            } else {
                let wrapped = HelpWriter.wrap(text, width: width, indent: termWidth)
                let first = padded + String(repeating: " ", count: termWidth - padded.count)
                    + wrapped[0].dropFirst(termWidth)
                lines.append(first)
                lines += wrapped.dropFirst()
            }
        }
        return lines
    }

    func overview(version: String) -> String {
        var lines = [
            "mindbeat \(version) — run coaching sessions from the shell, the Mindbeat way",
            "",
            "usage: mindbeat [--db PATH] [--remote HOST] [--tz ZONE] COMMAND [ARGS]",
            "       mindbeat --version | --help | help [COMMAND...]",
        ]
        for group in CommandGroup.allCases {
            let commands = table.filter { $0.group == group && !$0.hidden }
            guard !commands.isEmpty else { continue }
            lines += ["", group.rawValue + ":"]
            lines += definitions(commands.map { ($0.name, $0.summary) })
        }
        lines += ["", "Global options:"]
        lines += definitions(GlobalOption.all.map { ($0.usage, $0.help) })
        lines.append("")
        lines += HelpWriter.wrap("Run 'mindbeat help COMMAND' for a command's options and examples, and 'man mindbeat' for the protocol.", width: width)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The subcommands of a group such as `users`.
    func group(_ word: String) -> String {
        let children = table.filter { $0.path.first == word && !$0.hidden }
        var lines = children.map { "usage: " + $0.usage } + [""]
        lines += definitions(children.map { ($0.name, $0.summary) })
        return lines.joined(separator: "\n") + "\n"
    }

    func command(_ command: Command) -> String {
        var lines = HelpWriter.usageLines(command, width: width)
        lines.append("")
        lines += HelpWriter.wrap("mindbeat \(command.name): \(command.summary)", width: width, indent: 2, firstIndent: 0)
        if !command.discussion.isEmpty {
            lines.append("")
            lines += HelpWriter.wrap(command.discussion, width: width)
        }
        if !command.needsLogin {
            lines += ["", "Needs no login."]
        }
        if !command.positionals.isEmpty {
            lines += ["", "Arguments:"]
            lines += definitions(command.positionals.map { ($0.name, $0.help) })
        }
        let options = command.options.map { ($0.usage, $0.help) } + [("-h, --help", "show this help")]
        lines += ["", "Options:"]
        lines += definitions(options)
        if !command.examples.isEmpty {
            lines += ["", "Examples:"]
            for example in command.examples {
                lines.append("  $ " + example.command)
                lines += HelpWriter.wrap(example.meaning, width: width, indent: 4)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The EXIT STATUS list, from the same type the code maps errors with.
    func exitStatuses() -> [String] {
        definitions(ExitStatus.allCases.map { (String($0.rawValue), $0.meaning) }, termWidth: 8)
    }
}
