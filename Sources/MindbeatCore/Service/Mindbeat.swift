/// The rules of mindbeat over one database, a clock and a local zone.
///
/// Each public method is one command's worth of work in one transaction: it
/// authenticates the caller's token, checks visibility (not found), then role
/// (permission), then the protocol (refusal), and only then writes. Anything
/// thrown rolls the transaction back, so a refused command changes nothing.
public final class Mindbeat {
    public let store: Store
    public let clock: any Clock
    public let zone: any LocalZone

    /// How long a login lasts.
    public static let tokenLifetimeSeconds: Int64 = 30 * 86_400

    public init(store: Store, clock: any Clock, zone: any LocalZone) {
        self.store = store
        self.clock = clock
        self.zone = zone
    }

    var now: Instant { clock.now() }

    /// Runs `body` as the token's account inside one write transaction.
    func write<T>(_ token: String?, _ body: (Account) throws -> T) throws -> T {
        try guarded { try store.database.write { _ in try body(try authenticate(token)) } }
    }

    /// Runs `body` as the token's account inside one read transaction.
    func read<T>(_ token: String?, _ body: (Account) throws -> T) throws -> T {
        try guarded { try store.database.read { _ in try body(try authenticate(token)) } }
    }

    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw Store.classify(error, path: store.database.path) }
    }

    /// The account a login token belongs to, if it is known, live and unexpired.
    func authenticate(_ token: String?) throws -> Account {
        guard let token, !token.isEmpty else { throw MindbeatError.notLoggedIn }
        guard let record = try store.token(hash: Secrets.tokenHash(token)) else { throw MindbeatError.notLoggedIn }
        guard !record.revoked, now < record.expiresAt else { throw MindbeatError.loginExpired }
        guard let account = try store.account(id: record.accountID) else { throw MindbeatError.notLoggedIn }
        return account
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
        guard let session else { throw MindbeatError.notFound("no session \(id)") }
        if let party = session.party(of: actor.id) { return (session, .party(party)) }
        if session.isManagedBy(actor.id) { return (session, .lineManager) }
        throw MindbeatError.notFound("no session \(id)")
    }

    /// The caller's side of a session they must be a party to; a line manager
    /// is refused for their role.
    func party(in id: Int64, for actor: Account, doing what: String) throws -> (Session, Party) {
        let (session, access) = try access(to: try store.session(id: id), id: id, for: actor)
        switch access {
        case .party(let party): return (session, party)
        case .lineManager:
            throw MindbeatError.forbidden("line managers see the attendance of their reports' sessions only; they cannot \(what)")
        }
    }

    /// The session, for its coach only.
    func coachOf(_ id: Int64, for actor: Account, doing what: String) throws -> Session {
        let (session, party) = try party(in: id, for: actor, doing: what)
        guard party == .coach else { throw MindbeatError.forbidden("only the coach of session \(id) can \(what)") }
        return session
    }
}
