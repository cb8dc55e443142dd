#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSQLite

/// A mindbeat database: one SQLite connection, opened with the checks that keep
/// foreign and newer files untouched, and migrated to the current schema.
public final class Store {
    public let database: Database
    /// The id of this database, which login tokens are kept under (moving the
    /// file keeps logins).
    public let installID: String

    /// How long a command waits for another process's write lock.
    public static let busyTimeoutMilliseconds: Int32 = 5000

    private init(database: Database, installID: String) {
        self.database = database
        self.installID = installID
    }

    /// Opens the database at `path` for any command but `init`: it must exist
    /// and be a mindbeat database.
    public static func open(path: String) throws(MindbeatError) -> Store {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { throw .databaseMissing(path: path) }
            throw .io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .notADatabase(path: path) }
        try checkHeader(path)
        let database: Database
        do {
            database = try Database(path: path, create: false)
        } catch {
            throw Store.classify(error, path: path)
        }
        return try prepare(database, path: path, initialising: false)
    }

    /// Opens or creates the database at `path` for `init`, creating its
    /// directory 0700 and the file 0600. `created` tells whether the file is new.
    public static func create(path: String) throws(MindbeatError) -> (store: Store, created: Bool) {
        try makeDirectories(for: path)
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        var created = false
        if fd >= 0 {
            created = true
            fchmod(fd, 0o600)
            close(fd)
        } else if errno != EEXIST {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        try checkHeader(path)
        let database: Database
        do {
            database = try Database(path: path, create: false)
        } catch {
            throw Store.classify(error, path: path, creating: true)
        }
        return (try prepare(database, path: path, initialising: true), created)
    }

    /// Refuses a file whose first bytes show it is not SQLite, or is SQLite marked
    /// by another application, without letting SQLite open it: nothing, not
    /// even a journal recovery, may touch a file that is not mindbeat's.
    static func checkHeader(_ path: String) throws(MindbeatError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == EACCES { throw .io("permission denied on \(path)") }
            return
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 100)
        let count = read(fd, &header, 100)
        guard count > 0 else { return }  // empty: a new database
        let magic = Array("SQLite format 3".utf8) + [0]
        guard count == 100, Array(header[0..<16]) == magic else { throw .notADatabase(path: path) }
        let applicationID = header[68..<72].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        // A new mindbeat database may still have its mark only in the WAL, so a
        // zero here is decided later, by SQLite.
        if applicationID != 0 && applicationID != Schema.applicationID { throw .notADatabase(path: path) }
    }

    private static func prepare(_ database: Database, path: String, initialising: Bool) throws(MindbeatError) -> Store {
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
                if applicationID != 0 || tables > 0 || version != 0 { throw MindbeatError.notADatabase(path: path) }
                if !initialising { throw MindbeatError.databaseMissing(path: path) }
            }
            if version > Schema.currentVersion {
                throw MindbeatError.newerDatabase(path: path, version: version)
            }
            let mode = try database.row("PRAGMA journal_mode = WAL")?.text(0) ?? ""
            if mode.lowercased() != "wal" {
                throw MindbeatError.io("cannot switch \(path) to WAL mode (journal mode is \(mode))")
            }
            try database.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
            if version < Schema.currentVersion {
                try migrate(database, path: path)
            }
            guard let installID = try database.row("SELECT value FROM settings WHERE key = 'install_id'")?.text(0) else {
                throw MindbeatError.corruptDatabase(path: path)
            }
            return Store(database: database, installID: installID)
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
            if version > Schema.currentVersion { throw MindbeatError.newerDatabase(path: path, version: version) }
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
    public static func classify(_ error: any Error, path: String, creating: Bool = false) -> MindbeatError {
        if let error = error as? MindbeatError { return error }
        guard let error = error as? DatabaseError else { return .internal("\(error)") }
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_NOTADB: return .notADatabase(path: path)
        case SQLITE_CORRUPT: return .corruptDatabase(path: path)
        case SQLITE_FULL: return .io("the disk is full: \(path) could not be written")
        case SQLITE_IOERR:
            // Writing past a full disk or a file-size limit surfaces as a write error.
            let write = error.extendedCode == SQLITE_IOERR | (3 << 8) || error.extendedCode == SQLITE_IOERR | (4 << 8)
            return .io(write ? "cannot write \(path): the disk may be full (\(error.message)); nothing was changed"
                             : "I/O error on \(path): \(error.message)")
        case SQLITE_READONLY: return .io("\(path) is read-only: \(error.message)")
        case SQLITE_CANTOPEN:
            return creating ? .cannotCreate(path: path, reason: error.message) : .io("cannot open \(path): \(error.message)")
        case SQLITE_PERM: return .io("permission denied on \(path)")
        default: return .internal(error.description)
        }
    }

    /// Creates each missing directory above `path` with mode 0700.
    static func makeDirectories(for path: String) throws(MindbeatError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        try makeDirectory(directory)
    }

    /// Creates `directory` and its missing parents with mode 0700.
    public static func makeDirectory(_ directory: String) throws(MindbeatError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .cannotCreate(path: directory, reason: "it exists and is not a directory")
            }
            return
        }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try makeDirectory(String(directory[..<slash]))
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .cannotCreate(path: directory, reason: String(cString: strerror(errno)))
        }
    }
}
