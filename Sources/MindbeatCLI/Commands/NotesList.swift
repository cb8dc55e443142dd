import MindbeatCore

extension Commands {
    static let notesList = Command(
        ["notes", "list"], group: .notes,
        summary: "list the notes you may read",
        discussion: """
            Lists, oldest first, the notes you may read now: your own, shared notes of the \
            other party of your sessions once a session has ended, and shared notes on your \
            profile. --member: every note about that member (profile and sessions); --session: \
            those of one session. Line managers cannot read notes.
            """,
        options: [
            .value(Key.session, "ID", "only the notes of this session"),
            .value(Key.member, "EMAIL", "only the notes about this member"),
            CommonOptions.json,
        ],
        oneOf: [OneOf(Key.session, Key.member, required: false)],
        examples: [
            ("mindbeat notes list --member bo@example.com", "everything you have on Bo"),
            ("mindbeat notes list --session 12 --json", "one session's notes as JSON"),
        ],
        action: .signedIn { signedIn, arguments in
            let notes = try signedIn.mindbeat.notes(signedIn.actor, sessionID: arguments[.session], memberEmail: arguments[.member])
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(notes.map(render.json))) }
            guard !notes.isEmpty else { return signedIn.out.line("No notes.") }
            for (index, note) in notes.enumerated() {
                if index > 0 { signedIn.out.line() }
                let place = note.sessionID.map { "session \($0)" } ?? "profile of \(render.text(note.member.name))"
                signedIn.out.line("note \(note.id) · \(render.zone.dateTime(note.createdAt)) · \(render.text(note.author.name)) · \(note.visibility.rawValue) · \(place)")
                for line in note.body.split(separator: "\n", omittingEmptySubsequences: false) {
                    signedIn.out.line("    " + render.text(String(line)))
                }
            }
        }
    )
}
