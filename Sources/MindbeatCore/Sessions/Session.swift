/// Where a session stands.
public enum SessionStatus: String, Sendable, CaseIterable {
    case scheduled
    case inProgress = "in_progress"
    case held
    case missed
    /// Cancelled at least 24 hours before its start (SPEC §9).
    case cancelled
    /// Cancelled less than 24 hours before its start.
    case lateCancelled = "late_cancelled"

    /// Ended by `end`: held or missed. `ended_at` is set; shared notes on it
    /// reach the other party.
    public var isEnded: Bool { self == .held || self == .missed }

    /// Closed: ended or cancelled. Nothing more happens to it: it cannot be
    /// attended and blocks no slot.
    public var isClosed: Bool { !isOpen }

    /// Cancelled, on time or late.
    public var isCancelled: Bool { self == .cancelled || self == .lateCancelled }

    /// Open: scheduled or in progress. The one predicate of "not ended",
    /// which the store's queries and partial indexes use too.
    public var isOpen: Bool { self == .scheduled || self == .inProgress }

    /// As people read it: `in progress`.
    public var words: String { rawValue.replacingUnderscores() }
}

/// How a session ends.
public enum EndOutcome: String, Sendable, CaseIterable {
    /// It took place.
    case held
    /// The member did not come, and the coach followed the protocol.
    case missed

    /// The status a session ends in.
    public var status: SessionStatus { self == .held ? .held : .missed }
}

/// Which sessions a listing asks for.
public enum SessionScope: String, Sendable, CaseIterable {
    /// Open sessions, oldest first.
    case upcoming
    /// Ended sessions, newest first.
    case past
    /// Every session, oldest first.
    case all
}

/// Where the conversation happens.
public enum Channel: String, Sendable, CaseIterable {
    case platform, zoom, phone
}

/// How a coach tried to reach a member who has not joined.
public enum ContactMethod: String, Sendable, CaseIterable {
    case email, phone, chat
}

/// A session's side: who the caller is to it.
public enum Party: String, Sendable, Equatable {
    case coach, member
}

/// One coaching session and everything the protocol decides from.
public struct Session: Equatable, Sendable {
    public let id: Int64
    public let coach: Person
    public let member: Person
    public let startsAt: Instant
    public let durationMinutes: Int64
    public var status: SessionStatus
    public var channel: Channel
    public var coachJoinedAt: Instant?
    public var memberJoinedAt: Instant?
    public var endedAt: Instant?
    /// How many contact attempts the coach recorded.
    public var contactAttempts: Int
    /// The latest contact attempt, if any.
    public var lastContactAt: Instant?
    /// How many times it was changed (rescheduled or cancelled): a calendar's
    /// `SEQUENCE`.
    public var sequence: Int64 = 0
    /// The cancellation, if it was cancelled.
    public var cancellation: Cancellation?
    /// The id of the first session of its series (its own id for that one),
    /// or nil.
    public var seriesID: Int64?

    public init(
        id: Int64, coach: Person, member: Person, startsAt: Instant, durationMinutes: Int64,
        status: SessionStatus = .scheduled, channel: Channel = .platform,
        coachJoinedAt: Instant? = nil, memberJoinedAt: Instant? = nil, endedAt: Instant? = nil,
        contactAttempts: Int = 0, lastContactAt: Instant? = nil
    ) {
        self.id = id
        self.coach = coach
        self.member = member
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.status = status
        self.channel = channel
        self.coachJoinedAt = coachJoinedAt
        self.memberJoinedAt = memberJoinedAt
        self.endedAt = endedAt
        self.contactAttempts = contactAttempts
        self.lastContactAt = lastContactAt
    }

    public var endsAt: Instant { startsAt.plus(minutes: durationMinutes) }

    /// Open, and past its scheduled end.
    public func isOverdue(now: Instant) -> Bool { status.isOpen && now >= endsAt }

    /// The counter: from the coach's join to the end (or now), in seconds; nil
    /// before the coach joins.
    public func elapsedSeconds(now: Instant) -> Int64? {
        guard let joined = coachJoinedAt else { return nil }
        return max(0, (endedAt ?? now).seconds(since: joined))
    }

    /// The caller's side of this session, if they are a party.
    public func party(of accountID: Int64) -> Party? {
        if coach.id == accountID { return .coach }
        if member.id == accountID { return .member }
        return nil
    }

    /// Whether `accountID` is the line manager of this session's member.
    public func isManagedBy(_ accountID: Int64) -> Bool {
        member.managerID == accountID && party(of: accountID) == nil
    }
}

/// Who cancelled a session, when and why.
public struct Cancellation: Equatable, Sendable {
    public let at: Instant
    /// The account that cancelled (its email and name).
    public let by: Person
    /// The reason (a coach or admin gives one); parties see it, a manager never.
    public let reason: String?

    public init(at: Instant, by: Person, reason: String?) {
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// One scheduled-session entry to create.
public struct NewSession: Sendable {
    public let coachID: Int64
    public let memberID: Int64
    public let startsAt: Instant
    public let durationMinutes: Int64
    /// The first session of its series; nil for a single session, and for the
    /// first of a series (which names itself once its id is known).
    public var seriesID: Int64? = nil
    /// Whether this is the first of a series.
    public var startsSeries = false
}

extension String {
    func replacingUnderscores() -> String {
        // Bytes, not Characters: an underscore is one byte in UTF-8.
        String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}
