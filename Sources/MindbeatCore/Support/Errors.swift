/// A value from outside that does not fit; the command line names the option
/// or argument it came from.
public struct InvalidValue: Error, Equatable, Sendable {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
}

/// Everything the core refuses or fails at, as data. The command line turns
/// each into words and one exit status, in one place; nothing here speaks of
/// options or commands.
public enum MindbeatError: Error, Equatable, Sendable {
    /// A request the core cannot act on as asked (64).
    case incomplete(Incomplete)
    /// A body that cannot be accepted (65).
    case badBody(BodyProblem)
    /// The database could not be used (65, 66, 73, 74, 75 by problem).
    case database(DatabaseProblem, location: String)
    /// No login (77).
    case notLoggedIn
    /// The login expired or was revoked (77).
    case loginExpired
    /// Wrong email or password; the same for both (77).
    case wrongCredentials
    /// The SSH key a forced command names was removed (77).
    case keyRemoved
    /// `passwd` was given a current password that is not the account's (77).
    case wrongCurrentPassword
    /// The account's password was reset by an admin: until its owner sets
    /// their own, a password login may only change it, log out or look (77).
    case mustChangePassword
    /// A new password the policy refuses for this account: it holds the
    /// account's name or email (64).
    case unacceptablePassword(InvalidValue)
    /// The caller's role or rights do not allow this (77).
    case forbidden(Forbidden)
    /// Absent, or not visible to the caller: one answer for both (66).
    case notFound(Missing)
    /// Valid, but the rules or the current state forbid it now (1).
    case refused(Refusal)
    /// A bug (70).
    case `internal`(String)
}

/// A request that lacks something only the caller can say.
public enum Incomplete: Equatable, Sendable {
    /// Who the session is with: a coach or admin names the member.
    case memberNotNamed
    /// An admin who is not a coach names the coach.
    case coachNotNamed
    /// A new member needs a coach, and the caller is not one.
    case memberNeedsCoach
    /// A coach or a line manager was given for an account that is not a member.
    case coachOrManagerOfNonMember
    /// A session would end after the last time mindbeat can write,
    /// 9999-12-31T23:59:59Z.
    case endsOutOfRange
    /// A coach or an admin cancels only with a reason (SPEC §9).
    case reasonRequired
    /// A session of a series falls on a local time that does not exist, is
    /// ambiguous, or is out of range: the whole series is an invalid TIME.
    case invalidSeries(InvalidValue)
    /// A report's range holds no time: `from` is not before `to` (which the
    /// caller gave, or is now).
    case emptyReport(from: Instant, to: Instant, toGiven: Bool)
    /// A report's range has more periods than `Policy.longestReportPeriods`.
    case tooManyPeriods(Int64, ReportInterval)
}

/// Why a body was not saved.
public enum BodyProblem: Equatable, Sendable {
    case empty
    /// Larger than the limit, in bytes (nil when it was not all read).
    case tooLarge(bytes: Int?)
}

/// What went wrong with the database itself.
public enum DatabaseProblem: Equatable, Sendable {
    /// There is no mindbeat database there yet (66; `init` creates one).
    case missing
    /// It is not a mindbeat database; it was left untouched (65).
    case foreign
    /// It is not a regular file (a FIFO, a device, a directory), so it was
    /// never opened: opening a FIFO would wait for ever (65).
    case notAFile
    /// `init` found something at the path: it creates a new file and never
    /// takes over one it did not create (73).
    case exists
    /// `path` (the database file, a file SQLite keeps beside it, or its
    /// directory) may be written by other users, so the data cannot be
    /// trusted (77). `sharedDirectory`: it is a directory everyone may create
    /// files in (sticky, like /tmp), which no `chmod` should fix.
    case writableByOthers(path: String, sharedDirectory: Bool)
    /// An operator's command run by someone who neither owns the database
    /// file (whose owner is `owner`) nor is root (77).
    case notOwner(owner: UInt32)
    /// Written by a newer mindbeat, at this schema version (65).
    case newer(version: Int64)
    /// Damaged (65).
    case corrupt
    /// It cannot be created, and why (73).
    case cannotCreate(reason: String)
    /// Reading or writing failed: a full disk, a read-only file (74).
    case io(String)
    /// Another process held it past the busy timeout (75).
    case busy
    /// The database server cannot be reached, or went away; why, in the
    /// client library's words, never with a password (75).
    case unreachable(String)
    /// A PostgreSQL URI libpq cannot parse, and why (64).
    case invalidURI(String)
}

/// Something a command does, as refusals and permissions name it.
public enum Activity: Equatable, Sendable {
    case attend, chat, readChat, contact, switchChannel, end, wait
    case writeNotes, readNotes, writeProfileNotes
    case leaveFeedback, readFeedback
    case schedule, addAccounts, grantAdmin, listAccounts, resetPasswords, readOutbox, listMembers, manageKeys
    case seeStatus(session: Int64)
    case cancel, reschedule, setBank
    case readLog
}

/// Why the caller's role or rights do not allow something.
public enum Forbidden: Equatable, Sendable {
    /// Line managers see attendance only.
    case lineManager(Activity)
    /// Only the session's coach may do this.
    case coachOnly(session: Int64, Activity)
    /// A member may do this for themselves only.
    case memberForThemselves(Activity)
    /// A member schedules with their own coach only.
    case memberWithOwnCoach
    /// A coach may do this for themselves (their own sessions, their own members) only.
    case coachForThemselves(Activity)
    /// It needs the admin right.
    case needsAdmin(Activity)
    /// It is for coaches (and, where said, line managers).
    case coachesOnly(Activity)
    /// An admin adds only an account's first SSH key; after that, its owner does.
    case firstKeyOnly
    /// Signed in with an SSH key, an admin does not reset their own password:
    /// the key would let whoever holds it take the password login too.
    case ownResetWithKey
}

/// What was not found (or is not visible: the same answer).
public enum Missing: Equatable, Sendable {
    case session(Int64)
    /// No member of the caller's with this email.
    case member(String)
    /// No member account with this email (for an admin, who may name anyone's).
    case memberAccount(String)
    /// No coach with this email.
    case coach(String)
    /// No line manager with this email.
    case manager(String)
    /// No account with this email.
    case account(String)
    /// An SSH key, by fingerprint.
    case key(String)
}
