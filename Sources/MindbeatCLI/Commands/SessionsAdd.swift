import MindbeatCore

extension Commands {
    static let sessionsAdd = Command(
        ["sessions", "add"], group: .sessions,
        summary: "schedule a session",
        discussion: """
            Schedules a session and prints only its id. A coach schedules with one of their \
            members (--member), a member with their own coach, an admin names --coach and \
            --member. Refused when the start is in the past or the session would overlap \
            another open session of the coach or the member; back-to-back is fine.
            """,
        options: [
            .needed(Key.at, "TIME", "the start: 2026-12-01 10:00 (local), an RFC 3339 time, +2h, +1d …"),
            .value(Key.member, "EMAIL", "the member (a coach or admin names them)"),
            .value(Key.coach, "EMAIL", "the coach (an admin names them; default: you)"),
            .value(Key.duration, "MINUTES",
                   "the length in minutes, 1 to \(Policy.longestDurationMinutes) (default \(Policy.defaultDurationMinutes))"),
        ],
        examples: [
            ("mindbeat sessions add --at '2026-12-01 10:00' --member bo@example.com", "schedule an hour with Bo"),
            ("id=$(mindbeat sessions add --at +1d --member bo@example.com --duration 45)", "keep the new id in a script"),
        ],
        action: .signedIn { signedIn, arguments in
            let id = try signedIn.mindbeat.schedule(
                signedIn.actor, startsAt: try arguments.required(.at), memberEmail: arguments[.member],
                coachEmail: arguments[.coach], durationMinutes: arguments[.duration] ?? Policy.defaultDurationMinutes)
            signedIn.out.line(String(id))
        }
    )
}
