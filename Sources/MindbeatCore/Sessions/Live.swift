/// What `wait --for` can wait for (SPEC §13).
public enum WaitCondition: String, Sendable, CaseIterable {
    case coachJoined = "coach-joined"
    case memberJoined = "member-joined"
    /// The scheduled start has come.
    case started
    case heldAllowed = "held-allowed"
    case missedAllowed = "missed-allowed"
    /// Held or missed.
    case ended

    public static let words = allCases.map(\.rawValue)
}

/// Where a condition stands at one instant.
public enum WaitState: Equatable, Sendable {
    /// It holds: the wait is over.
    case holds
    /// It can never hold any more: the session ended or was cancelled
    /// without it (the status it closed with), or (for `missed-allowed`) the
    /// member joined (the status is then still open).
    case never(SessionStatus)
    /// Not yet. `recheckAt` is the instant from which time alone may make it
    /// hold; nil when only a change to the session can.
    case pending(recheckAt: Instant?)
}

extension WaitCondition {
    /// The condition's state for `session` at `now`: holding is checked
    /// before impossibility, so a condition that held when the session ended
    /// still holds.
    public func state(of session: Session, at now: Instant) -> WaitState {
        let status = session.status
        switch self {
        case .coachJoined:
            if session.coachJoinedAt != nil { return .holds }
            return status.isClosed ? .never(status) : .pending(recheckAt: nil)
        case .memberJoined:
            if session.memberJoinedAt != nil { return .holds }
            return status.isClosed ? .never(status) : .pending(recheckAt: nil)
        case .started:
            // A cancelled session never starts, whatever the time.
            if status.isCancelled { return .never(status) }
            if now >= session.startsAt { return .holds }
            return status.isClosed ? .never(status) : .pending(recheckAt: session.startsAt)
        case .heldAllowed:
            return WaitCondition.decided(SessionProtocol.endHeld(session, now: now), session: session, now: now)
        case .missedAllowed:
            if session.memberJoinedAt != nil { return .never(status) }
            return WaitCondition.decided(SessionProtocol.endMissed(session, now: now), session: session, now: now)
        case .ended:
            if status.isEnded { return .holds }
            return status.isCancelled ? .never(status) : .pending(recheckAt: nil)
        }
    }

    private static func decided(_ decision: Decision, session: Session, now: Instant) -> WaitState {
        if decision.isAllowed { return .holds }
        if session.status.isClosed { return .never(session.status) }
        return .pending(recheckAt: decision.nextLift(after: now))
    }
}

extension Decision {
    /// The earliest instant after `now` at which time lifts one of the
    /// reasons: the decision may change then, even if other reasons remain.
    public func nextLift(after now: Instant) -> Instant? {
        reasons.compactMap(\.liftedAt).filter { $0 > now }.min()
    }
}

/// A change to a session that a watcher is told of (`status --watch` off a
/// terminal prints one line per event): never the ticking counter.
public enum LiveEvent: Equatable, Sendable {
    case coachJoined(at: Instant)
    case memberJoined(at: Instant)
    /// The coach recorded an attempt to reach the member; `count` attempts so far.
    case contacted(count: Int)
    case switched(to: Channel)
    /// The session was moved to a new start (`sessions reschedule`).
    case moved(startsAt: Instant)
    /// An action of the watcher's became allowed.
    case allowed(ProtocolAction)
    /// The session ended (held or missed) or was cancelled.
    case closed(SessionStatus)

    /// What changed between two readings of the same session for the same
    /// party, in the order it happened: joins, contacts and switches first,
    /// then what they (or time) allowed, and the end last.
    public static func between(_ old: StatusReport, _ new: StatusReport) -> [LiveEvent] {
        let before = old.view.session, after = new.view.session
        var events: [LiveEvent] = []
        if before.startsAt != after.startsAt && !after.status.isClosed { events.append(.moved(startsAt: after.startsAt)) }
        var joins: [(Instant, LiveEvent)] = []
        if before.coachJoinedAt == nil, let at = after.coachJoinedAt { joins.append((at, .coachJoined(at: at))) }
        if before.memberJoinedAt == nil, let at = after.memberJoinedAt { joins.append((at, .memberJoined(at: at))) }
        events += joins.sorted { $0.0 < $1.0 }.map(\.1)
        if after.contactAttempts > before.contactAttempts { events.append(.contacted(count: after.contactAttempts)) }
        if after.channel != before.channel { events.append(.switched(to: after.channel)) }
        if !after.status.isClosed {
            for step in new.next where step.decision.isAllowed {
                let was = old.next.first { $0.action == step.action }?.decision.isAllowed ?? false
                if !was { events.append(.allowed(step.action)) }
            }
        }
        if after.status.isClosed && !before.status.isClosed { events.append(.closed(after.status)) }
        return events
    }

    /// Whether a terminal watching for `party` rings its bell for this
    /// event: the other party joining, or ending the session becoming allowed.
    public func rings(for party: Party) -> Bool { bell(for: party) != nil }

    /// What the bell rings for, when it does: a live view rings once for
    /// each — the join, and each way of ending (a coach who may end as held
    /// from the start still hears when missed becomes allowed).
    public func bell(for party: Party) -> String? {
        switch self {
        case .memberJoined: return party == .coach ? "join" : nil
        case .coachJoined: return party == .member ? "join" : nil
        case .allowed(let action) where action == .endHeld || action == .endMissed: return action.rawValue
        default: return nil
        }
    }
}

extension StatusReport {
    /// The same session's report at another instant: the protocol decided
    /// again without reading the database, as a live view does every second.
    public func at(_ instant: Instant) -> StatusReport {
        guard case .party(let party) = view.access else { return self }
        let steps = SessionProtocol.next(view.session, party: party, now: instant).map { (action: $0.0, decision: $0.1) }
        return StatusReport(view: view, at: instant, next: steps)
    }

    /// The earliest instant after `at` when time alone changes what the
    /// protocol allows next; nil when only a change to the session can.
    public var nextChange: Instant? {
        next.compactMap { $0.decision.nextLift(after: at) }.min()
    }

    /// The party the report was made for.
    public var party: Party? {
        if case .party(let party) = view.access { return party }
        return nil
    }
}
