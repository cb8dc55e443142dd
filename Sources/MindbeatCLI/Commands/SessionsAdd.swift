import MindbeatCore

extension Commands {
    static let sessionsAdd = Command(
        ["sessions", "add"], group: .sessions,
        summary: "schedule a session",
        discussion: """
            Schedules a session and prints only its id. A coach schedules with one of their \
            members (--member), a member with their own coach, an admin names --coach and \
            --member. Refused when the start is in the past, when the session would overlap \
            another open session of the coach or the member (back-to-back is fine), or when the \
            member's bank of sessions has none left. With --every and --count, schedules a series \
            at the same local time (in $TZ, also across a daylight-saving change) and prints the \
            ids one per line; one refused session refuses the whole series and nothing is written. \
            The other party is sent the invitation by email, and both a reminder \
            \(Phrases.upcomingHours) before.
            """,
        options: [
            .needed(Key.at, "TIME", "the start: 2026-12-01 10:00 (local), an RFC 3339 time, +2h, +1d …"),
            .value(Key.member, "EMAIL", "the member (a coach or admin names them)"),
            .value(Key.coach, "EMAIL", "the coach (an admin names them; default: you)"),
            .value(Key.duration, "MINUTES",
                   "the length in minutes, 1 to \(Policy.longestDurationMinutes) (default \(Policy.defaultDurationMinutes))"),
            .value(Key.every, "week|2weeks|4weeks", "repeat: a series, at the same local time"),
            .value(Key.count, "N",
                   "how many sessions in the series, \(Policy.seriesCounts.lowerBound) to \(Policy.seriesCounts.upperBound) (with --every)"),
        ],
        examples: [
            ("mindbeat sessions add --at '2026-12-01 10:00' --member bo@example.com", "schedule an hour with Bo"),
            ("id=$(mindbeat sessions add --at +1d --member bo@example.com --duration 45)", "keep the new id in a script"),
            ("mindbeat sessions add --at '2026-12-01 10:00' --member bo@example.com --every week --count 10",
             "ten Tuesdays at 10:00"),
        ],
        action: .prepared { _, arguments in
            let every = arguments[.every]
            guard (every == nil) == (arguments[.count] == nil) else {
                throw UsageError(every == nil ? "--count needs --every (week, 2weeks or 4weeks)" : "--every needs --count N")
            }
            return { signedIn in
                let ids = try signedIn.mindbeat.schedule(
                    signedIn.actor, startsAt: try arguments.required(.at), memberEmail: arguments[.member],
                    coachEmail: arguments[.coach], durationMinutes: arguments[.duration] ?? Policy.defaultDurationMinutes,
                    every: every, count: arguments[.count] ?? 1)
                ids.forEach { signedIn.out.line(String($0)) }
            }
        }
    )
}
