#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

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
        path = TestBackend.newDatabase(in: directory)
        clock = TestClock(at(now))
        mindbeat = Mindbeat(store: try Stores.create(path), clock: clock, zone: FixedOffsetZone.utc)
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
        let added = try mindbeat.addAccount(try self.actor(actor), account, passwordHash: "x")
        let token = try Secrets.newToken()
        try mindbeat.store.write { tx in try mindbeat.issue(token, to: added.id, tx) }
        tokens[key] = token
    }

    func token(_ key: String) -> String? { tokens[key] }

    /// One of the fixture's people, signed in with their token now.
    func actor(_ key: String) throws -> Actor {
        try mindbeat.authenticate(.token(tokens[key] ?? ""))
    }

    /// The connection under the store, for tests that look beneath it: the
    /// SQLite file, or the PostgreSQL database (the statements are the
    /// shared ones, translated as the store translates its own).
    var database: any SQLConnection {
        get throws {
            if let store = mindbeat.store as? SQLiteStore { return store.database }
            if let store = mindbeat.store as? PostgresStore { return store.connection }
            throw MindbeatError.internal("an unknown store")
        }
    }

    /// The SQLite file under the store, for the tests of SQLite itself.
    var sqlite: Database {
        get throws {
            guard let store = mindbeat.store as? SQLiteStore else { throw MindbeatError.internal("not a SQLite store") }
            return store.database
        }
    }

    /// Schedules a session of Ann's with Bo (or as given).
    func schedule(_ start: String, member: String = "bo@example.com", by actor: String = "ann", minutes: Int64 = 60) throws -> Int64 {
        try mindbeat.schedule(try self.actor(actor), startsAt: at(start), memberEmail: member, coachEmail: nil, durationMinutes: minutes)
    }

    func session(_ id: Int64) throws -> Session {
        guard let session = try mindbeat.store.read({ try $0.session(id: id) }) else { throw MindbeatError.notFound(.session(id)) }
        return session
    }

    /// Every row of every table the schema has (read from the schema, so a
    /// new table is covered the day it is added), to compare before and
    /// after a refusal.
    func snapshot() throws -> [String] {
        let database = try self.database
        let catalog = database.dialect == .sqlite
            ? "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mindbeat' ORDER BY 1"
        let tables = try database.rows(catalog).compactMap { $0.text(0) }
        var lines: [String] = ["tables: " + tables.joined(separator: ",")]
        for table in tables {
            for row in try database.rows("SELECT * FROM \"\(table)\" ORDER BY 1") {
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

/// A database file as an older mindbeat left it: its first `version`
/// migrations, its install id `old-install`, then `rows`.
func makeOlderDatabase(at path: String, version: Int, rows: String) throws {
    let db = try Database(path: path, create: true)
    for migration in Schema.migrations.prefix(version) { try db.execute(migration) }
    try db.execute("""
        PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = \(version);
        INSERT INTO settings VALUES ('install_id', 'old-install');
        """ + rows)
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
        coachJoinedAt: coachJoined.map { at($0) }, memberJoinedAt: memberJoined.map { at($0) },
        contactAttempts: lastContact == nil ? 0 : 1, lastContactAt: lastContact.map { at($0) })
}

/// Plain-string forms of the service calls whose text the command line checks
/// first, so that the rules read plainly in tests.
extension Mindbeat {
    func addNote(_ actor: Actor, place: NotePlace, visibility: Visibility, body: String) throws -> SavedNote {
        try addNote(actor, place: place, visibility: visibility, body: NoteBody(body, fromFile: false))
    }

    func leaveFeedback(_ actor: Actor, id: Int64, rating: Int64, comment: String) throws -> Feedback {
        try leaveFeedback(actor, id: id, rating: rating, comment: try FeedbackComment(comment))
    }

    func contact(_ actor: Actor, id: Int64, via method: ContactMethod, note: String?) throws -> ContactOutcome {
        try contact(actor, id: id, via: method, note: note.map { try ChatText($0) }) { "\($0.name) is waiting" }
    }

    func switchChannel(_ actor: Actor, id: Int64, to channel: Channel) throws -> ChannelSwitch {
        try switchChannel(actor, id: id, to: channel) { "Let's continue on Zoom: \($0)" }
    }

    func sendChat(_ actor: Actor, id: Int64, text: String) throws {
        try sendChat(actor, id: id, text: ChatText(text))
    }
}
