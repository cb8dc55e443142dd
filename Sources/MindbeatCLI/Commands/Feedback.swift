import MindbeatCore

extension Commands {
    static let feedback = Command(
        ["feedback"], group: .notes,
        summary: "leave feedback on a held session, or list those awaiting yours",
        discussion: """
            With ID and --rating, leaves your feedback on a held session, once: a rating from \
            1 to 5 and an optional comment. Without ID, lists the held sessions awaiting your \
            feedback. Feedback is read by its author and admins only: never by the other \
            party, a line manager or an email.
            """,
        positionals: [Positional("ID", .sessionID, optional: true, "the session (default: list those awaiting feedback)")],
        options: [
            .value("rating", "1..5", .rating, "how the session went, from 1 to 5"),
            .value("comment", "TEXT", .text, "a comment, up to 4 KiB"),
            CommonOptions.json,
        ],
        examples: [
            ("mindbeat feedback 12 --rating 5 --comment 'Bo set clear goals'", "rate session 12"),
            ("mindbeat feedback", "the held sessions you have not rated yet"),
        ]
    ) { context, arguments in
        guard let id = arguments.positionalInteger(0) else {
            if arguments.integer("rating") != nil || arguments.string("comment") != nil {
                throw MindbeatError.usage("name the session: mindbeat feedback ID --rating 1..5")
            }
            let (mindbeat, token) = try context.signedIn()
            let views = try mindbeat.sessionsAwaitingFeedback(token: token)
            let render = context.render
            if arguments.flag("json") { return context.print(.array(views.map(render.json))) }
            guard !views.isEmpty else { return context.out.line("No sessions await your feedback.") }
            render.sessionRows(views).forEach(context.out.line)
            context.out.line("Leave feedback: mindbeat feedback ID --rating 1..5 [--comment TEXT]")
            return
        }
        guard let rating = arguments.integer("rating") else {
            throw MindbeatError.usage("give a rating: mindbeat feedback \(id) --rating 1..5")
        }
        if arguments.flag("json") { throw MindbeatError.usage("--json applies to listing, not to leaving feedback") }
        var comment: String?
        if let text = arguments.string("comment") {
            do {
                comment = try FeedbackRules.comment(text)
            } catch let error as InvalidValue {
                throw MindbeatError.invalidValue(option: "--comment", problem: error.problem)
            }
        }
        let (mindbeat, token) = try context.signedIn()
        let feedback = try mindbeat.leaveFeedback(token: token, id: id, rating: rating, comment: comment)
        context.out.line("Thank you: your feedback on session \(feedback.sessionID) (\(feedback.rating)/5) is saved.")
    }

    static let feedbackShow = Command(
        ["feedback", "show"], group: .notes,
        summary: "show the feedback on a session that you may read",
        discussion: "Shows your own feedback on a session; with the admin right, everyone's.",
        positionals: [Positional("ID", .sessionID, "the session")],
        options: [CommonOptions.json],
        examples: [("mindbeat feedback show 12 --json", "the feedback on session 12")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let entries = try mindbeat.feedback(token: token, id: arguments.sessionID)
        let render = context.render
        if arguments.flag("json") { return context.print(.array(entries.map(render.json))) }
        guard !entries.isEmpty else { return context.out.line("No feedback on session \(arguments.sessionID) that you may read.") }
        for entry in entries {
            context.out.line("\(entry.author.name) · \(entry.rating)/5 · \(context.zone.dateTime(entry.createdAt))")
            if let comment = entry.comment {
                for line in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                    context.out.line("    " + Commands.printable(String(line)))
                }
            }
        }
    }
}
