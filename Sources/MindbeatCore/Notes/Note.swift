/// Who may read a note.
public enum Visibility: String, Sendable, CaseIterable {
    /// The other party too: at once for a profile note, once the session has
    /// ended for a session note.
    case shared
    /// Its author only, ever.
    case `private`
}

/// A note: a session note, or a member-profile note between sessions.
public struct Note: Equatable, Sendable {
    public let id: Int64
    public let author: Person
    public let member: Person
    /// The session it is on; nil for a member-profile note.
    public let sessionID: Int64?
    public let visibility: Visibility
    public let body: String
    public let createdAt: Instant
}

/// A note body as mindbeat accepts it; only this type reaches the service.
public struct NoteBody: Equatable, Sendable {
    /// The largest body, in bytes of UTF-8.
    public static let limit = Policy.noteLimitKiB * 1024

    public let text: String

    /// One trailing newline (from standard input or an editor) dropped; empty
    /// after trimming whitespace or over the limit: bad data (65).
    public init(_ raw: String, fromFile: Bool) throws(MindbeatError) {
        let body = fromFile ? dropOneTrailingNewline(raw) : raw
        guard !Values.trimWhitespace(body).isEmpty else { throw .badBody(.empty) }
        guard body.utf8.count <= NoteBody.limit else { throw .badBody(.tooLarge(bytes: body.utf8.count)) }
        text = body
    }
}

/// The one decision on who may see a note, now. Every path that reads notes
/// asks it; nothing else filters notes.
public enum NoteVisibility {
    /// Whether `readerID` may see `note`. `session` is the note's session (nil
    /// for a profile note).
    public static func canSee(_ note: Note, readerID: Int64, session: Session?) -> Bool {
        if note.author.id == readerID { return true }
        guard note.visibility == .shared else { return false }
        guard let sessionID = note.sessionID else {
            // A shared profile note: written by the coach, for that member.
            return note.member.id == readerID
        }
        guard let session, session.id == sessionID, session.status.isEnded else { return false }
        // The other party of the session, once it has ended.
        guard let party = session.party(of: readerID), let authorSide = session.party(of: note.author.id) else { return false }
        return party != authorSide
    }
}
