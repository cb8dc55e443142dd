import MindbeatCore

extension Commands {
    static let notesAdd = Command(
        ["notes", "add"], group: .notes,
        summary: "write a shared or private note",
        discussion: """
            Writes a note on a session (its coach or member) or on a member's profile (their \
            coach), between sessions. A private note is seen by you alone, ever. A shared note \
            on a session is seen by the other party once the session has ended, and 15 minutes \
            after the end they are emailed that notes are waiting; a shared profile note is \
            seen by the member at once. A line manager never sees a note. The text comes from \
            TEXT, from standard input with -, or from $VISUAL or $EDITOR when neither is given \
            on a terminal. Bodies up to 64 KiB; one trailing newline is dropped.
            """,
        positionals: [Positional("TEXT", .text, optional: true, "the note, or - for standard input (default: your editor)")],
        options: [
            .value("session", "ID", .sessionID, "the session the note is on"),
            .value("member", "EMAIL", .email, "the member whose profile the note is on"),
            .flag("shared", "the other party may read it (after the session ends)"),
            .flag("private", "only you may read it"),
        ],
        oneOf: [OneOf(names: ["session", "member"], required: true), OneOf(names: ["shared", "private"], required: true)],
        examples: [
            ("mindbeat notes add --session 12 --shared 'Goals for next time: …'", "a note Bo sees once the session ends"),
            ("mindbeat notes add --member bo@example.com --private", "a private note on Bo's profile, in your editor"),
            ("git log -1 --format=%B | mindbeat notes add --session 12 --private -", "a note from standard input"),
        ]
    ) { context, arguments in
        let place: NotePlace
        if let id = arguments.integer("session") {
            place = .session(id)
        } else {
            place = .member(arguments.string("member") ?? "")
        }
        let visibility: Visibility = arguments.flag("shared") ? .shared : .private
        let body: String
        let mindbeat: Mindbeat
        let token: String?
        switch arguments.positionalString(0) {
        case "-"?:
            guard let text = try context.readStdin(limit: NoteBody.limit + 2) else {
                throw MindbeatError.badData("the note is larger than 64 KiB; nothing was saved")
            }
            body = try NoteBody.normalise(text, fromFile: true)
            (mindbeat, token) = try context.signedIn()
        case let text?:
            body = try NoteBody.normalise(text, fromFile: false)
            (mindbeat, token) = try context.signedIn()
        case nil:
            guard context.stdinIsTerminal else {
                throw MindbeatError.usage("no TEXT and no terminal for an editor: give the note as TEXT, or - to read standard input")
            }
            // Check everything that does not depend on the text before the
            // user spends time writing it.
            (mindbeat, token) = try context.signedIn()
            try mindbeat.checkNotePlace(token: token, place: place)
            body = try NoteBody.normalise(try context.editText(), fromFile: true)
        }
        let saved = try mindbeat.addNote(token: token, place: place, visibility: visibility, body: body)
        let note = saved.note
        var line = "Saved \(note.visibility.rawValue) note \(note.id) on "
            + (note.sessionID.map { "session \($0)" } ?? "the profile of \(note.member.name)")
        if let reader = saved.sharedWith {
            line += saved.readableNow ? "; \(reader.name) can read it now" : "; \(reader.name) can read it once the session ends"
        }
        context.out.line(line + ".")
    }

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
            .value("session", "ID", .sessionID, "only the notes of this session"),
            .value("member", "EMAIL", .email, "only the notes about this member"),
            CommonOptions.json,
        ],
        oneOf: [OneOf(names: ["session", "member"], required: false)],
        examples: [
            ("mindbeat notes list --member bo@example.com", "everything you have on Bo"),
            ("mindbeat notes list --session 12 --json", "one session's notes as JSON"),
        ]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let notes = try mindbeat.notes(token: token, sessionID: arguments.integer("session"), memberEmail: arguments.string("member"))
        let render = context.render
        if arguments.flag("json") { return context.print(.array(notes.map(render.json))) }
        guard !notes.isEmpty else { return context.out.line("No notes.") }
        for (index, note) in notes.enumerated() {
            if index > 0 { context.out.line() }
            let place = note.sessionID.map { "session \($0)" } ?? "profile of \(note.member.name)"
            context.out.line("note \(note.id) · \(context.zone.dateTime(note.createdAt)) · \(note.author.name) · \(note.visibility.rawValue) · \(place)")
            for line in note.body.split(separator: "\n", omittingEmptySubsequences: false) {
                context.out.line("    " + Commands.printable(String(line)))
            }
        }
    }
}
