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
    /// Who a note at `place` is about, and its session, if `actor` may write
    /// there: a party of the session, or the coach of the member.
    func notePlace(_ place: NotePlace, for actor: Account, _ tx: any StoreReader) throws -> (memberID: Int64, session: Session?) {
        switch place {
        case .session(let id):
            let (session, _) = try party(in: id, for: actor, doing: .writeNotes, tx)
            return (session.member.id, session)
        case .member(let email):
            let member = try memberOf(email, for: actor, tx)
            guard actor.role == .coach, member.coachID == actor.id else {
                throw MindbeatError.forbidden(.coachesOnly(.writeProfileNotes))
            }
            return (member.id, nil)
        }
    }

    /// Checks that the caller may write a note at `place`, before they write
    /// it in an editor.
    public func checkNotePlace(_ actor: Actor, place: NotePlace) throws {
        try read(actor) { tx, me in _ = try notePlace(place, for: me, tx) }
    }

    /// Writes a note on a session (its coach or member) or on a member's
    /// profile (their coach). A shared note on an ended session queues its
    /// notice in the same transaction.
    public func addNote(_ actor: Actor, place: NotePlace, visibility: Visibility, body: NoteBody) throws -> SavedNote {
        try write(actor) { tx, me in
            let now = self.now
            let (memberID, session) = try notePlace(place, for: me, tx)
            let id = try tx.insertNote(
                authorID: me.id, memberID: memberID, sessionID: session?.id, visibility: visibility, body: body.text, at: now)
            // A private note leaves no trace in the log; a shared one, no text.
            if let session, visibility == .shared {
                try tx.log(.noteShared, session: session.id, at: now, by: EventSource(actor))
                if session.status.isEnded { try queueSharedNotesNotice(session: session, author: me, tx, now: now) }
            }
            guard let note = try tx.note(id: id) else { throw MindbeatError.internal("note \(id) vanished") }
            guard visibility == .shared else { return SavedNote(note: note, sharedWith: nil, readableNow: false) }
            let reader: Person
            if let session {
                reader = session.party(of: me.id) == .coach ? session.member : session.coach
            } else {
                reader = note.member
            }
            return SavedNote(note: note, sharedWith: reader,
                             readableNow: NoteVisibility.canSee(note, readerID: reader.id, session: session))
        }
    }

    /// The notes the caller may see now, oldest first: all of them, those about
    /// one member, or those of one session.
    public func notes(_ actor: Actor, sessionID: Int64? = nil, memberEmail: String? = nil) throws -> [Note] {
        try read(actor) { tx, me in
            if let sessionID { _ = try party(in: sessionID, for: me, doing: .readNotes, tx) }
            let memberID = try memberEmail.map { try memberOf($0, for: me, tx).id }
            if me.role == .manager { throw MindbeatError.forbidden(.lineManager(.readNotes)) }
            return try visible(try tx.candidateNotes(for: me.id, memberID: memberID, sessionID: sessionID), to: me.id, tx)
        }
    }

    /// Filters notes through `NoteVisibility`, the one decision on who sees
    /// what; every path that reads notes goes through here.
    func visible(_ notes: [Note], to readerID: Int64, _ tx: any StoreReader) throws -> [Note] {
        var sessions: [Int64: Session] = [:]
        return try notes.filter { note in
            var session: Session?
            if let id = note.sessionID {
                if sessions[id] == nil { sessions[id] = try tx.session(id: id) }
                session = sessions[id]
            }
            return NoteVisibility.canSee(note, readerID: readerID, session: session)
        }
    }
}
