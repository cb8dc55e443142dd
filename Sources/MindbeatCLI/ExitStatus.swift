import MindbeatCore

/// mindbeat's exit statuses (sysexits.h values). The one mapping from errors
/// to statuses lives here, and the EXIT STATUS sections of the help and the
/// man pages are written from `allCases`.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case refused = 1
    case usage = 64
    case dataError = 65
    case notFound = 66
    case software = 70
    case cannotCreate = 73
    case ioError = 74
    case temporaryFailure = 75
    case permission = 77

    /// What the status means, for the documentation.
    public var meaning: String {
        switch self {
        case .success: return "success"
        case .refused: return "refused: a valid request that the protocol or the current state forbids now; the message says why and what would allow it"
        case .usage: return "usage: a bad command line, an unknown command or option, an invalid value, an invalid MINDBEAT_NOW"
        case .dataError: return "bad data: an empty or too large note body, a file that is not a mindbeat database, a database from a newer mindbeat, a corrupt database"
        case .notFound: return "not found, or not visible to you; also a database that does not exist yet (run mindbeat init)"
        case .software: return "internal error (a bug in mindbeat)"
        case .cannotCreate: return "the database or its directory cannot be created"
        case .ioError: return "I/O error: a full disk, unwritable output"
        case .temporaryFailure: return "temporary failure, try again: the database stayed busy past its timeout, a notice failed delivery"
        case .permission: return "permission: not logged in, wrong email or password, an expired or revoked login, a role that may not do this"
        }
    }
}

/// A failure of the command line itself, before the core is reached.
struct UsageError: Error {
    let lines: [String]
    init(_ lines: String...) { self.lines = lines }
    init(lines: [String]) { self.lines = lines }
}

/// A failure to write output.
struct OutputError: Error {
    let message: String?
}

extension ExitStatus {
    /// The status and the stderr lines (without the `mindbeat: ` prefix) for
    /// any error a command can throw.
    static func describe(_ error: any Error, zone: any LocalZone, now: Instant) -> (ExitStatus, [String]) {
        switch error {
        case let error as UsageError:
            return (.usage, error.lines)
        case let error as DeliveryFailures:
            return (.temporaryFailure, ["\(error.count) notice\(error.count == 1 ? "" : "s") could not be delivered; the next run tries again (mindbeat outbox lists the errors)"])
        case let error as EditorFailure:
            return (.refused, [error.message])
        case let error as OutputError:
            return (.ioError, error.message.map { [$0] } ?? [])
        case let error as MindbeatError:
            return describe(error, zone: zone, now: now)
        case let error as DatabaseError:
            return describe(Store.classify(error, path: "the database"), zone: zone, now: now)
        default:
            return (.software, ["internal error: \(error)"])
        }
    }

    static func describe(_ error: MindbeatError, zone: any LocalZone, now: Instant) -> (ExitStatus, [String]) {
        switch error {
        case .usage(let message):
            return (.usage, [message])
        case .invalidValue(let option, let problem):
            return (.usage, ["\(option) \(problem)"])
        case .badData(let message):
            return (.dataError, [message])
        case .notADatabase(let path):
            return (.dataError, ["\(path) is not a mindbeat database; it was left untouched"])
        case .newerDatabase(let path, let version):
            return (.dataError, ["\(path) was written by a newer mindbeat (schema \(version)); upgrade mindbeat to use it. It was left untouched"])
        case .corruptDatabase(let path):
            return (.dataError, ["\(path) is damaged (SQLite reports corruption)"])
        case .databaseMissing(let path):
            return (.notFound, ["no mindbeat database at \(path); create one with: mindbeat init --name NAME --email EMAIL"])
        case .cannotCreate(let path, let reason):
            return (.cannotCreate, ["cannot create \(path): \(reason)"])
        case .io(let message):
            return (.ioError, [message])
        case .busy:
            return (.temporaryFailure, ["the database is busy (another mindbeat is writing to it); try again"])
        case .notLoggedIn:
            return (.permission, ["not logged in; run: mindbeat login EMAIL"])
        case .loginExpired:
            return (.permission, ["your login has expired or was revoked; run: mindbeat login EMAIL"])
        case .wrongCredentials:
            return (.permission, ["wrong email or password"])
        case .forbidden(let message):
            return (.permission, [message])
        case .notFound(let message):
            return (.notFound, [message])
        case .refused(let refusal):
            return (.refused, [refusal.message(zone: zone, now: now)])
        case .internal(let message):
            return (.software, ["internal error: \(message)"])
        }
    }
}
