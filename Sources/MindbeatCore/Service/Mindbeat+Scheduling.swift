/// What `sessions cancel` or `sessions reschedule` did.
public struct SessionChangeOutcome: Sendable {
    /// The session as it is now.
    public let session: Session
    /// Who the caller is to it: a party, or nil for an admin who is not one.
    public let party: Party?
    /// The change as recorded: whether it was the member's, and late.
    public let change: SessionChange
    /// The member's engagement after the change; nil for a caller who may
    /// not see the bank (an admin who is not a party sees it too).
    public let engagement: Engagement?
    /// This change flagged the member (their third in the engagement).
    public let flagged: Bool
}

/// What `users bank` did.
public struct BankOutcome: Sendable {
    public let member: Account
    public let engagement: Engagement
}

/// `calendar`: the caller's sessions as events, and when it was made.
public struct CalendarFeed: Sendable {
    public let events: [CalendarEvent]
    public let stamp: Instant

    /// The iCalendar text (RFC 5545) of the feed.
    public var document: String { ICalendar.document(method: .publish, events: events, stamp: stamp) }

    /// The same text, handed to `emit` in pieces.
    public func write(_ emit: ([UInt8]) -> Void) {
        ICalendar.write(method: .publish, events: events, stamp: stamp, emit: emit)
    }
}

extension Mindbeat {
    // MARK: Scheduling

    /// Schedules a session: a coach for one of their members, a member with
    /// their coach, or an admin naming both. Returns its id.
    public func schedule(
        _ actor: Actor, startsAt: Instant, memberEmail: String?, coachEmail: String?,
        durationMinutes: Int64 = Policy.defaultDurationMinutes
    ) throws -> Int64 {
        let ids = try schedule(actor, startsAt: startsAt, memberEmail: memberEmail, coachEmail: coachEmail,
                               durationMinutes: durationMinutes, every: nil, count: 1)
        guard let id = ids.first else { throw MindbeatError.internal("scheduling wrote no session") }
        return id
    }

    /// Schedules a session, or with `every` a series of `count` sessions at
    /// the same local time, as `schedule` does. All or nothing: one refused
    /// session refuses the series. Returns the new ids in order.
    public func schedule(
        _ actor: Actor, startsAt: Instant, memberEmail: String?, coachEmail: String?,
        durationMinutes: Int64, every: Recurrence?, count: Int64
    ) throws -> [Int64] {
        let starts: [Instant]
        if let every {
            do { starts = try Scheduling.occurrences(first: startsAt, every: every, count: count, zone: zone) } catch {
                throw MindbeatError.incomplete(.invalidSeries(error))
            }
        } else {
            starts = [startsAt]
        }
        // Every time mindbeat shows is one it reads back: an end past year
        // 9999 would be neither.
        for start in starts where start.adding(seconds: durationMinutes &* 60) == nil {
            throw MindbeatError.incomplete(.endsOutOfRange)
        }
        return try write(actor) { tx, me in
            let now = self.now
            let (coach, member) = try pair(for: me, memberEmail: memberEmail, coachEmail: coachEmail, tx)
            var reasons: [Unmet] = []
            if member.role != .member { reasons.append(.notAMember(email: member.email)) }
            if coach.role != .coach { reasons.append(.notACoach(email: coach.email)) }
            if member.role == .member && coach.role == .coach && member.coachID != coach.id {
                reasons.append(.notTheirCoach(coach: coach.name, member: member.name))
            }
            if reasons.isEmpty {
                for start in starts {
                    reasons += try slotProblems(start: start, durationMinutes: durationMinutes, coach: (coach.id, coach.name),
                                                member: (member.id, member.name),
                                                except: nil, for: me, now: now, tx)
                }
                let engagement = try tx.engagement(memberID: member.id)
                if !engagement.allows(booking: Int64(starts.count)) {
                    reasons.append(.bankUsedUp(member: member.firstName, remaining: engagement.remaining ?? 0,
                                               needed: Int64(starts.count)))
                }
            }
            guard reasons.isEmpty else {
                throw MindbeatError.refused(Refusal(starts.count > 1 ? .scheduleSeries(count: starts.count) : .schedule,
                                                    reasons: reasons))
            }
            var ids: [Int64] = []
            for start in starts {
                var new = NewSession(coachID: coach.id, memberID: member.id, startsAt: start, durationMinutes: durationMinutes)
                new.seriesID = starts.count > 1 ? ids.first : nil
                new.startsSeries = starts.count > 1 && ids.isEmpty
                let id = try tx.insertSession(new, at: now)
                try tx.log(.scheduled, session: id, at: now, by: EventSource(actor))
                ids.append(id)
                var session = Session(id: id, coach: coach.person, member: member.person, startsAt: start,
                                      durationMinutes: durationMinutes)
                session.seriesID = starts.count > 1 ? ids.first : nil
                try queueUpcoming(session, tx, now: now)
                try queueInvitations(session, kind: .scheduled, actor: me, tx, now: now)
            }
            return ids
        }
    }

    /// Who a new session is between, as `sessions add` names them.
    private func pair(for me: Account, memberEmail: String?, coachEmail: String?, _ tx: any StoreReader) throws -> (Account, Account) {
        let forThemselves = memberEmail.map { Values.sameEmail($0, me.email) } ?? true
        if me.role == .member && forThemselves {
            // A member schedules with their own coach.
            guard let coachID = me.coachID, let own = try tx.account(id: coachID) else {
                throw MindbeatError.internal("member \(me.email) has no coach")
            }
            // Naming another coach is refused, not ignored.
            if let coachEmail, !Values.sameEmail(coachEmail, own.email), !me.isAdmin {
                throw MindbeatError.forbidden(.memberWithOwnCoach)
            }
            return (own, me)
        }
        if me.role == .member && !me.isAdmin { throw MindbeatError.forbidden(.memberForThemselves(.schedule)) }
        if me.role == .manager && !me.isAdmin { throw MindbeatError.forbidden(.lineManager(.schedule)) }
        guard let memberEmail else { throw MindbeatError.incomplete(.memberNotNamed) }
        let coach: Account
        if let coachEmail {
            // Whether a coach may name another coach is decided before the
            // address is looked up: the answer must not tell them whether it
            // exists.
            if !me.isAdmin && !Values.sameEmail(coachEmail, me.email) {
                throw MindbeatError.forbidden(.coachForThemselves(.schedule))
            }
            guard let named = try tx.account(email: coachEmail) else { throw MindbeatError.notFound(.coach(coachEmail)) }
            coach = named
        } else if me.role == .coach {
            coach = me
        } else {
            throw MindbeatError.incomplete(.coachNotNamed)
        }
        // An admin may pair anyone (and is refused when the pair is wrong); a
        // coach sees their own members only, and another coach's member does
        // not exist for them.
        if me.isAdmin {
            guard let found = try tx.account(email: memberEmail) else { throw MindbeatError.notFound(.memberAccount(memberEmail)) }
            return (coach, found)
        }
        return (coach, try memberOf(memberEmail, for: me, tx))
    }

    /// Why a session cannot be at `start`: in the past, or overlapping another
    /// open session of the coach or the member (`except` itself, when moved).
    private func slotProblems(
        start: Instant, durationMinutes: Int64, coach: (id: Int64, name: String), member: (id: Int64, name: String),
        except: Int64?, for me: Account,
        now: Instant, _ tx: any StoreReader
    ) throws -> [Unmet] {
        if start < now { return [.startsInPast(start)] }
        var reasons: [Unmet] = []
        let end = start.plus(minutes: durationMinutes)
        guard try tx.hasOverlap(coachID: coach.id, memberID: member.id, start: start, end: end, except: except) else { return [] }
        for other in try tx.overlappingSessions(coachID: coach.id, memberID: member.id, start: start, end: end)
        where other.id != except {
            let whose = other.coach.id == coach.id ? coach.name : member.name
            // The id only of a session the caller may see: a member learns
            // that their coach is busy then, not which session.
            let visible = other.party(of: me.id) != nil || other.isManagedBy(me.id)
            reasons.append(.overlaps(sessionID: visible ? other.id : nil, startsAt: other.startsAt, whose: whose))
        }
        return reasons
    }

    // MARK: Cancel and reschedule

    /// Cancels a scheduled session: `cancelled` when now is at least 24 hours
    /// before its start, else `late_cancelled`. A coach or admin gives a reason.
    public func cancel(_ actor: Actor, id: Int64, reason: ChatText?) throws -> SessionChangeOutcome {
        try write(actor) { tx, me in
            let now = self.now
            // Required of a coach or admin whatever the session: decided by the
            // login, before anything is looked up.
            if reason == nil && (me.role == .coach || me.isAdmin) { throw MindbeatError.incomplete(.reasonRequired) }
            let (before, party) = try changeable(id, for: me, doing: .cancel, tx)
            let decision = Scheduling.change(before)
            guard decision.isAllowed else { throw MindbeatError.refused(Refusal(.cancel(session: id), decision)) }
            let change = SessionChange(session: before, by: me.id, kind: .cancel, now: now)
            let status = Scheduling.cancelledStatus(startsAt: before.startsAt, now: now)
            try tx.cancelSession(id: id, status: status, by: me.id, reason: reason?.text, at: now)
            try tx.log(.cancelled, status.rawValue, session: id, at: now, by: EventSource(actor))
            return try recordChange(change, id: id, party: party, kind: .cancelled, actor: me, tx, now: now)
        }
    }

    /// Moves a scheduled session to a new start (and length): the checks of
    /// `sessions add`, the session itself excepted. It keeps its id.
    public func reschedule(_ actor: Actor, id: Int64, to startsAt: Instant, durationMinutes: Int64?) throws -> SessionChangeOutcome {
        try write(actor) { tx, me in
            let now = self.now
            let (before, party) = try changeable(id, for: me, doing: .reschedule, tx)
            let duration = durationMinutes ?? before.durationMinutes
            guard startsAt.adding(seconds: duration &* 60) != nil else { throw MindbeatError.incomplete(.endsOutOfRange) }
            var reasons = Scheduling.change(before).reasons
            if reasons.isEmpty {
                reasons = try slotProblems(start: startsAt, durationMinutes: duration, coach: (before.coach.id, before.coach.name),
                                           member: (before.member.id, before.member.name),
                                           except: id, for: me, now: now, tx)
            }
            guard reasons.isEmpty else { throw MindbeatError.refused(Refusal(.reschedule(session: id), reasons: reasons)) }
            let change = SessionChange(session: before, by: me.id, kind: .reschedule, now: now)
            try tx.moveSession(id: id, startsAt: startsAt, durationMinutes: duration)
            try tx.log(.rescheduled, startsAt.rfc3339, session: id, at: now, by: EventSource(actor))
            return try recordChange(change, id: id, party: party, kind: .rescheduled, actor: me, tx, now: now)
        }
    }

    /// A session the caller may cancel or move: a party's, or any for an
    /// admin — but a line manager (admin or not) is refused, and to anyone
    /// else it does not exist.
    private func changeable(_ id: Int64, for me: Account, doing what: Activity, _ tx: any StoreReader) throws -> (Session, Party?) {
        guard let session = try tx.session(id: id) else { throw MindbeatError.notFound(.session(id)) }
        if let party = session.party(of: me.id) { return (session, party) }
        if session.isManagedBy(me.id) { throw MindbeatError.forbidden(.lineManager(what)) }
        if me.isAdmin { return (session, nil) }
        throw MindbeatError.notFound(.session(id))
    }

    /// After a cancel or a move: records it, withdraws what it makes stale,
    /// queues the new notices, and flags the member on their third change.
    private func recordChange(
        _ change: SessionChange, id: Int64, party: Party?, kind: NoticeKind, actor me: Account, _ tx: any StoreWriter,
        now: Instant
    ) throws -> SessionChangeOutcome {
        try tx.recordChange(change, at: now)
        guard let session = try tx.session(id: id) else { throw MindbeatError.internal("session \(id) vanished") }
        try tx.withdraw([.upcoming, .reminder], session: id, at: now)
        if kind == .rescheduled { try queueUpcoming(session, tx, now: now) }
        try queueInvitations(session, kind: kind, actor: me, tx, now: now)
        let engagement = try tx.engagement(memberID: session.member.id)
        let flagged = change.byMember && Scheduling.flags(changes: engagement.changes)
        if flagged {
            var recipients = [session.coach.id]
            for admin in try tx.accounts(role: nil) where admin.isAdmin && admin.id != session.member.managerID {
                if !recipients.contains(admin.id) && admin.id != session.member.id { recipients.append(admin.id) }
            }
            for recipient in recipients {
                try tx.queue(.flagged, to: recipient, session: id, dueAt: now, at: now)
            }
        }
        return SessionChangeOutcome(session: session, party: party, change: change, engagement: engagement, flagged: flagged)
    }

    // MARK: Notices of the life cycle

    /// The `upcoming` notices of a session, to both parties: 24 hours and 1
    /// hour before, those still ahead.
    private func queueUpcoming(_ session: Session, _ tx: any StoreWriter, now: Instant) throws {
        for due in Scheduling.upcomingNotices(startsAt: session.startsAt, now: now) {
            for recipient in [session.coach.id, session.member.id] {
                try tx.queue(.upcoming, to: recipient, session: session.id, dueAt: due, at: now)
            }
        }
    }

    /// A `scheduled`, `rescheduled` or `cancelled` notice with its calendar
    /// invitation, to the party who did not act (both, when an admin who is
    /// not a party acted). Earlier invitations of the session still waiting
    /// are withdrawn, so an old REQUEST never brings back a cancelled event.
    private func queueInvitations(_ session: Session, kind: NoticeKind, actor me: Account, _ tx: any StoreWriter, now: Instant) throws {
        // A new session has none to withdraw.
        if kind != .scheduled { try tx.withdraw(NoticeKind.invitations, session: session.id, at: now) }
        let method: CalendarMethod = kind == .cancelled ? .cancel : .request
        let invitation = ICalendar.document(
            method: method, events: [CalendarEvent(session: session, installID: store.installID, description: eventDescription(session))], stamp: now)
        for recipient in [session.coach, session.member] where recipient.id != me.id {
            try tx.queue(kind, to: recipient.id, session: session.id, invitation: invitation, at: now)
        }
    }

    // MARK: The bank

    /// Starts a new engagement for a member with a bank of `sessions` (admin).
    public func setBank(_ actor: Actor, memberEmail: String, sessions: Int64) throws -> BankOutcome {
        try write(actor) { tx, me in
            guard me.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.setBank)) }
            guard let member = try tx.account(email: memberEmail) else { throw MindbeatError.notFound(.account(memberEmail)) }
            guard member.role == .member else {
                throw MindbeatError.refused(Refusal(.setBank(email: member.email), reasons: [.notAMember(email: member.email)]))
            }
            // The line-manager rule wins over the admin right: the bank is not
            // for the member's line manager to see or set.
            if member.managerID == me.id { throw MindbeatError.forbidden(.lineManager(.setBank)) }
            _ = try tx.startEngagement(memberID: member.id, sessions: sessions, by: me.id, at: now)
            return BankOutcome(member: member, engagement: try tx.engagement(memberID: member.id))
        }
    }

    // MARK: Calendar

    /// The caller's sessions as calendar events: a coach's and a member's
    /// own, a line manager's reports' (attendance only, no description); by
    /// default from `Policy.calendarPastDays` ago on.
    public func calendar(_ actor: Actor, from: Instant?, to: Instant?) throws -> CalendarFeed {
        try read(actor) { tx, me in
            let now = self.now
            let start = from ?? Instant(secondsSinceEpoch: now.secondsSinceEpoch - Policy.calendarPastDays * 86_400)
            let events = try tx.sessions(visibleTo: me.id, scope: .all, memberID: nil, from: start, to: to).compactMap { session in
                if session.party(of: me.id) != nil {
                    return CalendarEvent(session: session, installID: store.installID, description: eventDescription(session))
                }
                if session.isManagedBy(me.id) {
                    return CalendarEvent(session: session, installID: store.installID, description: nil)
                }
                return nil
            }
            return CalendarFeed(events: events, stamp: now)
        }
    }
}
