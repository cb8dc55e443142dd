/// The session log (SPEC §14): every change to a session, appended in the
/// transaction that made it, never updated or deleted.

/// What happened to a session.
public enum EventKind: String, Sendable, CaseIterable {
    /// Booked. No detail.
    case scheduled
    /// Moved; the detail is the new start (RFC 3339, UTC).
    case rescheduled
    /// Cancelled; the detail is the status it got: `cancelled` or `late_cancelled`.
    case cancelled
    /// A party joined; the detail is which: `coach` or `member`.
    case joined
    /// A contact attempt; the detail is the channel: `email`, `phone` or `chat`.
    case contact
    /// The conversation moved; the detail is the channel it moved to.
    case switched
    /// A chat message was sent. Never its text.
    case chat
    /// A shared note was added to the session. Never its text; a private
    /// note makes no event at all.
    case noteShared = "note_shared"
    /// Ended; the detail is `held` or `missed`.
    case ended
    /// A party left feedback. Never its rating or comment.
    case feedback
    /// A notice about the session was queued, sent, failed or withdrawn; the
    /// detail is the notice's kind.
    case noticeQueued = "notice_queued"
    case noticeSent = "notice_sent"
    case noticeFailed = "notice_failed"
    case noticeWithdrawn = "notice_withdrawn"

    /// Whether the kind is about an email notice: mindbeat's own doing.
    public var isNotice: Bool {
        switch self {
        case .noticeQueued, .noticeSent, .noticeFailed, .noticeWithdrawn: return true
        default: return false
        }
    }
}

/// One entry of a session's log, as it is read back.
public struct SessionEvent: Equatable, Sendable {
    /// Its place in the log: events are read in this order.
    public let id: Int64
    public let at: Instant
    public let sessionID: Int64
    /// Who made the change; nil for mindbeat itself (a notice), or when an
    /// event rebuilt from an older database's columns cannot say.
    public let actor: Person?
    public let kind: EventKind
    public let detail: String?
    /// The fingerprint of the SSH key a team-mode command came through.
    public let via: String?
    /// Rebuilt, by the migration that made the log, from what an older
    /// database's rows prove.
    public let reconstructed: Bool

    public init(id: Int64, at: Instant, sessionID: Int64, actor: Person?, kind: EventKind, detail: String?,
                via: String?, reconstructed: Bool) {
        self.id = id
        self.at = at
        self.sessionID = sessionID
        self.actor = actor
        self.kind = kind
        self.detail = detail
        self.via = via
        self.reconstructed = reconstructed
    }
}

/// Who a change came through: an account and, in team mode, the key its
/// command came with; or mindbeat itself.
public struct EventSource: Equatable, Sendable {
    public let actorID: Int64?
    /// The registered SSH key (its id) a team-mode command came through.
    public let viaKeyID: Int64?

    /// The notices: queued, sent and withdrawn by mindbeat, whoever's command
    /// caused them.
    public static let mindbeat = EventSource(actorID: nil, viaKeyID: nil)

    public init(actorID: Int64?, viaKeyID: Int64?) {
        self.actorID = actorID
        self.viaKeyID = viaKeyID
    }

    /// The caller of a command, signed in with a login token or a key.
    init(_ actor: Actor) {
        switch actor.credential {
        case .key(let id): self.init(actorID: actor.account.id, viaKeyID: id)
        case .token: self.init(actorID: actor.account.id, viaKeyID: nil)
        }
    }
}

/// An event to append.
public struct NewEvent: Equatable, Sendable {
    public let sessionID: Int64
    public let at: Instant
    public let kind: EventKind
    public let detail: String?
    public let source: EventSource

    public init(sessionID: Int64, at: Instant, kind: EventKind, detail: String?, source: EventSource) {
        self.sessionID = sessionID
        self.at = at
        self.kind = kind
        self.detail = detail
        self.source = source
    }
}

/// Who may read which event of a session's log (SPEC §1, §14). The events
/// carry no text; what they may still tell — that the other party left
/// feedback, or wrote a shared note the reader may not read yet — follows the
/// rules of feedback and notes.
public enum EventVisibility {
    /// Whether `event` of `session` is shown to `readerID`: a party to it, or
    /// an admin who is neither a party nor the member's line manager, who
    /// sees every event (SPEC §14).
    public static func isVisible(_ event: SessionEvent, of session: Session, to readerID: Int64, isAdmin: Bool) -> Bool {
        guard session.party(of: readerID) != nil else { return isAdmin }
        let own = event.actor?.id == readerID
        switch event.kind {
        case .feedback:
            // A party reads their own feedback (`feedback show`); with the
            // admin right, everyone's.
            return own || isAdmin
        case .noteShared:
            // A shared note on a session reaches the other party once it has
            // ended (SPEC §3); before that, not even its existence does — the
            // admin right never grants a note (SPEC §1).
            return own || session.status.isEnded
        default:
            return true
        }
    }
}
