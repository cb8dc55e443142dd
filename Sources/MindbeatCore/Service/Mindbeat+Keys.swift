extension Mindbeat {
    /// Registers an SSH public key as a login (SPEC §11): anyone for
    /// themselves; an admin for an account that has no key (the
    /// first key, or a new one for someone who removed or lost theirs — after that, people add their own). A key registered to
    /// anyone is refused. A key added by someone else is a takeover an admin
    /// can make, so it never happens silently: an `account` notice to the
    /// owner at once, and `whoami` shows it.
    public func addKey(_ actor: Actor, _ key: PublicKey, for email: String?) throws -> RegisteredKey {
        try write(actor) { tx, me in
            let owner = try keyOwner(email, for: me, tx)
            if owner.id != me.id, try !tx.keys(ownedBy: owner.id).isEmpty {
                throw MindbeatError.forbidden(.firstKeyOnly)
            }
            if try tx.liveKey(blob: key.blob) != nil {
                throw MindbeatError.refused(Refusal(.addKey, reasons: [.keyRegistered(fingerprint: key.fingerprint)]))
            }
            let id = try tx.insertKey(key, accountID: owner.id, addedBy: me.id, at: now)
            if owner.id != me.id {
                let takeover = try tx.recordTakeover(accountID: owner.id, by: me.id, kind: .keyAdded, at: now)
                try tx.queueAccountNotice(recipientID: owner.id, takeoverID: takeover, dueAt: now, at: now)
            }
            guard let added = try tx.keys(ownedBy: owner.id).first(where: { $0.id == id }) else {
                throw MindbeatError.internal("key \(id) vanished")
            }
            return added
        }
    }

    /// The caller's live keys, or (admin) another account's.
    public func keys(_ actor: Actor, of email: String?) throws -> [RegisteredKey] {
        try read(actor) { tx, me in try tx.keys(ownedBy: try keyOwner(email, for: me, tx).id) }
    }

    /// Removes a key: its owner or an admin; for anyone else it does not
    /// exist (66). Its next connection is refused.
    public func removeKey(_ actor: Actor, fingerprint: String) throws -> RegisteredKey {
        try write(actor) { tx, me in
            guard let key = try tx.liveKey(fingerprint: fingerprint), key.owner.id == me.id || me.isAdmin else {
                throw MindbeatError.notFound(.key(fingerprint))
            }
            try tx.removeKey(id: key.id, at: now)
            return key
        }
    }

    /// sshd's question for `AuthorizedKeysCommand`: the id of the live key
    /// with this type and blob, if any. No login: sshd asks before anyone
    /// has one.
    /// Who a connection with key `id` acts as, and whether the database is a
    /// sandbox (whose clock the server may set), in one read: what `serve
    /// ssh` needs before it runs anything. A removed key, or one never
    /// registered, is refused.
    public func keyCaller(_ id: Int64) throws -> (actor: Actor, sandbox: Bool) {
        try store.read { tx in
            (Actor(account: try verify(.key(id), tx), credential: .key(id)), try tx.isSandbox())
        }
    }

    public func authorizedKeyID(_ key: PublicKey) throws -> Int64? {
        try store.read { tx in
            guard let found = try tx.liveKey(blob: key.blob), found.type == key.type.rawValue else { return nil }
            return found.id
        }
    }

    /// Whose keys a command means: the caller's own without an email; an
    /// admin names anyone (66 when there is no such account); anyone else
    /// naming another account is refused for their role, whether or not it
    /// exists.
    private func keyOwner(_ email: String?, for me: Account, _ tx: any StoreReader) throws -> Account {
        guard let email, !Values.sameEmail(email, me.email) else { return me }
        guard me.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.manageKeys)) }
        guard let owner = try tx.account(email: email) else { throw MindbeatError.notFound(.account(email)) }
        return owner
    }
}
