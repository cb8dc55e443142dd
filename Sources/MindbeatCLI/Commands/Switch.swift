import MindbeatCore

extension Commands {
    static let switchChannel = Command(
        ["switch"], group: .sessions,
        summary: "move a session to Zoom or the phone, or back to the platform",
        discussion: """
            When the platform fails: --zoom posts your Zoom link into the chat and prints it \
            (it needs a Zoom link on your profile: a professional account); --phone prints the \
            member's number; --platform moves back. Agree on it in the chat first. A session \
            held on Zoom or the phone is still ended with mindbeat end. Coach only, while the \
            session is in progress.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [
            .flag(.zoomFlag, "switch to Zoom"),
            .flag(.phoneFlag, "switch to the phone"),
            .flag(.platform, "switch back to the platform"),
        ],
        oneOf: [OneOf(Channel.self, required: true)],
        examples: [("mindbeat switch 12 --zoom", "continue on Zoom")],
        action: .signedIn { signedIn, arguments in
            let channel = try arguments.required(Channel.self)
            let result = try signedIn.mindbeat.switchChannel(
                signedIn.actor, id: try arguments.required(.id), to: channel, zoomLine: Phrases.zoomLine)
            let session = result.session
            let render = signedIn.render
            let detail = render.text(result.detail ?? "")
            let already = result.previous == channel
            switch channel {
            case .zoom:
                signedIn.out.line(already ? "Session \(session.id) is on Zoom: \(detail)"
                    : "Switched session \(session.id) to Zoom; the link is in the chat: \(detail)")
            case .phone:
                signedIn.out.line((already ? "Session \(session.id) is on the phone. " : "Switched session \(session.id) to the phone. ")
                    + "Call \(render.text(session.member.name)): \(detail)")
            case .platform:
                signedIn.out.line(already ? "Session \(session.id) is on the platform." : "Switched session \(session.id) back to the platform.")
            }
            if !already && channel != .platform {
                signedIn.out.line("When you finish, end it here: mindbeat end \(session.id) --held")
            }
        }
    )
}
