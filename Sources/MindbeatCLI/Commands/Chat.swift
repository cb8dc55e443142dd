import MindbeatCore

extension Commands {
    static let chat = Command(
        ["chat"], group: .sessions,
        summary: "send to a session's chat, or read it",
        discussion: """
            With TEXT (or - to read it from standard input), sends one message of 1 to 4096 \
            bytes to the chat of a session in progress. Without TEXT, prints the conversation. \
            Use the chat when the video or sound fails, and to agree on switching to Zoom or \
            the phone.
            """,
        positionals: [
            Positional("ID", .sessionID, "the session"),
            Positional("TEXT", .text, optional: true, "the message, or - for standard input"),
        ],
        options: [CommonOptions.json],
        examples: [
            ("mindbeat chat 12 'Your sound cut out, shall we switch to Zoom?'", "send a message"),
            ("mindbeat chat 12", "read the conversation"),
        ]
    ) { context, arguments in
        let id = arguments.sessionID
        if let argument = arguments.positionalString(1) {
            if arguments.flag("json") { throw MindbeatError.usage("--json applies to reading the chat, not sending") }
            let text: String
            do {
                if argument == "-" {
                    guard let input = try context.readStdin(limit: ChatText.limit + 2) else {
                        throw MindbeatError.invalidValue(option: "TEXT", problem: "is longer than \(ChatText.limit) bytes")
                    }
                    text = try ChatText.message(input, fromStdin: true)
                } else {
                    text = try ChatText.message(argument)
                }
            } catch let error as InvalidValue {
                throw MindbeatError.invalidValue(option: "TEXT", problem: error.problem)
            }
            let (mindbeat, token) = try context.signedIn()
            try mindbeat.sendChat(token: token, id: id, text: text)
            return
        }
        let (mindbeat, token) = try context.signedIn()
        let messages = try mindbeat.chat(token: token, id: id)
        let render = context.render
        if arguments.flag("json") { return context.print(.array(messages.map(render.json))) }
        guard !messages.isEmpty else { return context.out.line("No messages in session \(id).") }
        for message in messages {
            let prefix = context.zone.shortTime(message.at, now: context.now) + "  " + message.authorName + ": "
            let lines = message.text.split(separator: "\n", omittingEmptySubsequences: false)
            context.out.line(prefix + Commands.printable(String(lines[0])))
            let indent = String(repeating: " ", count: Render.visibleWidth(prefix))
            for line in lines.dropFirst() { context.out.line(indent + Commands.printable(String(line))) }
        }
    }

    /// Text from other people made safe for a terminal: control characters
    /// (escape sequences among them) shown as `?`.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            out.unicodeScalars.append(scalar == "\t" ? scalar : (Values.isControl(scalar) ? "?" : scalar))
        }
        return out
    }
}
