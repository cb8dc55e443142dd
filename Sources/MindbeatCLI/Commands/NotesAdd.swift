import MindbeatCore

extension Commands {
    static let notesAdd = Command(
        ["notes", "add"], group: .notes,
        summary: "write a shared or private note",
        discussion: """
            Writes a note on a session (its coach or member) or on a member's profile (their \
            coach), between sessions. A private note is seen by you alone, ever. A shared note \
            on a session is seen by the other party once the session has ended, and \(Policy.notesNoticeDelayMinutes) minutes \
            after the end they are emailed that notes are waiting; a shared profile note is \
            seen by the member at once. A line manager never sees a note. The text comes from \
            TEXT, from standard input with -, or from $VISUAL or $EDITOR when neither is given \
            on a terminal (on a 0600 file in $XDG_STATE_HOME/mindbeat/edit, never in /tmp, \
            removed however the editor ends). Bodies up to \(Policy.noteLimitKiB) KiB; one trailing \
            newline is dropped.
            """,
        positionals: [Positional(Key.text, optional: true, "the note, or - for standard input (default: your editor)")],
        options: [
            .value(Key.session, "ID", "the session the note is on"),
            .value(Key.member, "EMAIL", "the member whose profile the note is on"),
            .flag(.shared, "the other party may read it (after the session ends)"),
            .flag(.private, "only you may read it"),
        ],
        oneOf: [OneOf(Key.session, Key.member, required: true), OneOf(Visibility.self, required: true)],
        examples: [
            ("mindbeat notes add --session 12 --shared 'Goals for next time: …'", "a note Bo sees once the session ends"),
            ("mindbeat notes add --member bo@example.com --private", "a private note on Bo's profile, in your editor"),
            ("git log -1 --format=%B | mindbeat notes add --session 12 --private -", "a note from standard input"),
        ],
        action: .prepared { input, arguments in
            let place: NotePlace = try arguments[.session].map(NotePlace.session) ?? .member(try arguments.required(.member))
            let visibility = try arguments.required(Visibility.self)
            switch arguments[.text] {
            case "-"?:
                guard let text = try input.readStdin(limit: NoteBody.limit + 2) else {
                    throw MindbeatError.badBody(.tooLarge(bytes: nil))
                }
                let body = try NoteBody(text, fromFile: true)
                return { signedIn in try saveNote(signedIn, place: place, visibility: visibility, body: body) }
            case let text?:
                let body = try NoteBody(text, fromFile: false)
                return { signedIn in try saveNote(signedIn, place: place, visibility: visibility, body: body) }
            case nil:
                guard input.stdinIsTerminal else {
                    throw UsageError("no TEXT and no terminal for an editor: give the note as TEXT, or - to read standard input")
                }
                return { signedIn in
                    // Check everything that does not depend on the text before
                    // the user spends time writing it.
                    try signedIn.mindbeat.checkNotePlace(signedIn.actor, place: place)
                    let body = try NoteBody(try signedIn.context.editText(), fromFile: true)
                    try saveNote(signedIn, place: place, visibility: visibility, body: body)
                }
            }
        }
    )

    static func saveNote(_ signedIn: SignedIn, place: NotePlace, visibility: Visibility, body: NoteBody) throws {
        let saved = try signedIn.mindbeat.addNote(signedIn.actor, place: place, visibility: visibility, body: body)
        let note = saved.note
        let render = signedIn.render
        var line = "Saved \(note.visibility.rawValue) note \(note.id) on "
            + (note.sessionID.map { "session \($0)" } ?? "the profile of \(render.text(note.member.name))")
        if let reader = saved.sharedWith {
            let name = render.text(reader.name)
            line += saved.readableNow ? "; \(name) can read it now" : "; \(name) can read it once the session ends"
        }
        signedIn.out.line(line + ".")
    }
}
