import MindbeatCore

extension Commands {
    static let sessionsList = Command(
        ["sessions", "list"], group: .sessions,
        summary: "list your sessions",
        discussion: """
            Lists the sessions you take part in or, as a line manager, those of your reports. \
            --upcoming (the default): open sessions, oldest first, those past their end marked \
            overdue. --past: ended, newest first. --all: every one, oldest first. --from \
            (inclusive) and --to (exclusive) bound the start.
            """,
        options: [
            .flag(.upcoming, "open sessions, oldest first (the default)"),
            .flag(.past, "ended sessions, newest first"),
            .flag(.all, "every session, oldest first"),
            .value(Key.member, "EMAIL", "only the sessions of this member"),
            .value(Key.from, "TIME", "only sessions starting at or after TIME"),
            .value(Key.to, "TIME", "only sessions starting before TIME"),
            CommonOptions.json,
        ],
        oneOf: [OneOf(SessionScope.self, required: false)],
        examples: [
            ("mindbeat sessions list", "what is coming up"),
            ("mindbeat sessions list --past --member bo@example.com --json", "Bo's ended sessions as JSON"),
        ],
        action: .signedIn { signedIn, arguments in
            let scope = arguments.choice(SessionScope.self) ?? .upcoming
            let views = try signedIn.mindbeat.sessions(
                signedIn.actor, scope: scope, memberEmail: arguments[.member], from: arguments[.from], to: arguments[.to])
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(views.map(render.json))) }
            guard !views.isEmpty else {
                switch scope {
                case .upcoming: return signedIn.out.line("No upcoming sessions.")
                case .past: return signedIn.out.line("No past sessions.")
                case .all: return signedIn.out.line("No sessions.")
                }
            }
            render.sessionRows(views).forEach(signedIn.out.line)
        }
    )
}
