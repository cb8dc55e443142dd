/// Where mindbeat keeps its data, whatever the engine.
///
/// The service never sees a connection or a query language: it hands a
/// closure to `read` or `write` and queries only through the transaction
/// value it is given, so nothing can query outside a transaction. A backend
/// (SQLite today) implements this protocol and the two transaction protocols
/// below, classifies its own failures into `MindbeatError.database`, and keeps
/// every query and every engine type to itself.
public protocol Store: AnyObject {
    /// The id of this database, which logins (and, later, calendar UIDs and
    /// SSH key lines) are tied to: it moves with the data, not with the file.
    var installID: String { get }

    /// How the database is named in messages: a path, or a URI without its
    /// password.
    var location: String { get }

    /// How many seconds the database server's clock is ahead of this
    /// machine's, read when the store opened: with a server, now is the
    /// server's (SPEC §12). Zero for a file.
    var clockOffset: Int64 { get }

    /// Runs `body` in one read transaction: one consistent view of the data.
    /// Whatever `body` throws that is not a `MindbeatError` is the backend's
    /// failure, classified.
    func read<T>(_ body: (any StoreReader) throws -> T) throws(MindbeatError) -> T

    /// Runs `body` in one write transaction that commits when `body` returns
    /// and rolls back when it throws, so a refused command writes nothing.
    ///
    /// Write transactions must be serializable: the service checks and then
    /// writes (no overlap, feedback once, one unsent notice), and relies on no
    /// other write coming between. SQLite gives that with `BEGIN IMMEDIATE`
    /// (one writer at a time); another engine must give it too, retrying a
    /// serialization failure itself, and report a wait past its timeout as
    /// `.busy`.
    func write<T>(_ body: (any StoreWriter) throws -> T) throws(MindbeatError) -> T

    /// How many write transactions this store has committed: a command that
    /// cannot print its result says whether its change was saved all the same.
    var committedWrites: Int { get }

    /// A feed of the changes other processes commit from now on, for a
    /// command that watches or waits (SPEC §13). SQLite polls its
    /// `data_version` on this connection; a server engine listens for a
    /// notification. Either way a waiting command costs next to no CPU.
    func changes() throws(MindbeatError) -> any ChangeFeed
}

/// Why `ChangeFeed.wait` returned.
public enum Wake: Equatable, Sendable {
    /// Another process committed a change since the last wake.
    case changed
    /// The time given passed with no change.
    case timedOut
    /// A signal arrived: the caller looks at what it was.
    case interrupted
    /// The descriptor the caller asked to be watched hung up or failed (the
    /// reader of its output went away).
    case hungUp
}

/// Changes to the database committed by others, as they happen.
public protocol ChangeFeed: AnyObject {
    /// Blocks for at most `milliseconds` of real time, until another process
    /// commits a change, a signal arrives or `hangUp` (when given) hangs up.
    /// A change made before this call and after the last wake (or the feed's
    /// start) is reported at once.
    func wait(milliseconds: Int, hangUp: Int32?) throws(MindbeatError) -> Wake
}

/// The queries of a transaction.
public protocol StoreReader {
    /// Whether the database was made with `init --sandbox` (SPEC §11): its
    /// clock may be set from the server's environment.
    func isSandbox() throws -> Bool

    // Accounts and logins
    func accountCount() throws -> Int64
    func account(id: Int64) throws -> Account?
    /// Compared case-insensitively.
    func account(email: String) throws -> Account?
    func passwordHash(email: String) throws -> (accountID: Int64, hash: String)?
    func passwordHash(accountID: Int64) throws -> String?
    /// The last time an admin took the account over, of each kind, oldest first.
    func lastTakeovers(accountID: Int64) throws -> [Takeover]
    func takeover(id: Int64) throws -> Takeover?
    /// Accounts, optionally of one role, by name then email.
    func accounts(role: Role?) throws -> [Account]
    /// A coach's members, by name then email.
    func accounts(coachedBy coachID: Int64) throws -> [Account]
    /// A line manager's reports, by name then email.
    func accounts(managedBy managerID: Int64) throws -> [Account]
    /// The account a login token belongs to, the token's expiry and whether
    /// it was revoked: one lookup, made in every transaction that acts for
    /// someone.
    func login(tokenHash: [UInt8]) throws -> (account: Account, expiresAt: Instant, revoked: Bool)?

    // Sessions
    func session(id: Int64) throws -> Session?
    /// The sessions `accountID` takes part in or oversees as line manager, in
    /// the scope and window asked for: upcoming oldest first, past newest
    /// first, all oldest first.
    func sessions(visibleTo accountID: Int64, scope: SessionScope, memberID: Int64?, from: Instant?, to: Instant?) throws -> [Session]
    /// Whether an open session of the coach or the member, other than
    /// `except`, overlaps [start, end).
    func hasOverlap(coachID: Int64, memberID: Int64, start: Instant, end: Instant, except: Int64?) throws -> Bool
    /// A coach's or member's open sessions that overlap [start, end).
    func overlappingSessions(coachID: Int64, memberID: Int64, start: Instant, end: Instant) throws -> [Session]
    /// A member's next open session.
    func nextSession(memberID: Int64) throws -> Session?
    /// How many of a member's sessions were held and missed, and their
    /// current engagement: its bank, what it used, what is booked, and the
    /// member's changes in it (SPEC §9).
    func standing(memberID: Int64) throws -> MemberStanding
    /// A session's chat messages after the one with id `after` (0: all),
    /// in the order they were sent.
    func chatMessages(sessionID: Int64, after: Int64) throws -> [ChatMessage]
    func contactAttempts(sessionID: Int64) throws -> [ContactAttempt]

    // Notes: candidates only; `NoteVisibility` decides who sees what.
    func note(id: Int64) throws -> Note?
    /// Notes that may concern `readerID`: written by them, about them, or on a
    /// session they are a party to; optionally about one member or on one
    /// session. Oldest first.
    func candidateNotes(for readerID: Int64, memberID: Int64?, sessionID: Int64?) throws -> [Note]
    func hasSharedNotes(sessionID: Int64, authorID: Int64) throws -> Bool

    // Feedback
    /// Feedback on a session, by everyone or by one author.
    func feedback(sessionID: Int64, authorID: Int64?) throws -> [Feedback]
    /// Held sessions of a party that they have not left feedback on, newest first.
    func sessionsAwaitingFeedback(from accountID: Int64) throws -> [Session]

    // SSH keys (team mode)
    /// The live key with this blob: what sshd's AuthorizedKeysCommand asks.
    func liveKey(blob: [UInt8]) throws -> (id: Int64, type: String)?
    /// The key a forced command names, removed or not, with its account.
    func keyLogin(id: Int64) throws -> KeyLogin?
    /// An account's live keys, oldest first.
    func keys(ownedBy accountID: Int64) throws -> [RegisteredKey]
    /// The live key with this fingerprint.
    func liveKey(fingerprint: String) throws -> RegisteredKey?

    // Notices
    /// Every notice, oldest first, leaving out those about the sessions of
    /// `managerID`'s reports (the line-manager rule wins over the admin right).
    func notices(hidingReportsOf managerID: Int64) throws -> [Notice]
    /// Whether a notice of this kind for this session still waits to be sent.
    func hasUnsentNotice(recipientID: Int64, sessionID: Int64, kind: NoticeKind) throws -> Bool

    // The session log and reports (SPEC §14)
    /// A session's events, in the order they were appended.
    func events(sessionID: Int64) throws -> [SessionEvent]
    /// A report's counts, one row per period and person, ordered by period,
    /// then coach email, then member email.
    func reportRows(_ query: ReportQuery) throws -> [ReportRow]
}

extension StoreReader {
    /// A member's current engagement.
    public func engagement(memberID: Int64) throws -> Engagement { try standing(memberID: memberID).engagement }
}

/// The changes a write transaction can make.
public protocol StoreWriter: StoreReader {
    /// Marks the database as a sandbox, for good: nothing unmarks it.
    func markSandbox() throws

    // Accounts and logins
    func insertAccount(_ account: NewAccountRecord, at now: Instant) throws -> Int64
    /// A double optional is "leave alone" (nil), "clear" (.some(nil)) or "set".
    func updateProfile(accountID: Int64, phone: String??, zoom: String??) throws
    func insertKey(_ key: PublicKey, accountID: Int64, addedBy: Int64, at now: Instant) throws -> Int64
    func removeKey(id: Int64, at now: Instant) throws
    /// Sets the password hash, and whether its owner must change it.
    func setPassword(accountID: Int64, hash: String, mustChange: Bool) throws
    /// Records that an admin took an account over; returns its id, for the
    /// account notice that tells the owner.
    func recordTakeover(accountID: Int64, by adminID: Int64, kind: TakeoverKind, at now: Instant) throws -> Int64
    /// The `account` notice about one takeover, to the account's owner.
    func queueAccountNotice(recipientID: Int64, takeoverID: Int64, dueAt: Instant, at now: Instant) throws
    func insertToken(hash: [UInt8], accountID: Int64, at now: Instant, expiresAt: Instant) throws
    func revokeToken(hash: [UInt8], at now: Instant) throws
    /// Revokes every live token of an account but one.
    func revokeTokens(accountID: Int64, except keep: [UInt8]?, at now: Instant) throws

    // Sessions
    func insertSession(_ new: NewSession, at now: Instant) throws -> Int64
    /// Writes the protocol state of a session back.
    func updateSessionState(_ session: Session) throws
    /// Moves a scheduled session, one step further in its sequence.
    func moveSession(id: Int64, startsAt: Instant, durationMinutes: Int64) throws
    /// Cancels a scheduled session, one step further in its sequence.
    func cancelSession(id: Int64, status: SessionStatus, by accountID: Int64, reason: String?, at now: Instant) throws
    /// Records a cancellation or a reschedule.
    func recordChange(_ change: SessionChange, at now: Instant) throws
    /// Starts a new engagement for a member, with a bank of `sessions`.
    func startEngagement(memberID: Int64, sessions: Int64, by accountID: Int64, at now: Instant) throws -> Int64
    func insertChatMessage(sessionID: Int64, authorID: Int64, text: String, at now: Instant) throws
    func insertContactAttempt(sessionID: Int64, via: ContactMethod, note: String?, at now: Instant) throws

    // Notes and feedback
    func insertNote(authorID: Int64, memberID: Int64, sessionID: Int64?, visibility: Visibility, body: String, at now: Instant) throws -> Int64
    func insertFeedback(sessionID: Int64, authorID: Int64, rating: Int64, comment: String?, at now: Instant) throws

    // Notices
    func queueNotice(recipientID: Int64, sessionID: Int64?, kind: NoticeKind, dueAt: Instant, at now: Instant) throws
    /// Queues a notice that carries a calendar invitation (`scheduled`,
    /// `rescheduled`, `cancelled`), built by the caller.
    func queueInvitation(recipientID: Int64, sessionID: Int64, kind: NoticeKind, invitation: String, at now: Instant) throws
    /// Withdraws the pending and failed notices of these kinds about a
    /// session: they will never be sent. Returns the kind of each.
    @discardableResult
    func withdrawNotices(sessionID: Int64, kinds: [NoticeKind]) throws -> [NoticeKind]
    /// Withdraws the pending and failed `upcoming` notices of every session
    /// that has started by `now`; returns the session of each.
    func withdrawUpcoming(startedBy now: Instant) throws -> [Int64]
    /// Marks every due, unsent notice that no live run holds as claimed by
    /// `claim`, and returns them. A claim made at or before `staleBefore` is
    /// taken over: its sender died.
    func claimDueNotices(now: Instant, staleBefore: Instant, claim: String) throws -> [Notice]
    /// Records a delivery attempt, if the claim is still this run's, and
    /// renews the run's claims on the notices it has yet to deliver.
    /// Returns whether it was recorded (the claim was still this run's).
    @discardableResult
    func recordDelivery(noticeID: Int64, claim: String, error: String?, at now: Instant) throws -> Bool

    /// Appends one event to a session's log. Events are never updated or
    /// deleted: the store refuses it, whoever asks.
    func appendEvent(_ event: NewEvent) throws
}

/// An account as it is stored.
public struct NewAccountRecord: Sendable {
    public let email: String
    public let name: String
    public let role: Role
    public let isAdmin: Bool
    public let passwordHash: String
    public let phone: String?
    public let zoom: String?
    public let coachID: Int64?
    public let managerID: Int64?
}

extension Store {
    public var clockOffset: Int64 { 0 }
}

/// Opens the store a location names: a `postgres://` or `postgresql://` URI
/// is PostgreSQL (SPEC §12), anything else a SQLite path. The command line
/// never names a backend.
public enum Stores {
    /// Whether `location` names a PostgreSQL database.
    public static func isServer(_ location: String) -> Bool { PostgresStore.isURI(location) }

    /// How `location` is shown in messages: a URI without its password.
    public static func shown(_ location: String) -> String {
        PostgresStore.isURI(location) ? PostgresStore.redacted(location) : location
    }

    /// Opens an existing mindbeat database for any command but `init`.
    /// `operatorUID`: for an operator's command, the user it runs as, who
    /// must own the database file or be root (else `.notOwner`).
    /// A server database has no file to own: its roles and grants decide.
    public static func open(_ location: String, operatorUID: UInt32? = nil) throws(MindbeatError) -> any Store {
        if PostgresStore.isURI(location) { return try PostgresStore.open(uri: location) }
        return try SQLiteStore.open(path: location, operatorUID: operatorUID)
    }

    /// Creates a new database for `init` and runs `fill` on it (the first
    /// account, its login) before it appears at `location`: whole, or not at
    /// all when `fill` throws. Whatever is at `location` already, or gets
    /// there first, is refused as `refuseExisting` says: a new database
    /// never takes over a file it did not create. The store `fill` is given
    /// is closed when it returns (open `location` to go on); returns what
    /// `fill` returned.
    public static func create<T>(_ location: String, fill: (any Store) throws -> T) throws -> T {
        if PostgresStore.isURI(location) { return try PostgresStore.create(uri: location) { store in try fill(store) } }
        return try SQLiteStore.create(path: location) { store in try fill(store) }
    }

    /// Creates an empty database (no accounts) and opens it, for tests of
    /// the store.
    public static func create(_ location: String) throws(MindbeatError) -> any Store {
        do {
            try create(location) { _ in }
            return try open(location)
        } catch let error as MindbeatError {
            throw error
        } catch {
            throw .internal("\(error)")
        }
    }

    /// Refuses, for `init`, whatever is at `location` already: a mindbeat
    /// database with accounts as a refusal (`databaseHasAccounts`); an empty
    /// file, a symbolic link, a database without accounts as `.exists`;
    /// anything else as opening it would (`.notAFile`, `.foreign`,
    /// `.writableByOthers`, …). Nothing there: returns.
    public static func refuseExisting(_ location: String) throws(MindbeatError) {
        if PostgresStore.isURI(location) { return try PostgresStore.refuseExisting(location) }
        try SQLiteStore.refuseExisting(location)
    }
}
