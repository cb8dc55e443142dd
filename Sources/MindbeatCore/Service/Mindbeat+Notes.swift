/// Where a note goes.
public enum NotePlace: Sendable, Equatable {
    case session(Int64)
    case member(String)
}

/// A note just written, and who else it reaches.
public struct SavedNote: Sendable {
    public let note: Note
    /// The one other person a shared note is for (the other party, or the
    /// member of a profile note); nil for a private note.
    public let sharedWith: Person?
    /// Whether they may read it already (`NoteVisibility`), or only once the
    /// session ends.
    public let readableNow: Bool
}

extension Mindbeat {
    /// The account a note is about, for the writer: their own member (a coach),
    /// or themselves (a member).
    func member(_ email: String, for actor: Account, doing what: String) throws -> Account {
        guard let member = try store.account(email: email) else { throw MindbeatError.notFound("no member \(email)") }
        let mine = member.role == .member && (member.coachID == actor.id || member.id == actor.id)
        guard mine else { throw MindbeatError.forbidden("\(email) is not a member of yours; you cannot \(what)") }
        return member
    }

    /// Who a note at `place` is about, and its session, if `actor` may write
    /// there: a party of the session, or the coach of the member.
    func notePlace(_ place: NotePlace, for actor: Account) throws -> (memberID: Int64, session: Session?) {
        switch place {
        case .session(let id):
            let (session, _) = try party(in: id, for: actor, doing: "write notes on it")
            return (session.member.id, session)
        case .member(let email):
            if actor.role != .coach {
                throw MindbeatError.forbidden("only a member's coach writes notes on their profile; members write notes on their sessions")
            }
            return (try member(email, for: actor, doing: "write notes on their profile").id, nil)
        }
    }

    /// Checks that the caller may write a note at `place`, before they write
    /// it in an editor.
    public func checkNotePlace(token: String?, place: NotePlace) throws {
        try read(token) { actor in _ = try notePlace(place, for: actor) }
    }

    /// Writes a note on a session (its coach or member) or on a member's
    /// profile (their coach). The body was checked by `NoteBody` first. A
    /// shared note on an ended session queues its notice in the same
    /// transaction.
    public func addNote(token: String?, place: NotePlace, visibility: Visibility, body: String) throws -> SavedNote {
        try write(token) { actor in
            let (memberID, session) = try notePlace(place, for: actor)
            let sessionID = session?.id
            if let session, session.status.isEnded, visibility == .shared {
                try queueSharedNotesNotice(session: session, author: actor)
            }
            let id = try store.insertNote(
                authorID: actor.id, memberID: memberID, sessionID: sessionID, visibility: visibility, body: body, at: now)
            guard let note = try store.note(id: id) else { throw MindbeatError.internal("note \(id) vanished") }
            guard visibility == .shared else { return SavedNote(note: note, sharedWith: nil, readableNow: false) }
            let reader: Person
            if let session {
                reader = session.party(of: actor.id) == .coach ? session.member : session.coach
            } else {
                reader = note.member
            }
            return SavedNote(note: note, sharedWith: reader,
                             readableNow: NoteVisibility.canSee(note, readerID: reader.id, session: session))
        }
    }

    /// The notes the caller may see now, oldest first: all of them, those about
    /// one member, or those of one session.
    public func notes(token: String?, sessionID: Int64? = nil, memberEmail: String? = nil) throws -> [Note] {
        try read(token) { actor in
            if let sessionID {
                _ = try party(in: sessionID, for: actor, doing: "read notes")
            }
            if actor.role == .manager {
                throw MindbeatError.forbidden("line managers cannot read notes")
            }
            var memberID: Int64?
            if let memberEmail { memberID = try member(memberEmail, for: actor, doing: "read their notes").id }
            return try visible(try store.candidateNotes(for: actor.id, memberID: memberID, sessionID: sessionID), to: actor.id)
        }
    }

    /// Filters notes through `NoteVisibility`, the one decision on who sees
    /// what; every path that reads notes goes through here.
    func visible(_ notes: [Note], to readerID: Int64) throws -> [Note] {
        var sessions: [Int64: Session] = [:]
        return try notes.filter { note in
            var session: Session?
            if let id = note.sessionID {
                if sessions[id] == nil { sessions[id] = try store.session(id: id) }
                session = sessions[id]
            }
            return NoteVisibility.canSee(note, readerID: readerID, session: session)
        }
    }
}
