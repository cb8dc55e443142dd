#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

@Suite("Opening databases", .enabled(if: !TestBackend.isPostgres, "the SQLite store and its file"))
struct StoreTests {
    @Test func aMissingDatabaseIsNotFound() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        #expect(throws: MindbeatError.database(.missing, location: directory + "/none.db")) { try Stores.open(directory + "/none.db") }
    }

    @Test func randomBytesAreRefusedUntouched() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/random.db"
        let bytes = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        writeFile(path, bytes)
        #expect(throws: MindbeatError.database(.foreign, location: path)) { try Stores.open(path) }
        // init refuses it as a file that exists (73), untouched.
        #expect(throws: MindbeatError.database(.exists, location: path)) { try Stores.create(path) }
        #expect(fileBytes(path) == bytes)
    }

    @Test func aForeignSQLiteDatabaseIsRefusedUntouched() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/foreign.db"
        do {
            let db = try Database(path: path, create: true)
            try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        }
        let before = fileBytes(path)
        #expect(throws: MindbeatError.database(.foreign, location: path)) { try Stores.open(path) }
        // init refuses it as a file that exists (73), untouched.
        #expect(throws: MindbeatError.database(.exists, location: path)) { try Stores.create(path) }
        #expect(fileBytes(path) == before)
        do {
            let db = try Database(path: path, create: false)
            try db.execute("PRAGMA application_id = 42")
        }
        let marked = fileBytes(path)
        #expect(throws: MindbeatError.database(.foreign, location: path)) { try Stores.open(path) }
        #expect(fileBytes(path) == marked)
    }

    @Test func aNewerDatabaseIsRefusedUntouched() throws {
        let f = try Fixture()
        try f.sqlite.execute("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE)")
        let before = fileBytes(f.path)
        #expect(throws: MindbeatError.database(.newer(version: 99), location: f.path)) { try Stores.open(f.path) }
        #expect(fileBytes(f.path) == before)
    }

    /// A database of schema 2 (0.1's early layout: no feedback table, no
    /// partial indexes, no account notices), with a session and a notice in it,
    /// opened by this mindbeat: migrated in place, its rows kept.
    @Test func anOlderDatabaseIsMigratedInPlaceKeepingItsData() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/old.db"
        try makeOlderDatabase(at: path, version: 2, rows: """
            INSERT INTO accounts (id, email, name, role, admin, password_hash, created_at) VALUES (1, 'ann@example.com', 'Ann', 'coach', 1, 'x', 0);
            INSERT INTO accounts (id, email, name, role, password_hash, coach_id, created_at) VALUES (2, 'bo@example.com', 'Bo', 'member', 'x', 1, 0);
            INSERT INTO sessions (id, coach_id, member_id, starts_at, duration_minutes, created_at) VALUES (7, 1, 2, 1796115600, 60, 0);
            INSERT INTO notices (id, recipient_id, session_id, kind, due_at, status, attempts, created_at)
                VALUES (3, 2, 7, 'reminder', 1796115960, 'sent', 1, 0);
            """)
        let reopened = try SQLiteStore.open(path: path)
        #expect(reopened.installID == "old-install")
        #expect(try reopened.database.integer("PRAGMA user_version") == Schema.currentVersion)
        #expect(try reopened.database.integer("SELECT count(*) FROM sqlite_schema WHERE name IN ('feedback', 'open_sessions_by_coach')") == 2)
        #expect(try reopened.read { try $0.session(id: 7) }?.member.email == "bo@example.com")
        #expect(try reopened.read { try $0.notices(hidingReportsOf: 0) }.map { "\($0.id) \($0.kind.rawValue) \($0.status.rawValue)" } == ["3 reminder sent"])
        #expect(try reopened.read { try $0.account(id: 2) }?.mustChangePassword == false)
        // The rebuilt notices table takes an account notice, which has no session.
        try reopened.write { try $0.queueNotice(recipientID: 2, sessionID: nil, kind: .account, dueAt: Instant(secondsSinceEpoch: 0), at: Instant(secondsSinceEpoch: 0)) }
        #expect(try reopened.database.integer("PRAGMA foreign_key_check") == nil)
        #expect(try reopened.database.row("PRAGMA integrity_check")?.text(0) == "ok")
    }

    @Test func theDatabaseIsPrivateAndInWALMode() throws {
        let f = try Fixture()
        var info = stat()
        stat(f.path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        stat(f.directory, &info)
        #expect(try f.sqlite.row("PRAGMA journal_mode")?.text(0) == "wal")
        #expect(try f.sqlite.integer("PRAGMA foreign_keys") == 1)
        #expect(try f.sqlite.integer("PRAGMA application_id") == Schema.applicationID)
        #expect(try f.sqlite.integer("PRAGMA user_version") == Schema.currentVersion)
    }

    @Test func createMakesMissingDirectoriesPrivate() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/a/b/mindbeat.db"
        let store = try Stores.create(path)
        #expect(!store.installID.isEmpty)
        var info = stat()
        stat(directory + "/a/b", &info)
        #expect(info.st_mode & 0o777 == 0o700)
        let reopened = try Stores.open(path)
        #expect(reopened.installID == store.installID)
    }

    @Test func anUncreatablePathIsReported() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        writeFile(directory + "/file", [1])
        #expect(throws: MindbeatError.self) { try Stores.create(directory + "/file/sub/mindbeat.db") }
        do throws(MindbeatError) {
            _ = try Stores.create(directory + "/file/sub/mindbeat.db")
        } catch {
            if case .database(.cannotCreate, _) = error {} else { Issue.record("expected cannotCreate, got \(error)") }
        }
    }

    @Test func errorsCarryTheSQLButNeverTheBoundValues() throws {
        let f = try Fixture()
        let secret = "PRIVATE-MARKER-\(Int.random(in: 0...1_000_000))"
        do {
            try f.sqlite.run("INSERT INTO chat_messages (session_id, author_id, text, at) VALUES (?, ?, ?, ?)",
                                              [.integer(999), .integer(999), .text(secret), .integer(0)])
            Issue.record("the foreign key should have failed")
        } catch let error as DatabaseError {
            #expect(error.sql?.contains("INSERT INTO chat_messages") == true)
            #expect(!error.description.contains(secret))
        }
    }

    @Test func theOpenSessionPredicateIsTheOneThePartialIndexesUse() throws {
        let f = try Fixture()
        let indexes = try f.sqlite.rows("SELECT sql FROM sqlite_schema WHERE name LIKE 'open_sessions_by_%'").compactMap { $0.text(0) }
        #expect(indexes.count == 2)
        for sql in indexes { #expect(sql.hasSuffix("WHERE status IN \(SQLTransaction.openStatuses)")) }
        #expect(SQLTransaction.openStatuses == "('scheduled', 'in_progress')")
        // And the query planner uses them for an upcoming list.
        let plan = try f.sqlite.rows("EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE coach_id = 1 AND status IN \(SQLTransaction.openStatuses)")
            .compactMap { $0.text(3) }.joined(separator: " ")
        #expect(plan.contains("open_sessions_by_coach"), "\(plan)")
    }

    @Test func rowsAnotherProgramMangledAreACorruptDatabaseNeverATrap() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let ann = try f.actor("ann")
        let corrupt = MindbeatError.database(.corrupt, location: f.path)
        // A start whose end overflows 64 bits, a start that is text, a length
        // out of range, a chat time at the bottom of the range.
        for update in ["UPDATE sessions SET starts_at = 9223372036854772208", "UPDATE sessions SET starts_at = 'soon'",
                       "UPDATE sessions SET starts_at = -1"] {
            try f.sqlite.execute("PRAGMA ignore_check_constraints = ON; " + update)
            #expect(throws: corrupt, "\(update)") { try f.mindbeat.session(ann, id: id) }
            #expect(throws: corrupt, "\(update)") { try f.mindbeat.sessions(ann, scope: .all) }
            #expect(throws: corrupt, "\(update)") { try f.mindbeat.members(ann) }
            try f.sqlite.execute("UPDATE sessions SET starts_at = \(at("2026-12-01T09:00:00Z").secondsSinceEpoch)")
        }
        #expect(try f.mindbeat.session(ann, id: id).view.session.startsAt == at("2026-12-01T09:00:00Z"))
        try f.sqlite.execute("PRAGMA ignore_check_constraints = ON; UPDATE sessions SET duration_minutes = 100000")
        #expect(throws: corrupt) { try f.mindbeat.session(ann, id: id) }
        try f.sqlite.execute("UPDATE sessions SET duration_minutes = 60")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(ann, id: id)
        try f.mindbeat.sendChat(ann, id: id, text: "hello")
        try f.sqlite.execute("UPDATE chat_messages SET at = -9223372036854775808")
        #expect(throws: corrupt) { try f.mindbeat.chat(ann, id: id) }
    }

    @Test func aRolledBackTransactionLeavesNoTrace() throws {
        let f = try Fixture()
        let before = try f.snapshot()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try f.sqlite.write { db in
                try db.run("UPDATE accounts SET name = 'Changed'")
                throw Stop()
            }
        }
        #expect(try f.snapshot() == before)
    }
}
