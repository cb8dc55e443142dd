import MindbeatCore

extension Commands {
    static let contact = Command(
        ["contact"], group: .sessions,
        summary: "record an attempt to reach a member who has not joined",
        discussion: """
            The protocol for a no-show: from \(Policy.contactAfterMinutes) minutes after the start, try to reach the \
            member, then wait \(Policy.waitMinutes) minutes before ending the session as missed. --via email \
            queues a reminder to the member (mindbeat outbox send delivers it); --via phone \
            prints their number to call; --via chat posts --note, or a line saying you are \
            waiting, into the chat. Otherwise --note is seen by you only. Coach only, once you \
            have joined and until the session ends.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [
            .needed(Key.via, "email|phone|chat", "how you tried to reach the member"),
            .value(Key.note, "TEXT", "a note: for you only, or the chat line with --via chat"),
        ],
        examples: [
            ("mindbeat contact 12 --via email", "email the member a reminder"),
            ("mindbeat contact 12 --via phone --note 'voicemail'", "call them, noting what happened"),
        ],
        action: .prepared { _, arguments in
            let id = try arguments.required(.id)
            let via = try arguments.required(.via)
            var note: ChatText?
            if let text = arguments[.note] {
                do throws(InvalidValue) {
                    note = try ChatText(text)
                } catch {
                    throw error.usage("--note")
                }
            }
            return { signedIn in
                let outcome = try signedIn.mindbeat.contact(
                    signedIn.actor, id: id, via: via, note: note, waitingLine: Phrases.waitingLine)
                let session = outcome.session
                let render = signedIn.render
                let member = session.member
                switch via {
                case .email:
                    signedIn.out.line("Queued a reminder to \(render.text(member.name)) <\(render.text(member.email))>; mindbeat outbox send delivers it.")
                case .phone:
                    signedIn.out.line("Call \(render.text(member.name)): \(render.text(outcome.phone ?? ""))")
                case .chat:
                    signedIn.out.line("Posted in the chat of session \(session.id).")
                }
                let zone = render.zone
                let missedFrom = SessionProtocol.waitEnds(session, now: outcome.at)
                signedIn.out.line("Contact attempt recorded at \(zone.shortTime(outcome.at, now: outcome.at)). If \(render.text(member.firstName)) does not join, missed is allowed from \(zone.shortTime(missedFrom, now: outcome.at)).")
            }
        }
    )
}
