import Foundation
import Testing
import TestSupport

/// A PostgreSQL cluster of a test's own, for the faults that stop a server:
/// started as the `postgres` user on a temporary directory and socket (the
/// shared test server goes on serving the other tests). Root only.
final class OwnCluster {
    static let bin = "/usr/lib/postgresql/15/bin"
    static var available: Bool { getuid() == 0 && FileManager.default.fileExists(atPath: bin + "/initdb") }

    let directory: String
    let port = Int.random(in: 20_000...29_999)

    init() throws {
        directory = temporaryDirectory()
        // system(3), not Process: the server outlives the command that starts it.
        guard system("chown postgres '\(directory)' && chmod 700 '\(directory)'") == 0,
              system("/usr/sbin/runuser -u postgres -- \(Self.bin)/initdb -D '\(directory)/data' -A trust -U postgres --no-sync >/dev/null 2>&1") == 0
        else { throw Sandbox.Failed() }
        try start()
        guard system("psql -X -q -d '\(uri("postgres"))' -c 'CREATE DATABASE mindbeat' >/dev/null 2>&1") == 0 else { throw Sandbox.Failed() }
    }

    deinit {
        _ = try? stop()
        removeTree(directory)
    }

    func uri(_ database: String = "mindbeat", password: String? = nil) -> String {
        let user = password.map { "postgres:\($0)@" } ?? ""
        return "postgresql://\(user)/\(database)?host=\(directory)&port=\(port)&user=postgres"
    }

    func start() throws {
        let started = system("""
            /usr/sbin/runuser -u postgres -- \(Self.bin)/pg_ctl -D '\(directory)/data' -w -l '\(directory)/log' \
              -o "-k \(directory) -p \(port) -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1
            """)
        guard started == 0 else { throw Sandbox.Failed() }
    }

    func stop(_ mode: String = "fast") throws {
        _ = system("/usr/sbin/runuser -u postgres -- \(Self.bin)/pg_ctl -D '\(directory)/data' -m \(mode) -w stop >/dev/null 2>&1")
    }
}

/// What only PostgreSQL has: the engine's constraints and locks under
/// processes that race, a server that goes away, schemas that are not
/// mindbeat's, and `db copy` both ways. Everything else runs against
/// PostgreSQL in the whole suite's second pass (`make test`).
@Suite("PostgreSQL, end to end", .enabled(if: TestBackend.isPostgres, "needs MINDBEAT_TEST_BACKEND=postgresql"))
struct PostgresTests {
    @Test func eightRacingBookingsOfOverlappingTimesOneWins() throws {
        let box = try Sandbox()
        try box.seed()
        let result = try shell("""
            for p in 0 1 2 3 4 5 6 7; do
              ( "$BIN" sessions add --at "2026-12-02T09:0${p}:00Z" --member bo@example.com >/dev/null 2>"$ERR.$p"; echo "status $?" ) &
            done
            wait
            cat "$ERR".*
            """, environment: box.scriptEnvironment.merging(["ERR": box.root.path + "/err"]) { $1 })
        let statuses = result.lines.filter { $0.hasPrefix("status") }
        #expect(statuses.count == 8)
        #expect(statuses.filter { $0 == "status 0" }.count == 1, "\(result.stdout)")
        #expect(statuses.filter { $0 == "status 1" }.count == 7, "\(result.stdout)")
        // The losers were refused by the rule, in its words, never by a raw
        // constraint error or a serialization failure.
        let errors = result.lines.filter { $0.hasPrefix("mindbeat:") }
        #expect(errors.count == 7 && errors.allSatisfy { $0.contains("overlaps") }, "\(errors)")
        #expect(try box.sql("SELECT count(*) FROM sessions").stdout == "1\n")
        // And the engine itself refuses what the rule refuses, from any client.
        let direct = try box.sql("""
            INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, created_at)
            SELECT coach_id, member_id, starts_at + 1800, 60, 0 FROM sessions
            """)
        #expect(direct.status != 0 && direct.stderr.contains("open_sessions_of_a_coach_never_overlap"), "\(direct.stderr)")
    }

    @Test func threeOutboxRunsDeliverEveryNoticeExactlyOnce() throws {
        let box = try Sandbox()
        try box.seed()
        for day in 2...4 {
            for hour in 9...16 { _ = try box.schedule("2026-12-0\(day)T" + String(format: "%02d", hour) + ":00:00Z") }
        }
        // Each booking's invitation is due at once (its reminders later).
        let due = Int(try box.sql("SELECT count(*) FROM notices WHERE status = 'pending' AND due_at <= \(1_796_112_000)")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(due == 24)
        let spool = box.root.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let mailer = box.root.path + "/mailer.sh"
        try "#!/bin/sh\nsleep 0.05\ncat > \"\(spool)/$$-$(date +%s%N)\"\n".write(toFile: mailer, atomically: true, encoding: .utf8)
        _ = try shell("chmod 755 '\(mailer)'")
        var env = box.scriptEnvironment
        env["MINDBEAT_SENDMAIL"] = mailer
        let result = try shell("""
            for run in 1 2 3; do ( "$BIN" outbox send; echo "status $?" ) & done
            wait
            """, environment: env)
        #expect(result.lines.filter { $0 == "status 0" }.count == 3, "\(result.stdout) \(result.stderr)")
        let sent = result.lines.compactMap { line in line.split(separator: " ").first.flatMap { Int($0) } }
        #expect(sent.reduce(0, +) == due, "each notice once across the runs: \(result.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: spool)
        #expect(files.count == due)
        #expect(try box.sql("SELECT count(*) FROM notices WHERE status = 'sent' AND attempts = 1").stdout == "\(due)\n")
    }

    @Test func theLogIsAppendOnlyEvenForPsql() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let before = box.dump()
        for sql in ["UPDATE events SET detail = 'forged'", "DELETE FROM events", "TRUNCATE events CASCADE",
                    "INSERT INTO events (id, session_id, at, kind) SELECT id, session_id, at, 'chat' FROM events ON CONFLICT (id) DO UPDATE SET kind = 'chat'"] {
            let outcome = try box.sql(sql)
            #expect(outcome.status != 0 && outcome.stderr.contains("append-only"), "\(sql): \(outcome.stderr)")
        }
        #expect(box.dump() == before)
        #expect(try box.run("sessions", "log", id).status == 0)
    }

    @Test func aForeignSchemaIs65AndAnEmptyDatabase66() throws {
        let box = try Sandbox()
        // A URI libpq cannot read is a usage error, before any connection.
        for uri in ["postgresql://%zz@/x", "postgresql://[::1/x"] {
            expectFailure(try box.run(["--db", uri, "sessions", "list"]), 64, "not a valid PostgreSQL URI")
        }
        let withPassword = try box.run(["--db", "postgresql://ann:hunter2@[::1/x", "sessions", "list"])
        expectFailure(withPassword, 64, "postgresql://ann@[::1/x")
        #expect(!withPassword.stderr.contains("hunter2"))
        expectFailure(try box.run("sessions", "list"), 66, "mindbeat init")
        _ = try box.sql("CREATE SCHEMA mindbeat; CREATE TABLE mindbeat.orders (id int)")
        let foreign = try box.run("sessions", "list")
        expectFailure(foreign, 65, "not a mindbeat database")
        let refused = try box.run(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"], stdin: "a-long-password-1\n")
        expectFailure(refused, 73)
        #expect(try box.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mindbeat'").stdout == "1\n",
                "the foreign schema was left untouched")
        _ = try box.sql("DROP SCHEMA mindbeat CASCADE")
        try box.seed()
        _ = try box.sql("UPDATE settings SET value = '99' WHERE key = 'schema_version'")
        expectFailure(try box.run("sessions", "list"), 65, "newer mindbeat")
    }

    @Test(.enabled(if: OwnCluster.available, "starts and stops a cluster of its own, as root"))
    func aServerThatGoesAwayIs75InOneLineWithoutThePassword() throws {
        let cluster = try OwnCluster()
        let box = try Sandbox()
        let secret = "pw-\(Int.random(in: 100_000...999_999))"
        box.environment["MINDBEAT_DB"] = cluster.uri(password: secret)
        try box.seed()
        let id = try box.schedule()
        try cluster.stop()
        for words in [["sessions", "list"], ["sessions", "show", id], ["chat", id, "hello"], ["outbox", "send"]] {
            let outcome = try box.run(words)
            expectFailure(outcome, 75, "cannot reach the database")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome.stderr)")
            #expect(!(outcome.stdout + outcome.stderr).contains(secret))
        }
        try cluster.start()
        #expect(try box.run("sessions", "show", id).status == 0)
    }

    @Test(.enabled(if: OwnCluster.available, "starts and stops a cluster of its own, as root"))
    func aServerStoppedInTheMiddleOfWritesLeavesNothingHalfWritten() throws {
        let cluster = try OwnCluster()
        let box = try Sandbox()
        box.environment["MINDBEAT_DB"] = cluster.uri()
        try box.seed()
        let id = try box.schedule()
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run("attend", id))
        var env = box.scriptEnvironment
        env["ID"] = id
        env["ACKS"] = box.root.path + "/acks"
        // Four writers; the server is stopped at once (no checkpoint, as a
        // crash) while they write.
        let result = try shell("""
            : > "$ACKS"
            for p in 1 2 3 4; do
              ( for i in $(seq 1 400); do "$BIN" chat "$ID" "p$p m$i" 2>/dev/null && echo "p$p m$i" >> "$ACKS"; done ) &
            done
            sleep 1.5
            /usr/sbin/runuser -u postgres -- \(OwnCluster.bin)/pg_ctl -D '\(cluster.directory)/data' -m immediate -w stop >/dev/null
            wait
            """, environment: env)
        #expect(result.status == 0)
        try cluster.start()
        let acknowledged = try String(contentsOfFile: env["ACKS"] ?? "", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(acknowledged.count > 10, "only \(acknowledged.count) writes before the stop")
        let stored = Set(try box.sql("SELECT text FROM chat_messages").lines)
        for ack in acknowledged { #expect(stored.contains(ack), "acknowledged write \(ack) is missing") }
        // Every message has its event: the two were one transaction.
        #expect(try box.sql("SELECT count(*) FROM chat_messages").stdout == box.sql("SELECT count(*) FROM events WHERE kind = 'chat'").stdout)
        #expect(try box.run("chat", id, "after the restart").status == 0)
    }

    /// Every table, row by row, as the sqlite3 shell prints it.
    func tables(_ path: String) throws -> [String: String] {
        var rows: [String: String] = [:]
        let names = try execute("/usr/bin/sqlite3", [path, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY 1"])
            .stdout.split(separator: "\n").map(String.init)
        #expect(names.count == 14, "\(names)")
        for name in names {
            rows[name] = try execute("/usr/bin/sqlite3", [path, "SELECT * FROM \(name) ORDER BY 1, 2"]).stdout
        }
        return rows
    }

    @Test func dbCopyToPostgreSQLAndBackGivesTheSameData() throws {
        // A practice on SQLite, with a bit of everything.
        let box = try Sandbox()
        let file = box.root.path + "/data/practice.db"
        box.environment["MINDBEAT_DB"] = file
        try box.seed()
        let held = try box.schedule()
        _ = try box.schedule("2026-12-03T09:00:00Z")
        try box.expectOK(box.run("notes", "add", "--member", "bo@example.com", "--private", "private words"))
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run("attend", held))
        try box.expectOK(box.run(as: "bo", "attend", held))
        try box.expectOK(box.run("chat", held, "hello"))
        box.now = "2026-12-01T09:50:00Z"
        try box.expectOK(box.run("end", held, "--held"))
        try box.expectOK(box.run("feedback", held, "--rating", "5"))
        try box.expectOK(box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": "/bin/true"]))
        let original = try tables(file)

        // Up to a new PostgreSQL database, and the logins go on working there.
        let server = TestBackend.newDatabase(in: box.root.path)
        let up = try box.run("db", "copy", "--to", server)
        try box.expectOK(up)
        #expect(up.stdout.hasPrefix("Copied \(file) to \(server): 5 accounts, 2 sessions, 1 notes,"), "\(up.stdout)")
        let onServer = try box.run(["sessions", "list", "--all", "--json"], env: ["MINDBEAT_DB": server])
        #expect(onServer.status == 0 && onServer.array.count == 2, "\(onServer.stderr)")
        #expect(try box.run(["sessions", "list", "--all", "--json"]).stdout == onServer.stdout)

        // A destination with mindbeat data is refused, and left as it was.
        let again = try box.run("db", "copy", "--to", server)
        expectFailure(again, 1, "already holds a mindbeat database")
        expectFailure(try box.run("db", "copy", "--to", file), 1, "already holds a mindbeat database")

        // And back down to a new file: every table holds what it held.
        let back = box.root.path + "/data/back.db"
        try box.expectOK(box.run(["db", "copy", "--to", back], env: ["MINDBEAT_DB": server]))
        #expect(try tables(back) == original)
        #expect(try box.run(["whoami"], env: ["MINDBEAT_DB": back]).status == 0, "the same install id: the login holds")
    }
}
