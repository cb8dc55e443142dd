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

/// The note bodies mindbeat accepts.
public enum NoteBody {
    /// The largest body, in bytes of UTF-8.
    public static let limit = 64 * 1024

    /// The body as stored: one trailing newline (from standard input or an
    /// editor) dropped; empty after trimming whitespace or over 64 KiB: bad data.
    public static func normalise(_ text: String, fromFile: Bool) throws(MindbeatError) -> String {
        var body = text
        if fromFile {
            if body.hasSuffix("\r\n") { body.removeLast() } else if body.hasSuffix("\n") { body.removeLast() }
        }
        guard !Values.trimWhitespace(body).isEmpty else {
            throw .badData("the note is empty; nothing was saved")
        }
        guard body.utf8.count <= limit else {
            throw .badData("the note is larger than 64 KiB (\(body.utf8.count) bytes); nothing was saved")
        }
        return body
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
