/// The SQL of sessions, their chat and contact attempts.
extension SQLTransaction {
    /// `('scheduled', 'in_progress')`: the one open-session predicate of
    /// `SessionStatus`, as SQL. The partial indexes of migration 4 use the
    /// same list; a test holds them together.
    static let openStatuses = sqlList(SessionStatus.allCases.filter(\.isOpen))
    static let closedStatuses = sqlList(SessionStatus.allCases.filter { !$0.isOpen })

    static func sqlList(_ statuses: [SessionStatus]) -> String {
        "(" + statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }

    static let sessionSelect = """
        SELECT s.id, s.starts_at, s.duration_minutes, s.status, s.channel,
               s.coach_joined_at, s.member_joined_at, s.ended_at,
               c.id, c.email, c.name, c.phone, c.zoom, c.manager_id,
               m.id, m.email, m.name, m.phone, m.zoom, m.manager_id,
               (SELECT count(*) FROM contact_attempts a WHERE a.session_id = s.id),
               (SELECT max(at) FROM contact_attempts a WHERE a.session_id = s.id),
               s.sequence, s.cancelled_at, x.id, x.email, x.name, s.cancel_reason, s.series_id
        FROM sessions s
        JOIN accounts c ON c.id = s.coach_id
        JOIN accounts m ON m.id = s.member_id
        LEFT JOIN accounts x ON x.id = s.cancelled_by
        """

    static func session(from row: Row) throws -> Session {
        func person(_ base: Int) throws -> Person {
            guard let id = row.integer(base), let email = row.text(base + 1), let name = row.text(base + 2) else { throw CorruptRow() }
            return Person(id: id, email: email, name: name, phone: row.text(base + 3), zoom: row.text(base + 4),
                          managerID: row.integer(base + 5))
        }
        // A session's length is checked by the table too; its start is not, so
        // both are checked here: its end is computed from them.
        guard let id = row.integer(0), let duration = row.integer(2), (1...Policy.longestDurationMinutes).contains(duration),
              let status = row.text(3).flatMap(SessionStatus.init(rawValue:)),
              let channel = row.text(4).flatMap(Channel.init(rawValue:))
        else { throw CorruptRow() }
        var session = Session(
            id: id, coach: try person(8), member: try person(14), startsAt: try row.requiredInstant(1), durationMinutes: duration,
            status: status, channel: channel, coachJoinedAt: try row.instant(5), memberJoinedAt: try row.instant(6),
            endedAt: try row.instant(7), contactAttempts: Int(row.integer(20) ?? 0), lastContactAt: try row.instant(21))
        session.sequence = row.integer(22) ?? 0
        if let at = try row.instant(23) {
            guard let byID = row.integer(24), let email = row.text(25), let name = row.text(26) else { throw CorruptRow() }
            session.cancellation = Cancellation(at: at, by: Person(id: byID, email: email, name: name), reason: row.text(27))
        }
        session.seriesID = row.integer(28)
        return session
    }

    func session(id: Int64) throws -> Session? {
        try db.row(SQLTransaction.sessionSelect + " WHERE s.id = ?", [.integer(id)]).map(SQLTransaction.session(from:))
    }

    /// The sessions `accountID` takes part in or, as line manager, oversees,
    /// in the scope and window asked for: upcoming oldest first, past newest
    /// first, all oldest first.
    func sessions(
        visibleTo accountID: Int64, scope: SessionScope, memberID: Int64? = nil,
        from: Instant? = nil, to: Instant? = nil
    ) throws -> [Session] {
        var conditions: [String] = []
        var arguments: [SQLValue] = [.integer(accountID), .integer(accountID), .integer(accountID)]
        // The status test is repeated inside each lookup so that upcoming
        // sessions come from the partial indexes of open sessions.
        let status: String
        switch scope {
        case .upcoming: status = " AND status IN \(SQLTransaction.openStatuses)"
        case .past: status = " AND status IN \(SQLTransaction.closedStatuses)"
        case .all: status = ""
        }
        if let memberID {
            conditions.append("s.member_id = ?")
            arguments.append(.integer(memberID))
        }
        if let from {
            conditions.append("s.starts_at >= ?")
            arguments.append(.integer(from.secondsSinceEpoch))
        }
        if let to {
            conditions.append("s.starts_at < ?")
            arguments.append(.integer(to.secondsSinceEpoch))
        }
        let filter = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
        let order = scope == .past ? "s.starts_at DESC, s.id DESC" : "s.starts_at, s.id"
        // Three index lookups instead of one OR over the whole table: the
        // caller's sessions as coach, as member, and those of their reports —
        // reports first (CROSS JOIN fixes the order): with an index on
        // (member_id, status), SQLite's planner scanned every open session
        // of the database instead, 3.6× the work at 1,000,000 sessions.
        let sql = SQLTransaction.sessionSelect + """
             WHERE s.id IN (
                SELECT id FROM sessions WHERE coach_id = ?\(status)
                UNION ALL SELECT id FROM sessions WHERE member_id = ?\(status)
                UNION ALL SELECT sessions.id FROM accounts r CROSS JOIN sessions ON sessions.member_id = r.id
                    WHERE r.manager_id = ?\(status))
            \(filter) ORDER BY \(order)
            """
        return try db.rows(sql, arguments).map(SQLTransaction.session(from:))
    }

    /// A coach's or member's not-ended sessions that overlap [start, end).
    func overlappingSessions(coachID: Int64, memberID: Int64, start: Instant, end: Instant) throws -> [Session] {
        // Sessions last at most a day, so only those starting in the day before
        // `end` can reach into the window: the index bounds the search.
        let earliest = start.secondsSinceEpoch - 1440 * 60
        let sql = SQLTransaction.sessionSelect + """
             WHERE s.id IN (
                SELECT id FROM sessions WHERE coach_id = ?1 AND starts_at > ?3 AND starts_at < ?4
                UNION SELECT id FROM sessions WHERE member_id = ?2 AND starts_at > ?3 AND starts_at < ?4)
              AND s.status IN \(SQLTransaction.openStatuses)
              AND s.starts_at + s.duration_minutes * 60 > ?5
            ORDER BY s.starts_at
            """
        return try db.rows(sql, [
            .integer(coachID), .integer(memberID), .integer(earliest), .integer(end.secondsSinceEpoch),
            .integer(start.secondsSinceEpoch),
        ]).map(SQLTransaction.session(from:))
    }

    /// Whether any open session of the coach or the member but `except`
    /// overlaps [start, end): two index probes and no rows built, for the
    /// common case of a free slot (a series asks 52 times).
    func hasOverlap(coachID: Int64, memberID: Int64, start: Instant, end: Instant, except: Int64?) throws -> Bool {
        let earliest = start.secondsSinceEpoch - 1440 * 60
        let open = SQLTransaction.openStatuses
        return try db.integer(
            """
            SELECT EXISTS (SELECT 1 FROM sessions WHERE coach_id = ?1 AND status IN \(open) AND starts_at > ?3
                           AND starts_at < ?4 AND starts_at + duration_minutes * 60 > ?5 AND id <> ?6)
                OR EXISTS (SELECT 1 FROM sessions WHERE member_id = ?2 AND status IN \(open) AND starts_at > ?3
                           AND starts_at < ?4 AND starts_at + duration_minutes * 60 > ?5 AND id <> ?6)
            """, [.integer(coachID), .integer(memberID), .integer(earliest), .integer(end.secondsSinceEpoch),
                  .integer(start.secondsSinceEpoch), .integer(except ?? 0)]) == 1
    }

    func insertSession(_ new: NewSession, at now: Instant) throws -> Int64 {
        let id = try db.insert(
            """
            INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, created_at, series_id)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.integer(new.coachID), .integer(new.memberID), .integer(new.startsAt.secondsSinceEpoch),
             .integer(new.durationMinutes), .integer(now.secondsSinceEpoch), SQLValue(new.seriesID)])
        if new.startsSeries {
            try db.run("UPDATE sessions SET series_id = id WHERE id = ?", [.integer(id)])
        }
        return id
    }

    /// Moves a scheduled session, one step further in its sequence.
    func moveSession(id: Int64, startsAt: Instant, durationMinutes: Int64) throws {
        try db.run(
            "UPDATE sessions SET starts_at = ?, duration_minutes = ?, sequence = sequence + 1 WHERE id = ?",
            [.integer(startsAt.secondsSinceEpoch), .integer(durationMinutes), .integer(id)])
    }

    /// Cancels a scheduled session, one step further in its sequence.
    func cancelSession(id: Int64, status: SessionStatus, by accountID: Int64, reason: String?, at now: Instant) throws {
        try db.run(
            """
            UPDATE sessions SET status = ?, cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, sequence = sequence + 1
            WHERE id = ?
            """,
            [.text(status.rawValue), .integer(now.secondsSinceEpoch), .integer(accountID), SQLValue(reason), .integer(id)])
    }

    func recordChange(_ change: SessionChange, at now: Instant) throws {
        try db.run(
            """
            INSERT INTO session_changes (session_id, member_id, by_id, kind, by_member, late, previous_starts_at, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(change.sessionID), .integer(change.memberID), .integer(change.byID), .text(change.kind.rawValue),
             .integer(change.byMember ? 1 : 0), .integer(change.late ? 1 : 0),
             .integer(change.previousStartsAt.secondsSinceEpoch), .integer(now.secondsSinceEpoch)])
    }

    // MARK: Engagements

    func startEngagement(memberID: Int64, sessions: Int64, by accountID: Int64, at now: Instant) throws -> Int64 {
        return try db.insert(
            """
            INSERT INTO engagements (member_id, sessions, started_at, started_by, changes_before, ended_before)
            VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(id), 0) FROM session_changes),
                    (SELECT count(*) FROM sessions WHERE member_id = ?1 AND status IN ('held', 'missed')))
            """,
            [.integer(memberID), .integer(sessions), .integer(now.secondsSinceEpoch), .integer(accountID)])
    }

    /// A member's attendance and current engagement, in one statement that
    /// reads their sessions once (from an index: `sessions_by_member_status`).
    /// The changes recorded after the engagement began (by row id) and the
    /// held and missed sessions beyond those there were when it began are
    /// its own, so that what happens in the same second as `users bank` is
    /// placed rightly.
    static let standingSQL = """
        WITH e AS (SELECT id, sessions, started_at, changes_before, ended_before FROM engagements
                   WHERE member_id = ?1 ORDER BY id DESC LIMIT 1),
             s AS (SELECT count(*) FILTER (WHERE status = 'held') AS held,
                          count(*) FILTER (WHERE status = 'missed') AS missed,
                          count(*) FILTER (WHERE status IN \(openStatuses)) AS open
                   FROM sessions WHERE member_id = ?1)
        SELECT (SELECT id FROM e), (SELECT sessions FROM e),
               coalesce((SELECT started_at FROM e), (SELECT created_at FROM accounts WHERE id = ?1)),
               s.held, s.missed, s.open, coalesce((SELECT ended_before FROM e), 0),
               (SELECT count(*) FROM session_changes WHERE member_id = ?1 AND by_member = 1
                  AND id > coalesce((SELECT changes_before FROM e), 0)),
               (SELECT count(*) FROM session_changes WHERE member_id = ?1 AND by_member = 1 AND late = 1
                  AND id > coalesce((SELECT changes_before FROM e), 0))
        FROM s
        """

    func standing(memberID: Int64) throws -> MemberStanding {
        guard let row = try db.row(SQLTransaction.standingSQL, [.integer(memberID)]) else { throw CorruptRow() }
        let held = row.integer(3) ?? 0
        let missed = row.integer(4) ?? 0
        let engagement = Engagement(
            id: row.integer(0), startedAt: try row.requiredInstant(2), sessions: row.integer(1),
            used: held + missed - (row.integer(6) ?? 0) + (row.integer(8) ?? 0), scheduled: row.integer(5) ?? 0,
            changes: row.integer(7) ?? 0)
        return MemberStanding(held: held, missed: missed, engagement: engagement)
    }

    /// Writes the protocol state of a session back.
    func updateSessionState(_ session: Session) throws {
        try db.run(
            """
            UPDATE sessions SET status = ?, channel = ?, coach_joined_at = ?, member_joined_at = ?, ended_at = ?
            WHERE id = ?
            """,
            [.text(session.status.rawValue), .text(session.channel.rawValue),
             SQLValue(session.coachJoinedAt?.secondsSinceEpoch), SQLValue(session.memberJoinedAt?.secondsSinceEpoch),
             SQLValue(session.endedAt?.secondsSinceEpoch), .integer(session.id)])
    }

    /// A member's next session that has not ended.
    func nextSession(memberID: Int64) throws -> Session? {
        try db.row(
            SQLTransaction.sessionSelect + """
                 WHERE s.member_id = ? AND s.status IN \(SQLTransaction.openStatuses)
                ORDER BY s.starts_at, s.id LIMIT 1
                """, [.integer(memberID)]
        ).map(SQLTransaction.session(from:))
    }

    // MARK: Chat and contact attempts

    func insertChatMessage(sessionID: Int64, authorID: Int64, text: String, at now: Instant) throws {
        try db.run(
            "INSERT INTO chat_messages (session_id, author_id, text, at) VALUES (?, ?, ?, ?)",
            [.integer(sessionID), .integer(authorID), .text(text), .integer(now.secondsSinceEpoch)])
    }

    func chatMessages(sessionID: Int64, after: Int64) throws -> [ChatMessage] {
        try db.rows(
            """
            SELECT c.at, a.email, a.name, c.text, c.id FROM chat_messages c JOIN accounts a ON a.id = c.author_id
            WHERE c.session_id = ? AND c.id > ? ORDER BY c.id
            """, [.integer(sessionID), .integer(after)]
        ).map { row in
            guard let email = row.text(1), let name = row.text(2), let text = row.text(3), let id = row.integer(4) else { throw CorruptRow() }
            return ChatMessage(at: try row.requiredInstant(0), authorEmail: email, authorName: name, text: text, id: id)
        }
    }

    func insertContactAttempt(sessionID: Int64, via: ContactMethod, note: String?, at now: Instant) throws {
        try db.run(
            "INSERT INTO contact_attempts (session_id, via, note, at) VALUES (?, ?, ?, ?)",
            [.integer(sessionID), .text(via.rawValue), SQLValue(note), .integer(now.secondsSinceEpoch)])
    }

    func contactAttempts(sessionID: Int64) throws -> [ContactAttempt] {
        try db.rows(
            "SELECT at, via, note FROM contact_attempts WHERE session_id = ? ORDER BY at, id", [.integer(sessionID)]
        ).map { row in
            guard let via = row.text(1).flatMap(ContactMethod.init(rawValue:)) else { throw CorruptRow() }
            return ContactAttempt(at: try row.requiredInstant(0), via: via, note: row.text(2))
        }
    }
}
