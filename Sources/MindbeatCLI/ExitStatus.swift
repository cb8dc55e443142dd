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
        case .usage: return "usage: a bad command line, an unknown command or option, an invalid value, an invalid MINDBEAT_NOW or MINDBEAT_CLOCK_RATE"
        case .dataError: return "bad data: an empty or too large note body, a file that is not a mindbeat database (or not a regular file at all), a database from a newer mindbeat, a corrupt database"
        case .notFound: return "not found, or not visible to you; also a database that does not exist yet (run mindbeat init)"
        case .software: return "internal error (a bug in mindbeat)"
        case .cannotCreate: return "the database or its directory cannot be created; init also refuses a file at the path that it did not create"
        case .ioError: return "I/O error: a full disk, unwritable output (when the command had already saved its change, the message says so)"
        case .temporaryFailure: return "temporary failure, try again: the database stayed busy past its timeout, a notice failed delivery, wait past its --timeout, a server that cannot be reached"
        case .permission: return "permission: not logged in, wrong email or password, an expired or revoked login, a role that may not do this, a database or state directory that others may write, outbox send by anyone but the database's owner or root"
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

/// A failure of the command line's own work, outside the core.
enum CommandFailure: Error {
    /// Reading or writing a file of its own failed (74).
    case io(String)
    /// The state forbids it for good (exit 1): `wait` for a condition that
    /// can no longer hold.
    case refused(String)
    /// A file or directory of its own is not safe to use: others may write
    /// it, or it is not the user's (77).
    case unsafe(String)
    /// Something it needs cannot be reached now: an SSH host (75).
    case unavailable(String)
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
        case let error as CommandFailure:
            switch error {
            case .io(let message): return (.ioError, [message])
            case .refused(let message): return (.refused, [message])
            case .unsafe(let message): return (.permission, [message])
            case .unavailable(let message): return (.temporaryFailure, [message])
            }
        case let error as MindbeatError:
            return describe(error, zone: zone, now: now)
        default:
            return (.software, ["internal error: \(error)"])
        }
    }

    static func describe(_ error: MindbeatError, zone: any LocalZone, now: Instant) -> (ExitStatus, [String]) {
        switch error {
        case .incomplete(let what):
            return (.usage, [Phrases.incomplete(what)])
        case .badBody(let problem):
            return (.dataError, [Phrases.body(problem)])
        case .database(let problem, let location):
            return (status(of: problem), [Phrases.database(problem, location: location)])
        case .notLoggedIn:
            return (.permission, ["not logged in; run: mindbeat login EMAIL"])
        case .loginExpired:
            return (.permission, ["your login has expired or was revoked; run: mindbeat login EMAIL"])
        case .wrongCredentials:
            return (.permission, ["wrong email or password"])
        case .keyRemoved:
            return (.permission, ["this SSH key is no longer registered with mindbeat"])
        case .wrongCurrentPassword:
            return (.permission, ["the current password is wrong; nothing was changed"])
        case .mustChangePassword:
            return (.permission, ["your password was reset by an administrator; choose your own first: run mindbeat passwd"])
        case .unacceptablePassword(let why):
            return (.usage, ["the new password \(why.problem)"])
        case .forbidden(let why):
            return (.permission, [Phrases.forbidden(why)])
        case .notFound(let what):
            return (.notFound, [Phrases.missing(what)])
        case .refused(let refusal):
            return (.refused, [Phrases.refusal(refusal, zone: zone, now: now)])
        case .internal(let message):
            return (.software, ["internal error: \(message)"])
        }
    }

    static func status(of problem: DatabaseProblem) -> ExitStatus {
        switch problem {
        case .missing: return .notFound
        case .foreign, .newer, .corrupt, .notAFile: return .dataError
        case .cannotCreate, .exists: return .cannotCreate
        case .writableByOthers, .notOwner: return .permission
        case .io: return .ioError
        case .busy, .unreachable: return .temporaryFailure
        case .invalidURI: return .usage
        }
    }
}
