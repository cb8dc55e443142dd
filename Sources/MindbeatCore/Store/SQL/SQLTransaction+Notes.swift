/// The SQL of notes. It reads candidates only: which of them a reader may see
/// is decided by `NoteVisibility`, never here.
extension SQLTransaction {
    static let noteSelect = """
        SELECT n.id, n.session_id, n.visibility, n.body, n.created_at,
               a.id, a.email, a.name, m.id, m.email, m.name, m.manager_id
        FROM notes n
        JOIN accounts a ON a.id = n.author_id
        JOIN accounts m ON m.id = n.member_id
        """

    static func note(from row: Row) throws -> Note {
        guard let id = row.integer(0), let visibility = row.text(2).flatMap(Visibility.init(rawValue:)),
              let body = row.text(3),
              let authorID = row.integer(5), let authorEmail = row.text(6), let authorName = row.text(7),
              let memberID = row.integer(8), let memberEmail = row.text(9), let memberName = row.text(10)
        else { throw CorruptRow() }
        let created = try row.requiredInstant(4)
        return Note(
            id: id, author: Person(id: authorID, email: authorEmail, name: authorName),
            member: Person(id: memberID, email: memberEmail, name: memberName, managerID: row.integer(11)),
            sessionID: row.integer(1), visibility: visibility, body: body, createdAt: created)
    }

    func insertNote(
        authorID: Int64, memberID: Int64, sessionID: Int64?, visibility: Visibility, body: String, at now: Instant
    ) throws -> Int64 {
        return try db.insert(
            "INSERT INTO notes (author_id, member_id, session_id, visibility, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(authorID), .integer(memberID), SQLValue(sessionID), .text(visibility.rawValue), .text(body),
             .integer(now.secondsSinceEpoch)])
    }

    /// One note, for its author who just wrote it.
    func note(id: Int64) throws -> Note? {
        try db.row(SQLTransaction.noteSelect + " WHERE n.id = ?", [.integer(id)]).map(SQLTransaction.note(from:))
    }

    /// Notes that may concern `readerID`: written by them, about them, or on a
    /// session they are a party to; optionally about one member or on one
    /// session. Oldest first.
    func candidateNotes(for readerID: Int64, memberID: Int64? = nil, sessionID: Int64? = nil) throws -> [Note] {
        var sql = SQLTransaction.noteSelect + """
             WHERE n.id IN (
                SELECT id FROM notes WHERE author_id = ?1
                UNION SELECT id FROM notes WHERE member_id = ?1
                UNION SELECT notes.id FROM notes JOIN sessions s ON s.id = notes.session_id
                    WHERE s.coach_id = ?1 OR s.member_id = ?1)
            """
        var arguments: [SQLValue] = [.integer(readerID)]
        if let memberID {
            arguments.append(.integer(memberID))
            sql += " AND n.member_id = ?\(arguments.count)"
        }
        if let sessionID {
            arguments.append(.integer(sessionID))
            sql += " AND n.session_id = ?\(arguments.count)"
        }
        sql += " ORDER BY n.created_at, n.id"
        return try db.rows(sql, arguments).map(SQLTransaction.note(from:))
    }

    /// Whether `authorID` wrote a shared note on a session, for notices.
    func hasSharedNotes(sessionID: Int64, authorID: Int64) throws -> Bool {
        try db.integer(
            "SELECT EXISTS (SELECT 1 FROM notes WHERE session_id = ? AND author_id = ? AND visibility = 'shared')",
            [.integer(sessionID), .integer(authorID)]) == 1
    }
}
