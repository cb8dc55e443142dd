/// The SQL of the session log and of reports.
extension SQLTransaction {
    func appendEvent(_ event: NewEvent) throws {
        try db.run(
            "INSERT INTO events (session_id, at, actor_id, kind, detail, via_key) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(event.sessionID), .integer(event.at.secondsSinceEpoch), SQLValue(event.source.actorID),
             .text(event.kind.rawValue), SQLValue(event.detail), SQLValue(event.source.viaKeyID)])
    }

    /// A session's events in the order they were appended (`events_by_session`).
    func events(sessionID: Int64) throws -> [SessionEvent] {
        try db.rows(
            """
            SELECT e.id, e.at, e.session_id, a.id, a.email, a.name, e.kind, e.detail, k.fingerprint, e.reconstructed
            FROM events e
            LEFT JOIN accounts a ON a.id = e.actor_id
            LEFT JOIN ssh_keys k ON k.id = e.via_key
            WHERE e.session_id = ?
            ORDER BY e.id
            """, [.integer(sessionID)]
        ).map { row in
            guard let id = row.integer(0), let session = row.integer(2),
                  let kind = row.text(6).flatMap(EventKind.init(rawValue:))
            else { throw CorruptRow() }
            var actor: Person?
            if let actorID = row.integer(3) {
                guard let email = row.text(4), let name = row.text(5) else { throw CorruptRow() }
                actor = Person(id: actorID, email: email, name: name)
            }
            return SessionEvent(id: id, at: try row.requiredInstant(1), sessionID: session, actor: actor, kind: kind,
                                detail: row.text(7), via: row.text(8), reconstructed: row.bool(9))
        }
    }

    /// The counts of a report, one row per period and person, in one
    /// aggregate statement (`reportSQL`).
    func reportRows(_ query: ReportQuery) throws -> [ReportRow] {
        let (sql, arguments) = SQLTransaction.reportSQL(query)
        return try db.rows(sql, arguments).map { row in
            guard let index = row.integer(0), query.periods.indices.contains(Int(index)),
                  let coachID = row.integer(1), let coachEmail = row.text(2),
                  let coachName = row.text(3), let scheduled = row.integer(7), let held = row.integer(8),
                  let missed = row.integer(9), let cancelled = row.integer(10), let late = row.integer(11)
            else { throw CorruptRow() }
            var member: Person?
            if !query.perCoach {
                guard let id = row.integer(4), let email = row.text(5), let name = row.text(6) else { throw CorruptRow() }
                member = Person(id: id, email: email, name: name)
            }
            return ReportRow(period: query.periods[Int(index)], coach: Person(id: coachID, email: coachEmail, name: coachName),
                             member: member,
                             counts: ReportCounts(scheduled: scheduled, held: held, missed: missed, cancelled: cancelled,
                                                  lateCancelled: late))
        }
    }

    /// The aggregate statement of a report, and its arguments. Each session
    /// finds its period by a balanced tree of comparisons with the period
    /// boundaries (computed in the local zone by `Periods`, written into the
    /// statement as integers), so a week across a daylight-saving change is
    /// exact and a row costs a handful of comparisons however many periods
    /// there are.
    static func reportSQL(_ query: ReportQuery) -> (String, [SQLValue]) {
        let bounds = (query.periods.prefix(1).map(\.start) + query.periods.map(\.end)).map(\.secondsSinceEpoch)
        var conditions = ["s.starts_at >= ?", "s.starts_at < ?"]
        var arguments: [SQLValue] = [.integer(query.from.secondsSinceEpoch), .integer(query.to.secondsSinceEpoch)]
        var join = ""
        if let coach = query.coachID {
            conditions.append("s.coach_id = ?")
            arguments.append(.integer(coach))
        }
        if let member = query.memberID {
            conditions.append("s.member_id = ?")
            arguments.append(.integer(member))
        }
        if let manager = query.managerID {
            join = " JOIN accounts r ON r.id = s.member_id"
            conditions.append("r.manager_id = ?")
            arguments.append(.integer(manager))
        }
        let period = periodExpression(bounds, 0, max(bounds.count - 1, 0))
        let people = query.perCoach ? "NULL, NULL, NULL" : "m.id, m.email, m.name"
        let memberJoin = query.perCoach ? "" : " JOIN accounts m ON m.id = t.member_id"
        let grouping = query.perCoach ? "p, s.coach_id" : "p, s.coach_id, s.member_id"
        let sql = """
            SELECT t.p, c.id, c.email, c.name, \(people), t.scheduled, t.held, t.missed, t.cancelled, t.late
            FROM (SELECT \(period) AS p, s.coach_id AS coach_id, \(query.perCoach ? "NULL" : "s.member_id") AS member_id,
                         count(*) AS scheduled, count(*) FILTER (WHERE s.status = 'held') AS held,
                         count(*) FILTER (WHERE s.status = 'missed') AS missed,
                         count(*) FILTER (WHERE s.status = 'cancelled') AS cancelled,
                         count(*) FILTER (WHERE s.status = 'late_cancelled') AS late
                  FROM sessions s\(join)
                  WHERE \(conditions.joined(separator: " AND "))
                  GROUP BY \(grouping)) t
            JOIN accounts c ON c.id = t.coach_id\(memberJoin)
            ORDER BY t.p, c.email\(query.perCoach ? "" : ", m.email")
            """
        return (sql, arguments)
    }

    /// The index of the period `s.starts_at` falls in, among the periods
    /// [bounds[low], bounds[high]): a binary search written out as CASEs.
    private static func periodExpression(_ bounds: [Int64], _ low: Int, _ high: Int) -> String {
        if high - low <= 1 { return String(low) }
        let middle = (low + high) / 2
        return "CASE WHEN s.starts_at < \(bounds[middle]) THEN \(periodExpression(bounds, low, middle)) "
            + "ELSE \(periodExpression(bounds, middle, high)) END"
    }
}
