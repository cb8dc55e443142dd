import MindbeatCore

extension Commands {
    static let help = Command(
        ["help"], group: .shell,
        summary: "show help for mindbeat or a command",
        positionals: [Positional(Key.commandWords, optional: true, variadic: true, "the command, such as sessions list")],
        examples: [("mindbeat help end", "the rules for ending a session")],
        action: .open { context, arguments in
            try context.showHelp(arguments[.commandWords] ?? [])
        }
    )
}

extension Context {
    /// Fixed at 80 columns unless stdout is a terminal, so that help text is
    /// the same in every pipe and test.
    var helpWidth: Int {
        guard stdoutIsTerminal, let columns = environment["COLUMNS"].flatMap(Int.init), columns >= 40 else { return 80 }
        return min(columns, 120)
    }

    func showHelp(_ words: [String]) throws {
        let writer = HelpWriter(table: Commands.table, width: helpWidth)
        if words.isEmpty { return out.write(writer.overview(version: mindbeatVersion)) }
        if let command = Commands.table.first(where: { $0.path == words && !$0.hidden }) {
            return out.write(writer.command(command))
        }
        if words.count == 1, Commands.table.contains(where: { $0.path.count > 1 && $0.path[0] == words[0] && !$0.hidden }) {
            return out.write(writer.group(words[0]))
        }
        let names = Commands.table.filter { !$0.hidden }.map(\.name)
        var message = "no help for \(Parser.shown(words.joined(separator: " "))): no such command"
        if let close = Parser.closest(words.joined(separator: " "), among: names) { message += "; did you mean '\(close)'?" }
        throw UsageError(message)
    }
}
