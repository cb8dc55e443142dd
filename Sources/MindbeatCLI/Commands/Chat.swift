import MindbeatCore

extension Commands {
    static let chat = Command(
        ["chat"], group: .sessions,
        summary: "send to a session's chat, or read it",
        discussion: """
            With TEXT (or - to read it from standard input), sends one message of 1 to \
            \(Policy.chatLimitBytes) bytes to the chat of a session in progress. Without TEXT, prints the \
            conversation. Use the chat when the video or sound fails, and to agree on switching \
            to Zoom or the phone.
            """,
        positionals: [
            Positional(Key.id, "the session"),
            Positional(Key.text, optional: true, "the message, or - for standard input"),
        ],
        options: [CommonOptions.json],
        examples: [
            ("mindbeat chat 12 'Your sound cut out, shall we switch to Zoom?'", "send a message"),
            ("mindbeat chat 12", "read the conversation"),
        ],
        action: .prepared { input, arguments in
            let id = try arguments.required(.id)
            guard let argument = arguments[.text] else {
                return { signedIn in try readChat(signedIn, id: id, json: arguments.has(.json)) }
            }
            if arguments.has(.json) { throw UsageError("--json applies to reading the chat, not sending") }
            var raw = argument
            let fromStdin = argument == "-"
            if fromStdin {
                guard let input = try input.readStdin(limit: Policy.chatLimitBytes + 2) else {
                    throw UsageError("TEXT is longer than \(Policy.chatLimitBytes) bytes")
                }
                raw = input
            }
            let text: ChatText
            do throws(InvalidValue) {
                text = try ChatText(raw, fromStdin: fromStdin)
            } catch {
                throw error.usage("TEXT")
            }
            return { signedIn in try signedIn.mindbeat.sendChat(signedIn.actor, id: id, text: text) }
        }
    )

    static func readChat(_ signedIn: SignedIn, id: Int64, json: Bool) throws {
        let messages = try signedIn.mindbeat.chat(signedIn.actor, id: id)
        let render = signedIn.render
        if json { return signedIn.context.print(.array(messages.map(render.json))) }
        guard !messages.isEmpty else { return signedIn.out.line("No messages in session \(id).") }
        for message in messages {
            let prefix = render.zone.shortTime(message.at, now: signedIn.now) + "  " + render.text(message.authorName) + ": "
            let lines = message.text.split(separator: "\n", omittingEmptySubsequences: false)
            signedIn.out.line(prefix + render.text(String(lines[0])))
            let indent = String(repeating: " ", count: Render.visibleWidth(prefix))
            for line in lines.dropFirst() { signedIn.out.line(indent + render.text(String(line))) }
        }
    }
}
