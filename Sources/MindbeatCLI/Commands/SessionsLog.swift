import MindbeatCore

extension Commands {
    static let sessionsLog = Command(
        ["sessions", "log"], group: .sessions,
        summary: "show what happened in a session, oldest first",
        discussion: """
            Prints the session's log: every change, appended when it was made and never changed \
            since — booked, moved, cancelled, each party's join, contact attempts, channel \
            switches, chat messages, shared notes, the end, feedback, and the email notices \
            about it — with the time, who did it (mindbeat itself for notices) and, in team \
            mode, the fingerprint of the SSH key the command came through. Events carry no \
            text: not a message, a note, a reason nor a rating. A party sees every event but \
            the other party's feedback (an admin reads all feedback) and, until the session has \
            ended, their shared notes; \
            an admin who is not a party sees every event, to settle a dispute; a line manager \
            is refused. Events marked reconstructed were rebuilt, when the database was \
            upgraded to 0.2, from what its rows proved.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [CommonOptions.json],
        examples: [
            ("mindbeat sessions log 12", "what happened in session 12, and when"),
            ("mindbeat sessions log 12 --json | jq '.[] | select(.kind == \"contact\")'", "the contact attempts of a disputed no-show"),
        ],
        action: .signedIn { signedIn, arguments in
            let log = try signedIn.mindbeat.sessionLog(signedIn.actor, id: try arguments.required(.id))
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(log.events.map(render.json))) }
            let session = log.view.session
            signedIn.out.line("Session \(session.id): \(render.text(session.coach.name)) with \(render.text(session.member.name)), "
                + "\(render.span(session)), \(render.statusWords(session))")
            guard !log.events.isEmpty else { return signedIn.out.line("No events.") }
            let zone = signedIn.context.zone
            let rows = log.events.map { event -> [String] in
                let civil = zone.civil(event.at)
                var detail = event.detail ?? ""
                if event.kind == .rescheduled, let start = try? TimeInput.parseRFC3339(detail) { detail = zone.dateTime(start) }
                var row = [civil.isoDate + " " + civil.isoTime(seconds: true), event.kind.rawValue, render.text(detail),
                           event.actor.map { render.text($0.email) } ?? (event.kind.isNotice ? "mindbeat" : "—")]
                var notes: [String] = []
                if let via = event.via { notes.append("via " + via) }
                if event.reconstructed { notes.append("(reconstructed)") }
                row.append(notes.joined(separator: " "))
                return row
            }
            Render.table(rows).map { line in
                var trimmed = line
                while trimmed.hasSuffix(" ") { trimmed.removeLast() }
                return trimmed
            }.forEach(signedIn.out.line)
        }
    )
}
