#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MindbeatCore

func fileBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
}

@Suite("Opening databases")
struct StoreTests {
    @Test func aMissingDatabaseIsNotFound() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        #expect(throws: MindbeatError.databaseMissing(path: directory + "/none.db")) { try Store.open(path: directory + "/none.db") }
    }

    @Test func randomBytesAreRefusedUntouched() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/random.db"
        let bytes = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        writeFile(path, bytes)
        #expect(throws: MindbeatError.notADatabase(path: path)) { try Store.open(path: path) }
        #expect(throws: MindbeatError.notADatabase(path: path)) { try Store.create(path: path) }
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
        #expect(throws: MindbeatError.notADatabase(path: path)) { try Store.open(path: path) }
        #expect(throws: MindbeatError.notADatabase(path: path)) { try Store.create(path: path) }
        #expect(fileBytes(path) == before)
        do {
            let db = try Database(path: path, create: false)
            try db.execute("PRAGMA application_id = 42")
        }
        let marked = fileBytes(path)
        #expect(throws: MindbeatError.notADatabase(path: path)) { try Store.open(path: path) }
        #expect(fileBytes(path) == marked)
    }

    @Test func aNewerDatabaseIsRefusedUntouched() throws {
        let f = try Fixture()
        try f.mindbeat.store.database.execute("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE)")
        let before = fileBytes(f.path)
        #expect(throws: MindbeatError.newerDatabase(path: f.path, version: 99)) { try Store.open(path: f.path) }
        #expect(fileBytes(f.path) == before)
    }

    @Test func anOlderDatabaseIsMigratedInPlaceKeepingItsData() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        // Back to schema 2: no feedback table, no partial indexes.
        try f.mindbeat.store.database.execute("""
            DROP TABLE feedback; DROP INDEX open_sessions_by_coach; DROP INDEX open_sessions_by_member;
            PRAGMA user_version = 2;
            """)
        let reopened = try Store.open(path: f.path)
        #expect(try reopened.database.integer("PRAGMA user_version") == Schema.currentVersion)
        #expect(try reopened.database.integer("SELECT count(*) FROM sqlite_schema WHERE name IN ('feedback', 'open_sessions_by_coach')") == 2)
        #expect(try reopened.session(id: id)?.member.email == "bo@example.com")
    }

    @Test func theDatabaseIsPrivateAndInWALMode() throws {
        let f = try Fixture()
        var info = stat()
        stat(f.path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        stat(f.directory, &info)
        #expect(try f.mindbeat.store.database.row("PRAGMA journal_mode")?.text(0) == "wal")
        #expect(try f.mindbeat.store.database.integer("PRAGMA foreign_keys") == 1)
        #expect(try f.mindbeat.store.database.integer("PRAGMA application_id") == Schema.applicationID)
        #expect(try f.mindbeat.store.database.integer("PRAGMA user_version") == Schema.currentVersion)
    }

    @Test func createMakesMissingDirectoriesPrivate() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/a/b/mindbeat.db"
        let (store, created) = try Store.create(path: path)
        #expect(created && !store.installID.isEmpty)
        var info = stat()
        stat(directory + "/a/b", &info)
        #expect(info.st_mode & 0o777 == 0o700)
        let reopened = try Store.open(path: path)
        #expect(reopened.installID == store.installID)
    }

    @Test func anUncreatablePathIsReported() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        writeFile(directory + "/file", [1])
        #expect(throws: MindbeatError.self) { try Store.create(path: directory + "/file/sub/mindbeat.db") }
        do throws(MindbeatError) {
            _ = try Store.create(path: directory + "/file/sub/mindbeat.db")
        } catch {
            if case .cannotCreate = error {} else { Issue.record("expected cannotCreate, got \(error)") }
        }
    }

    @Test func errorsCarryTheSQLButNeverTheBoundValues() throws {
        let f = try Fixture()
        let secret = "PRIVATE-MARKER-\(Int.random(in: 0...1_000_000))"
        do {
            try f.mindbeat.store.database.run("INSERT INTO chat_messages (session_id, author_id, text, at) VALUES (?, ?, ?, ?)",
                                              [.integer(999), .integer(999), .text(secret), .integer(0)])
            Issue.record("the foreign key should have failed")
        } catch let error as DatabaseError {
            #expect(error.sql?.contains("INSERT INTO chat_messages") == true)
            #expect(!error.description.contains(secret))
        }
    }

    @Test func aRolledBackTransactionLeavesNoTrace() throws {
        let f = try Fixture()
        let before = try f.snapshot()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try f.mindbeat.store.database.write { db in
                try db.run("UPDATE accounts SET name = 'Changed'")
                throw Stop()
            }
        }
        #expect(try f.snapshot() == before)
    }
}
