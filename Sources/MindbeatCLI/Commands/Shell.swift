import MindbeatCore

extension Commands {
    static let help = Command(
        ["help"], group: .shell,
        summary: "show help for mindbeat or a command",
        positionals: [Positional("COMMAND", .commandName, optional: true, variadic: true, "the command, such as sessions list")],
        examples: [("mindbeat help end", "the rules for ending a session")],
        needsLogin: false
    ) { context, arguments in
        try context.showHelp(arguments.positionalStrings)
    }

    static let helpCall = Command(
        ["help", "call"], group: .sessions,
        summary: "tips for fixing video-call problems",
        examples: [("mindbeat help call", "what to try when the video or sound fails")],
        needsLogin: false
    ) { context, _ in
        let tips = [
            "Tips for video-call problems",
            "",
            "1. Check that the browser may use your camera and microphone, and that no other program holds them.",
            "2. Pick the right microphone, speaker and camera in the call settings; unplug and replug a headset.",
            "3. Close other tabs and programs that use the network or the camera; turn off a virtual background.",
            "4. Reload the session window, or leave and attend again: the counter keeps your first join time.",
            "5. Tell your member in the chat what is happening: mindbeat chat ID 'TEXT'.",
            "6. Still failing? Agree in the chat to switch, then: mindbeat switch ID --zoom (needs a Zoom link on your profile) or mindbeat switch ID --phone.",
            "7. Whatever the channel, come back and end the session here so that it is logged: mindbeat end ID --held.",
        ]
        for tip in tips {
            HelpWriter.wrap(tip, width: context.helpWidth, indent: tip.first?.isNumber == true ? 3 : 0, firstIndent: 0).forEach(context.out.line)
        }
    }
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
