/// A session as its coach reads it in full, with the contact attempts only the
/// coach may see.
public struct SessionDetail: Sendable {
    public let view: SessionView
    /// Recorded attempts, with their coach-only notes; empty for anyone else.
    public let contactAttempts: [ContactAttempt]
}

/// What `attend` did.
public struct Attendance: Sendable {
    /// When the caller joined (or, if they had already, when this attend ran).
    public let at: Instant
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
    /// The instant the decisions were made for.
    public let at: Instant
    public let next: [(action: ProtocolAction, decision: Decision)]
}

/// What `contact` did.
public struct ContactOutcome: Sendable {
    /// When the attempt was recorded.
    public let at: Instant
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
    // MARK: Reading

    /// The sessions the caller takes part in or oversees as line manager.
    public func sessions(
        _ actor: Actor, scope: SessionScope, memberEmail: String? = nil, from: Instant? = nil, to: Instant? = nil
    ) throws -> [SessionView] {
        try read(actor) { tx, me in
            let memberID = try memberEmail.map { try memberOf($0, for: me, tx).id }
            return try tx.sessions(visibleTo: me.id, scope: scope, memberID: memberID, from: from, to: to)
                .compactMap { session in
                    if let party = session.party(of: me.id) { return SessionView(session: session, access: .party(party)) }
                    if session.isManagedBy(me.id) { return SessionView(session: session, access: .lineManager) }
                    return nil
                }
        }
    }

    /// One session, as the caller may see it.
    /// An admin who is neither a party nor the member's line manager sees
    /// the attendance fields, as a line manager does: they may cancel and
    /// reschedule any session (SPEC §1).
    public func session(_ actor: Actor, id: Int64) throws -> SessionDetail {
        try read(actor) { tx, me in
            let found = try tx.session(id: id)
            if let found, me.isAdmin, found.party(of: me.id) == nil {
                return SessionDetail(view: SessionView(session: found, access: .lineManager), contactAttempts: [])
            }
            let (session, access) = try access(to: found, id: id, for: me)
            let attempts = access == .party(.coach) ? try tx.contactAttempts(sessionID: id) : []
            return SessionDetail(view: SessionView(session: session, access: access), contactAttempts: attempts)
        }
    }

    /// The session and what the protocol allows next: the given one, else the
    /// caller's session in progress, else their next one; nil when there is none.
    public func status(_ actor: Actor, id: Int64?) throws -> StatusReport? {
        try read(actor) { tx, me in
            let now = self.now
            let session: Session
            if let id {
                let (found, access) = try access(to: try tx.session(id: id), id: id, for: me)
                guard case .party = access else { throw MindbeatError.forbidden(.lineManager(.seeStatus(session: id))) }
                session = found
            } else {
                let mine = try tx.sessions(visibleTo: me.id, scope: .upcoming, memberID: nil, from: nil, to: nil)
                    .filter { $0.party(of: me.id) != nil }
                guard let chosen = mine.first(where: { $0.status == .inProgress }) ?? mine.first else { return nil }
                session = chosen
            }
            guard let party = session.party(of: me.id) else { throw MindbeatError.notFound(.session(session.id)) }
            let next = SessionProtocol.next(session, party: party, now: now).map { (action: $0.0, decision: $0.1) }
            return StatusReport(view: SessionView(session: session, access: .party(party)), at: now, next: next)
        }
    }

    // MARK: The protocol

    /// Joins a session (the given one, or the caller's only session that can be
    /// attended now). The first join time stands; the coach's starts the counter.
    public func attend(_ actor: Actor, id: Int64?) throws -> Attendance {
        try write(actor) { tx, me in
            let now = self.now
            var session: Session
            let party: Party
            if let id {
                (session, party) = try self.party(in: id, for: me, doing: .attend, tx)
            } else {
                let mine = try tx.sessions(visibleTo: me.id, scope: .upcoming, memberID: nil, from: nil, to: nil)
                    .filter { $0.party(of: me.id) != nil }
                let open = mine.filter { SessionProtocol.attend($0, now: now).isAllowed }
                guard open.count == 1, let only = open.first, let side = only.party(of: me.id) else {
                    let unmet: Unmet = open.isEmpty
                        ? .nothingToAttend(candidates: Array(mine.prefix(3).map(\.id)))
                        : .severalToAttend(candidates: open.map(\.id))
                    throw MindbeatError.refused(Refusal(.attend(session: nil), reasons: [unmet]))
                }
                (session, party) = (only, side)
            }
            let decision = SessionProtocol.attend(session, now: now)
            guard decision.isAllowed else { throw MindbeatError.refused(Refusal(.attend(session: session.id), decision)) }
            let early = SessionProtocol.joinsEarly(session, party: party, now: now)
            let already = (party == .coach ? session.coachJoinedAt : session.memberJoinedAt) != nil
            if !already {
                switch party {
                case .coach: session.coachJoinedAt = now
                case .member: session.memberJoinedAt = now
                }
                if session.status == .scheduled { session.status = .inProgress }
                try tx.updateSessionState(session)
                try tx.log(.joined, party.rawValue, session: session.id, at: now, by: EventSource(actor))
            }
            return Attendance(at: now, session: session, party: party, joinedNow: !already, joinedEarly: early)
        }
    }

    /// Posts a chat message; a party only, while the session is in progress.
    public func sendChat(_ actor: Actor, id: Int64, text: ChatText) throws {
        try write(actor) { tx, me in
            let (session, _) = try party(in: id, for: me, doing: .chat, tx)
            let decision = SessionProtocol.chat(session)
            guard decision.isAllowed else { throw MindbeatError.refused(Refusal(.chat(session: id), decision)) }
            let now = self.now
            try tx.insertChatMessage(sessionID: id, authorID: me.id, text: text.text, at: now)
            try tx.log(.chat, session: id, at: now, by: EventSource(actor))
        }
    }

    /// The conversation of a session, for its parties.
    public func chat(_ actor: Actor, id: Int64) throws -> [ChatMessage] {
        try read(actor) { tx, me in
            _ = try party(in: id, for: me, doing: .readChat, tx)
            return try tx.chatMessages(sessionID: id, after: 0)
        }
    }

    /// The messages of a session's chat after the one with id `after`, and
    /// whether the session has closed — read together, so that a follower
    /// that stops at the close has printed every message sent before it.
    public func chat(_ actor: Actor, id: Int64, after: Int64) throws -> (messages: [ChatMessage], closed: Bool) {
        try read(actor) { tx, me in
            let (session, _) = try party(in: id, for: me, doing: .readChat, tx)
            return (try tx.chatMessages(sessionID: id, after: after), session.status.isClosed)
        }
    }

    /// Where `condition` stands for a session of the caller's (`wait --for`),
    /// on this instant of the clock.
    public func wait(_ actor: Actor, id: Int64, for condition: WaitCondition) throws -> WaitState {
        try read(actor) { tx, me in
            let (session, _) = try party(in: id, for: me, doing: .wait, tx)
            return condition.state(of: session, at: self.now)
        }
    }

    /// Records an attempt to reach a member who has not joined: an email
    /// reminder queued in the same transaction, a phone number to call, or a
    /// line in the chat — the note, else `waitingLine(coach)`, the words of
    /// which are the caller's.
    public func contact(
        _ actor: Actor, id: Int64, via method: ContactMethod, note: ChatText?, waitingLine: (Person) -> String
    ) throws -> ContactOutcome {
        try write(actor) { tx, me in
            let now = self.now
            var session = try coachOf(id, for: me, doing: .contact, tx)
            let decision = SessionProtocol.contact(session, via: method)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(.contact(member: session.member.name, via: method), decision))
            }
            var chatLine: String?
            // A note posted into the chat is no longer the coach's own.
            try tx.insertContactAttempt(sessionID: id, via: method, note: method == .chat ? nil : note?.text, at: now)
            try tx.log(.contact, method.rawValue, session: id, at: now, by: EventSource(actor))
            switch method {
            case .email:
                try tx.queue(.reminder, to: session.member.id, session: id, dueAt: now, at: now)
            case .chat:
                let line = note?.text ?? waitingLine(session.coach)
                try tx.insertChatMessage(sessionID: id, authorID: me.id, text: line, at: now)
                try tx.log(.chat, session: id, at: now, by: EventSource(actor))
                chatLine = line
            case .phone:
                break
            }
            session.contactAttempts += 1
            session.lastContactAt = now
            return ContactOutcome(at: now, session: session, via: method,
                                  phone: method == .phone ? session.member.phone : nil, chatLine: chatLine)
        }
    }

    /// Moves the conversation to Zoom (posting `zoomLine(link)`, the caller's
    /// words, into the chat), the phone, or back to the platform.
    public func switchChannel(_ actor: Actor, id: Int64, to channel: Channel, zoomLine: (String) -> String) throws -> ChannelSwitch {
        try write(actor) { tx, me in
            let now = self.now
            var session = try coachOf(id, for: me, doing: .switchChannel, tx)
            let decision = SessionProtocol.switchChannel(session, to: channel)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(.switchChannel(session: id, to: channel), decision))
            }
            let previous = session.channel
            var detail: String?
            if previous != channel {
                session.channel = channel
                try tx.updateSessionState(session)
                try tx.log(.switched, channel.rawValue, session: id, at: now, by: EventSource(actor))
            }
            switch channel {
            case .zoom:
                detail = session.coach.zoom
                if previous != .zoom, let link = session.coach.zoom {
                    try tx.insertChatMessage(sessionID: id, authorID: me.id, text: zoomLine(link), at: now)
                    try tx.log(.chat, session: id, at: now, by: EventSource(actor))
                }
            case .phone:
                detail = session.member.phone
            case .platform:
                break
            }
            return ChannelSwitch(session: session, previous: previous, detail: detail)
        }
    }

    /// Ends a session as held or missed, for its coach, under the protocol.
    /// The session returned carries the instant it ended.
    public func end(_ actor: Actor, id: Int64, as outcome: EndOutcome) throws -> Session {
        try write(actor) { tx, me in
            let now = self.now
            var session = try coachOf(id, for: me, doing: .end, tx)
            let decision = SessionProtocol.end(session, as: outcome, now: now)
            guard decision.isAllowed else { throw MindbeatError.refused(Refusal(.end(session: id, as: outcome), decision)) }
            session.status = outcome.status
            session.endedAt = now
            try tx.updateSessionState(session)
            try tx.log(.ended, outcome.status.rawValue, session: id, at: now, by: EventSource(actor))
            try tx.withdraw(NoticeKind.staleOnClose, session: id, at: now)
            try queueNoticesOnEnd(session, tx, now: now)
            return session
        }
    }
}
