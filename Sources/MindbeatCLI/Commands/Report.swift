import MindbeatCore

extension Commands {
    static let report = Command(
        ["report"], group: .sessions,
        summary: "count held, missed and cancelled sessions by week or month",
        discussion: """
            Counts the sessions starting in each period, by week (Monday to Monday) or month, in \
            your time zone: scheduled (every one, whatever became of it), held, missed, \
            cancelled, late-cancelled, and the attendance rate, held ÷ (held + missed + \
            late-cancelled). One row per period and person: a coach gets their own sessions, \
            per member; a line manager their reports', per member; a member their own; an admin \
            everyone's, per coach (with --coach, that coach's, per member). People with no \
            session in a period have no row. By default the report runs by month from the 1st \
            of the month \(Policy.reportPastMonths) months ago to now; --from (inclusive) and \
            --to (exclusive) bound the start. Text output ends with a bar chart of each period; \
            --json and --csv print the rows instead. --svg FILE also writes the chart to FILE as \
            an SVG image; --svg - prints the image alone, in place of the text.
            """,
        options: [
            .value(Key.from, "TIME", "sessions starting at or after TIME (default: the 1st of the month \(Policy.reportPastMonths) months ago)"),
            .value(Key.to, "TIME", "sessions starting before TIME (default: now)"),
            .value(Key.by, "week|month", "the length of a period (default: month)"),
            .value(Key.coach, "EMAIL", "only this coach's sessions, one row per member"),
            .value(Key.member, "EMAIL", "only this member's sessions"),
            CommonOptions.json,
            .flag(.csv, "print the rows as CSV (RFC 4180) with a header row"),
            .value(Key.svg, "FILE", "also write the chart to FILE as an SVG image (-: print only the image)"),
        ],
        oneOf: [OneOf(Key.coach, Key.member, required: false), OneOf(Key.json, Key.csv, required: false)],
        examples: [
            ("mindbeat report", "the last six months, by month, with a chart"),
            ("mindbeat report --by week --from 2026-09-01 --csv > attendance.csv", "weekly rows for a spreadsheet"),
            ("mindbeat report --svg attendance.svg", "the report, and its chart as an image for a browser or a slide"),
        ],
        action: .prepared { _, arguments in
            // A usage error, decided before the database is opened.
            if arguments[.svg] == "-", let other = [Key.json, Key.csv].first(where: arguments.has) {
                throw UsageError("--svg - and --\(other.name) both write to standard output; give --svg a FILE")
            }
            return { signedIn in
                let report = try signedIn.mindbeat.report(
                    signedIn.actor, from: arguments[.from], to: arguments[.to], by: arguments[Key.by] ?? .month,
                    coachEmail: arguments[.coach], memberEmail: arguments[.member])
                let render = ReportRender(report: report, zone: signedIn.context.zone, color: signedIn.context.usesColor)
                let scope = reportScope(signedIn.actor.account, coach: arguments[.coach], member: arguments[.member])
                if let file = arguments[.svg] {
                    let image = render.svg(scope: scope)
                    if file == "-" { return signedIn.out.write(image) }
                    // The file first: when it cannot be written, nothing is printed.
                    try Files.write(image, to: file, mode: 0o644)
                }
                if arguments.has(.json) { return signedIn.context.print(render.json()) }
                if arguments.has(.csv) { return signedIn.out.write(render.csv()) }
                render.text(scope: scope).forEach(signedIn.out.line)
            }
        }
    )

    /// Whose sessions a report counts, in words.
    static func reportScope(_ me: Account, coach: String?, member: String?) -> String {
        if let member { return "the sessions of \(Render.printable(member))" }
        if let coach { return Values.sameEmail(coach, me.email) ? "your members" : "the members of \(Render.printable(coach))" }
        if me.isAdmin { return "every coach" }
        switch me.role {
        case .coach: return "your members"
        case .manager: return "your reports"
        case .member: return "your sessions"
        }
    }
}
