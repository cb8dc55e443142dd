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
}

extension Mindbeat {
    /// Creates the first account, a coach with the admin right, and logs it in.
    /// The password is hashed by the caller before this opens its transaction.
    public func initialise(name: String, email: String, passwordHash: String) throws -> (Account, token: String) {
        let token = try Secrets.newToken()
        return try guarded {
            try store.database.write { _ in
                guard try store.accountCount() == 0 else {
                    throw MindbeatError.refused(Refusal(action: "initialise the database", reasons: [.databaseHasAccounts]))
                }
                let id = try store.insertAccount(
                    email: email, name: name, role: .coach, isAdmin: true, passwordHash: passwordHash,
                    phone: nil, zoom: nil, coachID: nil, managerID: nil, at: now)
                try issue(token, to: id)
                guard let account = try store.account(id: id) else { throw MindbeatError.internal("account \(id) vanished") }
                return (account, token)
            }
        }
    }

    func issue(_ token: String, to accountID: Int64) throws {
        guard let expires = now.adding(seconds: Mindbeat.tokenLifetimeSeconds) else {
            throw MindbeatError.internal("the clock is too close to the end of the supported range")
        }
        try store.insertToken(hash: Secrets.tokenHash(token), accountID: accountID, at: now, expiresAt: expires)
    }

    /// Checks a password and issues a login token. Wrong email and wrong
    /// password fail alike, in about the same time.
    public func login(email: String, password: String) throws -> (Account, token: String) {
        let stored = try guarded { try store.passwordHash(email: email) }
        let matches = Secrets.verifyPassword(password, hash: stored?.1 ?? Secrets.decoyHash)
        guard let stored, matches else { throw MindbeatError.wrongCredentials }
        let token = try Secrets.newToken()
        return try guarded {
            try store.database.write { _ in
                guard let account = try store.account(id: stored.0) else { throw MindbeatError.wrongCredentials }
                try issue(token, to: account.id)
                return (account, token)
            }
        }
    }

    /// Revokes the token in use.
    public func logout(token: String?) throws -> Account {
        try write(token) { actor in
            try store.revokeToken(hash: Secrets.tokenHash(token ?? ""), at: now)
            return actor
        }
    }

    public func whoami(token: String?) throws -> Account {
        try read(token) { $0 }
    }

    /// Sets a new password (hashed by the caller) and revokes every other login
    /// of the account.
    public func changePassword(token: String?, passwordHash: String) throws -> Account {
        try write(token) { actor in
            try store.updatePassword(accountID: actor.id, hash: passwordHash)
            try store.revokeTokens(accountID: actor.id, except: Secrets.tokenHash(token ?? ""), at: now)
            return actor
        }
    }

    /// Adds an account: an admin adds anyone; a coach adds members of their own.
    public func addAccount(token: String?, _ new: NewAccount, passwordHash: String) throws -> Account {
        try write(token) { actor in
            if !actor.isAdmin {
                guard actor.role == .coach, new.role == .member else {
                    throw MindbeatError.forbidden("adding accounts needs the admin right (a coach may add members of their own)")
                }
                guard !new.isAdmin else { throw MindbeatError.forbidden("only an admin can grant the admin right") }
            }
            var coachID: Int64?
            var managerID: Int64?
            var reasons: [Unmet] = []
            if new.role == .member {
                let coachEmail = new.coachEmail ?? (actor.role == .coach ? actor.email : nil)
                guard let coachEmail else {
                    throw MindbeatError.usage("a member needs a coach: give --coach EMAIL")
                }
                guard let coach = try store.account(email: coachEmail) else {
                    throw MindbeatError.notFound("no account \(coachEmail)")
                }
                if !actor.isAdmin && coach.id != actor.id {
                    throw MindbeatError.forbidden("a coach may add members for themselves only")
                }
                if coach.role != .coach { reasons.append(.notACoach(email: coach.email)) }
                coachID = coach.id
                if let managerEmail = new.managerEmail {
                    guard let manager = try store.account(email: managerEmail) else {
                        throw MindbeatError.notFound("no account \(managerEmail)")
                    }
                    if manager.role != .manager { reasons.append(.notAManager(email: manager.email)) }
                    managerID = manager.id
                }
            } else if new.coachEmail != nil || new.managerEmail != nil {
                throw MindbeatError.usage("--coach and --manager apply to members only (--role member)")
            }
            if try store.account(email: new.email) != nil { reasons.append(.emailTaken(new.email)) }
            guard reasons.isEmpty else {
                throw MindbeatError.refused(Refusal(action: "add \(new.email)", reasons: reasons))
            }
            let id = try store.insertAccount(
                email: new.email, name: new.name, role: new.role, isAdmin: new.isAdmin, passwordHash: passwordHash,
                phone: new.phone, zoom: new.zoom, coachID: coachID, managerID: managerID, at: now)
            guard let account = try store.account(id: id) else { throw MindbeatError.internal("account \(id) vanished") }
            return account
        }
    }

    /// Every account, or those of one role (admin).
    public func listAccounts(token: String?, role: Role?) throws -> [Account] {
        try read(token) { actor in
            guard actor.isAdmin else { throw MindbeatError.forbidden("listing accounts needs the admin right") }
            return try store.accounts(role: role)
        }
    }

    /// Shows, or updates and shows, the caller's own profile. A double optional
    /// is "leave alone" (nil), "clear" (.some(nil)) or "set".
    public func profile(token: String?, phone: String?? = nil, zoom: String?? = nil) throws -> Account {
        if phone == nil && zoom == nil { return try read(token) { $0 } }
        return try write(token) { actor in
            try store.updateProfile(accountID: actor.id, phone: phone, zoom: zoom)
            return try store.account(id: actor.id) ?? actor
        }
    }

    /// My Members: a coach's members or a manager's reports, with their next
    /// session and how many were held and missed.
    public func members(token: String?) throws -> [MemberSummary] {
        try read(token) { actor in
            let people: [Account]
            let access: SessionAccess
            switch actor.role {
            case .coach:
                people = try store.accounts(coachedBy: actor.id)
                access = .party(.coach)
            case .manager:
                people = try store.accounts(managedBy: actor.id)
                access = .lineManager
            case .member:
                throw MindbeatError.forbidden("members is for coaches and line managers")
            }
            return try people.map { person in
                let counts = try store.attendanceCounts(memberID: person.id)
                var next = try store.nextSession(memberID: person.id).map { SessionView(session: $0, access: access) }
                // A member's next session may be with someone other than this coach
                // only if their coach changed; show it only to its parties.
                if let view = next, access == .party(.coach), view.session.coach.id != actor.id { next = nil }
                return MemberSummary(account: person, nextSession: next, held: counts.held, missed: counts.missed)
            }
        }
    }
}
