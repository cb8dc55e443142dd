/// A session as its coach reads it in full, with the contact attempts only the
/// coach may see.
public struct SessionDetail: Sendable {
    public let view: SessionView
    /// Recorded attempts, with their coach-only notes; empty for anyone else.
    public let contactAttempts: [ContactAttempt]
}

/// What `attend` did.
public struct Attendance: Sendable {
    public let session: Session
    public let party: Party
    /// False when the caller had already joined: the first join time stands.
    public let joinedNow: Bool
    /// The coach joined before the start: the counter runs early.
    public let joinedEarly: Bool
}

/// `status`: a session and what the protocol allows the caller next.
public struct StatusReport: Sendable {
    public let view: SessionView
    public let next: [(action: ProtocolAction, decision: Decision)]
}

/// What `contact` did.
public struct ContactOutcome: Sendable {
    public let session: Session
    public let via: ContactMethod
    /// The member's number, for a call.
    public let phone: String?
    /// The line posted into the chat, for `--via chat`.
    public let chatLine: String?
}

/// What `switch` did.
public struct ChannelSwitch: Sendable {
    public let session: Session
    public let previous: Channel
    /// The coach's Zoom link or the member's number.
    public let detail: String?
}

extension Mindbeat {
    // MARK: Scheduling

    /// Schedules a session: a coach for one of their members, a member with
    /// their coach, or an admin naming both.
    public func schedule(
        token: String?, startsAt: Instant, memberEmail: String?, coachEmail: String?, durationMinutes: Int64
    ) throws -> Int64 {
        try write(token) { actor in
            let coach: Account
            let member: Account
            switch actor.role {
            case .member:
                if let memberEmail, try store.account(email: memberEmail)?.id != actor.id, !actor.isAdmin {
                    throw MindbeatError.forbidden("a member schedules sessions for themselves only")
                }
                member = actor
                guard let coachID = actor.coachID, let own = try store.account(id: coachID) else {
                    throw MindbeatError.internal("member \(actor.email) has no coach")
                }
                coach = own
            case .coach, .manager:
                if actor.role == .manager && !actor.isAdmin {
                    throw MindbeatError.forbidden("line managers cannot schedule sessions")
                }
                guard let memberEmail else {
                    throw MindbeatError.usage("name the member: --member EMAIL")
                }
                guard let found = try store.account(email: memberEmail) else {
                    throw MindbeatError.notFound("no member \(memberEmail)")
                }
                member = found
                if let coachEmail {
                    guard let named = try store.account(email: coachEmail) else {
                        throw MindbeatError.notFound("no coach \(coachEmail)")
                    }
                    if named.id != actor.id && !actor.isAdmin {
                        throw MindbeatError.forbidden("a coach schedules their own sessions only")
                    }
                    coach = named
                } else if actor.role == .coach {
                    coach = actor
                } else {
                    throw MindbeatError.usage("name the coach: --coach EMAIL")
                }
            }
            var reasons: [Unmet] = []
            if member.role != .member { reasons.append(.notAMember(email: member.email)) }
            if coach.role != .coach { reasons.append(.notACoach(email: coach.email)) }
            if member.role == .member && coach.role == .coach && member.coachID != coach.id {
                reasons.append(.notTheirCoach(coach: coach.name, member: member.name))
            }
            if startsAt < now { reasons.append(.startsInPast(startsAt)) }
            let endsAt = startsAt.plus(minutes: durationMinutes)
            if reasons.isEmpty {
                for other in try store.overlappingSessions(coachID: coach.id, memberID: member.id, start: startsAt, end: endsAt) {
                    let whose = other.coach.id == coach.id ? coach.name : member.name
                    reasons.append(.overlaps(sessionID: other.id, startsAt: other.startsAt, whose: whose))
                }
            }
            guard reasons.isEmpty else {
                throw MindbeatError.refused(Refusal(action: "schedule the session", reasons: reasons))
            }
            return try store.insertSession(
                NewSession(coachID: coach.id, memberID: member.id, startsAt: startsAt, durationMinutes: durationMinutes),
                at: now)
        }
    }

    // MARK: Reading

    /// The sessions the caller takes part in or oversees as line manager.
    public func sessions(
        token: String?, scope: Store.SessionScope, memberEmail: String? = nil, from: Instant? = nil, to: Instant? = nil
    ) throws -> [SessionView] {
        try read(token) { actor in
            var memberID: Int64?
            if let memberEmail {
                let found = try store.account(email: memberEmail)
                let visible = found.map { person in
                    person.id == actor.id || person.coachID == actor.id || person.managerID == actor.id
                } ?? false
                guard let found, visible else { throw MindbeatError.notFound("no member \(memberEmail) of yours") }
                memberID = found.id
            }
            return try store.sessions(visibleTo: actor.id, scope: scope, memberID: memberID, from: from, to: to)
                .compactMap { session in
                    if let party = session.party(of: actor.id) { return SessionView(session: session, access: .party(party)) }
                    if session.isManagedBy(actor.id) { return SessionView(session: session, access: .lineManager) }
                    return nil
                }
        }
    }

    /// One session, as the caller may see it.
    public func session(token: String?, id: Int64) throws -> SessionDetail {
        try read(token) { actor in
            let (session, access) = try access(to: try store.session(id: id), id: id, for: actor)
            let attempts = access == .party(.coach) ? try store.contactAttempts(sessionID: id) : []
            return SessionDetail(view: SessionView(session: session, access: access), contactAttempts: attempts)
        }
    }

    /// The session and what the protocol allows next: the given one, else the
    /// caller's session in progress, else their next one; nil when there is none.
    public func status(token: String?, id: Int64?) throws -> StatusReport? {
        try read(token) { actor in
            let session: Session
            if let id {
                let (found, access) = try access(to: try store.session(id: id), id: id, for: actor)
                guard case .party = access else {
                    throw MindbeatError.forbidden("line managers see the attendance of their reports' sessions only (mindbeat sessions show \(id))")
                }
                session = found
            } else {
                let mine = try store.sessions(visibleTo: actor.id, scope: .upcoming).filter { $0.party(of: actor.id) != nil }
                guard let chosen = mine.first(where: { $0.status == .inProgress }) ?? mine.first else { return nil }
                session = chosen
            }
            guard let party = session.party(of: actor.id) else { throw MindbeatError.notFound("no session \(session.id)") }
            let next = SessionProtocol.next(session, party: party, now: now).map { (action: $0.0, decision: $0.1) }
            return StatusReport(view: SessionView(session: session, access: .party(party)), next: next)
        }
    }

    // MARK: The protocol

    /// Joins a session (the given one, or the caller's only session that can be
    /// attended now). The first join time stands; the coach's starts the counter.
    public func attend(token: String?, id: Int64?) throws -> Attendance {
        try write(token) { actor in
            var session: Session
            let party: Party
            if let id {
                (session, party) = try self.party(in: id, for: actor, doing: "attend a session")
            } else {
                let mine = try store.sessions(visibleTo: actor.id, scope: .upcoming).filter { $0.party(of: actor.id) != nil }
                let open = mine.filter { SessionProtocol.attend($0, now: now).isAllowed }
                guard open.count == 1, let only = open.first, let side = only.party(of: actor.id) else {
                    let unmet: Unmet = open.isEmpty
                        ? .nothingToAttend(candidates: Array(mine.prefix(3).map(\.id)))
                        : .severalToAttend(candidates: open.map(\.id))
                    throw MindbeatError.refused(Refusal(action: "attend", reasons: [unmet]))
                }
                (session, party) = (only, side)
            }
            let decision = SessionProtocol.attend(session, now: now)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "attend session \(session.id)", decision: decision))
            }
            let early = SessionProtocol.joinsEarly(session, party: party, now: now)
            let already = (party == .coach ? session.coachJoinedAt : session.memberJoinedAt) != nil
            if !already {
                switch party {
                case .coach: session.coachJoinedAt = now
                case .member: session.memberJoinedAt = now
                }
                if session.status == .scheduled { session.status = .inProgress }
                try store.updateSessionState(session)
            }
            return Attendance(session: session, party: party, joinedNow: !already, joinedEarly: early)
        }
    }

    /// Posts a chat message; a party only, while the session is in progress.
    public func sendChat(token: String?, id: Int64, text: String) throws {
        do throws(InvalidValue) {
            _ = try ChatText.message(text)
        } catch {
            throw MindbeatError.invalidValue(option: "the message", problem: error.problem)
        }
        try write(token) { actor in
            let (session, _) = try party(in: id, for: actor, doing: "chat")
            let decision = SessionProtocol.chat(session)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "send to the chat of session \(id)", decision: decision))
            }
            try store.insertChatMessage(sessionID: id, authorID: actor.id, text: text, at: now)
        }
    }

    /// The conversation of a session, for its parties.
    public func chat(token: String?, id: Int64) throws -> [ChatMessage] {
        try read(token) { actor in
            _ = try party(in: id, for: actor, doing: "read the chat")
            return try store.chatMessages(sessionID: id)
        }
    }

    /// The line a coach's `contact --via chat` posts when they give no note.
    public static func waitingLine(coach: String) -> String {
        "\(coach) is waiting for you in the session. Join with: mindbeat attend"
    }

    /// Records an attempt to reach a member who has not joined: an email
    /// reminder queued in the same transaction, a phone number to call, or a
    /// line in the chat.
    public func contact(token: String?, id: Int64, via method: ContactMethod, note: String?) throws -> ContactOutcome {
        if let note {
            do throws(InvalidValue) {
                _ = try ChatText.message(note)
            } catch {
                throw MindbeatError.invalidValue(option: "the note", problem: error.problem)
            }
        }
        return try write(token) { actor in
            var session = try coachOf(id, for: actor, doing: "contact the member")
            let decision = SessionProtocol.contact(session, via: method)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "contact \(session.member.name) by \(method.rawValue)", decision: decision))
            }
            var chatLine: String?
            switch method {
            case .email:
                try store.queueNotice(recipientID: session.member.id, sessionID: id, kind: .reminder, dueAt: now, at: now)
            case .chat:
                let line = note ?? Mindbeat.waitingLine(coach: session.coach.name)
                try store.insertChatMessage(sessionID: id, authorID: actor.id, text: line, at: now)
                chatLine = line
            case .phone:
                break
            }
            // A note posted into the chat is no longer the coach's own.
            try store.insertContactAttempt(sessionID: id, via: method, note: method == .chat ? nil : note, at: now)
            session.contactAttempts += 1
            session.lastContactAt = now
            return ContactOutcome(session: session, via: method, phone: method == .phone ? session.member.phone : nil,
                                  chatLine: chatLine)
        }
    }

    /// Moves the conversation to Zoom (posting the coach's link into the chat),
    /// the phone, or back to the platform.
    public func switchChannel(token: String?, id: Int64, to channel: Channel) throws -> ChannelSwitch {
        try write(token) { actor in
            var session = try coachOf(id, for: actor, doing: "switch the channel")
            let decision = SessionProtocol.switchChannel(session, to: channel)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "switch session \(id) to \(channel.rawValue)", decision: decision))
            }
            let previous = session.channel
            var detail: String?
            switch channel {
            case .zoom:
                detail = session.coach.zoom
                if previous != .zoom, let link = session.coach.zoom {
                    try store.insertChatMessage(sessionID: id, authorID: actor.id, text: "Let's continue on Zoom: \(link)", at: now)
                }
            case .phone:
                detail = session.member.phone
            case .platform:
                break
            }
            if previous != channel {
                session.channel = channel
                try store.updateSessionState(session)
            }
            return ChannelSwitch(session: session, previous: previous, detail: detail)
        }
    }

    /// Ends a session as held or missed, for its coach, under the protocol.
    public func end(token: String?, id: Int64, held: Bool) throws -> Session {
        try write(token) { actor in
            var session = try coachOf(id, for: actor, doing: "end the session")
            let decision = held ? SessionProtocol.endHeld(session, now: now) : SessionProtocol.endMissed(session, now: now)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "end session \(id) as \(held ? "held" : "missed")", decision: decision))
            }
            session.status = held ? .held : .missed
            session.endedAt = now
            try store.updateSessionState(session)
            try queueNoticesOnEnd(session)
            return session
        }
    }
}
