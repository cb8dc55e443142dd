/// The SQL of accounts and login tokens.
extension SQLTransaction {
    static let accountColumns = "id, email, name, role, admin, phone, zoom, coach_id, manager_id, must_change_password"

    static func account(from row: Row) throws -> Account {
        guard let id = row.integer(0), let email = row.text(1), let name = row.text(2),
              let role = row.text(3).flatMap(Role.init(rawValue:))
        else { throw CorruptRow() }
        return Account(
            id: id, email: email, name: name, role: role, isAdmin: row.bool(4),
            phone: row.text(5), zoom: row.text(6), coachID: row.integer(7), managerID: row.integer(8),
            mustChangePassword: row.bool(9))
    }

    func isSandbox() throws -> Bool {
        try db.row("SELECT value FROM settings WHERE key = 'sandbox'")?.text(0) == "1"
    }

    func markSandbox() throws {
        try db.run("INSERT INTO settings (key, value) VALUES ('sandbox', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    }

    func accountCount() throws -> Int64 {
        try db.integer("SELECT count(*) FROM accounts") ?? 0
    }

    func account(id: Int64) throws -> Account? {
        try db.row("SELECT \(SQLTransaction.accountColumns) FROM accounts WHERE id = ?", [.integer(id)])
            .map(SQLTransaction.account(from:))
    }

    /// The account with this email, compared case-insensitively.
    func account(email: String) throws -> Account? {
        try db.row("SELECT \(SQLTransaction.accountColumns) FROM accounts WHERE email COLLATE NOCASE = ? COLLATE NOCASE", [.text(email)])
            .map(SQLTransaction.account(from:))
    }

    func passwordHash(email: String) throws -> (accountID: Int64, hash: String)? {
        guard let row = try db.row("SELECT id, password_hash FROM accounts WHERE email COLLATE NOCASE = ? COLLATE NOCASE", [.text(email)]) else { return nil }
        guard let id = row.integer(0), let hash = row.text(1) else { throw CorruptRow() }
        return (id, hash)
    }

    /// Accounts, optionally of one role, by name then email.
    func accounts(role: Role?) throws -> [Account] {
        var sql = "SELECT \(SQLTransaction.accountColumns) FROM accounts"
        var arguments: [SQLValue] = []
        if let role {
            sql += " WHERE role = ?"
            arguments.append(.text(role.rawValue))
        }
        sql += " ORDER BY name COLLATE NOCASE, email COLLATE NOCASE"
        return try db.rows(sql, arguments).map(SQLTransaction.account(from:))
    }

    /// A coach's members, or a manager's reports.
    func accounts(coachedBy coachID: Int64) throws -> [Account] {
        try db.rows(
            "SELECT \(SQLTransaction.accountColumns) FROM accounts WHERE coach_id = ? ORDER BY name COLLATE NOCASE, email COLLATE NOCASE",
            [.integer(coachID)]
        ).map(SQLTransaction.account(from:))
    }

    func accounts(managedBy managerID: Int64) throws -> [Account] {
        try db.rows(
            "SELECT \(SQLTransaction.accountColumns) FROM accounts WHERE manager_id = ? ORDER BY name COLLATE NOCASE, email COLLATE NOCASE",
            [.integer(managerID)]
        ).map(SQLTransaction.account(from:))
    }

    func insertAccount(_ account: NewAccountRecord, at now: Instant) throws -> Int64 {
        return try db.insert(
            """
            INSERT INTO accounts (email, name, role, admin, password_hash, phone, zoom, coach_id, manager_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(account.email), .text(account.name), .text(account.role.rawValue), SQLValue(account.isAdmin),
             .text(account.passwordHash), SQLValue(account.phone), SQLValue(account.zoom),
             SQLValue(account.coachID), SQLValue(account.managerID),
             .integer(now.secondsSinceEpoch)])
    }

    func updateProfile(accountID: Int64, phone: String??, zoom: String??) throws {
        if let phone {
            try db.run("UPDATE accounts SET phone = ? WHERE id = ?", [SQLValue(phone), .integer(accountID)])
        }
        if let zoom {
            try db.run("UPDATE accounts SET zoom = ? WHERE id = ?", [SQLValue(zoom), .integer(accountID)])
        }
    }

    func passwordHash(accountID: Int64) throws -> String? {
        try db.row("SELECT password_hash FROM accounts WHERE id = ?", [.integer(accountID)]).map { row in
            guard let hash = row.text(0) else { throw CorruptRow() }
            return hash
        }
    }

    func setPassword(accountID: Int64, hash: String, mustChange: Bool) throws {
        try db.run("UPDATE accounts SET password_hash = ?, must_change_password = ? WHERE id = ?",
                   [.text(hash), SQLValue(mustChange), .integer(accountID)])
    }

    func recordTakeover(accountID: Int64, by adminID: Int64, kind: TakeoverKind, at now: Instant) throws -> Int64 {
        return try db.insert("INSERT INTO takeovers (account_id, by_id, kind, at) VALUES (?, ?, ?, ?)",
                   [.integer(accountID), .integer(adminID), .text(kind.rawValue), .integer(now.secondsSinceEpoch)])
    }

    static let takeoverSelect = """
        SELECT t.at, t.kind, b.id, b.email, b.name FROM takeovers t JOIN accounts b ON b.id = t.by_id
        """

    static func takeover(from row: Row) throws -> Takeover {
        guard let kind = row.text(1).flatMap(TakeoverKind.init(rawValue:)), let id = row.integer(2),
              let email = row.text(3), let name = row.text(4)
        else { throw CorruptRow() }
        return Takeover(at: try row.requiredInstant(0), by: Person(id: id, email: email, name: name), kind: kind)
    }

    func takeover(id: Int64) throws -> Takeover? {
        try db.row(SQLTransaction.takeoverSelect + " WHERE t.id = ?", [.integer(id)]).map(SQLTransaction.takeover(from:))
    }

    func lastTakeovers(accountID: Int64) throws -> [Takeover] {
        try db.rows(
            SQLTransaction.takeoverSelect + """
                 WHERE t.id IN (SELECT max(id) FROM takeovers WHERE account_id = ? GROUP BY kind)
                ORDER BY t.at, t.id
                """, [.integer(accountID)]
        ).map(SQLTransaction.takeover(from:))
    }

    // MARK: Login tokens

    func insertToken(hash: [UInt8], accountID: Int64, at now: Instant, expiresAt: Instant) throws {
        try db.run(
            "INSERT INTO login_tokens (hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [.blob(hash), .integer(accountID), .integer(now.secondsSinceEpoch), .integer(expiresAt.secondsSinceEpoch)])
    }

    func login(tokenHash: [UInt8]) throws -> (account: Account, expiresAt: Instant, revoked: Bool)? {
        guard let row = try db.row(
            """
            SELECT a.id, a.email, a.name, a.role, a.admin, a.phone, a.zoom, a.coach_id, a.manager_id,
                   a.must_change_password, t.expires_at, t.revoked_at
            FROM login_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?
            """, [.blob(tokenHash)])
        else { return nil }
        let account = try SQLTransaction.account(from: row)
        let expires = try row.requiredInstant(10)
        return (account, expires, try row.instant(11) != nil)
    }

    func revokeToken(hash: [UInt8], at now: Instant) throws {
        try db.run(
            "UPDATE login_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL",
            [.integer(now.secondsSinceEpoch), .blob(hash)])
    }

    /// Revokes every live token of an account but one.
    func revokeTokens(accountID: Int64, except keep: [UInt8]?, at now: Instant) throws {
        try db.run(
            "UPDATE login_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL AND hash IS DISTINCT FROM ?",
            [.integer(now.secondsSinceEpoch), .integer(accountID), keep.map { .blob($0) } ?? .null])
    }
}
