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
    case overlaps(sessionID: Int64?, startsAt: Instant, whose: String)
    case notTheirCoach(coach: String, member: String)
    case notAMember(email: String)
    case notACoach(email: String)
    case notAManager(email: String)
    case emailTaken(String)
    case databaseHasAccounts
    /// `db copy`: the destination already holds a mindbeat database.
    case destinationHoldsData(location: String)
    /// The SSH key is already registered (to anyone).
    case keyRegistered(fingerprint: String)
    case notHeld(SessionStatus)
    case feedbackGiven
    case nothingToAttend(candidates: [Int64])
    case severalToAttend(candidates: [Int64])
    /// Cancel and reschedule need a session nobody has joined.
    case notScheduled(SessionStatus)
    /// The member's bank cannot hold `needed` more sessions: `remaining` are left.
    case bankUsedUp(member: String, remaining: Int64, needed: Int64)

    /// What kind of condition this is: its stable identifier.
    public var kind: UnmetKind {
        switch self {
        case .sessionEnded: return .sessionEnded
        case .tooEarlyToAttend: return .tooEarly
        case .notInProgress: return .notInProgress
        case .coachNotJoined: return .coachNotJoined
        case .memberJoined: return .memberJoined
        case .beforeStart: return .beforeStart
        case .waitForMember: return .waitingPeriod
        case .noContactAttempt: return .noContactAttempt
        case .noZoomLink: return .noZoomLink
        case .noMemberPhone: return .noMemberPhone
        case .startsInPast: return .startsInPast
        case .overlaps: return .overlap
        case .notTheirCoach: return .notTheirCoach
        case .notAMember: return .notAMember
        case .notACoach: return .notACoach
        case .notAManager: return .notAManager
        case .emailTaken: return .emailTaken
        case .databaseHasAccounts: return .alreadyInitialised
        case .destinationHoldsData: return .destinationHoldsData
        case .keyRegistered: return .keyRegistered
        case .notHeld: return .notHeld
        case .feedbackGiven: return .feedbackGiven
        case .nothingToAttend: return .nothingToAttend
        case .severalToAttend: return .severalToAttend
        case .notScheduled: return .notScheduled
        case .bankUsedUp: return .bankUsedUp
        }
    }

    /// A stable name for scripts (`status --json` reasons, `mindbeat(1)`).
    public var identifier: String { kind.rawValue }

    /// When waiting alone lifts this condition, the instant it does.
    public var liftedAt: Instant? {
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

/// The stable identifiers of unmet conditions, as scripts see them. The
/// list in `mindbeat(1)` is made from this.
public enum UnmetKind: String, Sendable, CaseIterable {
    case sessionEnded = "session_ended"
    case tooEarly = "too_early"
    case notInProgress = "not_in_progress"
    case coachNotJoined = "coach_not_joined"
    case memberJoined = "member_joined"
    case beforeStart = "before_start"
    case waitingPeriod = "waiting_period"
    case noContactAttempt = "no_contact_attempt"
    case noZoomLink = "no_zoom_link"
    case noMemberPhone = "no_member_phone"
    case startsInPast = "starts_in_past"
    case overlap
    case notTheirCoach = "not_their_coach"
    case notAMember = "not_a_member"
    case notACoach = "not_a_coach"
    case notAManager = "not_a_manager"
    case emailTaken = "email_taken"
    case alreadyInitialised = "already_initialised"
    case destinationHoldsData = "destination_holds_data"
    case keyRegistered = "key_registered"
    case notHeld = "not_held"
    case feedbackGiven = "feedback_given"
    case nothingToAttend = "nothing_to_attend"
    case severalToAttend = "several_to_attend"
    case notScheduled = "not_scheduled"
    case bankUsedUp = "bank_used_up"
}

/// What was refused.
public enum RefusedAction: Equatable, Sendable {
    case initialise
    /// `db copy` into another database.
    case copyDatabase
    case addAccount(email: String)
    case schedule
    /// A series of `count` sessions.
    case scheduleSeries(count: Int)
    case cancel(session: Int64)
    case reschedule(session: Int64)
    /// Giving a member a bank of sessions.
    case setBank(email: String)
    /// Attending a session, or (nil) the one session that can be attended now.
    case attend(session: Int64?)
    case chat(session: Int64)
    case contact(member: String, via: ContactMethod)
    case switchChannel(session: Int64, to: Channel)
    case end(session: Int64, as: EndOutcome)
    case leaveFeedback(session: Int64)
    case addKey
}

/// A refused request: the action, every unmet condition, and when it will be
/// allowed if time will lift it.
public struct Refusal: Error, Equatable, Sendable {
    public let action: RefusedAction
    public let reasons: [Unmet]
    public let allowedFrom: Instant?

    public init(_ action: RefusedAction, reasons: [Unmet], allowedFrom: Instant? = nil) {
        self.action = action
        self.reasons = reasons
        self.allowedFrom = allowedFrom
    }

    public init(_ action: RefusedAction, _ decision: Decision) {
        self.init(action, reasons: decision.reasons, allowedFrom: decision.allowedFrom)
    }
}
