import MindbeatCore

extension Commands {
    static let attend = Command(
        ["attend"], group: .sessions,
        summary: "join a session; the coach's join starts the counter",
        discussion: """
            Joins a session, from 30 minutes before its start until it ends; the session is in \
            progress from the first join. The coach's join starts the counter. A coach who \
            joins before the start is warned: ending the session would end it for the member \
            too, and mindbeat will not end it before the start unless the member joins. \
            Attending again keeps the first join time. Without ID, joins your one session that \
            can be attended now.
            """,
        positionals: [Positional("ID", .sessionID, optional: true, "the session (default: the one you can attend now)")],
        examples: [
            ("mindbeat attend 12", "join session 12"),
            ("mindbeat attend", "join the session that is about to start"),
        ]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let attendance = try mindbeat.attend(token: token, id: arguments.positionalInteger(0))
        let session = attendance.session
        let zone = context.zone
        let now = context.now
        if attendance.joinedEarly {
            let minutes = (session.startsAt.seconds(since: now) + 59) / 60
            context.warn("the counter has started, \(minutes) minute\(minutes == 1 ? "" : "s") before session \(session.id) starts at \(zone.shortTime(session.startsAt, now: now)).")
            context.warn("ending the session now would end it for \(session.member.name) too; mindbeat will not end it before \(zone.shortTime(session.startsAt, now: now)) unless \(session.member.firstName) joins.")
        }
        guard attendance.joinedNow else {
            let first = attendance.party == .coach ? session.coachJoinedAt : session.memberJoinedAt
            context.out.line("You are already in session \(session.id) (joined at \(first.map { zone.shortTime($0, now: now) } ?? "?")).")
            return
        }
        let other = attendance.party == .coach ? session.member : session.coach
        let otherJoined = attendance.party == .coach ? session.memberJoinedAt : session.coachJoinedAt
        context.out.line("Joined session \(session.id) with \(other.name) at \(zone.shortTime(now, now: now)); " +
            (otherJoined == nil ? "\(other.firstName) has not joined yet." : "\(other.firstName) is here."))
        if attendance.party == .coach {
            context.out.line("The counter is running. Chat: mindbeat chat \(session.id) TEXT · end: mindbeat end \(session.id) --held")
        } else {
            context.out.line("Chat: mindbeat chat \(session.id) TEXT")
        }
    }

    static let status = Command(
        ["status"], group: .sessions,
        summary: "where a session stands and what the protocol allows next",
        discussion: """
            Shows the session, its counter and each next step with whether the protocol allows \
            it now, and if not, why and from when. Without ID: your session in progress, else \
            your next one.
            """,
        positionals: [Positional("ID", .sessionID, optional: true, "the session (default: in progress, else next)")],
        options: [CommonOptions.json],
        examples: [
            ("mindbeat status", "your current session"),
            ("mindbeat status 12 --json | jq '.next[] | select(.action == \"end_missed\")'", "when missed becomes allowed"),
        ]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let report = try mindbeat.status(token: token, id: arguments.positionalInteger(0))
        let render = context.render
        guard let report else {
            if arguments.flag("json") { return context.print(.null) }
            return context.out.line("No session in progress or coming up.")
        }
        if arguments.flag("json") { return context.print(render.json(report)) }
        let session = report.view.session
        context.out.line("Session \(session.id) · \(render.span(session)) · \(session.coach.name) with \(session.member.name) · \(session.channel.rawValue)")
        context.out.line(render.standing(report))
        guard !report.next.isEmpty else { return }
        var rows: [[String]] = []
        for step in report.next {
            let decision = step.decision
            let answer: String
            if decision.isAllowed {
                answer = render.paint("allowed", "32")
            } else {
                let reasons = decision.reasons.map { $0.message(zone: context.zone, now: context.now) }.joined(separator: "; ")
                if let from = decision.allowedFrom {
                    answer = "from \(context.zone.shortTime(max(from, context.now), now: context.now)): " + reasons
                } else {
                    answer = "no: " + reasons
                }
            }
            rows.append(["  " + Commands.label(step.action), answer])
        }
        context.out.line("Next:")
        Render.table(rows).forEach(context.out.line)
    }

    /// A protocol step as the commands spell it.
    static func label(_ action: ProtocolAction) -> String {
        switch action {
        case .attend: return "attend"
        case .chat: return "chat"
        case .contact: return "contact"
        case .switchChannel: return "switch"
        case .endHeld: return "end --held"
        case .endMissed: return "end --missed"
        }
    }
}
