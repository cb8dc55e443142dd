import MindbeatCore

extension Commands {
    static let sessionsShow = Command(
        ["sessions", "show"], group: .sessions,
        summary: "show one session",
        discussion: """
            Shows a session: its time, people, status, counter and channel, and, once cancelled, \
            who cancelled it, when and why; to its coach also the contact attempts with their \
            notes. A line manager sees the time, the people and the status only, and so does an \
            admin who is not a party (an admin may cancel and reschedule any session).
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [CommonOptions.json],
        examples: [("mindbeat sessions show 12", "everything about session 12 you may see")],
        action: .signedIn { signedIn, arguments in
            let detail = try signedIn.mindbeat.session(signedIn.actor, id: try arguments.required(.id))
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(render.json(detail.view)) }
            let session = detail.view.session
            let zone = signedIn.context.zone
            let now = signedIn.now
            var rows = [
                ["session", String(session.id)],
                ["when", render.span(session) + " (\(session.durationMinutes) min)"],
                ["coach", render.text(session.coach.name) + " <\(render.text(session.coach.email))>"],
                ["member", render.text(session.member.name) + " <\(render.text(session.member.email))>"],
                ["status", render.statusWords(session)],
            ]
            if case .party = detail.view.access {
                func at(_ instant: Instant?) -> String { instant.map { zone.shortTime($0, now: now) } ?? "—" }
                rows += [
                    ["channel", session.channel.rawValue],
                    ["counter", session.elapsedSeconds(now: now).map(Render.counter) ?? "not started"],
                    ["coach joined", at(session.coachJoinedAt)],
                    ["member joined", at(session.memberJoinedAt)],
                    ["ended", at(session.endedAt)],
                    ["contact attempts", String(session.contactAttempts)],
                ]
                if let cancellation = session.cancellation {
                    rows.append(["cancelled", at(cancellation.at) + " by " + render.text(cancellation.by.name)])
                    if let reason = cancellation.reason { rows.append(["reason", render.text(reason)]) }
                }
                if let series = session.seriesID {
                    rows.append(["series", series == session.id ? "the first of a series" : "from session \(series)"])
                }
                if session.sequence > 0 { rows.append(["changes", "\(session.sequence) (cancelled or rescheduled)"]) }
            }
            Render.table(rows).forEach(signedIn.out.line)
            for attempt in detail.contactAttempts {
                var line = "  " + zone.shortTime(attempt.at, now: now) + "  by " + attempt.via.rawValue
                if let note = attempt.note { line += "  " + render.text(note) }
                signedIn.out.line(line)
            }
        }
    )
}
