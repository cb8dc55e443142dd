#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSQLite

/// The SQLite backend: one connection, opened with the checks that keep
/// foreign and newer files untouched, and migrated to the current schema.
/// Every SQLite type and every line of SQL of mindbeat lives in this folder.
final class SQLiteStore: Store {
    let database: Database
    let installID: String
    var location: String { database.path }

    /// How long a command waits for another process's write lock.
    static let busyTimeoutMilliseconds = Int32(Policy.busyTimeoutSeconds * 1000)

    private init(database: Database, installID: String) {
        self.database = database
        self.installID = installID
    }

    func read<T>(_ body: (any StoreReader) throws -> T) throws(MindbeatError) -> T {
        do {
            return try database.read { db in try body(SQLiteTransaction(db: db)) }
        } catch {
            throw SQLiteStore.classify(error, path: database.path)
        }
    }

    func write<T>(_ body: (any StoreWriter) throws -> T) throws(MindbeatError) -> T {
        do {
            return try database.write { db in try body(SQLiteTransaction(db: db)) }
        } catch {
            throw SQLiteStore.classify(error, path: database.path)
        }
    }

    /// Opens the database at `path` for any command but `init`: it must exist
    /// and be a mindbeat database.
    static func open(path: String) throws(MindbeatError) -> SQLiteStore {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { throw .database(.missing, location: path) }
            throw .database(.io("cannot read \(path): \(String(cString: strerror(errno)))"), location: path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .database(.foreign, location: path) }
        try checkHeader(path)
        let database: Database
        do {
            database = try Database(path: path, create: false)
        } catch {
            throw SQLiteStore.classify(error, path: path)
        }
        return try prepare(database, path: path, initialising: false)
    }

    /// Opens or creates the database at `path` for `init`, creating its
    /// directory 0700 and the file 0600.
    static func create(path: String) throws(MindbeatError) -> SQLiteStore {
        try makeDirectories(for: path)
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            fchmod(fd, 0o600)
            close(fd)
        } else if errno != EEXIST {
            throw .database(.cannotCreate(reason: String(cString: strerror(errno))), location: path)
        }
        try checkHeader(path)
        let database: Database
        do {
            database = try Database(path: path, create: false)
        } catch {
            throw SQLiteStore.classify(error, path: path, creating: true)
        }
        return try prepare(database, path: path, initialising: true)
    }

    /// Refuses a file whose first bytes show it is not SQLite, or is SQLite marked
    /// by another application, without letting SQLite open it: nothing, not
    /// even a journal recovery, may touch a file that is not mindbeat's.
    static func checkHeader(_ path: String) throws(MindbeatError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == EACCES { throw .database(.io("permission denied on \(path)"), location: path) }
            return
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 100)
        let count = Glibc.read(fd, &header, 100)
        guard count > 0 else { return }  // empty: a new database
        let magic = Array("SQLite format 3".utf8) + [0]
        guard count == 100, Array(header[0..<16]) == magic else { throw .database(.foreign, location: path) }
        let applicationID = header[68..<72].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        // A new mindbeat database may still have its mark only in the WAL, so a
        // zero here is decided later, by SQLite.
        if applicationID != 0 && applicationID != Schema.applicationID { throw .database(.foreign, location: path) }
    }

    private static func prepare(_ database: Database, path: String, initialising: Bool) throws(MindbeatError) -> SQLiteStore {
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
            let mode = try database.row("PRAGMA journal_mode = WAL")?.text(0) ?? ""
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
            return SQLiteStore(database: database, installID: installID)
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

/// One transaction's view of the database: every query mindbeat makes, as
/// methods. Made only by `SQLiteStore.read` and `write`.
struct SQLiteTransaction: StoreWriter {
    let db: Database
}
