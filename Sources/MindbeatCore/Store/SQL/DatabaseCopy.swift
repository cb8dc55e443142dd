/// `db copy` (SPEC §12): every row of one mindbeat database into a new one,
/// on either engine, keeping every id — the install id that logins, calendar
/// UIDs and key lines are tied to, the sandbox mark, logins, keys, events and
/// notices. The destination is made as `init` makes one and filled in its one
/// creating transaction, so it appears whole or not at all; the source is
/// read in one read transaction, a consistent view while others write.
enum DatabaseCopy {
    /// A table and its columns, named alike on both engines; `key`: the
    /// columns it is read in order of.
    struct Table {
        let name: String
        let columns: [String]
        let key: [String]
        init(_ name: String, _ columns: String, key: String = "id") {
            self.name = name
            self.columns = columns.split(separator: ",").map { String($0.drop { $0 == " " }) }
            self.key = key.split(separator: ",").map { String($0.drop { $0 == " " }) }
        }
    }

    /// Every table of mindbeat's schema (a test holds this list to both
    /// schemas), referenced before referring, though the destination checks
    /// its foreign keys only at the commit.
    static let tables = [
        Table("settings", "key, value", key: "key"),
        Table("accounts", "id, email, name, role, admin, password_hash, phone, zoom, coach_id, manager_id, created_at, must_change_password"),
        Table("login_tokens", "hash, account_id, created_at, expires_at, revoked_at", key: "hash"),
        Table("takeovers", "id, account_id, by_id, kind, at"),
        Table("ssh_keys", "id, account_id, type, blob, fingerprint, comment, added_at, added_by, removed_at"),
        Table("sessions", """
            id, coach_id, member_id, starts_at, duration_minutes, status, channel, coach_joined_at, member_joined_at, \
            ended_at, created_at, sequence, cancelled_at, cancelled_by, cancel_reason, series_id
            """),
        Table("engagements", "id, member_id, sessions, started_at, started_by, changes_before, ended_before"),
        Table("session_changes", "id, session_id, member_id, by_id, kind, by_member, late, previous_starts_at, at"),
        Table("contact_attempts", "id, session_id, via, note, at"),
        Table("chat_messages", "id, session_id, author_id, text, at"),
        Table("notes", "id, author_id, member_id, session_id, visibility, body, created_at"),
        Table("feedback", "session_id, author_id, rating, comment, created_at", key: "session_id, author_id"),
        Table("notices", """
            id, recipient_id, session_id, kind, due_at, status, attempts, claimed_at, claim, sent_at, last_error, \
            created_at, takeover_id, invitation
            """),
        Table("events", "id, session_id, at, actor_id, kind, detail, via_key, reconstructed"),
    ]

    /// Settings that describe the engine's own schema, not the data.
    static let engineSettings: Set<String> = ["application", "schema_version"]

    /// Rows read and written at a time: memory stays bounded whatever the size.
    static let batch = 500

    /// How many rows of each table were copied.
    struct Counts: Equatable, Sendable {
        var rows: [String: Int] = [:]
    }

    /// Copies every row `source` holds into `destination`, inside the
    /// destination's transaction.
    static func copy(from source: any SQLConnection, to destination: any SQLConnection) throws -> Counts {
        var counts = Counts()
        switch destination.dialect {
        case .sqlite: try destination.execute("PRAGMA defer_foreign_keys = ON")
        case .postgres: try destination.execute("SET CONSTRAINTS ALL DEFERRED")
        }
        for table in tables {
            var copied = 0
            if table.name == "settings" {
                for row in try source.rows("SELECT key, value FROM settings ORDER BY key") {
                    guard let key = row.text(0), !engineSettings.contains(key) else { continue }
                    try destination.run(
                        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        row.values)
                    copied += 1
                }
                counts.rows[table.name] = copied
                continue
            }
            let columns = table.columns.joined(separator: ", ")
            let order = table.key.joined(separator: ", ")
            // Read in key order, a batch at a time, each batch after the
            // last key of the one before.
            var after: [SQLValue]?
            while true {
                var sql = "SELECT \(columns) FROM \(table.name)"
                if after != nil {
                    let keys = "(" + order + ")"
                    let marks = "(" + table.key.map { _ in "?" }.joined(separator: ", ") + ")"
                    sql += table.key.count == 1 ? " WHERE \(order) > ?" : " WHERE \(keys) > \(marks)"
                }
                sql += " ORDER BY \(order) LIMIT \(batch)"
                let rows = try source.rows(sql, after ?? [])
                guard !rows.isEmpty else { break }
                let placeholders = "(" + table.columns.map { _ in "?" }.joined(separator: ", ") + ")"
                try destination.run(
                    "INSERT INTO \(table.name) (\(columns)) VALUES " + Array(repeating: placeholders, count: rows.count).joined(separator: ", "),
                    rows.flatMap(\.values))
                copied += rows.count
                guard rows.count == batch, let last = rows.last else { break }
                after = table.key.map { key in table.columns.firstIndex(of: key).map { last.values[$0] } ?? .null }
            }
            counts.rows[table.name] = copied
        }
        if destination.dialect == .postgres {
            // Identities go on after the highest id copied.
            for table in PostgresSchema.identityTables {
                try destination.run(
                    "SELECT setval(pg_get_serial_sequence('mindbeat.\(table)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)")
            }
        }
        return counts
    }
}

extension Stores {
    /// Copies the database at `source` into `destination` (SPEC §12): a
    /// SQLite path nothing is at yet, or a PostgreSQL database without the
    /// schema `mindbeat`. A destination that holds a mindbeat database is
    /// refused (1); anything else there (an empty file, a schema `mindbeat`
    /// that is not mindbeat's) is refused as `init` refuses it (73).
    /// `operatorUID`: who runs it, who must own a SQLite source file (or be
    /// root). Returns the rows copied, by table.
    public static func copy(from source: String, to destination: String, operatorUID: UInt32?) throws -> [String: Int] {
        let from = try open(source, operatorUID: operatorUID)
        try refuseCopyDestination(destination)
        return try create(destination) { to in try copyRows(from: from, to: to) }
    }

    private static func refuseCopyDestination(_ destination: String) throws(MindbeatError) {
        do {
            try refuseExisting(destination)
        } catch .refused(let refusal) where refusal.reasons == [.databaseHasAccounts] {
            throw .refused(Refusal(.copyDatabase, reasons: [.destinationHoldsData(location: shown(destination))]))
        }
    }

    private static func copyRows(from: any Store, to: any Store) throws -> [String: Int] {
        try from.read { reader in
            guard let reading = reader as? SQLTransaction else { throw MindbeatError.internal("db copy reads SQL stores") }
            return try copyRows(from: reading.db, to: to)
        }
    }

    private static func copyRows(from source: any SQLConnection, to: any Store) throws -> [String: Int] {
        try to.write { writer in
            guard let writing = writer as? SQLTransaction else { throw MindbeatError.internal("db copy writes SQL stores") }
            return try DatabaseCopy.copy(from: source, to: writing.db).rows
        }
    }
}
