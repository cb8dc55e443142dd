import MindbeatCore

extension Commands {
    static let end = Command(
        ["end"], group: .sessions,
        summary: "end a session as held or missed",
        discussion: """
            Ends a session for both parties and stops the counter. Coach only, once joined. \
            --held: from the start, or earlier once the member has joined. --missed: only if \
            the member has not joined, you waited \(Policy.waitMinutes) minutes from the later of the start and \
            your join, and you tried to reach them (mindbeat contact) since joining and no \
            earlier than \(Policy.contactAfterMinutes) minutes after the start. A refusal names every unmet condition \
            and the time from which ending is allowed.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [
            .flag(.held, "the session took place"),
            .flag(.missed, "the member did not come, and you followed the protocol"),
        ],
        oneOf: [OneOf(EndOutcome.self, required: true)],
        examples: [
            ("mindbeat end 12 --held", "the session took place"),
            ("mindbeat end 12 --missed", "a no-show, after contacting and waiting \(Policy.waitMinutes) minutes"),
        ],
        action: .signedIn { signedIn, arguments in
            let outcome = try arguments.required(EndOutcome.self)
            let session = try signedIn.mindbeat.end(signedIn.actor, id: try arguments.required(.id), as: outcome)
            let endedAt = session.endedAt ?? signedIn.now
            let at = signedIn.render.zone.shortTime(endedAt, now: endedAt)
            let counter = session.elapsedSeconds(now: endedAt).map(Render.counter) ?? "00:00:00"
            signedIn.out.line("Session \(session.id) with \(signedIn.render.text(session.member.name)) ended as \(outcome.rawValue) at \(at) (counter \(counter)).")
            if outcome == .held {
                signedIn.out.line("Leave feedback: mindbeat feedback \(session.id) --rating 1..5 [--comment TEXT]")
            }
        }
    )
}
