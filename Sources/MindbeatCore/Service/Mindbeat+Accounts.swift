/// A new account as `users add` and `init` describe it.
public struct NewAccount: Sendable {
    public var role: Role
    public var name: String
    public var email: String
    public var coachEmail: String?
    public var managerEmail: String?
    public var phone: String?
    public var zoom: String?
    public var isAdmin: Bool

    public init(
        role: Role, name: String, email: String, coachEmail: String? = nil, managerEmail: String? = nil,
        phone: String? = nil, zoom: String? = nil, isAdmin: Bool = false
    ) {
        self.role = role
        self.name = name
        self.email = email
        self.coachEmail = coachEmail
        self.managerEmail = managerEmail
        self.phone = phone
        self.zoom = zoom
        self.isAdmin = isAdmin
    }
}

/// A member as My Members shows them.
public struct MemberSummary: Sendable {
    public let account: Account
    public let nextSession: SessionView?
    public let held: Int64
    public let missed: Int64
    /// Their engagement: bank, changes and flag. Nil for a line manager, who
    /// sees attendance only.
    public let engagement: Engagement?
}

extension Mindbeat {
    /// Creates the first account, a coach with the admin right, and logs it in.
    /// The password is hashed by the caller before this opens its transaction.
    public func initialise(name: String, email: String, passwordHash: String, sandbox: Bool = false) throws -> (Account, token: String) {
        let token = try Secrets.newToken()
        return try store.write { tx in
            guard try tx.accountCount() == 0 else {
                throw MindbeatError.refused(Refusal(.initialise, reasons: [.databaseHasAccounts]))
            }
            if sandbox { try tx.markSandbox() }
            let id = try tx.insertAccount(
                NewAccountRecord(email: email, name: name, role: .coach, isAdmin: true, passwordHash: passwordHash,
                                 phone: nil, zoom: nil, coachID: nil, managerID: nil),
                at: now)
            try issue(token, to: id, tx)
            guard let account = try tx.account(id: id) else { throw MindbeatError.internal("account \(id) vanished") }
            return (account, token)
        }
    }

    func issue(_ token: String, to accountID: Int64, _ tx: any StoreWriter) throws {
        // A login made in the last 30 days of year 9999 lasts to its end.
        let expires = now.adding(seconds: Mindbeat.tokenLifetimeSeconds)
            ?? Instant(secondsSinceEpoch: Instant.validRange.upperBound)
        try tx.insertToken(hash: Secrets.tokenHash(token), accountID: accountID, at: now, expiresAt: expires)
    }

    /// Checks a password and issues a login token. Wrong email and wrong
    /// password fail alike, in about the same time.
    public func login(email: String, password: String) throws -> (Account, token: String) {
        let stored = try store.read { tx in try tx.passwordHash(email: email) }
        let matches = Secrets.verifyPassword(password, hash: stored?.hash ?? Secrets.decoyHash)
        guard let stored, matches else { throw MindbeatError.wrongCredentials }
        let token = try Secrets.newToken()
        return try store.write { tx in
            guard let account = try tx.account(id: stored.accountID) else { throw MindbeatError.wrongCredentials }
            try issue(token, to: account.id, tx)
            return (account, token)
        }
    }

    /// Revokes the credential in use.
    public func logout(_ actor: Actor) throws -> Account {
        try write(actor, duringPasswordChange: true) { tx, me in
            switch actor.credential {
            case .token(let token): try tx.revokeToken(hash: Secrets.tokenHash(token), at: now)
            case .key: break  // An SSH key is removed with keys remove, not logged out.
            }
            return me
        }
    }

    /// The caller's account, and the last time an admin took it over, of
    /// each kind (a reset, a key), oldest first.
    public func whoami(_ actor: Actor) throws -> (account: Account, takeovers: [Takeover], sandbox: Bool) {
        try read(actor, duringPasswordChange: true) { tx, me in (me, try tx.lastTakeovers(accountID: me.id), try tx.isSandbox()) }
    }

    /// Whether the database is a sandbox (SPEC §11), asked before anyone
    /// signs in: `serve ssh` chooses its clock by it.
    public func isSandbox() throws -> Bool {
        try store.read { tx in try tx.isSandbox() }
    }

    /// Changes the caller's password: the current one first (so that a
    /// stolen login cannot become a takeover), then the new one, which the
    /// caller has checked against the context-free rules and which is
    /// checked here against the account's name and email. Verifying and
    /// hashing happen outside any transaction; the write makes sure the
    /// password did not change in between. Every other login of the account
    /// is revoked, and a reset's "must change" is cleared.
    public func changePassword(_ actor: Actor, current: String, new: String) throws -> Account {
        let (me, stored) = try read(actor, duringPasswordChange: true) { tx, me in (me, try tx.passwordHash(accountID: me.id)) }
        guard let stored, Secrets.verifyPassword(current, hash: stored) else { throw MindbeatError.wrongCurrentPassword }
        // Not even in another case: a one-time password an admin chose, with its
        // letters' case changed, is one the admin can guess.
        guard new.lowercased() != current.lowercased() else {
            throw MindbeatError.unacceptablePassword(InvalidValue("is the same as the current one"))
        }
        do throws(InvalidValue) {
            try PasswordPolicy.check(new, name: me.name, email: me.email)
        } catch {
            throw MindbeatError.unacceptablePassword(error)
        }
        let hash = try Secrets.hashPassword(new)
        return try write(actor, duringPasswordChange: true) { tx, me in
            guard try tx.passwordHash(accountID: me.id) == stored else { throw MindbeatError.wrongCurrentPassword }
            try tx.setPassword(accountID: me.id, hash: hash, mustChange: false)
            let keep: [UInt8]?
            switch actor.credential {
            case .token(let token): keep = Secrets.tokenHash(token)
            case .key: keep = nil
            }
            try tx.revokeTokens(accountID: me.id, except: keep, at: now)
            return try tx.account(id: me.id) ?? me
        }
    }

    /// Sets a one-time password on an account (admin): every login of the
    /// account is revoked, it must choose its own password at its next
    /// password login, and — because an admin can take an account over this
    /// way — the owner is sent an `account` notice at once and `whoami` shows
    /// who did it and when.
    public func resetPassword(_ actor: Actor, email: String, oneTimePassword: String) throws -> Account {
        let target = try read(actor) { tx, me in try resettable(email, by: me, credential: actor.credential, tx) }
        do throws(InvalidValue) {
            try PasswordPolicy.check(oneTimePassword, name: target.name, email: target.email)
        } catch {
            throw MindbeatError.unacceptablePassword(error)
        }
        let hash = try Secrets.hashPassword(oneTimePassword)
        return try write(actor) { tx, me in
            let target = try resettable(email, by: me, credential: actor.credential, tx)
            try tx.setPassword(accountID: target.id, hash: hash, mustChange: true)
            try tx.revokeTokens(accountID: target.id, except: nil, at: now)
            let takeover = try tx.recordTakeover(accountID: target.id, by: me.id, kind: .passwordReset, at: now)
            try tx.queueAccountNotice(recipientID: target.id, takeoverID: takeover, dueAt: now, at: now)
            return try tx.account(id: target.id) ?? target
        }
    }

    /// Whether the actor may reset `email`'s password, asked before the
    /// one-time password is: over SSH, where there is no terminal to ask it
    /// on, a refusal must not wait for a password read from nowhere.
    public func checkReset(_ actor: Actor, email: String) throws {
        _ = try read(actor) { tx, me in try resettable(email, by: me, credential: actor.credential, tx) }
    }

    /// The account an admin resets: the right is checked before the address
    /// is looked up, so that nobody else learns which accounts exist. An
    /// admin signed in with an SSH key resets others only (SPEC §11).
    private func resettable(_ email: String, by me: Account, credential: Credential, _ tx: any StoreReader) throws -> Account {
        guard me.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.resetPasswords)) }
        guard let target = try tx.account(email: email) else { throw MindbeatError.notFound(.account(email)) }
        if case .key = credential, target.id == me.id { throw MindbeatError.forbidden(.ownResetWithKey) }
        return target
    }

    /// Adds an account: an admin adds anyone; a coach adds members of their own.
    public func addAccount(_ actor: Actor, _ new: NewAccount, passwordHash: String) throws -> Account {
        try write(actor) { tx, me in
            if !me.isAdmin {
                guard me.role == .coach, new.role == .member else {
                    throw MindbeatError.forbidden(.needsAdmin(.addAccounts))
                }
                guard !new.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.grantAdmin)) }
            }
            var coachID: Int64?
            var managerID: Int64?
            var reasons: [Unmet] = []
            if new.role == .member {
                guard let coachEmail = new.coachEmail ?? (me.role == .coach ? me.email : nil) else {
                    throw MindbeatError.incomplete(.memberNeedsCoach)
                }
                // Decided before the address is looked up, so that the answer
                // does not tell a coach whether another account exists.
                if !me.isAdmin && !Values.sameEmail(coachEmail, me.email) {
                    throw MindbeatError.forbidden(.coachForThemselves(.addAccounts))
                }
                guard let coach = try tx.account(email: coachEmail) else {
                    throw MindbeatError.notFound(.account(coachEmail))
                }
                if coach.role != .coach { reasons.append(.notACoach(email: coach.email)) }
                coachID = coach.id
                if let managerEmail = new.managerEmail {
                    let manager = try tx.account(email: managerEmail)
                    if me.isAdmin {
                        guard let manager else { throw MindbeatError.notFound(.account(managerEmail)) }
                        if manager.role != .manager { reasons.append(.notAManager(email: manager.email)) }
                        managerID = manager.id
                    } else {
                        // A coach learns no more than whether the address is a
                        // line manager's: any other account is "no line manager".
                        guard let manager, manager.role == .manager else {
                            throw MindbeatError.notFound(.manager(managerEmail))
                        }
                        managerID = manager.id
                    }
                }
            } else if new.coachEmail != nil || new.managerEmail != nil {
                throw MindbeatError.incomplete(.coachOrManagerOfNonMember)
            }
            if try tx.account(email: new.email) != nil { reasons.append(.emailTaken(new.email)) }
            guard reasons.isEmpty else { throw MindbeatError.refused(Refusal(.addAccount(email: new.email), reasons: reasons)) }
            let id = try tx.insertAccount(
                NewAccountRecord(email: new.email, name: new.name, role: new.role, isAdmin: new.isAdmin,
                                 passwordHash: passwordHash, phone: new.phone, zoom: new.zoom,
                                 coachID: coachID, managerID: managerID),
                at: now)
            guard let account = try tx.account(id: id) else { throw MindbeatError.internal("account \(id) vanished") }
            return account
        }
    }

    /// Every account, or those of one role (admin).
    public func listAccounts(_ actor: Actor, role: Role?) throws -> [Account] {
        try read(actor) { tx, me in
            guard me.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.listAccounts)) }
            return try tx.accounts(role: role)
        }
    }

    /// Shows, or updates and shows, the caller's own profile. A double optional
    /// is "leave alone" (nil), "clear" (.some(nil)) or "set".
    public func profile(_ actor: Actor, phone: String?? = nil, zoom: String?? = nil) throws -> Account {
        if phone == nil && zoom == nil { return try read(actor) { _, me in me } }
        return try write(actor) { tx, me in
            try tx.updateProfile(accountID: me.id, phone: phone, zoom: zoom)
            return try tx.account(id: me.id) ?? me
        }
    }

    /// My Members: a coach's members or a manager's reports, with their next
    /// session and how many were held and missed.
    public func members(_ actor: Actor) throws -> [MemberSummary] {
        try read(actor) { tx, me in
            let people: [Account]
            let access: SessionAccess
            switch me.role {
            case .coach:
                people = try tx.accounts(coachedBy: me.id)
                access = .party(.coach)
            case .manager:
                people = try tx.accounts(managedBy: me.id)
                access = .lineManager
            case .member:
                throw MindbeatError.forbidden(.coachesOnly(.listMembers))
            }
            return try people.map { person in
                var next = try tx.nextSession(memberID: person.id).map { SessionView(session: $0, access: access) }
                // A member's next session may be with someone other than this coach
                // only if their coach changed; show it only to its parties.
                if let view = next, access == .party(.coach), view.session.coach.id != me.id { next = nil }
                let standing = try tx.standing(memberID: person.id)
                // A line manager sees attendance only: no bank, changes or flag.
                return MemberSummary(account: person, nextSession: next, held: standing.held, missed: standing.missed,
                                     engagement: access == .lineManager ? nil : standing.engagement)
            }
        }
    }
}
