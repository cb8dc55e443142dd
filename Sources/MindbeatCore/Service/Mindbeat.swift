/// The rules of mindbeat over one store, a clock and a local zone.
///
/// Each public method is one command's worth of work in one transaction: it
/// checks visibility (not found), then role (permission), then the protocol
/// (refusal), and only then writes. Anything thrown rolls the transaction
/// back, so a refused command changes nothing. The caller is an `Actor`,
/// which only `authenticate` makes: a method that acts for someone cannot be
/// reached without a login.
public final class Mindbeat {
    public let store: any Store
    public let clock: any Clock
    public let zone: any LocalZone
    /// A calendar event's description for a party of the session (how to
    /// join it): words, which are the caller's.
    public let eventDescription: @Sendable (Session) -> String

    public init(store: any Store, clock: any Clock, zone: any LocalZone,
                eventDescription: @escaping @Sendable (Session) -> String = { "Session \($0.id)" }) {
        self.store = store
        self.clock = clock
        self.zone = zone
        self.eventDescription = eventDescription
    }

    /// Now, by the clock. A command's clock is stopped at the instant the
    /// command started (`FixedClock`), so it decides, stores and prints one
    /// instant; only long-running commands (`outbox send`) are given one that runs.
    var now: Instant { clock.now() }

    /// How long a login lasts.
    public static let tokenLifetimeSeconds: Int64 = Policy.loginLifetimeDays * 86_400

    /// The account a credential belongs to, if it is known, live and unexpired.
    /// An account whose password an admin reset is signed in too: what it may
    /// do is decided by each transaction (`verify`).
    public func authenticate(_ credential: Credential) throws -> Actor {
        try store.read { tx in Actor(account: try verify(credential, tx, duringPasswordChange: true), credential: credential) }
    }

    /// The credential's account as it is in this transaction: every
    /// transaction that acts for someone checks the credential again, so a
    /// login revoked or expired after the command signed in stops it there.
    ///
    /// A password login of an account whose password an admin reset may only
    /// change it, log out and ask who it is (`duringPasswordChange`): the
    /// one-time password is not a login to work with.
    func verify(_ credential: Credential, _ tx: any StoreReader, duringPasswordChange: Bool = false) throws -> Account {
        switch credential {
        case .token(let token):
            guard !token.isEmpty, let login = try tx.login(tokenHash: Secrets.tokenHash(token)) else {
                throw MindbeatError.notLoggedIn
            }
            guard !login.revoked, now < login.expiresAt else { throw MindbeatError.loginExpired }
            if login.account.mustChangePassword && !duringPasswordChange { throw MindbeatError.mustChangePassword }
            return login.account
        case .key(let id):
            // A key is a credential of its own: a password reset does not touch it.
            guard let login = try tx.keyLogin(id: id) else { throw MindbeatError.notLoggedIn }
            guard !login.removed else { throw MindbeatError.keyRemoved }
            return login.account
        }
    }

    /// Runs `body` for the actor inside one write transaction, with their
    /// account as it is now.
    func write<T>(_ actor: Actor, duringPasswordChange: Bool = false, _ body: (any StoreWriter, Account) throws -> T) throws -> T {
        try store.write { tx in try body(tx, try verify(actor.credential, tx, duringPasswordChange: duringPasswordChange)) }
    }

    /// Runs `body` for the actor inside one read transaction, with their
    /// account as it is now.
    func read<T>(_ actor: Actor, duringPasswordChange: Bool = false, _ body: (any StoreReader, Account) throws -> T) throws -> T {
        try store.read { tx in try body(tx, try verify(actor.credential, tx, duringPasswordChange: duringPasswordChange)) }
    }
}

/// What a caller proves who they are with.
public enum Credential: Equatable, Sendable {
    /// A login token from `login` (the stored one, or `MINDBEAT_TOKEN`).
    case token(String)
    /// A registered SSH key, by its id: team mode's forced command (§11).
    case key(Int64)
}

/// A caller whose credential `Mindbeat.authenticate` has checked: the only
/// way to act as someone.
public struct Actor: Sendable {
    /// The account, as it was when the credential was checked.
    public let account: Account
    public let credential: Credential

    init(account: Account, credential: Credential) {
        self.account = account
        self.credential = credential
    }
}

/// What the caller may see of a session.
public enum SessionAccess: Equatable, Sendable {
    /// The coach or the member: the whole session, per the protocol.
    case party(Party)
    /// The member's line manager: attendance fields only.
    case lineManager
}

/// A session as one caller sees it.
public struct SessionView: Equatable, Sendable {
    public let session: Session
    public let access: SessionAccess
}

extension Mindbeat {
    /// Who `actor` is to the session: a party, the member's line manager, or
    /// nobody — and then it does not exist for them.
    func access(to session: Session?, id: Int64, for actor: Account) throws -> (Session, SessionAccess) {
        guard let session else { throw MindbeatError.notFound(.session(id)) }
        if let party = session.party(of: actor.id) { return (session, .party(party)) }
        if session.isManagedBy(actor.id) { return (session, .lineManager) }
        throw MindbeatError.notFound(.session(id))
    }

    /// The caller's side of a session they must be a party to; a line manager
    /// is refused for their role.
    func party(in id: Int64, for actor: Account, doing what: Activity, _ tx: any StoreReader) throws -> (Session, Party) {
        let (session, access) = try access(to: try tx.session(id: id), id: id, for: actor)
        switch access {
        case .party(let party): return (session, party)
        case .lineManager: throw MindbeatError.forbidden(.lineManager(what))
        }
    }

    /// The session, for its coach only.
    func coachOf(_ id: Int64, for actor: Account, doing what: Activity, _ tx: any StoreReader) throws -> Session {
        let (session, party) = try party(in: id, for: actor, doing: what, tx)
        guard party == .coach else { throw MindbeatError.forbidden(.coachOnly(session: id, what)) }
        return session
    }

    /// The one "is this my member" rule: a coach's own member, a line
    /// manager's report, or the caller themselves. Anything else — another
    /// coach's member, or an address with no account — is the same "not
    /// found", so no answer tells a caller which accounts exist.
    func memberOf(_ email: String, for actor: Account, _ tx: any StoreReader) throws -> Account {
        guard let person = try tx.account(email: email), person.role == .member,
              person.id == actor.id || person.coachID == actor.id || person.managerID == actor.id
        else { throw MindbeatError.notFound(.member(email)) }
        return person
    }
}
