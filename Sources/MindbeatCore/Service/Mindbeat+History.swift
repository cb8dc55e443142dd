/// `sessions log`: a session and the events of its log the caller may see.
public struct SessionLog: Sendable {
    /// The session, as the caller may see it: a party in full, an admin who
    /// is not a party its attendance fields.
    public let view: SessionView
    /// Oldest first.
    public let events: [SessionEvent]
}

extension Mindbeat {
    /// A session's log (SPEC §14): to a party, every event but the other
    /// party's feedback and, until the session has ended, their shared notes;
    /// to an admin, every event (none carries text). A line manager is
    /// refused for their role, admin right or not; to anyone else the
    /// session does not exist.
    public func sessionLog(_ actor: Actor, id: Int64) throws -> SessionLog {
        try read(actor) { tx, me in
            guard let session = try tx.session(id: id) else { throw MindbeatError.notFound(.session(id)) }
            let access: SessionAccess
            if let party = session.party(of: me.id) {
                access = .party(party)
            } else if session.isManagedBy(me.id) {
                throw MindbeatError.forbidden(.lineManager(.readLog))
            } else if me.isAdmin {
                access = .lineManager
            } else {
                throw MindbeatError.notFound(.session(id))
            }
            let events = try tx.events(sessionID: id).filter {
                EventVisibility.isVisible($0, of: session, to: me.id, isAdmin: me.isAdmin)
            }
            return SessionLog(view: SessionView(session: session, access: access), events: events)
        }
    }

    /// An attendance report (SPEC §14): the sessions starting in [from, to)
    /// (by default from the 1st of the month `Policy.reportPastMonths` ago to
    /// now), counted by period and person in the caller's scope:
    /// - a coach: their own sessions, per member;
    /// - a line manager: their reports', per member;
    /// - a member: their own;
    /// - an admin: everyone's, per coach; with `coachEmail`, that coach's,
    ///   per member.
    /// `coachEmail` and `memberEmail` narrow the scope; naming someone
    /// outside it is "not found", as if they did not exist.
    public func report(
        _ actor: Actor, from: Instant?, to: Instant?, by interval: ReportInterval, coachEmail: String?, memberEmail: String?
    ) throws -> Report {
        let now = self.now
        let start = from ?? Periods.defaultFrom(now: now, zone: zone)
        let end = to ?? now
        guard start < end else { throw MindbeatError.incomplete(.emptyReport(from: start, to: end, toGiven: to != nil)) }
        guard let periods = Periods.covering(from: start, to: end, by: interval, zone: zone), !periods.isEmpty else {
            throw MindbeatError.incomplete(.tooManyPeriods(Periods.count(from: start, to: end, by: interval, zone: zone),
                                                            interval))
        }
        return try read(actor) { tx, me in
            var query = ReportQuery(periods: periods, perCoach: false, from: start, to: end)
            if let coachEmail { query.coachID = try reportCoach(coachEmail, for: me, tx).id }
            if let memberEmail {
                if me.isAdmin {
                    guard let member = try tx.account(email: memberEmail), member.role == .member else {
                        throw MindbeatError.notFound(.memberAccount(memberEmail))
                    }
                    query.memberID = member.id
                } else {
                    query.memberID = try memberOf(memberEmail, for: me, tx).id
                }
            }
            if me.isAdmin {
                query.perCoach = coachEmail == nil && memberEmail == nil
            } else {
                switch me.role {
                case .coach: query.coachID = me.id
                case .manager: query.managerID = me.id
                case .member: query.memberID = me.id
                }
            }
            return Report(interval: interval, from: start, to: end, periods: periods, rows: try tx.reportRows(query),
                          perCoach: query.perCoach)
        }
    }

    /// The coach `report --coach` names, if the caller may report on them: an
    /// admin any coach; a coach themselves; a line manager the coach of one
    /// of their reports; a member their own coach.
    private func reportCoach(_ email: String, for me: Account, _ tx: any StoreReader) throws -> Account {
        guard let coach = try tx.account(email: email), coach.role == .coach else { throw MindbeatError.notFound(.coach(email)) }
        if me.isAdmin || coach.id == me.id || coach.id == me.coachID { return coach }
        if me.role == .manager, try tx.accounts(managedBy: me.id).contains(where: { $0.coachID == coach.id }) { return coach }
        throw MindbeatError.notFound(.coach(email))
    }
}
