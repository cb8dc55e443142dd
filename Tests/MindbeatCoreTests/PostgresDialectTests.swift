import Testing
import TestSupport
@testable import MindbeatCore

/// The parts of the PostgreSQL backend that need no server: how a shared
/// statement is read by PostgreSQL, and how a URI is shown.
@Suite("PostgreSQL dialect and URIs")
struct PostgresDialectTests {
    @Test func parametersBecomeNumberedAndQuotedTextIsLeftAlone() {
        #expect(PGConnection.translate("SELECT ? , ?, '?' FROM t WHERE a = ?") == "SELECT $1 , $2, '?' FROM t WHERE a = $3")
        #expect(PGConnection.translate("WHERE coach_id = ?1 OR member_id = ?12") == "WHERE coach_id = $1 OR member_id = $12")
        #expect(PGConnection.translate("SELECT 'it''s ?' , ?") == "SELECT 'it''s ?' , $1")
    }

    @Test func nocaseAndCrossJoinAreSpelledForPostgreSQL() {
        #expect(PGConnection.translate("ORDER BY name COLLATE NOCASE, a.email COLLATE NOCASE")
                == "ORDER BY nocase(name), nocase(a.email)")
        #expect(PGConnection.translate("WHERE email COLLATE NOCASE = ? COLLATE NOCASE") == "WHERE nocase(email) = nocase($1)")
        #expect(PGConnection.translate("FROM accounts r CROSS JOIN sessions ON x") == "FROM accounts r JOIN sessions ON x")
        #expect(PGConnection.translate("SELECT 'CROSS JOIN ' || x") == "SELECT 'CROSS JOIN ' || x")
    }

    @Test func aURIIsShownWithoutItsPassword() {
        #expect(PostgresStore.redacted("postgresql://ann:s3cret@db.example.com:5432/mindbeat")
                == "postgresql://ann@db.example.com:5432/mindbeat")
        #expect(PostgresStore.redacted("postgres://ann:p%40ss@h/db?sslmode=require&password=other&x=1")
                == "postgres://ann@h/db?sslmode=require&x=1")
        #expect(PostgresStore.redacted("postgresql:///db?host=/tmp/x&PASSWORD=y") == "postgresql:///db?host=/tmp/x")
        #expect(PostgresStore.redacted("postgresql://[::1]:5432/db") == "postgresql://[::1]:5432/db")
        #expect(Stores.shown("/srv/mindbeat.db") == "/srv/mindbeat.db")
        #expect(Stores.isServer("postgres://h/db") && Stores.isServer("postgresql:///db") && !Stores.isServer("./postgres.db"))
    }

    @Test func byteaHexReadsBackAsBytes() {
        let text = Array("\\x00ff10Ab".utf8)
        let bytes = text.withUnsafeBytes { PGConnection.hexBytes($0) }
        #expect(bytes == [0x00, 0xff, 0x10, 0xab])
        let odd = Array("\\x0".utf8).withUnsafeBytes { PGConnection.hexBytes($0) }
        #expect(odd == nil)
    }

    /// db copy names every table of both schemas, so none is left behind.
    @Test func theCopyNamesEveryTableOfTheSchema() {
        let copied = Set(DatabaseCopy.tables.map(\.name))
        let sqliteTables = Set(Schema.migrations.joined(separator: "\n").split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.count > 2, words[0] == "CREATE", words[1] == "TABLE" else { return nil }
            return String(words[2])
        }.filter { !$0.contains("_0_2") })
        #expect(copied == sqliteTables)
        let postgresTables = Set(PostgresSchema.migrations.joined(separator: "\n").split(separator: "\n").compactMap { line -> String? in
            let words = line.drop { $0 == " " }.split(separator: " ")
            guard words.count > 2, words[0] == "CREATE", words[1] == "TABLE" else { return nil }
            return String(words[2].dropFirst("mindbeat.".count))
        })
        #expect(copied == postgresTables)
    }
}

/// The PostgreSQL schema's migrations, on the test server.
@Suite("PostgreSQL migrations", .enabled(if: TestBackend.isPostgres, "needs MINDBEAT_TEST_BACKEND=postgresql"))
struct PostgresMigrationTests {
    @Test func anOlderSchemaIsMigratedOnceAndANewerOneRefused() throws {
        let f = try Fixture()
        guard let store = f.mindbeat.store as? PostgresStore else { throw MindbeatError.internal("not a PostgreSQL store") }
        let connection = store.connection
        let next = "CREATE TABLE mindbeat.migration_marker (n bigint); INSERT INTO mindbeat.migration_marker VALUES (1)"
        let migrations = PostgresSchema.migrations + [next]
        try PostgresStore.migrate(connection, to: migrations, location: f.path)
        // A second opener finds it done: the step ran once.
        try PostgresStore.migrate(connection, to: migrations, location: f.path)
        #expect(try connection.integer("SELECT count(*) FROM mindbeat.migration_marker") == 1)
        #expect(try connection.row("SELECT value FROM settings WHERE key = 'schema_version'")?.text(0) == String(migrations.count))
        // This mindbeat knows fewer migrations than the schema has run.
        #expect(throws: MindbeatError.database(.newer(version: Int64(migrations.count)), location: f.path)) {
            try PostgresStore.migrate(connection, to: PostgresSchema.migrations, location: f.path)
        }
        // A step that fails changes nothing, the version included.
        let failing = migrations + ["CREATE TABLE mindbeat.half (n bigint); SELECT 1 / 0"]
        #expect(throws: PGError.self) { try PostgresStore.migrate(connection, to: failing, location: f.path) }
        #expect(try connection.integer("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'") == 0)
        #expect(try connection.row("SELECT value FROM settings WHERE key = 'schema_version'")?.text(0) == String(migrations.count))
    }
}
