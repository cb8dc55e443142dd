#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The PostgreSQL backend: one connection through libpq to the database a
/// `postgres://` or `postgresql://` URI names, its tables in the schema
/// `mindbeat`. Correctness under concurrency is the engine's: write
/// transactions are SERIALIZABLE and a serialization failure is run again
/// here, never shown; overlapping open sessions are refused by an EXCLUDE
/// constraint; outbox claims skip the rows another run has locked.
final class PostgresStore: Store {
    let connection: PGConnection
    let installID: String
    let location: String
    /// The server's clock less this machine's, in seconds, read when the
    /// store opened: mindbeat's "now" is the server's.
    let clockOffset: Int64
    /// While `init` or `db copy` builds the schema, everything runs in the
    /// one transaction they opened: it commits whole at the end or not at all.
    private var insideCreation = false

    private(set) var committedWrites = 0

    /// Attempts of one write transaction before a conflict is reported as busy.
    static let writeAttempts = 50

    private init(connection: PGConnection, installID: String, location: String, clockOffset: Int64) {
        self.connection = connection
        self.installID = installID
        self.location = location
        self.clockOffset = clockOffset
    }

    // MARK: Locations

    /// Whether a database location is a PostgreSQL URI.
    static func isURI(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// The URI as messages show it: without the password of its user part
    /// or of a `password=` parameter.
    static func redacted(_ uri: String) -> String {
        let scheme = uri.hasPrefix("postgresql://") ? "postgresql://" : "postgres://"
        guard uri.hasPrefix(scheme) else { return uri }
        let rest = uri.dropFirst(scheme.count)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = String(rest[..<end])
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            authority = String(authority[..<colon]) + String(authority[at...])
        }
        var tail = String(rest[end...])
        if let mark = tail.firstIndex(of: "?") {
            let kept = tail[tail.index(after: mark)...].split(separator: "&")
                .filter { !$0.lowercased().hasPrefix("password=") }
            tail = String(tail[..<mark]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        return scheme + authority + tail
    }

    // MARK: Transactions

    func read<T>(_ body: (any StoreReader) throws -> T) throws(MindbeatError) -> T {
        if insideCreation { return try creationStep { try body(SQLTransaction(db: connection)) } }
        do {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            do {
                let value = try body(SQLTransaction(db: connection))
                try connection.execute("COMMIT")
                return value
            } catch {
                rollBack()
                throw error
            }
        } catch {
            throw classify(error)
        }
    }

    func write<T>(_ body: (any StoreWriter) throws -> T) throws(MindbeatError) -> T {
        if insideCreation { return try creationStep { try body(SQLTransaction(db: connection)) } }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
                do {
                    let value = try body(SQLTransaction(db: connection))
                    // Delivered at the commit, to every watcher but this connection.
                    try connection.execute("NOTIFY mindbeat")
                    try connection.execute("COMMIT")
                    committedWrites += 1
                    return value
                } catch {
                    rollBack()
                    throw error
                }
            } catch let error as PGError where error.isRetryable && attempt < PostgresStore.writeAttempts {
                // Another transaction got there first: run this one again on
                // what it committed, after a short random pause.
                usleep(UInt32.random(in: 200...(2_000 * UInt32(min(attempt, 20)))))
                continue
            } catch let error as PGError where error.isRetryable {
                throw MindbeatError.database(.busy, location: location)
            } catch {
                throw classify(error)
            }
        }
    }

    private func creationStep<T>(_ body: () throws -> T) throws(MindbeatError) -> T {
        do {
            try connection.execute("SAVEPOINT step")
            let value = try body()
            try connection.execute("RELEASE SAVEPOINT step")
            return value
        } catch {
            _ = try? connection.execute("ROLLBACK TO SAVEPOINT step")
            throw classify(error)
        }
    }

    private func rollBack() {
        if connection.pq.transactionStatus(connection.handle) != LibPQ.transactionIdle {
            _ = try? connection.execute("ROLLBACK")
        }
    }

    func changes() throws(MindbeatError) -> any ChangeFeed {
        do {
            try connection.execute("LISTEN mindbeat")
        } catch {
            throw classify(error)
        }
        return PostgresChangeFeed(connection: connection, store: self)
    }

    // MARK: Opening

    /// Opens the mindbeat database `uri` names, for any command but `init`.
    static func open(uri: String) throws(MindbeatError) -> PostgresStore {
        let location = redacted(uri)
        let connection = try PGConnection(uri: uri, location: location)
        let marks = try readMarks(connection, location: location)
        guard let marks else { throw .database(.missing, location: location) }
        return PostgresStore(connection: connection, installID: marks.installID, location: location,
                             clockOffset: marks.clockOffset)
    }

    /// What the schema says of itself: nil when there is no `mindbeat`
    /// schema; a schema that is not mindbeat's, or a newer mindbeat's, is
    /// refused.
    private static func readMarks(_ connection: PGConnection, location: String) throws(MindbeatError)
        -> (installID: String, version: Int64, clockOffset: Int64)?
    {
        do {
            let before = Instant(secondsSinceEpoch: Int64(time(nil)))
            try connection.execute(
                "SET search_path TO pg_catalog, mindbeat, pg_temp; SET lock_timeout = '\(Policy.busyTimeoutSeconds)s'")
            guard let row = try connection.row(
                """
                SELECT floor(extract(epoch FROM now()))::bigint, n.oid IS NOT NULL, to_regclass('mindbeat.settings') IS NOT NULL
                FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = 'mindbeat'
                """, [])
            else { throw CorruptRow() }
            let offset = (row.integer(0) ?? before.secondsSinceEpoch) - before.secondsSinceEpoch
            guard row.bool(1) else { return nil }
            guard row.bool(2) else { throw MindbeatError.database(.foreign, location: location) }
            let settings = try connection.rows(
                "SELECT key, value FROM mindbeat.settings WHERE key IN ('application', 'schema_version', 'install_id')", [])
            var values: [String: String] = [:]
            for setting in settings {
                if let key = setting.text(0), let value = setting.text(1) { values[key] = value }
            }
            guard values["application"] == PostgresSchema.application else { throw MindbeatError.database(.foreign, location: location) }
            guard let version = values["schema_version"].flatMap({ Int64($0) }), let installID = values["install_id"] else {
                throw MindbeatError.database(.corrupt, location: location)
            }
            if version > PostgresSchema.currentVersion { throw MindbeatError.database(.newer(version: version), location: location) }
            if version < PostgresSchema.currentVersion {
                try migrate(connection, to: PostgresSchema.migrations, location: location)
            }
            return (installID, version, offset)
        } catch let error as MindbeatError {
            throw error
        } catch let error as PGError where error.sqlState == "42501" {
            throw .database(.io("permission denied on the schema mindbeat: \(error.message)"), location: location)
        } catch {
            throw classify(error, location: location)
        }
    }

    /// Runs the migrations the schema lacks (`migrations[version...]`), in one
    /// transaction that holds an advisory lock and reads the version again
    /// under it: of several processes opening an older schema at once, one
    /// migrates and the others find it done. A schema newer than
    /// `migrations` is refused.
    static func migrate(_ connection: PGConnection, to migrations: [String], location: String) throws {
        try connection.execute("BEGIN")
        do {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('mindbeat schema'))")
            guard let text = try connection.row("SELECT value FROM mindbeat.settings WHERE key = 'schema_version'", [])?.text(0),
                  let version = Int64(text), version >= 1
            else { throw MindbeatError.database(.corrupt, location: location) }
            if version > Int64(migrations.count) { throw MindbeatError.database(.newer(version: version), location: location) }
            for migration in migrations.dropFirst(Int(version)) { try connection.execute(migration) }
            try connection.run("UPDATE mindbeat.settings SET value = ? WHERE key = 'schema_version'", [.text(String(migrations.count))])
            try connection.execute("COMMIT")
        } catch {
            if connection.pq.transactionStatus(connection.handle) != LibPQ.transactionIdle {
                _ = try? connection.execute("ROLLBACK")
            }
            throw error
        }
    }

    /// Creates mindbeat's schema in the database `uri` names and runs `fill`
    /// on it, all in one transaction: the schema appears whole, with what
    /// `fill` wrote, or not at all. A database that has a `mindbeat` schema
    /// already is refused as `refuseExisting` says.
    static func create<T>(uri: String, fill: (PostgresStore) throws -> T) throws -> T {
        let location = redacted(uri)
        let connection = try PGConnection(uri: uri, location: location)
        try refuseSchema(connection, uri: uri, location: location)
        let installID = Secrets.hex(try Secrets.randomBytes(16))
        do {
            try connection.execute("BEGIN")
            try connection.execute("CREATE SCHEMA mindbeat")
            try connection.execute("COMMENT ON SCHEMA mindbeat IS 'mindbeat: coaching sessions (managed by mindbeat; do not edit)'")
            for migration in PostgresSchema.migrations { try connection.execute(migration) }
            try connection.run(
                "INSERT INTO settings (key, value) VALUES ('application', ?), ('schema_version', ?), ('install_id', ?)",
                [.text(PostgresSchema.application), .text(String(PostgresSchema.currentVersion)), .text(installID)])
            let offset = try connection.integer("SELECT floor(extract(epoch FROM now()))::bigint").map {
                $0 - Instant(secondsSinceEpoch: Int64(time(nil))).secondsSinceEpoch
            } ?? 0
            let store = PostgresStore(connection: connection, installID: installID, location: location,
                                      clockOffset: offset)
            store.insideCreation = true
            let value = try fill(store)
            store.insideCreation = false
            try connection.execute("COMMIT")
            return value
        } catch {
            if connection.pq.transactionStatus(connection.handle) != LibPQ.transactionIdle {
                _ = try? connection.execute("ROLLBACK")
            }
            if let error = error as? PGError, error.sqlState == "42P06" || error.sqlState == "23505" {
                // Another init made the schema first.
                try refuseExisting(uri)
                throw MindbeatError.database(.exists, location: location)
            }
            if let error = error as? PGError, error.sqlState == "42501" {
                throw MindbeatError.database(
                    .cannotCreate(reason: "permission denied (\(error.message)); the role needs CREATE on the database"),
                    location: location)
            }
            throw classify(error, location: location)
        }
    }

    /// Refuses a database where a `mindbeat` schema is, of whatever kind.
    private static func refuseSchema(_ connection: PGConnection, uri: String, location: String) throws(MindbeatError) {
        do {
            if try readMarks(connection, location: location) != nil { try refuseExisting(uri) }
        } catch .database(.foreign, _), .database(.newer, _), .database(.corrupt, _) {
            throw .database(.exists, location: location)
        }
    }

    /// Refuses, for `init`, a database that has a `mindbeat` schema: with
    /// accounts, as a refusal (1); otherwise as existing (73). None: returns.
    static func refuseExisting(_ uri: String) throws(MindbeatError) {
        let store: PostgresStore
        do {
            store = try open(uri: uri)
        } catch .database(.missing, _) {
            return
        } catch .database(.foreign, let location), .database(.newer, let location), .database(.corrupt, let location) {
            throw .database(.exists, location: location)
        }
        if try store.read({ try $0.accountCount() }) > 0 {
            throw .refused(Refusal(.initialise, reasons: [.databaseHasAccounts]))
        }
        throw .database(.exists, location: store.location)
    }

    // MARK: Failures

    func classify(_ error: any Error) -> MindbeatError {
        PostgresStore.classify(error, location: location)
    }

    /// Turns a PostgreSQL failure into the kind of error the exit statuses speak of.
    static func classify(_ error: any Error, location: String) -> MindbeatError {
        if let error = error as? MindbeatError { return error }
        if error is CorruptRow { return .database(.corrupt, location: location) }
        guard let error = error as? PGError else { return .internal("\(error)") }
        if error.isConnectionLost { return .database(.unreachable(error.message), location: location) }
        switch error.sqlState {
        case "55P03", "57014": return .database(.busy, location: location)
        case "53100": return .database(.io("the database server's disk is full: \(error.message); nothing was changed"), location: location)
        case "53200", "53300": return .database(.unreachable(error.message), location: location)
        case "42P01", "42703", "42883": return .database(.corrupt, location: location)
        case "42501": return .database(.io("permission denied: \(error.message)"), location: location)
        case "25006": return .database(.io("the database is read-only: \(error.message)"), location: location)
        default: return .internal(error.description)
        }
    }
}
