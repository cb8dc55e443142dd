/// The SQL of feedback and of the outbox.
extension SQLiteTransaction {
    static let feedbackSelect = """
        SELECT f.session_id, a.id, a.email, a.name, f.rating, f.comment, f.created_at
        FROM feedback f JOIN accounts a ON a.id = f.author_id
        """

    static func feedback(from row: Row) -> Feedback? {
        guard let session = row.integer(0), let id = row.integer(1), let email = row.text(2), let name = row.text(3),
              let rating = row.integer(4), let created = row.integer(6)
        else { return nil }
        return Feedback(sessionID: session, author: Person(id: id, email: email, name: name), rating: rating,
                        comment: row.text(5), createdAt: Instant(secondsSinceEpoch: created))
    }

    public func insertFeedback(sessionID: Int64, authorID: Int64, rating: Int64, comment: String?, at now: Instant) throws {
        try db.run(
            "INSERT INTO feedback (session_id, author_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
            [.integer(sessionID), .integer(authorID), .integer(rating), SQLiteValue(comment), .integer(now.secondsSinceEpoch)])
    }

    /// Feedback on a session, by everyone or by one author.
    public func feedback(sessionID: Int64, authorID: Int64? = nil) throws -> [Feedback] {
        var sql = SQLiteTransaction.feedbackSelect + " WHERE f.session_id = ?"
        var arguments: [SQLiteValue] = [.integer(sessionID)]
        if let authorID {
            sql += " AND f.author_id = ?"
            arguments.append(.integer(authorID))
        }
        return try db.rows(sql + " ORDER BY f.created_at, a.id", arguments).compactMap(SQLiteTransaction.feedback(from:))
    }

    /// Held sessions of a party that they have not left feedback on, newest first.
    public func sessionsAwaitingFeedback(from accountID: Int64) throws -> [Session] {
        try db.rows(
            SQLiteTransaction.sessionSelect + """
                 WHERE s.id IN (SELECT id FROM sessions WHERE coach_id = ?1 UNION SELECT id FROM sessions WHERE member_id = ?1)
                  AND s.status = 'held'
                  AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.session_id = s.id AND f.author_id = ?1)
                ORDER BY s.starts_at DESC, s.id DESC
                """, [.integer(accountID)]
        ).compactMap(SQLiteTransaction.session(from:))
    }

    // MARK: The outbox

    static let noticeSelect = """
        SELECT n.id, n.kind, n.due_at, n.status, n.attempts, n.sent_at, n.last_error, n.session_id,
               r.id, r.email, r.name
        FROM notices n JOIN accounts r ON r.id = n.recipient_id
        """

    static func notice(from row: Row) -> Notice? {
        guard let id = row.integer(0), let kind = row.text(1).flatMap(NoticeKind.init(rawValue:)), let due = row.integer(2),
              let status = row.text(3).flatMap(NoticeStatus.init(rawValue:)), let attempts = row.integer(4),
              let recipientID = row.integer(8), let email = row.text(9), let name = row.text(10)
        else { return nil }
        return Notice(
            id: id, recipient: Person(id: recipientID, email: email, name: name), sessionID: row.integer(7), kind: kind,
            dueAt: Instant(secondsSinceEpoch: due), status: status, attempts: attempts,
            sentAt: row.integer(5).map { Instant(secondsSinceEpoch: $0) }, lastError: row.text(6))
    }

    public func notices() throws -> [Notice] {
        try db.rows(SQLiteTransaction.noticeSelect + " ORDER BY n.id").compactMap(SQLiteTransaction.notice(from:))
    }

    /// Marks every due, unsent notice that no live run holds as claimed by
    /// `claim`, and returns them. A claim older than `staleBefore` is taken
    /// over: its sender died.
    public func claimDueNotices(now: Instant, staleBefore: Instant, claim: String) throws -> [Notice] {
        let due = try db.rows(
            SQLiteTransaction.noticeSelect + """
                 WHERE n.status IN ('pending', 'failed') AND n.due_at <= ?1
                  AND (n.claimed_at IS NULL OR n.claimed_at <= ?2)
                ORDER BY n.due_at, n.id
                """, [.integer(now.secondsSinceEpoch), .integer(staleBefore.secondsSinceEpoch)]
        ).compactMap(SQLiteTransaction.notice(from:))
        for notice in due {
            try db.run("UPDATE notices SET claimed_at = ?, claim = ? WHERE id = ?",
                             [.integer(now.secondsSinceEpoch), .text(claim), .integer(notice.id)])
        }
        return due
    }

    /// Records a delivery attempt, if the claim is still this run's, and
    /// renews the run's claims on the notices it has yet to deliver: a live
    /// run's claims never reach the lease that hands them to another run.
    public func recordDelivery(noticeID: Int64, claim: String, error: String?, at now: Instant) throws {
        try db.run("UPDATE notices SET claimed_at = ? WHERE claim = ? AND id != ?",
                         [.integer(now.secondsSinceEpoch), .text(claim), .integer(noticeID)])
        if let error {
            try db.run(
                """
                UPDATE notices SET status = 'failed', attempts = attempts + 1, last_error = ?, claimed_at = NULL, claim = NULL
                WHERE id = ? AND claim = ?
                """, [.text(error), .integer(noticeID), .text(claim)])
        } else {
            try db.run(
                """
                UPDATE notices SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL,
                       claimed_at = NULL, claim = NULL
                WHERE id = ? AND claim = ?
                """, [.integer(now.secondsSinceEpoch), .integer(noticeID), .text(claim)])
        }
    }
}
