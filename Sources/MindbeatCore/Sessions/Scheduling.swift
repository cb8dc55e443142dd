/// How often a series of sessions repeats (`sessions add --every`).
public enum Recurrence: String, Sendable, CaseIterable {
    case week
    case twoWeeks = "2weeks"
    case fourWeeks = "4weeks"

    /// Days between two sessions of the series, on the local calendar.
    public var days: Int64 {
        switch self {
        case .week: return 7
        case .twoWeeks: return 14
        case .fourWeeks: return 28
        }
    }
}

/// The scheduling life cycle of SPEC §9 as decisions over a session, the
/// caller and the time: cancel, reschedule, series, the 24-hour rule, the
/// bank and the flag. Nothing here reads a clock or a database.
public enum Scheduling {
    /// Whether a change made at `now` to a session starting at `startsAt` is
    /// late: less than 24 hours before the start. 24 h 0 s before is on time.
    public static func isLate(changing startsAt: Instant, now: Instant) -> Bool {
        now.secondsSinceEpoch > startsAt.secondsSinceEpoch - Policy.noticeHours * 3600
    }

    /// The status a cancellation made at `now` gives the session.
    public static func cancelledStatus(startsAt: Instant, now: Instant) -> SessionStatus {
        isLate(changing: startsAt, now: now) ? .lateCancelled : .cancelled
    }

    /// Cancel and reschedule: only a session nobody has joined yet.
    public static func change(_ session: Session) -> Decision {
        Decision(session.status == .scheduled ? [] : [.notScheduled(session.status)])
    }

    /// Whether a change counts against the member (and, when late, is charged
    /// to their bank): only the member's own.
    public static func isMembersChange(_ session: Session, by accountID: Int64) -> Bool {
        session.member.id == accountID
    }

    /// Whether the member's change that brings their count in the engagement
    /// to `changes` flags them: the third, and only the third.
    public static func flags(changes: Int64) -> Bool { changes == Int64(Policy.flaggedChange) }

    /// The starts of a series: the first, then one every `every`, at the same
    /// wall-clock time in `zone` (10:00 stays 10:00 across a daylight-saving
    /// change). A start whose local time does not exist or is ambiguous in
    /// the zone makes the whole series invalid.
    public static func occurrences(
        first: Instant, every: Recurrence, count: Int64, zone: any LocalZone
    ) throws(InvalidValue) -> [Instant] {
        guard Policy.seriesCounts.contains(count) else {
            throw InvalidValue("is out of range: a series has \(Policy.seriesCounts.lowerBound) to \(Policy.seriesCounts.upperBound) sessions")
        }
        let local = zone.civil(first)
        var starts = [first]
        for index in 1..<count {
            let day = CivilDateTime.days(year: local.year, month: local.month, day: local.day) + index * every.days
            let (year, month, dayOfMonth) = CivilDateTime.civil(fromDays: day)
            let civil = CivilDateTime(year: year, month: month, day: dayOfMonth, hour: local.hour, minute: local.minute,
                                      second: local.second)
            let candidates = zone.instants(for: civil).filter { Instant.validRange.contains($0.secondsSinceEpoch) }
            let shown = civil.isoDate + " " + civil.isoTime(seconds: false)
            guard candidates.count == 1, let start = candidates.first else {
                let ordinal = "session \(index + 1) of the series (\(shown))"
                if candidates.isEmpty && !Instant.validRange.contains(civil.utcSeconds) {
                    throw InvalidValue("makes \(ordinal) fall after 9999-12-31")
                }
                throw InvalidValue(candidates.isEmpty
                    ? "makes \(ordinal) a local time that does not exist: the clocks change that day"
                    : "makes \(ordinal) an ambiguous local time: the clocks change that day and it happens twice")
            }
            starts.append(start)
        }
        return starts
    }

    /// When the `upcoming` notices of a session starting at `startsAt` are
    /// due: 24 hours and 1 hour before, those still in the future at `now`.
    public static func upcomingNotices(startsAt: Instant, now: Instant) -> [Instant] {
        Policy.upcomingNoticeHours.map { Instant(secondsSinceEpoch: startsAt.secondsSinceEpoch - $0 * 3600) }
            .filter { $0 > now }
    }
}

/// A member's engagement (SPEC §9): from `users bank`, or, for a member never
/// given one, from their account's creation with no limit.
public struct Engagement: Equatable, Sendable {
    /// Its id, or nil for the unlimited engagement a member starts with.
    public let id: Int64?
    public let startedAt: Instant
    /// The bank: how many sessions it holds; nil when unlimited.
    public let sessions: Int64?
    /// Held and missed sessions ended in it, and the member's late changes.
    public let used: Int64
    /// The member's sessions not yet ended (scheduled or in progress).
    public let scheduled: Int64
    /// The member's own cancellations and reschedules in it.
    public let changes: Int64

    public init(id: Int64?, startedAt: Instant, sessions: Int64?, used: Int64, scheduled: Int64, changes: Int64) {
        self.id = id
        self.startedAt = startedAt
        self.sessions = sessions
        self.used = used
        self.scheduled = scheduled
        self.changes = changes
    }

    /// What can still be booked: never below 0. Nil when unlimited.
    public var remaining: Int64? { sessions.map { max(0, $0 - used - scheduled) } }

    /// Whether `count` more sessions may be booked.
    public func allows(booking count: Int64) -> Bool {
        guard let sessions else { return true }
        return used + scheduled + count <= sessions
    }

    /// Whether the member is flagged: their third change of this engagement
    /// has been made.
    public var isFlagged: Bool { changes >= Int64(Policy.flaggedChange) }
}

/// A member's attendance over all time, and their current engagement.
public struct MemberStanding: Equatable, Sendable {
    public let held: Int64
    public let missed: Int64
    public let engagement: Engagement

    public init(held: Int64, missed: Int64, engagement: Engagement) {
        self.held = held
        self.missed = missed
        self.engagement = engagement
    }
}

/// A cancellation or a reschedule, as it is recorded: the member's own count
/// towards the flag, and a late one of theirs is charged to the bank.
public struct SessionChange: Equatable, Sendable {
    public enum Kind: String, Sendable { case cancel, reschedule }

    public let sessionID: Int64
    public let memberID: Int64
    /// Who made it.
    public let byID: Int64
    public let kind: Kind
    /// Made by the member: it counts.
    public let byMember: Bool
    /// Made less than 24 hours before the start it changed (charged when the
    /// member made it).
    public let late: Bool
    /// The start it changed.
    public let previousStartsAt: Instant

    public init(session: Session, by accountID: Int64, kind: Kind, now: Instant) {
        sessionID = session.id
        memberID = session.member.id
        byID = accountID
        self.kind = kind
        byMember = Scheduling.isMembersChange(session, by: accountID)
        late = Scheduling.isLate(changing: session.startsAt, now: now)
        previousStartsAt = session.startsAt
    }

    /// Charged to the member's bank: theirs, and late.
    public var isCharged: Bool { byMember && late }
}
