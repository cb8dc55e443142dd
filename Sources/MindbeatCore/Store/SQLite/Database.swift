import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failure reported by SQLite.
///
/// It carries the extended result code and the SQL that failed, and never the
/// values bound to it: a private note must not reach an error message.
struct DatabaseError: Error, Equatable, Sendable, CustomStringConvertible {
    let extendedCode: Int32
    let message: String
    let sql: String?

    /// The primary result code (the low byte of the extended one).
    var primaryCode: Int32 { extendedCode & 0xff }

    var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }
}

/// One connection to a SQLite database, closed when the value goes away.
final class Database: SQLConnection {
    var dialect: SQLDialect { .sqlite }

    /// SQLite's SQLITE_TRANSIENT, which the C header defines as a cast that Swift
    /// cannot import: bound text and blobs are copied by SQLite at once.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    let handle: OpaquePointer
    let path: String
    /// Prepared statements by their SQL, reused for the life of the connection
    /// (a command often runs the same query once per member or notice).
    private var cache: [String: Statement] = [:]

    /// Opens `path` read-write; `create` also creates the file when missing.
    init(path: String, create: Bool) throws {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if create { flags |= SQLITE_OPEN_CREATE }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(extendedCode: rc, message: message, sql: nil)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        _ = mindbeat_sqlite3_enable_defensive(db)
    }

    /// Whether `close` has run; a closed connection runs no transaction.
    private(set) var isClosed = false

    deinit {
        close()
    }

    /// Closes the connection now, not when the last reference goes: `init`
    /// closes the database it built before linking it into place.
    func close() {
        guard !isClosed else { return }
        cache.removeAll()
        sqlite3_close_v2(handle)
        isClosed = true
    }

    /// How long a statement waits for a lock held by another process.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    func error(_ rc: Int32, sql: String?) -> DatabaseError {
        Database.error(handle, sql: sql)
    }

    static func error(_ handle: OpaquePointer, sql: String?) -> DatabaseError {
        DatabaseError(
            extendedCode: sqlite3_extended_errcode(handle),
            message: String(cString: sqlite3_errmsg(handle)),
            sql: sql)
    }

    /// Runs one or more statements that take no arguments and return no rows
    /// the caller needs.
    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }

    /// Prepares one statement.
    func prepare(_ sql: String) throws -> Statement {
        try Statement(handle: handle, sql: sql)
    }

    /// A prepared statement from the cache, bound to `arguments`; it is reset
    /// when `body` is done with it, so no read stays open.
    private func withStatement<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Statement) throws -> T) throws -> T {
        let statement: Statement
        if let cached = cache[sql] {
            statement = cached
        } else {
            statement = try prepare(sql)
            cache[sql] = statement
        }
        defer { statement.reset() }
        try statement.bind(arguments)
        return try body(statement)
    }

    /// Runs a statement with its arguments; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int {
        try withStatement(sql, arguments) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes(handle))
    }

    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        try withStatement(sql, arguments) { statement in
            while try statement.step() {}
        }
        return sqlite3_last_insert_rowid(handle)
    }

    /// The rows a query returns.
    func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
        try withStatement(sql, arguments) { statement in
            var result: [Row] = []
            while try statement.step() { result.append(statement.row()) }
            return result
        }
    }

    /// The first row a query returns, if any.
    func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> Row? {
        try withStatement(sql, arguments) { statement in
            try statement.step() ? statement.row() : nil
        }
    }

    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: it commits when `body`
    /// returns and rolls back when it throws, so a refused command writes nothing.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try transaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in a deferred (read) transaction, for one consistent view.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try transaction("BEGIN DEFERRED", body)
    }

    private func transaction<T>(_ begin: String, _ body: (Database) throws -> T) throws -> T {
        guard !isClosed else { throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "the connection is closed", sql: begin) }
        // Prepared once and reused, like every other statement: a command
        // runs two transactions (signing in, then its work).
        try run(begin)
        do {
            let value = try body(self)
            try run("COMMIT")
            return value
        } catch {
            if isInTransaction { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }
}

/// A prepared statement, finalized when the value goes away. It holds its
/// connection's raw handle, not the `Database`, so that the connection's cache
/// of statements forms no cycle.
final class Statement {
    let connection: OpaquePointer
    let handle: OpaquePointer
    let sql: String

    init(handle connection: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw Database.error(connection, sql: sql)
        }
        self.connection = connection
        self.handle = statement
        self.sql = sql
    }

    /// Ends a run of the statement, keeping it prepared.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    deinit {
        sqlite3_finalize(handle)
    }

    func bind(_ arguments: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let number):
                rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                rc = sqlite3_bind_double(handle, index, number)
            case .text(let string):
                rc = sqlite3_bind_text(handle, index, string, -1, Database.transient)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), Database.transient)
                }
            }
            guard rc == SQLITE_OK else { throw Database.error(connection, sql: sql) }
        }
    }

    /// Advances to the next row: true while there is one.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw Database.error(connection, sql: sql)
        }
    }

    func row() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                values.append(.integer(sqlite3_column_int64(handle, column)))
            case SQLITE_FLOAT:
                values.append(.real(sqlite3_column_double(handle, column)))
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(handle, column))
                if count > 0, let text = sqlite3_column_text(handle, column) {
                    let buffer = UnsafeBufferPointer(start: text, count: count)
                    values.append(.text(String(decoding: buffer, as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                if count > 0, let pointer = sqlite3_column_blob(handle, column) {
                    let buffer = UnsafeRawBufferPointer(start: pointer, count: count)
                    values.append(.blob(Array(buffer)))
                } else {
                    values.append(.blob([]))
                }
            default:
                values.append(.null)
            }
        }
        return Row(values: values)
    }
}

