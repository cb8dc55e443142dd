/// One connection to a SQL engine, as the statements of `SQLTransaction` use
/// it: SQLite's `Database` and PostgreSQL's `PGConnection`. The statements
/// are written once, in the SQL both engines speak, with `?` or `?N`
/// parameters; a connection whose engine spells a thing differently
/// translates it (PostgreSQL: `$N`, `COLLATE NOCASE`).
protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs one or more statements that take no arguments, as written (no
    /// translation: the schema, a transaction's BEGIN).
    func execute(_ sql: String) throws

    /// Runs a statement with its arguments; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// The rows a query returns.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [Row]

    /// The first row a query returns, if any.
    func row(_ sql: String, _ arguments: [SQLValue]) throws -> Row?

    /// Runs an INSERT into a table with an integer `id` and returns the new
    /// row's id.
    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64
}

/// Which engine a connection speaks to, for the few statements they spell
/// differently.
enum SQLDialect: Sendable {
    case sqlite, postgres
}

extension SQLConnection {
    @discardableResult
    func run(_ sql: String) throws -> Int { try run(sql, []) }
    func rows(_ sql: String) throws -> [Row] { try rows(sql, []) }
    func row(_ sql: String) throws -> Row? { try row(sql, []) }

    /// The first column of the first row, as an integer.
    func integer(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
        try row(sql, arguments)?.integer(0)
    }
}

/// A value as a SQL engine stores it: what statements are given and rows hold.
enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A row that does not hold what mindbeat wrote there (another program
/// changed the file): the database is corrupt (65), whatever the command.
struct CorruptRow: Error {}

/// A row of a query's result, copied out of the engine.
struct Row: Sendable {
    /// A time column: nil when NULL; a value that is not a whole number of
    /// seconds within the years mindbeat supports is a corrupt row, never an
    /// instant that arithmetic could overflow on.
    func instant(_ column: Int) throws -> Instant? {
        guard column < values.count else { throw CorruptRow() }
        switch values[column] {
        case .null: return nil
        case .integer(let seconds) where Instant.validRange.contains(seconds): return Instant(secondsSinceEpoch: seconds)
        default: throw CorruptRow()
        }
    }

    /// A time column that may not be NULL.
    func requiredInstant(_ column: Int) throws -> Instant {
        guard let instant = try instant(column) else { throw CorruptRow() }
        return instant
    }

    let values: [SQLValue]

    func integer(_ column: Int) -> Int64? {
        guard column < values.count else { return nil }
        switch values[column] {
        case .integer(let value): return value
        case .real(let value): return Int64(exactly: value.rounded())
        default: return nil
        }
    }

    func text(_ column: Int) -> String? {
        guard column < values.count else { return nil }
        switch values[column] {
        case .text(let value): return value
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    func blob(_ column: Int) -> [UInt8]? {
        guard column < values.count else { return nil }
        switch values[column] {
        case .blob(let value): return value
        case .text(let value): return Array(value.utf8)
        default: return nil
        }
    }

    func bool(_ column: Int) -> Bool { (integer(column) ?? 0) != 0 }
}

extension SQLValue {
    init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Bool) { self = .integer(value ? 1 : 0) }
}
