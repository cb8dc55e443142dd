import MindbeatCore

extension Commands {
    static let contact = Command(
        ["contact"], group: .sessions,
        summary: "record an attempt to reach a member who has not joined",
        discussion: """
            The protocol for a no-show: from five minutes after the start, try to reach the \
            member, then wait 15 minutes before ending the session as missed. --via email \
            queues a reminder to the member (mindbeat outbox send delivers it); --via phone \
            prints their number to call; --via chat posts --note, or a line saying you are \
            waiting, into the chat. Otherwise --note is seen by you only. Coach only, once you \
            have joined and until the session ends.
            """,
        positionals: [Positional("ID", .sessionID, "the session")],
        options: [
            .needed("via", "email|phone|chat", .choice(ContactMethod.allCases.map(\.rawValue)), "how you tried to reach the member"),
            .value("note", "TEXT", .text, "a note: for you only, or the chat line with --via chat"),
        ],
        examples: [
            ("mindbeat contact 12 --via email", "email the member a reminder"),
            ("mindbeat contact 12 --via phone --note 'voicemail'", "call them, noting what happened"),
        ]
    ) { context, arguments in
        guard let via = arguments.string("via").flatMap(ContactMethod.init(rawValue:)) else {
            throw MindbeatError.usage("give --via email, phone or chat")
        }
        var note: String?
        if let text = arguments.string("note") {
            do {
                note = try ChatText.message(text)
            } catch let error as InvalidValue {
                throw MindbeatError.invalidValue(option: "--note", problem: error.problem)
            }
        }
        let (mindbeat, token) = try context.signedIn()
        let outcome = try mindbeat.contact(token: token, id: arguments.sessionID, via: via, note: note)
        let session = outcome.session
        let member = session.member
        switch via {
        case .email:
            context.out.line("Queued a reminder to \(member.name) <\(member.email)>; mindbeat outbox send delivers it.")
        case .phone:
            context.out.line("Call \(member.name): \(outcome.phone ?? "")")
        case .chat:
            context.out.line("Posted in the chat of session \(session.id).")
        }
        let missedFrom = SessionProtocol.waitEnds(session, now: context.now)
        context.out.line("Contact attempt recorded at \(context.zone.shortTime(context.now, now: context.now)). If \(member.firstName) does not join, missed is allowed from \(context.zone.shortTime(missedFrom, now: context.now)).")
    }

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
        positionals: [Positional("ID", .sessionID, "the session")],
        options: [
            .flag("zoom", "switch to Zoom"),
            .flag("phone", "switch to the phone"),
            .flag("platform", "switch back to the platform"),
        ],
        oneOf: [OneOf(names: ["zoom", "phone", "platform"], required: true)],
        examples: [("mindbeat switch 12 --zoom", "continue on Zoom")]
    ) { context, arguments in
        let channel: Channel = arguments.flag("zoom") ? .zoom : arguments.flag("phone") ? .phone : .platform
        let (mindbeat, token) = try context.signedIn()
        let result = try mindbeat.switchChannel(token: token, id: arguments.sessionID, to: channel)
        let session = result.session
        let already = result.previous == channel
        switch channel {
        case .zoom:
            context.out.line(already ? "Session \(session.id) is on Zoom: \(result.detail ?? "")"
                : "Switched session \(session.id) to Zoom; the link is in the chat: \(result.detail ?? "")")
        case .phone:
            context.out.line((already ? "Session \(session.id) is on the phone. " : "Switched session \(session.id) to the phone. ")
                + "Call \(session.member.name): \(result.detail ?? "")")
        case .platform:
            context.out.line(already ? "Session \(session.id) is on the platform." : "Switched session \(session.id) back to the platform.")
        }
        if !already && channel != .platform {
            context.out.line("When you finish, end it here: mindbeat end \(session.id) --held")
        }
    }

    static let end = Command(
        ["end"], group: .sessions,
        summary: "end a session as held or missed",
        discussion: """
            Ends a session for both parties and stops the counter. Coach only, once joined. \
            --held: from the start, or earlier once the member has joined. --missed: only if \
            the member has not joined, you waited 15 minutes from the later of the start and \
            your join, and you tried to reach them (mindbeat contact) since joining and no \
            earlier than five minutes after the start. A refusal names every unmet condition \
            and the time from which ending is allowed.
            """,
        positionals: [Positional("ID", .sessionID, "the session")],
        options: [
            .flag("held", "the session took place"),
            .flag("missed", "the member did not come, and you followed the protocol"),
        ],
        oneOf: [OneOf(names: ["held", "missed"], required: true)],
        examples: [
            ("mindbeat end 12 --held", "the session took place"),
            ("mindbeat end 12 --missed", "a no-show, after contacting and waiting 15 minutes"),
        ]
    ) { context, arguments in
        let held = arguments.flag("held")
        let (mindbeat, token) = try context.signedIn()
        let session = try mindbeat.end(token: token, id: arguments.sessionID, held: held)
        let at = context.zone.shortTime(context.now, now: context.now)
        let counter = session.elapsedSeconds(now: context.now).map(Render.counter) ?? "00:00:00"
        if held {
            context.out.line("Session \(session.id) with \(session.member.name) ended as held at \(at) (counter \(counter)).")
            context.out.line("Leave feedback: mindbeat feedback \(session.id) --rating 1..5 [--comment TEXT]")
        } else {
            context.out.line("Session \(session.id) with \(session.member.name) ended as missed at \(at) (counter \(counter)).")
        }
    }
}
