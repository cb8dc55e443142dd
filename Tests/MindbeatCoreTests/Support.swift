#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MindbeatCore

/// A clock the test moves by hand. Each fixture owns one; tests do not share it.
final class TestClock: Clock, @unchecked Sendable {
    var instant: Instant
    init(_ instant: Instant) { self.instant = instant }
    func now() -> Instant { instant }
    func set(_ text: String) { instant = at(text) }
}

/// `2026-12-01T09:00:00Z` as an instant; tests only pass well-formed times.
func at(_ text: String) -> Instant {
    (try? TimeInput.parseRFC3339(text)) ?? Instant(secondsSinceEpoch: -1)
}

/// A zone one hour ahead of UTC in winter and two in summer, changing at
/// 01:00 UTC on 2026-03-29 and 2026-10-25, as central Europe does.
struct CentralEuropeanZone: LocalZone {
    func offset(at instant: Instant) -> Int64 {
        let spring = at("2026-03-29T01:00:00Z")
        let autumn = at("2026-10-25T01:00:00Z")
        return instant >= spring && instant < autumn ? 7200 : 3600
    }
}

/// A new temporary directory, removed by the caller.
func temporaryDirectory() -> String {
    var template = Array("/tmp/mindbeat-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
        return String(cString: base)
    }
}

func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/mindbeat-test-") else { return }
    _ = system("rm -rf '\(path)'")
}

/// A database with a coach (the admin), two members — one with a phone and a
/// line manager — a second coach with a member of their own, and a login for
/// each.
final class Fixture {
    let directory: String
    let path: String
    let clock: TestClock
    let mindbeat: Mindbeat
    var tokens: [String: String] = [:]

    init(now: String = "2026-12-01T08:00:00Z") throws {
        directory = temporaryDirectory()
        path = directory + "/mindbeat.db"
        clock = TestClock(at(now))
        let (store, _) = try Store.create(path: path)
        mindbeat = Mindbeat(store: store, clock: clock, zone: FixedOffsetZone.utc)
        let (_, annToken) = try mindbeat.initialise(name: "Ann Coach", email: "ann@example.com", passwordHash: "x")
        tokens["ann"] = annToken
        try add("cy", NewAccount(role: .manager, name: "Cy Lead", email: "cy@example.com"), by: "ann")
        try add("bo", NewAccount(role: .member, name: "Bo Member", email: "bo@example.com", managerEmail: "cy@example.com", phone: "+49 170 1234567"), by: "ann")
        try add("di", NewAccount(role: .coach, name: "Di Coach", email: "di@example.com", zoom: "https://zoom.example/j/1"), by: "ann")
        try add("ed", NewAccount(role: .member, name: "Ed Member", email: "ed@example.com", coachEmail: "di@example.com"), by: "ann")
        try add("fay", NewAccount(role: .member, name: "Fay Member", email: "fay@example.com"), by: "ann")
    }

    deinit { removeTree(directory) }

    func add(_ key: String, _ account: NewAccount, by actor: String) throws {
        _ = try mindbeat.addAccount(token: tokens[actor], account, passwordHash: "x")
        let token = try Secrets.newToken()
        guard let id = try mindbeat.store.account(email: account.email)?.id else { return }
        try mindbeat.store.database.write { _ in try mindbeat.issue(token, to: id) }
        tokens[key] = token
    }

    func token(_ key: String) -> String? { tokens[key] }

    /// Schedules a session of Ann's with Bo (or as given).
    func schedule(_ start: String, member: String = "bo@example.com", by actor: String = "ann", minutes: Int64 = 60) throws -> Int64 {
        try mindbeat.schedule(token: tokens[actor], startsAt: at(start), memberEmail: member, coachEmail: nil, durationMinutes: minutes)
    }

    func session(_ id: Int64) throws -> Session {
        guard let session = try mindbeat.store.session(id: id) else { throw MindbeatError.notFound("\(id)") }
        return session
    }

    /// Every row of every table, to compare before and after a refusal.
    func snapshot() throws -> [String] {
        var lines: [String] = []
        for table in ["accounts", "login_tokens", "sessions", "contact_attempts", "chat_messages", "notices", "settings"] {
            for row in try mindbeat.store.database.rows("SELECT * FROM \(table) ORDER BY 1") {
                lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return lines
    }

    /// Runs `body`, expects it to throw, and checks that nothing was written.
    func expectUnchanged(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws -> MindbeatError? {
        let before = try snapshot()
        var thrown: MindbeatError?
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as MindbeatError {
            thrown = error
        }
        #expect(try snapshot() == before, "a refused command changed the database", sourceLocation: sourceLocation)
        return thrown
    }
}

extension MindbeatError {
    var refusal: Refusal? {
        if case .refused(let refusal) = self { return refusal }
        return nil
    }

    var reasonIDs: [String] { refusal?.reasons.map(\.identifier) ?? [] }

    var isForbidden: Bool {
        if case .forbidden = self { return true }
        return false
    }

    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}

/// A session value for the pure protocol tests.
func makeSession(
    starts: String = "2026-12-01T09:00:00Z", status: SessionStatus = .scheduled, coachJoined: String? = nil,
    memberJoined: String? = nil, lastContact: String? = nil, memberPhone: String? = "+1 555 0100", coachZoom: String? = nil
) -> Session {
    Session(
        id: 12,
        coach: Person(id: 1, email: "ann@example.com", name: "Ann Coach", zoom: coachZoom),
        member: Person(id: 2, email: "bo@example.com", name: "Bo Member", phone: memberPhone, managerID: 3),
        startsAt: at(starts), durationMinutes: 60, status: status,
        coachJoinedAt: coachJoined.map(at), memberJoinedAt: memberJoined.map(at),
        contactAttempts: lastContact == nil ? 0 : 1, lastContactAt: lastContact.map(at))
}
