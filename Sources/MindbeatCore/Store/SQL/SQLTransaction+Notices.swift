/// The SQL of the outbox: notices queued, claimed and delivered.
extension SQLTransaction {
    func queueNotice(recipientID: Int64, sessionID: Int64?, kind: NoticeKind, dueAt: Instant, at now: Instant) throws {
        try db.run(
            "INSERT INTO notices (recipient_id, session_id, kind, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
            [.integer(recipientID), SQLValue(sessionID), .text(kind.rawValue), .integer(dueAt.secondsSinceEpoch),
             .integer(now.secondsSinceEpoch)])
    }

    func queueInvitation(recipientID: Int64, sessionID: Int64, kind: NoticeKind, invitation: String, at now: Instant) throws {
        try db.run(
            "INSERT INTO notices (recipient_id, session_id, kind, due_at, created_at, invitation) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(recipientID), .integer(sessionID), .text(kind.rawValue), .integer(now.secondsSinceEpoch),
             .integer(now.secondsSinceEpoch), .text(invitation)])
    }

    func withdrawNotices(sessionID: Int64, kinds: [NoticeKind]) throws -> [NoticeKind] {
        guard !kinds.isEmpty else { return [] }
        let list = kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try db.rows(
            """
            UPDATE notices SET status = 'withdrawn'
            WHERE session_id = ? AND kind IN (\(list)) AND status IN ('pending', 'failed')
            RETURNING id, kind
            """, [.integer(sessionID)])
        // RETURNING's order is not the table's: the log lists them as queued.
        return try rows.sorted { ($0.integer(0) ?? 0) < ($1.integer(0) ?? 0) }.map { row in
            guard let kind = row.text(1).flatMap(NoticeKind.init(rawValue:)) else { throw CorruptRow() }
            return kind
        }
    }

    func withdrawUpcoming(startedBy now: Instant) throws -> [Int64] {
        let rows = try db.rows(
            """
            UPDATE notices SET status = 'withdrawn'
            WHERE kind = 'upcoming' AND status IN ('pending', 'failed') AND due_at <= ?1
              AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = notices.session_id AND s.starts_at <= ?1)
            RETURNING id, session_id
            """, [.integer(now.secondsSinceEpoch)])
        return try rows.sorted { ($0.integer(0) ?? 0) < ($1.integer(0) ?? 0) }.map { row in
            guard let session = row.integer(1) else { throw CorruptRow() }
            return session
        }
    }

    func queueAccountNotice(recipientID: Int64, takeoverID: Int64, dueAt: Instant, at now: Instant) throws {
        try db.run(
            "INSERT INTO notices (recipient_id, kind, due_at, created_at, takeover_id) VALUES (?, 'account', ?, ?, ?)",
            [.integer(recipientID), .integer(dueAt.secondsSinceEpoch), .integer(now.secondsSinceEpoch), .integer(takeoverID)])
    }

    /// Whether a notice of this kind for this session still waits to be sent.
    func hasUnsentNotice(recipientID: Int64, sessionID: Int64, kind: NoticeKind) throws -> Bool {
        try db.integer(
            """
            SELECT EXISTS (SELECT 1 FROM notices WHERE recipient_id = ? AND session_id = ? AND kind = ?
                           AND status IN ('pending', 'failed'))
            """, [.integer(recipientID), .integer(sessionID), .text(kind.rawValue)]) == 1
    }

    static let noticeSelect = """
        SELECT n.id, n.kind, n.due_at, n.status, n.attempts, n.sent_at, n.last_error, n.session_id,
               r.id, r.email, r.name, n.takeover_id, n.invitation
        FROM notices n JOIN accounts r ON r.id = n.recipient_id
        """

    static func notice(from row: Row) throws -> Notice {
        guard let id = row.integer(0), let kind = row.text(1).flatMap(NoticeKind.init(rawValue:)),
              let status = row.text(3).flatMap(NoticeStatus.init(rawValue:)), let attempts = row.integer(4),
              let recipientID = row.integer(8), let email = row.text(9), let name = row.text(10)
        else { throw CorruptRow() }
        return Notice(
            id: id, recipient: Person(id: recipientID, email: email, name: name), sessionID: row.integer(7), kind: kind,
            dueAt: try row.requiredInstant(2), status: status, attempts: attempts,
            sentAt: try row.instant(5), lastError: row.text(6), takeoverID: row.integer(11), invitation: row.text(12))
    }

    func notices(hidingReportsOf managerID: Int64) throws -> [Notice] {
        try db.rows(
            SQLTransaction.noticeSelect + """
                 WHERE n.session_id IS NULL OR n.session_id NOT IN (
                    SELECT s.id FROM sessions s JOIN accounts m ON m.id = s.member_id
                    WHERE m.manager_id = ?1 AND s.coach_id <> ?1)
                ORDER BY n.id
                """, [.integer(managerID)]
        ).map(SQLTransaction.notice(from:))
    }

    static let claimSQL = noticeSelect + """
         WHERE n.status IN ('pending', 'failed') AND n.due_at <= ?1
          AND (n.claimed_at IS NULL OR n.claimed_at <= ?2)
        ORDER BY n.due_at, n.id
        """

    /// Marks every due, unsent notice that no live run holds as claimed by
    /// `claim`, and returns them. A claim older than `staleBefore` is taken
    /// over: its sender died.
    func claimDueNotices(now: Instant, staleBefore: Instant, claim: String) throws -> [Notice] {
        // SQLite has one writer at a time; PostgreSQL locks the rows claimed
        // and skips those another run's transaction holds.
        let sql = db.dialect == .postgres ? SQLTransaction.claimSQL + " FOR UPDATE OF n SKIP LOCKED" : SQLTransaction.claimSQL
        let due = try db.rows(sql, [.integer(now.secondsSinceEpoch), .integer(staleBefore.secondsSinceEpoch)])
            .map(SQLTransaction.notice(from:))
        for notice in due {
            try db.run("UPDATE notices SET claimed_at = ?, claim = ? WHERE id = ?",
                             [.integer(now.secondsSinceEpoch), .text(claim), .integer(notice.id)])
        }
        return due
    }

    /// Records a delivery attempt, if the claim is still this run's, and
    /// renews the run's claims on the notices it has yet to deliver: a live
    /// run's claims never reach the lease that hands them to another run.
    func recordDelivery(noticeID: Int64, claim: String, error: String?, at now: Instant) throws -> Bool {
        let changed: Int
        try db.run("UPDATE notices SET claimed_at = ? WHERE claim = ? AND id != ?",
                         [.integer(now.secondsSinceEpoch), .text(claim), .integer(noticeID)])
        if let error {
            changed = try db.run(
                """
                UPDATE notices SET status = CASE status WHEN 'withdrawn' THEN 'withdrawn' ELSE 'failed' END, attempts = attempts + 1, last_error = ?, claimed_at = NULL, claim = NULL
                WHERE id = ? AND claim = ?
                """, [.text(error), .integer(noticeID), .text(claim)])
        } else {
            changed = try db.run(
                """
                UPDATE notices SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL,
                       claimed_at = NULL, claim = NULL
                WHERE id = ? AND claim = ?
                """, [.integer(now.secondsSinceEpoch), .integer(noticeID), .text(claim)])
        }
        return changed > 0
    }
}
