#if canImport(Glibc)
import Glibc
#endif
import Testing
import MindbeatCore

/// A clock the test moves by hand. Each fixture owns one; tests do not share it.
public final class TestClock: Clock, @unchecked Sendable {
    public var instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
    public func realSeconds(until instant: Instant) -> Double? { instant <= self.instant ? 0 : nil }
    public func set(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        instant = at(text, sourceLocation: sourceLocation)
    }
}

/// `2026-12-01T09:00:00Z` as an instant. A malformed time fails the test that
/// wrote it (it never falls back to some other instant silently): the issue
/// is recorded at the caller, and the instant returned is the far end of the
/// supported range, which no rule treats as ordinary.
public func at(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Instant {
    do {
        return try TimeInput.parseRFC3339(text)
    } catch {
        Issue.record("malformed time in a test: \(text) \(error.problem)", sourceLocation: sourceLocation)
        return Instant(secondsSinceEpoch: Instant.validRange.upperBound)
    }
}

/// A zone one hour ahead of UTC in winter and two in summer, changing at
/// 01:00 UTC on the last Sundays of March and October 2026, as central
/// Europe does.
public struct CentralEuropeanZone: LocalZone {
    static let spring = Instant(secondsSinceEpoch: 1_774_746_000)  // 2026-03-29T01:00:00Z
    static let autumn = Instant(secondsSinceEpoch: 1_792_890_000)  // 2026-10-25T01:00:00Z

    public init() {}

    public func offset(at instant: Instant) -> Int64 {
        instant >= Self.spring && instant < Self.autumn ? 7200 : 3600
    }
}

/// A new private temporary directory, removed by `removeTree`.
public func temporaryDirectory(sourceLocation: SourceLocation = #_sourceLocation) -> String {
    var template = Array("/tmp/mindbeat-test-XXXXXX".utf8CString)
    let made: String? = template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
        return String(cString: base)
    }
    guard let made else {
        Issue.record("cannot create a temporary directory", sourceLocation: sourceLocation)
        return "/tmp/mindbeat-test-unavailable"
    }
    return made
}

/// Removes a directory made by `temporaryDirectory`, and nothing else.
public func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/mindbeat-test-") else { return }
    _ = system("rm -rf '\(path)'")
}

/// A whole file's bytes, or nothing.
public func fileBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// A whole file as text, or nil when it cannot be opened.
public func readText(_ path: String) -> String? {
    guard access(path, R_OK) == 0 else { return nil }
    return String(decoding: fileBytes(path), as: UTF8.self)
}

public func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
}

/// The package's root directory, from this file's path.
public let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// SplitMix64: small, fast and the same everywhere, so that a printed seed
/// replays a fuzz or property run.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Which engine the suites run on. SQLite always; with
/// `MINDBEAT_TEST_BACKEND=postgresql`, PostgreSQL on the server that
/// `MINDBEAT_TEST_POSTGRES` names (a URI such as
/// `postgresql:///postgres?host=/tmp/pg&port=5433&user=postgres`; `make test`
/// runs the suites a second time that way when it is set). Each database a
/// test asks for is a new database on that server.
public enum TestBackend {
    /// The server's URI, when the suites run on PostgreSQL.
    public static let server: String? = {
        guard let backend = getenv("MINDBEAT_TEST_BACKEND").map({ String(cString: $0) }), backend == "postgresql",
              let server = getenv("MINDBEAT_TEST_POSTGRES").map({ String(cString: $0) }), !server.isEmpty
        else { return nil }
        return server
    }()

    public static var isPostgres: Bool { server != nil }

    /// Why a test runs on SQLite only: it looks at the file itself.
    public static let sqliteOnly = "looks beneath the store at the SQLite file"

    /// The URI of database `name` on the test server.
    public static func uri(database name: String) -> String? {
        guard let server, let scheme = server.firstRange(of: "://") else { return nil }
        let rest = server[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let afterPath = rest[authorityEnd...].firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(server[..<authorityEnd]) + "/" + name + afterPath
    }

    /// A new, empty database for one test: a file path in `directory` on
    /// SQLite, a new database on the PostgreSQL server.
    public static func newDatabase(in directory: String, file: String = "mindbeat.db",
                                   sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard isPostgres else { return directory + "/" + file }
        let name = "mindbeat_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        guard let uri = uri(database: name), psql("CREATE DATABASE \(name)") == 0 else {
            Issue.record("cannot create a test database on \(server ?? "")", sourceLocation: sourceLocation)
            return "postgresql:///unavailable"
        }
        return uri
    }

    /// Runs SQL with psql on the server's maintenance database (or `database`):
    /// its exit status; its output goes to `output` when given.
    @discardableResult
    public static func psql(_ sql: String, database: String? = nil, output: String? = nil) -> Int32 {
        guard let server else { return -1 }
        let target = database.flatMap { uri(database: $0) } ?? server
        let quoted = { (text: String) in "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" }
        let redirect = output.map { " > " + quoted($0) } ?? " > /dev/null"
        return system("psql -X -q -v ON_ERROR_STOP=1 -A -t -d \(quoted(target)) -c \(quoted(sql))\(redirect) 2>/dev/null")
    }

    /// Every row of every mindbeat table of a PostgreSQL database, as text:
    /// what a test compares before and after a command that must write nothing.
    public static func dump(_ location: String) -> String {
        guard isPostgres, let name = location.split(separator: "?").first?.split(separator: "/").last else { return "" }
        let tables = ["settings", "accounts", "login_tokens", "takeovers", "ssh_keys", "sessions", "engagements",
                      "session_changes", "contact_attempts", "chat_messages", "notes", "feedback", "notices", "events"]
        let sql = tables.map { "SELECT '\($0): ' || x::text FROM mindbeat.\($0) x" }.joined(separator: " UNION ALL ") + " ORDER BY 1"
        let file = "/tmp/mindbeat-test-dump-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { unlink(file) }
        guard psql(sql, database: String(name), output: file) == 0 else { return "(the database could not be read)" }
        return readText(file) ?? ""
    }
}
