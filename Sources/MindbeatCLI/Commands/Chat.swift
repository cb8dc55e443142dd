import MindbeatCore

extension Commands {
    static let chat = Command(
        ["chat"], group: .sessions,
        summary: "send to a session's chat, or read it",
        discussion: """
            With TEXT (or - to read it from standard input), sends one message of 1 to \
            \(Policy.chatLimitBytes) bytes to the chat of a session in progress. Without TEXT, prints the \
            conversation; with --follow, then each new message as it arrives, until the session \
            ends (exit 0) or Ctrl-C (130), and with --follow --json one message object per line \
            (JSON Lines). Use the chat when the video or sound fails, and to agree on switching \
            to Zoom or the phone.
            """,
        positionals: [
            Positional(Key.id, "the session"),
            Positional(Key.text, optional: true, "the message, or - for standard input"),
        ],
        options: [
            CommonOptions.json,
            .flag(.follow, "keep printing new messages as they arrive, until the session ends"),
        ],
        examples: [
            ("mindbeat chat 12 'Your sound cut out, shall we switch to Zoom?'", "send a message"),
            ("mindbeat chat 12", "read the conversation"),
            ("mindbeat chat 12 --follow --json | jq -r .text", "each message as it comes"),
        ],
        action: .prepared { input, arguments in
            let id = try arguments.required(.id)
            guard let argument = arguments[.text] else {
                if arguments.has(.follow) {
                    return { signedIn in try followChat(signedIn, id: id, json: arguments.has(.json)) }
                }
                return { signedIn in try readChat(signedIn, id: id, json: arguments.has(.json)) }
            }
            if arguments.has(.json) { throw UsageError("--json applies to reading the chat, not sending") }
            if arguments.has(.follow) { throw UsageError("--follow applies to reading the chat, not sending") }
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
        for message in messages { chatLines(message, render: render, now: signedIn.now).forEach(signedIn.out.line) }
    }

    /// A message as text: the time, the author, the text, its later lines
    /// indented under the first.
    static func chatLines(_ message: ChatMessage, render: Render, now: Instant) -> [String] {
        let prefix = render.zone.shortTime(message.at, now: now) + "  " + render.text(message.authorName) + ": "
        let lines = message.text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = String(repeating: " ", count: Render.visibleWidth(prefix))
        return [prefix + render.text(String(lines[0]))] + lines.dropFirst().map { indent + render.text(String($0)) }
    }

    /// `chat --follow`: the conversation so far, then each message as it
    /// comes, until the session closes. The feed starts before the first
    /// read, so no message falls between the two; each read starts after
    /// the last message printed, so none is printed twice.
    static func followChat(_ signedIn: SignedIn, id: Int64, json: Bool) throws {
        let live = try LiveSession(signedIn)
        var last: Int64 = 0
        while true {
            let (messages, closed) = try live.mindbeat.chat(signedIn.actor, id: id, after: last)
            let render = live.render(at: live.clock.now())
            for message in messages {
                if json {
                    signedIn.out.line(render.json(message).line())
                } else {
                    chatLines(message, render: render, now: render.now).forEach(signedIn.out.line)
                }
                last = message.id
            }
            try live.flush()
            if closed { return }
            try live.sleep(seconds: 3600)
        }
    }
}
