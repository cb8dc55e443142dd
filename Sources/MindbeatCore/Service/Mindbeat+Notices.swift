extension Mindbeat {
    /// How long after a session ends its parties hear of notes waiting for them.
    public static let notesNoticeDelayMinutes: Int64 = 15

    /// When a session ends: each party with shared notes from the other party
    /// on it gets one notice, due 15 minutes after the end. Runs in the end's
    /// transaction.
    func queueNoticesOnEnd(_ session: Session) throws {
        guard let ended = session.endedAt else { return }
        let due = ended.plus(minutes: Mindbeat.notesNoticeDelayMinutes)
        for (recipient, author) in [(session.coach, session.member), (session.member, session.coach)] {
            if try store.hasSharedNotes(sessionID: session.id, authorID: author.id) {
                try store.queueNotice(recipientID: recipient.id, sessionID: session.id, kind: .sharedNotes, dueAt: due, at: now)
            }
        }
    }

    /// A shared note written after the end: covered by the recipient's notice if
    /// one still waits, else a new one due at the later of end + 15 minutes and
    /// now. Runs in the note's transaction.
    func queueSharedNotesNotice(session: Session, author: Account) throws {
        guard let ended = session.endedAt, let side = session.party(of: author.id) else { return }
        let recipient = side == .coach ? session.member : session.coach
        guard try !store.hasUnsentNotice(recipientID: recipient.id, sessionID: session.id, kind: .sharedNotes) else { return }
        let due = max(ended.plus(minutes: Mindbeat.notesNoticeDelayMinutes), now)
        try store.queueNotice(recipientID: recipient.id, sessionID: session.id, kind: .sharedNotes, dueAt: due, at: now)
    }
}
