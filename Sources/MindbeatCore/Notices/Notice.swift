/// What an email notice is about.
public enum NoticeKind: String, Sendable, CaseIterable {
    case sharedNotes = "shared_notes"
    case reminder
    /// A session is 24 hours, or 1 hour, away.
    case upcoming
    /// A session was booked, moved or cancelled by the other party (or an
    /// admin): these carry a calendar invitation.
    case scheduled, rescheduled, cancelled
    /// A member made their third change of an engagement.
    case flagged
    /// An admin took the recipient's account over (a password reset): it
    /// never happens silently.
    case account
}

/// Where a notice stands.
public enum NoticeStatus: String, Sendable, CaseIterable {
    case pending, sent, failed
    /// It no longer made sense before it went out (its session was moved,
    /// cancelled or closed), and it never will be sent.
    case withdrawn
}

extension NoticeKind {
    /// The kinds that carry a calendar invitation, of which only the latest
    /// of a session may go out (SPEC §10).
    public static let invitations: [NoticeKind] = [.scheduled, .rescheduled, .cancelled]
    /// What no longer makes sense once a session has ended: a reminder that
    /// the coach is waiting, a reminder that it is coming, an invitation to it.
    public static let staleOnClose: [NoticeKind] = [.reminder, .upcoming, .scheduled, .rescheduled]
}

/// An email waiting in, or gone from, the outbox.
public struct Notice: Equatable, Sendable {
    public let id: Int64
    public let recipient: Person
    public let sessionID: Int64?
    public let kind: NoticeKind
    public let dueAt: Instant
    public let status: NoticeStatus
    public let attempts: Int64
    public let sentAt: Instant?
    public let lastError: String?
    /// For an `account` notice: the takeover it tells of.
    public var takeoverID: Int64? = nil
    /// For `scheduled`, `rescheduled` and `cancelled`: the iCalendar object
    /// (iMIP) built when the notice was queued.
    public var invitation: String? = nil
}

/// What delivering one message came to.
public enum DeliveryResult: Equatable, Sendable {
    case delivered
    /// Why it failed, in words (never the message itself).
    case failed(String)
}

/// Hands one notice to the mail system: the command line composes the
/// message and runs the mail command; tests pass their own.
public protocol NoticeDelivery {
    func deliver(_ outgoing: OutgoingNotice) -> DeliveryResult
}

/// A notice on its way out: what the message is made from.
public struct OutgoingNotice: Sendable {
    public let notice: Notice
    /// The session it is about, if any.
    public let session: Session?
    /// For an `account` notice: the takeover it tells of.
    public let takeover: Takeover?
    /// Which attempt this is, from 1: part of a unique Message-ID.
    public let attempt: Int64
    /// The database's id: part of a unique Message-ID.
    public let installID: String
    /// When it is sent.
    public let date: Instant
}

/// What one `outbox send` did.
public struct DeliveryReport: Equatable, Sendable {
    public var sent = 0
    public var failed = 0
}

