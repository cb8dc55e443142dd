#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSQLite

/// The SQLite backend: one connection, opened with the checks that keep
/// foreign and newer files untouched, and migrated to the current schema.
/// Every SQLite type lives in this folder; the statements mindbeat runs are
/// `SQLTransaction`'s, shared with PostgreSQL.
final class SQLiteStore: Store {
    let database: Database
    let installID: String
    /// The path the database is known by: for a database `init` is still
    /// building, the path it will appear at.
    let location: String

    /// How long a command waits for another process's write lock.
    static let busyTimeoutMilliseconds = Int32(Policy.busyTimeoutSeconds * 1000)

    private init(database: Database, installID: String, location: String) {
        self.database = database
        self.installID = installID
        self.location = location
    }

    func read<T>(_ body: (any StoreReader) throws -> T) throws(MindbeatError) -> T {
        do {
            return try database.read { db in try body(SQLTransaction(db: db)) }
        } catch {
            throw SQLiteStore.classify(error, path: location)
        }
    }

    private(set) var committedWrites = 0

    func changes() throws(MindbeatError) -> any ChangeFeed {
        try SQLiteChangeFeed(database: database, location: location)
    }

    func write<T>(_ body: (any StoreWriter) throws -> T) throws(MindbeatError) -> T {
        do {
            let result = try database.write { db in try body(SQLTransaction(db: db)) }
            committedWrites += 1
            return result
        } catch {
            throw SQLiteStore.classify(error, path: location)
        }
    }

    /// Opens the database at `path` for any command but `init`: it must exist,
    /// pass `DatabaseFile.check` and be a mindbeat database.
    static func open(path: String, operatorUID: UInt32? = nil) throws(MindbeatError) -> SQLiteStore {
        try DatabaseFile.check(path, operatorUID: operatorUID)
        let database: Database
        do {
            database = try Database(path: path, create: false)
        } catch {
            throw SQLiteStore.classify(error, path: path)
        }
        return try prepare(database, path: path, initialising: false)
    }

    /// Creates the database at `path` for `init`, with its directory (0700):
    /// builds it in a file of its own beside `path` (created exclusively,
    /// 0600), runs `fill` on it, and only then links it into place, which
    /// fails when anything is at `path` by then and never follows a symbolic
    /// link. So a database appears whole or not at all: a failed `init`
    /// leaves nothing behind for the next one to trip over, and of several
    /// run at once, one creates it and the others find it complete. The
    /// store `fill` is given is closed when it returns; the next open at
    /// `path` turns on WAL.
    static func create<T>(path: String, fill: (SQLiteStore) throws -> T) throws -> T {
        try refuseExisting(path)
        try makeDirectories(for: path)
        try DatabaseFile.checkDirectory(of: path)
        let temporary = try DatabaseFile.makeTemporary(near: path)
        defer {
            // Only the files this init made, under the name only it knows.
            unlink(temporary)
            unlink(temporary + "-journal")
        }
        let value: T
        do {
            let database: Database
            do {
                database = try Database(path: temporary, create: false)
            } catch {
                throw SQLiteStore.classify(error, path: path, creating: true)
            }
            defer { database.close() }
            // A rollback journal while it is built: nothing beside the file
            // outlives a transaction. The first open at `path` turns on WAL.
            let store = try prepare(database, path: path, initialising: true, walMode: false)
            value = try fill(store)
        }
        DatabaseFile.sync(temporary)
        guard link(temporary, path) == 0 else {
            let reason = errno
            if reason == EEXIST {
                try refuseExisting(path)
                throw MindbeatError.database(.exists, location: path)
            }
            throw MindbeatError.database(.cannotCreate(reason: String(cString: strerror(reason))), location: path)
        }
        DatabaseFile.sync(DatabaseFile.directoryName(of: path))
        return value
    }

    /// Refuses, for `init`, whatever is at `path` already: a mindbeat database
    /// with accounts is a refusal (1); an empty file, a symbolic link or a
    /// database without accounts cannot be taken over (73); anything else is
    /// refused as any command refuses it (not a regular file, not a mindbeat
    /// database: 65; others may write it: 77).
    static func refuseExisting(_ path: String) throws(MindbeatError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .database(.cannotCreate(reason: String(cString: strerror(errno))), location: path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: throw .database(.exists, location: path)
        case S_IFREG: break
        default: throw .database(.notAFile, location: path)
        }
        if info.st_size == 0 { throw .database(.exists, location: path) }
        // Whatever else the file is — another program's, a newer mindbeat's,
        // corrupt, a database without accounts — init refuses it as existing
        // (73, SPEC §8), untouched: a foreign or newer file is refused before
        // anything is written. Only a busy database or one others may write
        // keeps its own answer.
        let store: SQLiteStore
        do {
            store = try open(path: path)
        } catch .database(.missing, _), .database(.foreign, _), .database(.newer, _), .database(.corrupt, _) {
            throw .database(.exists, location: path)
        }
        if try store.read({ try $0.accountCount() }) > 0 {
            throw .refused(Refusal(.initialise, reasons: [.databaseHasAccounts]))
        }
        throw .database(.exists, location: path)
    }

    private static func prepare(_ database: Database, path: String, initialising: Bool, walMode: Bool = true) throws(MindbeatError) -> SQLiteStore {
        do {
            database.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            // Read the marks before anything could write: a foreign or newer
            // file is refused exactly as it was found.
            // One snapshot for the three reads: another process may be creating
            // the schema this very moment, and a mark read before its commit
            // with a version read after it would look like a foreign file.
            let (applicationID, version, tables) = try database.read { db in
                (try db.integer("PRAGMA application_id") ?? 0, try db.integer("PRAGMA user_version") ?? 0,
                 try db.integer("SELECT count(*) FROM sqlite_schema") ?? 0)
            }
            if applicationID != Schema.applicationID {
                if applicationID != 0 || tables > 0 || version != 0 { throw MindbeatError.database(.foreign, location: path) }
                if !initialising { throw MindbeatError.database(.missing, location: path) }
            }
            if version > Schema.currentVersion {
                throw MindbeatError.database(.newer(version: version), location: path)
            }
            let mode = walMode ? try database.row("PRAGMA journal_mode = WAL")?.text(0) ?? "" : "wal"
            if mode.lowercased() != "wal" {
                throw MindbeatError.database(.io("cannot switch \(path) to WAL mode (journal mode is \(mode))"), location: path)
            }
            try database.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
            if version < Schema.currentVersion {
                try migrate(database, path: path)
            }
            guard let installID = try database.row("SELECT value FROM settings WHERE key = 'install_id'")?.text(0) else {
                throw MindbeatError.database(.corrupt, location: path)
            }
            return SQLiteStore(database: database, installID: installID, location: path)
        } catch let error as MindbeatError {
            throw error
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Runs the migrations the file lacks, in one write transaction that
    /// re-reads the version: of several processes starting at once on a new
    /// file, one migrates and the others find it done.
    private static func migrate(_ database: Database, path: String) throws {
        let installID = Secrets.hex(try Secrets.randomBytes(16))
        // A migration may rebuild a table that others refer to (SQLite's way
        // of changing a CHECK): foreign keys are off while it runs, and
        // checked whole before it commits.
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { try? database.execute("PRAGMA foreign_keys = ON") }
        try database.write { db in
            let version = try db.integer("PRAGMA user_version") ?? 0
            if version > Schema.currentVersion { throw MindbeatError.database(.newer(version: version), location: path) }
            guard version < Schema.currentVersion else { return }
            for index in Int(version)..<Schema.migrations.count {
                try db.execute(Schema.migrations[index])
            }
            if version == 0 {
                try db.execute("PRAGMA application_id = \(Schema.applicationID)")
                try db.run("INSERT INTO settings (key, value) VALUES ('install_id', ?)", [.text(installID)])
            }
            if try db.row("PRAGMA foreign_key_check") != nil {
                throw MindbeatError.database(.corrupt, location: path)
            }
            try db.execute("PRAGMA user_version = \(Schema.currentVersion)")
        }
    }

    /// Turns a SQLite failure into the kind of error the exit statuses speak of.
    static func classify(_ error: any Error, path: String, creating: Bool = false) -> MindbeatError {
        if let error = error as? MindbeatError { return error }
        if error is CorruptRow { return .database(.corrupt, location: path) }
        guard let error = error as? DatabaseError else { return .internal("\(error)") }
        let problem: DatabaseProblem
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: problem = .busy
        case SQLITE_NOTADB: problem = .foreign
        case SQLITE_CORRUPT: problem = .corrupt
        case SQLITE_FULL: problem = .io("the disk is full: \(path) could not be written")
        case SQLITE_IOERR:
            // Writing past a full disk or a file-size limit surfaces as a write error.
            let write = error.extendedCode == SQLITE_IOERR | (3 << 8) || error.extendedCode == SQLITE_IOERR | (4 << 8)
            problem = .io(write ? "cannot write \(path): the disk may be full (\(error.message)); nothing was changed"
                                : "I/O error on \(path): \(error.message)")
        case SQLITE_READONLY: problem = .io("\(path) is read-only: \(error.message)")
        case SQLITE_CANTOPEN:
            problem = creating ? .cannotCreate(reason: error.message) : .io("cannot open \(path): \(error.message)")
        case SQLITE_PERM: problem = .io("permission denied on \(path)")
        default: return .internal(error.description)
        }
        return .database(problem, location: path)
    }

    /// Creates each missing directory above `path` with mode 0700.
    static func makeDirectories(for path: String) throws(MindbeatError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        if let problem = Directories.make(directory) { throw .database(.cannotCreate(reason: problem), location: directory) }
    }
}
