/// Something the protocol or the current state requires that is not so.
///
/// Each has a stable identifier for scripts and a message that says what is
/// missing and, where time will lift it, from when the action is allowed.
public enum Unmet: Equatable, Sendable {
    case sessionEnded(SessionStatus)
    case tooEarlyToAttend(from: Instant)
    case notInProgress(SessionStatus)
    case coachNotJoined
    case memberJoined(name: String)
    case beforeStart(until: Instant)
    case waitForMember(until: Instant, name: String)
    case noContactAttempt(from: Instant, name: String, sessionID: Int64)
    case noZoomLink
    case noMemberPhone(name: String)
    case startsInPast(Instant)
    case overlaps(sessionID: Int64, startsAt: Instant, whose: String)
    case notTheirCoach(coach: String, member: String)
    case notAMember(email: String)
    case notACoach(email: String)
    case notAManager(email: String)
    case emailTaken(String)
    case databaseHasAccounts
    case notHeld(SessionStatus)
    case feedbackGiven
    case nothingToAttend(candidates: [Int64])
    case severalToAttend(candidates: [Int64])

    /// A stable name for scripts.
    public var identifier: String {
        switch self {
        case .sessionEnded: return "session_ended"
        case .tooEarlyToAttend: return "too_early"
        case .notInProgress: return "not_in_progress"
        case .coachNotJoined: return "coach_not_joined"
        case .memberJoined: return "member_joined"
        case .beforeStart: return "before_start"
        case .waitForMember: return "waiting_period"
        case .noContactAttempt: return "no_contact_attempt"
        case .noZoomLink: return "no_zoom_link"
        case .noMemberPhone: return "no_member_phone"
        case .startsInPast: return "starts_in_past"
        case .overlaps: return "overlap"
        case .notTheirCoach: return "not_their_coach"
        case .notAMember: return "not_a_member"
        case .notACoach: return "not_a_coach"
        case .notAManager: return "not_a_manager"
        case .emailTaken: return "email_taken"
        case .databaseHasAccounts: return "already_initialised"
        case .notHeld: return "not_held"
        case .feedbackGiven: return "feedback_given"
        case .nothingToAttend: return "nothing_to_attend"
        case .severalToAttend: return "several_to_attend"
        }
    }

    /// What is missing, in words, with local times in `zone`.
    public func message(zone: any LocalZone, now: Instant) -> String {
        func at(_ instant: Instant) -> String { zone.shortTime(instant, now: now) }
        switch self {
        case .sessionEnded(let status):
            return "the session has already ended (\(status.words))"
        case .tooEarlyToAttend(let from):
            return "it is too early to attend: you can join from \(at(from)), 30 minutes before the start"
        case .notInProgress(let status):
            return status == .scheduled
                ? "the session is not in progress: nobody has attended it yet"
                : "the session is not in progress: it has ended (\(status.words))"
        case .coachNotJoined:
            return "you have not joined the session yet (mindbeat attend)"
        case .memberJoined(let name):
            return "\(name) has joined the session, so it cannot be missed"
        case .beforeStart(let until):
            return "the session has not started and the member has not joined: wait until \(at(until))"
        case .waitForMember(let until, let name):
            return "wait for \(name) until \(at(until)) (15 minutes)"
        case .noContactAttempt(let from, let name, let id):
            return "contact \(name) first, at \(at(from)) or later (mindbeat contact \(id) --via email)"
        case .noZoomLink:
            return "your profile has no Zoom link (mindbeat profile --zoom URL)"
        case .noMemberPhone(let name):
            return "\(name) has no phone number on their profile"
        case .startsInPast(let instant):
            return "the start, \(at(instant)), is in the past"
        case .overlaps(let id, let startsAt, let whose):
            return "it overlaps session \(id) of \(whose) at \(at(startsAt))"
        case .notTheirCoach(let coach, let member):
            return "\(coach) is not the coach of \(member)"
        case .notAMember(let email):
            return "\(email) is not a member"
        case .notACoach(let email):
            return "\(email) is not a coach"
        case .notAManager(let email):
            return "\(email) is not a manager"
        case .emailTaken(let email):
            return "an account with the email \(email) already exists"
        case .databaseHasAccounts:
            return "the database already has accounts; log in with mindbeat login EMAIL"
        case .notHeld(let status):
            return "feedback is for held sessions, and this one is \(status.words)"
        case .feedbackGiven:
            return "you have already left feedback on it"
        case .nothingToAttend(let ids):
            return ids.isEmpty
                ? "you have no session that can be attended now"
                : "no session can be attended now; your next: \(ids.map { "\($0)" }.joined(separator: ", "))"
        case .severalToAttend(let ids):
            return "several sessions can be attended now: \(ids.map { "\($0)" }.joined(separator: ", ")); name one (mindbeat attend ID)"
        }
    }

    /// When waiting alone lifts this condition, the instant it does.
    var liftedAt: Instant? {
        switch self {
        case .tooEarlyToAttend(let from): return from
        case .beforeStart(let until): return until
        case .waitForMember(let until, _): return until
        default: return nil
        }
    }

    /// Whether the caller can lift this by waiting or by one action of the
    /// protocol (a contact attempt), rather than never.
    var isLiftable: Bool {
        switch self {
        case .tooEarlyToAttend, .beforeStart, .waitForMember, .noContactAttempt, .coachNotJoined: return true
        default: return false
        }
    }
}

/// The protocol's answer for one action.
public struct Decision: Equatable, Sendable {
    public let reasons: [Unmet]

    public init(_ reasons: [Unmet]) { self.reasons = reasons }

    public var isAllowed: Bool { reasons.isEmpty }

    /// When only time and the caller's own protocol steps stand in the way, the
    /// earliest instant the action becomes allowed; otherwise nil.
    public var allowedFrom: Instant? {
        guard !reasons.isEmpty, reasons.allSatisfy(\.isLiftable) else { return nil }
        return reasons.compactMap(\.liftedAt).max()
    }
}

/// A refused request: the action, every unmet condition, and when it will be
/// allowed if time will lift it.
public struct Refusal: Error, Equatable, Sendable {
    /// What was refused, in words: `end session 12 as missed`.
    public let action: String
    public let reasons: [Unmet]
    public let allowedFrom: Instant?

    public init(action: String, reasons: [Unmet], allowedFrom: Instant? = nil) {
        self.action = action
        self.reasons = reasons
        self.allowedFrom = allowedFrom
    }

    public init(action: String, decision: Decision) {
        self.init(action: action, reasons: decision.reasons, allowedFrom: decision.allowedFrom)
    }

    /// One line: `cannot end session 12 as missed: wait …; contact … (allowed from 10:15)`.
    public func message(zone: any LocalZone, now: Instant) -> String {
        var text = "cannot \(action): " + reasons.map { $0.message(zone: zone, now: now) }.joined(separator: "; ")
        if let from = allowedFrom, reasons.count > 1 || from > now && reasons.first?.liftedAt == nil {
            text += " (allowed from \(zone.shortTime(from, now: now)))"
        }
        return text
    }
}
