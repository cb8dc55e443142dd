#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

extension Commands {
    static let dbCopy = Command(
        ["db", "copy"], group: .server,
        summary: "copy the database into a new one, SQLite or PostgreSQL",
        discussion: """
            Copies the current database (--db or MINDBEAT_DB) into DEST: a SQLite path where \
            nothing is yet (created as init creates one), or a postgres:// or postgresql:// URI \
            of a database without the schema mindbeat. Everything is copied, in one transaction \
            on DEST, which appears whole or not at all: accounts, logins, SSH keys, sessions, \
            notes, feedback, notices and the session log, with their ids and the database's \
            identity, so logins, calendar subscriptions and sshd's key lines go on working \
            once MINDBEAT_DB names DEST. The source is read as one consistent view while others \
            go on using it. A DEST that holds a mindbeat database is refused (exit 1); anything \
            else there, as init refuses it (exit 73). Needs no login: run it as the Unix user \
            that owns the database file (or root), like outbox send; anyone else is refused (77). \
            A URI's password is never printed: keep it in ~/.pgpass or a service file.
            """,
        options: [.needed(Key.copyTo, "DEST", "where to copy to: a new SQLite path, or a PostgreSQL URI")],
        examples: [
            ("mindbeat db copy --to postgresql://mindbeat@db.example.com/mindbeat", "move a practice up to PostgreSQL"),
            ("mindbeat --db postgresql:///mindbeat db copy --to /srv/mindbeat/copy.db", "and back down, to a file"),
        ],
        action: .open { context, arguments in
            let destination = try arguments.required(Key.copyTo)
            if destination == "-" { throw UsageError("--to needs a path or a postgres:// URI; a database cannot be copied to standard output") }
            let source = try context.databaseLocation()
            let rows = try Stores.copy(from: source, to: destination, operatorUID: geteuid())
            let shown = ["accounts", "sessions", "notes", "events"].map { "\(rows[$0] ?? 0) \($0)" }.joined(separator: ", ")
            context.out.line("Copied \(Stores.shown(source)) to \(Stores.shown(destination)): \(shown).")
        }
    )
}
