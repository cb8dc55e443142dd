/// The actions of a session the protocol decides on.
public enum ProtocolAction: String, Sendable, CaseIterable {
    case attend
    case chat
    case contact
    case switchChannel = "switch"
    case endHeld = "end_held"
    case endMissed = "end_missed"
}

/// The session protocol of the Mindbeat platform, as decisions over a session,
/// the caller's side of it and the time. Nothing here reads a clock or a
/// database: callers pass both in, so every rule is testable to the second.
public enum SessionProtocol {
    /// The earliest instant either party may attend.
    public static func attendFrom(_ session: Session) -> Instant {
        session.startsAt.plus(minutes: -Policy.earlyJoinMinutes)
    }

    /// `attend`: not ended, and no earlier than 30 minutes before the start.
    public static func attend(_ session: Session, now: Instant) -> Decision {
        if session.status.isClosed { return Decision([.sessionEnded(session.status)]) }
        let from = attendFrom(session)
        return Decision(now < from ? [.tooEarlyToAttend(from: from)] : [])
    }

    /// Whether a coach joining now starts the counter before the scheduled
    /// start, which the coach is warned about.
    public static func joinsEarly(_ session: Session, party: Party, now: Instant) -> Bool {
        party == .coach && session.coachJoinedAt == nil && now < session.startsAt
    }

    /// Sending a chat message: the session is in progress.
    public static func chat(_ session: Session) -> Decision {
        Decision(session.status == .inProgress ? [] : [.notInProgress(session.status)])
    }

    /// `contact`: the coach has joined, the session is not ended, and a phone
    /// call needs the member's number.
    public static func contact(_ session: Session, via method: ContactMethod) -> Decision {
        if session.status.isClosed { return Decision([.sessionEnded(session.status)]) }
        var reasons: [Unmet] = []
        if session.coachJoinedAt == nil { reasons.append(.coachNotJoined) }
        if method == .phone && session.member.phone == nil {
            reasons.append(.noMemberPhone(name: session.member.name))
        }
        return Decision(reasons)
    }

    /// `switch`: in progress; Zoom needs the coach's link, the phone the
    /// member's number.
    public static func switchChannel(_ session: Session, to channel: Channel) -> Decision {
        var reasons: [Unmet] = []
        if session.status != .inProgress { reasons.append(.notInProgress(session.status)) }
        switch channel {
        case .zoom where session.coach.zoom == nil: reasons.append(.noZoomLink)
        case .phone where session.member.phone == nil: reasons.append(.noMemberPhone(name: session.member.name))
        default: break
        }
        return Decision(reasons)
    }

    /// Ending a session as held or missed.
    public static func end(_ session: Session, as outcome: EndOutcome, now: Instant) -> Decision {
        outcome == .held ? endHeld(session, now: now) : endMissed(session, now: now)
    }

    /// `end --held`: the coach has joined, the session is not ended, and it has
    /// started or the member has joined — an early coach cannot end it for a
    /// member who is not there yet.
    public static func endHeld(_ session: Session, now: Instant) -> Decision {
        if session.status.isClosed { return Decision([.sessionEnded(session.status)]) }
        var reasons: [Unmet] = []
        if session.coachJoinedAt == nil { reasons.append(.coachNotJoined) }
        if now < session.startsAt && session.memberJoinedAt == nil {
            reasons.append(.beforeStart(until: session.startsAt))
        }
        return Decision(reasons)
    }

    /// The instant from which the wait for a member is over.
    public static func waitEnds(_ session: Session, now: Instant) -> Instant {
        let joined = session.coachJoinedAt ?? max(now, session.startsAt)
        return max(session.startsAt, joined).plus(minutes: Policy.waitMinutes)
    }

    /// The earliest instant a contact attempt counts towards a no-show.
    public static func contactCountsFrom(_ session: Session, now: Instant) -> Instant {
        let joined = session.coachJoinedAt ?? now
        return max(joined, session.startsAt.plus(minutes: Policy.contactAfterMinutes))
    }

    /// `end --missed`: the member has not joined, the coach has waited 15
    /// minutes from the later of the start and their own join, and has tried
    /// to reach the member at least once since joining and no earlier than
    /// five minutes after the start.
    public static func endMissed(_ session: Session, now: Instant) -> Decision {
        if session.status.isClosed { return Decision([.sessionEnded(session.status)]) }
        var reasons: [Unmet] = []
        if session.coachJoinedAt == nil { reasons.append(.coachNotJoined) }
        if session.memberJoinedAt != nil { reasons.append(.memberJoined(name: session.member.name)) }
        let waitEnds = waitEnds(session, now: now)
        if now < waitEnds { reasons.append(.waitForMember(until: waitEnds, name: session.member.firstName)) }
        let countsFrom = contactCountsFrom(session, now: now)
        let contacted = session.coachJoinedAt != nil && (session.lastContactAt.map { $0 >= countsFrom } ?? false)
        if !contacted {
            reasons.append(.noContactAttempt(from: countsFrom, name: session.member.firstName, sessionID: session.id))
        }
        return Decision(reasons)
    }

    /// What the caller could do next, each with the protocol's answer: the
    /// coach's full set, or a member's attend and chat. Ended sessions have
    /// no next step.
    public static func next(_ session: Session, party: Party, now: Instant) -> [(ProtocolAction, Decision)] {
        guard !session.status.isClosed else { return [] }
        var steps: [(ProtocolAction, Decision)] = []
        let joined = party == .coach ? session.coachJoinedAt : session.memberJoinedAt
        if joined == nil { steps.append((.attend, attend(session, now: now))) }
        steps.append((.chat, chat(session)))
        if party == .coach {
            steps.append((.contact, contact(session, via: .email)))
            steps.append((.switchChannel, switchChannel(session, to: .platform)))
            steps.append((.endHeld, endHeld(session, now: now)))
            steps.append((.endMissed, endMissed(session, now: now)))
        }
        return steps
    }
}
