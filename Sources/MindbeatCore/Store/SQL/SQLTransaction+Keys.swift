/// The SQL of SSH keys.
extension SQLTransaction {
    static let keySelect = """
        SELECT k.id, k.type, k.fingerprint, k.comment, k.added_at, a.id, a.email, a.name
        FROM ssh_keys k JOIN accounts a ON a.id = k.account_id
        """

    static func key(from row: Row) throws -> RegisteredKey {
        guard let id = row.integer(0), let type = row.text(1).flatMap(KeyType.init(rawValue:)),
              let fingerprint = row.text(2), let ownerID = row.integer(5), let email = row.text(6), let name = row.text(7)
        else { throw CorruptRow() }
        return RegisteredKey(id: id, owner: Person(id: ownerID, email: email, name: name), type: type,
                             fingerprint: fingerprint, comment: row.text(3), addedAt: try row.requiredInstant(4))
    }

    func liveKey(blob: [UInt8]) throws -> (id: Int64, type: String)? {
        guard let row = try db.row("SELECT id, type FROM ssh_keys WHERE blob = ? AND removed_at IS NULL", [.blob(blob)])
        else { return nil }
        guard let id = row.integer(0), let type = row.text(1) else { throw CorruptRow() }
        return (id, type)
    }

    func keyLogin(id: Int64) throws -> KeyLogin? {
        guard let row = try db.row(
            """
            SELECT a.id, a.email, a.name, a.role, a.admin, a.phone, a.zoom, a.coach_id, a.manager_id,
                   a.must_change_password, k.id, k.removed_at
            FROM ssh_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = ?
            """, [.integer(id)])
        else { return nil }
        guard let keyID = row.integer(10) else { throw CorruptRow() }
        return KeyLogin(keyID: keyID, account: try SQLTransaction.account(from: row), removed: try row.instant(11) != nil)
    }

    func keys(ownedBy accountID: Int64) throws -> [RegisteredKey] {
        try db.rows(SQLTransaction.keySelect + " WHERE k.account_id = ? AND k.removed_at IS NULL ORDER BY k.id",
                    [.integer(accountID)]).map(SQLTransaction.key(from:))
    }

    func liveKey(fingerprint: String) throws -> RegisteredKey? {
        try db.row(SQLTransaction.keySelect + " WHERE k.fingerprint = ? AND k.removed_at IS NULL", [.text(fingerprint)])
            .map(SQLTransaction.key(from:))
    }

    func insertKey(_ key: PublicKey, accountID: Int64, addedBy: Int64, at now: Instant) throws -> Int64 {
        return try db.insert(
            """
            INSERT INTO ssh_keys (account_id, type, blob, fingerprint, comment, added_at, added_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(accountID), .text(key.type.rawValue), .blob(key.blob), .text(key.fingerprint), SQLValue(key.comment),
             .integer(now.secondsSinceEpoch), .integer(addedBy)])
    }

    func removeKey(id: Int64, at now: Instant) throws {
        try db.run("UPDATE ssh_keys SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                   [.integer(now.secondsSinceEpoch), .integer(id)])
    }
}
