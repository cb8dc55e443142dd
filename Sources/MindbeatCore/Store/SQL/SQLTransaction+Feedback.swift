/// The SQL of feedback.
extension SQLTransaction {
    static let feedbackSelect = """
        SELECT f.session_id, a.id, a.email, a.name, f.rating, f.comment, f.created_at
        FROM feedback f JOIN accounts a ON a.id = f.author_id
        """

    static func feedback(from row: Row) throws -> Feedback {
        guard let session = row.integer(0), let id = row.integer(1), let email = row.text(2), let name = row.text(3),
              let rating = row.integer(4)
        else { throw CorruptRow() }
        let created = try row.requiredInstant(6)
        return Feedback(sessionID: session, author: Person(id: id, email: email, name: name), rating: rating,
                        comment: row.text(5), createdAt: created)
    }

    func insertFeedback(sessionID: Int64, authorID: Int64, rating: Int64, comment: String?, at now: Instant) throws {
        try db.run(
            "INSERT INTO feedback (session_id, author_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
            [.integer(sessionID), .integer(authorID), .integer(rating), SQLValue(comment), .integer(now.secondsSinceEpoch)])
    }

    /// Feedback on a session, by everyone or by one author.
    func feedback(sessionID: Int64, authorID: Int64? = nil) throws -> [Feedback] {
        var sql = SQLTransaction.feedbackSelect + " WHERE f.session_id = ?"
        var arguments: [SQLValue] = [.integer(sessionID)]
        if let authorID {
            sql += " AND f.author_id = ?"
            arguments.append(.integer(authorID))
        }
        return try db.rows(sql + " ORDER BY f.created_at, a.id", arguments).map(SQLTransaction.feedback(from:))
    }

    /// Held sessions of a party that they have not left feedback on, newest first.
    func sessionsAwaitingFeedback(from accountID: Int64) throws -> [Session] {
        try db.rows(
            SQLTransaction.sessionSelect + """
                 WHERE s.id IN (SELECT id FROM sessions WHERE coach_id = ?1 UNION SELECT id FROM sessions WHERE member_id = ?1)
                  AND s.status = 'held'
                  AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.session_id = s.id AND f.author_id = ?1)
                ORDER BY s.starts_at DESC, s.id DESC
                """, [.integer(accountID)]
        ).map(SQLTransaction.session(from:))
    }
}
