import MindbeatCore

extension Commands {
    static let sessionsAdd = Command(
        ["sessions", "add"], group: .sessions,
        summary: "schedule a session",
        discussion: """
            Schedules a session and prints only its id. A coach schedules with one of their \
            members (--member), a member with their own coach, an admin names --coach and \
            --member. Refused when the start is in the past or the session would overlap \
            another not-ended session of the coach or the member; back-to-back is fine.
            """,
        options: [
            .needed("at", "TIME", .time, "the start: 2026-12-01 10:00 (local), an RFC 3339 time, +2h, +1d …"),
            .value("member", "EMAIL", .email, "the member (a coach or admin names them)"),
            .value("coach", "EMAIL", .email, "the coach (an admin names them; default: you)"),
            .value("duration", "MINUTES", .minutes, "the length in minutes, 1 to 1440 (default 60)"),
        ],
        examples: [
            ("mindbeat sessions add --at '2026-12-01 10:00' --member bo@example.com", "schedule an hour with Bo"),
            ("id=$(mindbeat sessions add --at +1d --member bo@example.com --duration 45)", "keep the new id in a script"),
        ]
    ) { context, arguments in
        guard let at = arguments.instant("at") else { throw MindbeatError.usage("give the start: --at TIME") }
        let (mindbeat, token) = try context.signedIn()
        let id = try mindbeat.schedule(
            token: token, startsAt: at, memberEmail: arguments.string("member"), coachEmail: arguments.string("coach"),
            durationMinutes: arguments.integer("duration") ?? 60)
        context.out.line(String(id))
    }

    static let sessionsList = Command(
        ["sessions", "list"], group: .sessions,
        summary: "list your sessions",
        discussion: """
            Lists the sessions you take part in or, as a line manager, those of your reports. \
            --upcoming (the default): not ended, oldest first, those past their end marked \
            overdue. --past: ended, newest first. --all: every one, oldest first. --from \
            (inclusive) and --to (exclusive) bound the start.
            """,
        options: [
            .flag("upcoming", "sessions not ended yet, oldest first (the default)"),
            .flag("past", "ended sessions, newest first"),
            .flag("all", "every session, oldest first"),
            .value("member", "EMAIL", .email, "only the sessions of this member"),
            .value("from", "TIME", .time, "only sessions starting at or after TIME"),
            .value("to", "TIME", .time, "only sessions starting before TIME"),
            CommonOptions.json,
        ],
        oneOf: [OneOf(names: ["upcoming", "past", "all"], required: false)],
        examples: [
            ("mindbeat sessions list", "what is coming up"),
            ("mindbeat sessions list --past --member bo@example.com --json", "Bo's ended sessions as JSON"),
        ]
    ) { context, arguments in
        let scope: Store.SessionScope = arguments.flag("past") ? .past : arguments.flag("all") ? .all : .upcoming
        let (mindbeat, token) = try context.signedIn()
        let views = try mindbeat.sessions(
            token: token, scope: scope, memberEmail: arguments.string("member"),
            from: arguments.instant("from"), to: arguments.instant("to"))
        let render = context.render
        if arguments.flag("json") { return context.print(.array(views.map(render.json))) }
        guard !views.isEmpty else {
            return context.out.line(scope == .past ? "No past sessions." : scope == .all ? "No sessions." : "No upcoming sessions.")
        }
        render.sessionRows(views).forEach(context.out.line)
    }

    static let sessionsShow = Command(
        ["sessions", "show"], group: .sessions,
        summary: "show one session",
        discussion: """
            Shows a session: its time, people, status, counter and channel; to its coach also \
            the contact attempts with their notes. A line manager sees the time, the people and \
            the status only.
            """,
        positionals: [Positional("ID", .sessionID, "the session")],
        options: [CommonOptions.json],
        examples: [("mindbeat sessions show 12", "everything about session 12 you may see")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let detail = try mindbeat.session(token: token, id: arguments.sessionID)
        let render = context.render
        if arguments.flag("json") { return context.print(render.json(detail.view)) }
        let session = detail.view.session
        let zone = context.zone
        var rows = [
            ["session", String(session.id)],
            ["when", render.span(session) + " (\(session.durationMinutes) min)"],
            ["coach", session.coach.name + " <\(session.coach.email)>"],
            ["member", session.member.name + " <\(session.member.email)>"],
            ["status", render.statusWords(session)],
        ]
        if case .party = detail.view.access {
            func at(_ instant: Instant?) -> String { instant.map { zone.shortTime($0, now: context.now) } ?? "—" }
            rows += [
                ["channel", session.channel.rawValue],
                ["counter", session.elapsedSeconds(now: context.now).map(Render.counter) ?? "not started"],
                ["coach joined", at(session.coachJoinedAt)],
                ["member joined", at(session.memberJoinedAt)],
                ["ended", at(session.endedAt)],
                ["contact attempts", String(session.contactAttempts)],
            ]
        }
        Render.table(rows).forEach(context.out.line)
        for attempt in detail.contactAttempts {
            var line = "  " + zone.shortTime(attempt.at, now: context.now) + "  by " + attempt.via.rawValue
            if let note = attempt.note { line += "  " + note }
            context.out.line(line)
        }
    }
}
