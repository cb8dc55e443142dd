import MindbeatCore

extension Commands {
    static let attend = Command(
        ["attend"], group: .sessions,
        summary: "join a session; the coach's join starts the counter",
        discussion: """
            Joins a session, from \(Policy.earlyJoinMinutes) minutes before its start until it ends; the session is in \
            progress from the first join. The coach's join starts the counter. A coach who \
            joins before the start is warned: ending the session would end it for the member \
            too, and mindbeat will not end it before the start unless the member joins. \
            Attending again keeps the first join time. Without ID, joins your one session that \
            can be attended now.
            """,
        positionals: [Positional(Key.id, optional: true, "the session (default: the one you can attend now)")],
        examples: [
            ("mindbeat attend 12", "join session 12"),
            ("mindbeat attend", "join the session that is about to start"),
        ],
        action: .signedIn { signedIn, arguments in
            let attendance = try signedIn.mindbeat.attend(signedIn.actor, id: arguments[.id])
            let session = attendance.session
            let context = signedIn.context
            let zone = context.zone
            let now = attendance.at
            let render = signedIn.render
            let member = render.text(session.member.name)
            if attendance.joinedEarly {
                let minutes = (session.startsAt.seconds(since: now) + 59) / 60
                let start = zone.shortTime(session.startsAt, now: now)
                context.warn("the counter has started, \(minutes) minute\(minutes == 1 ? "" : "s") before session \(session.id) starts at \(start).")
                context.warn("ending the session now would end it for \(member) too; mindbeat will not end it before \(start) unless \(render.text(session.member.firstName)) joins.")
            }
            guard attendance.joinedNow else {
                let first = attendance.party == .coach ? session.coachJoinedAt : session.memberJoinedAt
                signedIn.out.line("You are already in session \(session.id) (joined at \(first.map { zone.shortTime($0, now: now) } ?? "?")).")
                return
            }
            let other = attendance.party == .coach ? session.member : session.coach
            let otherJoined = attendance.party == .coach ? session.memberJoinedAt : session.coachJoinedAt
            let otherFirst = render.text(other.firstName)
            signedIn.out.line("Joined session \(session.id) with \(render.text(other.name)) at \(zone.shortTime(now, now: now)); " +
                (otherJoined == nil ? "\(otherFirst) has not joined yet." : "\(otherFirst) is here."))
            if attendance.party == .coach {
                signedIn.out.line("The counter is running. Chat: mindbeat chat \(session.id) TEXT · end: mindbeat end \(session.id) --held")
            } else {
                signedIn.out.line("Chat: mindbeat chat \(session.id) TEXT")
            }
        }
    )
}
