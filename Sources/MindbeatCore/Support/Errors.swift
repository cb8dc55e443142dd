/// A value from outside that does not fit; the command line names the option
/// or argument it came from.
public struct InvalidValue: Error, Equatable, Sendable {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
}

/// Everything the core refuses or fails at, by kind. The command line maps each
/// kind to one exit status, in one place.
public enum MindbeatError: Error, Equatable, Sendable {
    /// A request that cannot be understood: a missing or conflicting option the
    /// core detects (64).
    case usage(String)
    /// A value that does not fit its option (64).
    case invalidValue(option: String, problem: String)
    /// Data that cannot be accepted, such as an empty note (65).
    case badData(String)
    /// The file is not a mindbeat database (65).
    case notADatabase(path: String)
    /// The database was written by a newer mindbeat (65).
    case newerDatabase(path: String, version: Int64)
    /// The database is damaged (65).
    case corruptDatabase(path: String)
    /// No database at the path yet (66).
    case databaseMissing(path: String)
    /// The database or its directory cannot be created (73).
    case cannotCreate(path: String, reason: String)
    /// Reading or writing failed (74).
    case io(String)
    /// Another process holds the database past the busy timeout (75).
    case busy
    /// No login for this database (77).
    case notLoggedIn
    /// The login token expired or was revoked (77).
    case loginExpired
    /// Wrong email or password; the same for both (77).
    case wrongCredentials
    /// The caller's role or rights do not allow this (77).
    case forbidden(String)
    /// Absent, or not visible to the caller (66).
    case notFound(String)
    /// Valid, but the rules or the current state forbid it now (1).
    case refused(Refusal)
    /// A bug (70).
    case `internal`(String)
}
