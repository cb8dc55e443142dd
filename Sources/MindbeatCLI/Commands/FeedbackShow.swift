import MindbeatCore

extension Commands {
    static let feedbackShow = Command(
        ["feedback", "show"], group: .notes,
        summary: "show the feedback on a session that you may read",
        discussion: "Shows your own feedback on a session; with the admin right, everyone's.",
        positionals: [Positional(Key.id, "the session")],
        options: [CommonOptions.json],
        examples: [("mindbeat feedback show 12 --json", "the feedback on session 12")],
        action: .signedIn { signedIn, arguments in
            let id = try arguments.required(.id)
            let entries = try signedIn.mindbeat.feedback(signedIn.actor, id: id)
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(entries.map(render.json))) }
            guard !entries.isEmpty else { return signedIn.out.line("No feedback on session \(id) that you may read.") }
            for entry in entries {
                signedIn.out.line("\(render.text(entry.author.name)) · \(entry.rating)/5 · \(render.zone.dateTime(entry.createdAt))")
                if let comment = entry.comment {
                    for line in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                        signedIn.out.line("    " + render.text(String(line)))
                    }
                }
            }
        }
    )
}
