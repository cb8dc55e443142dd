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
        positionals: [Positional(Key.id, optional: true, "the session (default: list those awaiting feedback)")],
        options: [
            .value(Key.rating, "1..5", "how the session went, from 1 to 5"),
            .value(Key.comment, "TEXT", "a comment, up to \(Policy.commentLimitBytes / 1024) KiB"),
            CommonOptions.json,
        ],
        examples: [
            ("mindbeat feedback 12 --rating 5 --comment 'Bo set clear goals'", "rate session 12"),
            ("mindbeat feedback", "the held sessions you have not rated yet"),
        ],
        action: .prepared { _, arguments in
            guard let id = arguments[.id] else {
                if arguments[.rating] != nil || arguments[.comment] != nil {
                    throw UsageError("name the session: mindbeat feedback ID --rating 1..5")
                }
                return { signedIn in try listAwaitingFeedback(signedIn, json: arguments.has(.json)) }
            }
            guard let rating = arguments[.rating] else {
                throw UsageError("give a rating: mindbeat feedback \(id) --rating 1..5")
            }
            if arguments.has(.json) { throw UsageError("--json applies to listing, not to leaving feedback") }
            var comment: FeedbackComment?
            if let text = arguments[.comment] {
                do throws(InvalidValue) {
                    comment = try FeedbackComment(text)
                } catch {
                    throw error.usage("--comment")
                }
            }
            return { signedIn in
                let feedback = try signedIn.mindbeat.leaveFeedback(signedIn.actor, id: id, rating: rating, comment: comment)
                signedIn.out.line("Thank you: your feedback on session \(feedback.sessionID) (\(feedback.rating)/5) is saved.")
            }
        }
    )

    static func listAwaitingFeedback(_ signedIn: SignedIn, json: Bool) throws {
        let views = try signedIn.mindbeat.sessionsAwaitingFeedback(signedIn.actor)
        let render = signedIn.render
        if json { return signedIn.context.print(.array(views.map(render.json))) }
        guard !views.isEmpty else { return signedIn.out.line("No sessions await your feedback.") }
        render.sessionRows(views).forEach(signedIn.out.line)
        signedIn.out.line("Leave feedback: mindbeat feedback ID --rating 1..5 [--comment TEXT]")
    }
}
