/* The floor of the benchmark: the least a program can do to answer the same
 * reads as mindbeat. It is linked statically against the same libsqlite3.a
 * (and libsodium.a, for the login token's hash), opens the database the way
 * Store.open does and runs exactly the statements mindbeat runs for the
 * command, in the same transactions, with the same values bound, printing the
 * raw rows. bench/run.sh checks that with gdb, call by call. What it leaves
 * out is everything but SQLite's work and the token's: the Swift runtime, the
 * command table, the checks made in Swift, the rendering.
 *
 * When mindbeat's SQL changes, change it here too: the check then fails.
 *
 * usage: floor [--persist-wal] [--db PATH] version | sessions-list | status ID | members | notes-list
 * Environment as for mindbeat: MINDBEAT_DB (unless --db), MINDBEAT_TOKEN or the stored token
 * under $XDG_STATE_HOME (else $HOME/.local/state)/mindbeat/INSTALL_ID.token.
 * --persist-wal keeps the -wal and -shm files at close (SQLITE_FCNTL_PERSIST_WAL):
 * an experiment to price a change to mindbeat, not what mindbeat does.
 */
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sqlite3 *db;

static void die(const char *what) {
    fprintf(stderr, "floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static void exec(const char *sql) {
    if (sqlite3_exec(db, sql, 0, 0, 0) != SQLITE_OK) die(sql);
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, 0) != SQLITE_OK) die(sql);
    return s;
}

/* Database.run: a statement prepared once (the statement cache), stepped
 * to its end and reset; mindbeat runs BEGIN and COMMIT this way. */
static void run_cached(sqlite3_stmt **cache, const char *sql) {
    if (!*cache) *cache = prepare(sql);
    if (sqlite3_step(*cache) != SQLITE_DONE) die(sql);
    sqlite3_reset(*cache);
}

static sqlite3_stmt *begin_stmt, *commit_stmt, *login_stmt;

/* Mindbeat.verify: the credential's account, in one joined lookup, made by
 * the sign-in and again by every transaction that acts for someone. */
static sqlite3_int64 verify(const unsigned char *hash) {
    if (!login_stmt)
        login_stmt = prepare("SELECT a.id, a.email, a.name, a.role, a.admin, a.phone, a.zoom, a.coach_id, a.manager_id,\n"
                             "       a.must_change_password, t.expires_at, t.revoked_at\n"
                             "FROM login_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?");
    sqlite3_bind_blob(login_stmt, 1, hash, 32, SQLITE_TRANSIENT);
    if (sqlite3_step(login_stmt) != SQLITE_ROW) die("unknown token");
    sqlite3_int64 me = sqlite3_column_int64(login_stmt, 0);
    if (sqlite3_column_type(login_stmt, 11) != SQLITE_NULL) die("revoked");
    if (sqlite3_column_int64(login_stmt, 9) != 0) die("must change password");
    sqlite3_reset(login_stmt);
    return me;
}

/* Binds integers 1…n (mindbeat resets and clears bindings first), then prints
 * every row (at most `max`), columns separated by '|', keeping column `keep`
 * of each in `ids` if given (0 for NULL). Returns the number of rows. Like
 * Database.row, a one-row read steps once and no further. */
static int collect(sqlite3_stmt *s, int n, const sqlite3_int64 *args, sqlite3_int64 *ids, int max, int keep) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (int i = 0; i < n; i++) sqlite3_bind_int64(s, i + 1, args[i]);
    int count = 0, rc = SQLITE_DONE;
    while (count < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int columns = sqlite3_column_count(s);
        for (int c = 0; c < columns; c++) {
            const unsigned char *text = sqlite3_column_text(s, c);
            fputs(text ? (const char *)text : "", stdout);
            putchar(c + 1 < columns ? '|' : '\n');
        }
        if (ids) ids[count] = sqlite3_column_int64(s, keep);
        count++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) die(sqlite3_sql(s));
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return count;
}

static int rows(sqlite3_stmt *s, int n, const sqlite3_int64 *args) { return collect(s, n, args, 0, 1 << 30, 0); }
static int row(sqlite3_stmt *s, int n, const sqlite3_int64 *args) { return collect(s, n, args, 0, 1, 0); }

static sqlite3_int64 integer(const char *sql) {
    sqlite3_stmt *s = prepare(sql);
    sqlite3_int64 value = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return value;
}

#define SESSION_SELECT \
    "SELECT s.id, s.starts_at, s.duration_minutes, s.status, s.channel,\n" \
    "       s.coach_joined_at, s.member_joined_at, s.ended_at,\n" \
    "       c.id, c.email, c.name, c.phone, c.zoom, c.manager_id,\n" \
    "       m.id, m.email, m.name, m.phone, m.zoom, m.manager_id,\n" \
    "       (SELECT count(*) FROM contact_attempts a WHERE a.session_id = s.id),\n" \
    "       (SELECT max(at) FROM contact_attempts a WHERE a.session_id = s.id),\n" \
    "       s.sequence, s.cancelled_at, x.id, x.email, x.name, s.cancel_reason, s.series_id\n" \
    "FROM sessions s\n" \
    "JOIN accounts c ON c.id = s.coach_id\n" \
    "JOIN accounts m ON m.id = s.member_id\n" \
    "LEFT JOIN accounts x ON x.id = s.cancelled_by"
#define OPEN_STATUS " AND status IN ('scheduled', 'in_progress')"
#define ACCOUNT_COLUMNS "id, email, name, role, admin, phone, zoom, coach_id, manager_id, must_change_password"

int main(int argc, char **argv) {
    int persist = argc > 1 && !strcmp(argv[1], "--persist-wal");
    if (persist) argc--, argv++;
    const char *path = getenv("MINDBEAT_DB");
    if (argc > 2 && !strcmp(argv[1], "--db")) path = argv[2], argc -= 2, argv += 2;
    const char *mode = argc > 1 ? argv[1] : "";
    static char out[1 << 16];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    if (!strcmp(mode, "version")) {
        fputs("mindbeat 0.1.0\n", stdout);
        return 0;
    }
    if (!path) { fputs("floor: set MINDBEAT_DB or give --db PATH\n", stderr); return 64; }

    /* Store.open: stat, then the first 100 bytes, before SQLite sees the file. */
    struct stat info;
    char header[100];
    if (stat(path, &info) != 0) die("stat");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, header, 100) != 100 || memcmp(header, "SQLite format 3", 16)) die("header");
    close(fd);

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, 0) != SQLITE_OK)
        die("open");
    sqlite3_extended_result_codes(db, 1);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
    sqlite3_busy_timeout(db, 5000);
    if (persist) sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    /* Store.prepare: the marks in one snapshot, WAL, foreign keys, the install id. */
    run_cached(&begin_stmt, "BEGIN DEFERRED");
    if (integer("PRAGMA application_id") != 0x4D425431) die("not a mindbeat database");
    integer("PRAGMA user_version");
    integer("SELECT count(*) FROM sqlite_schema");
    run_cached(&commit_stmt, "COMMIT");
    sqlite3_stmt *s = prepare("PRAGMA journal_mode = WAL");
    if (sqlite3_step(s) != SQLITE_ROW) die("journal_mode");
    sqlite3_reset(s);
    exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL");
    s = prepare("SELECT value FROM settings WHERE key = 'install_id'");
    if (sqlite3_step(s) != SQLITE_ROW) die("install_id");
    char install[64];
    snprintf(install, sizeof install, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);

    /* Context.token: MINDBEAT_TOKEN, else the stored token, trimmed. */
    char token[4096] = "";
    const char *env = getenv("MINDBEAT_TOKEN");
    if (env && *env) {
        snprintf(token, sizeof token, "%s", env);
    } else {
        char file[4096];
        const char *state = getenv("XDG_STATE_HOME");
        if (state && *state == '/') snprintf(file, sizeof file, "%s/mindbeat/%s.token", state, install);
        else snprintf(file, sizeof file, "%s/.local/state/mindbeat/%s.token", getenv("HOME"), install);
        fd = open(file, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, token, sizeof token - 1) : -1;
        if (n <= 0) die("no token");
        close(fd);
        while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == ' ')) n--;
        token[n] = 0;
    }
    /* Secrets.tokenHash: BLAKE2b-256 of the token's text. */
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, (const unsigned char *)token, strlen(token), 0, 0);

    /* Context.signIn: Mindbeat.authenticate, in a read transaction of its own. */
    run_cached(&begin_stmt, "BEGIN DEFERRED");
    sqlite3_int64 me = verify(hash);
    run_cached(&commit_stmt, "COMMIT");

    /* Mindbeat.read: one deferred transaction that checks the credential
     * again, then the command. */
    run_cached(&begin_stmt, "BEGIN DEFERRED");
    me = verify(hash);

    if (!strcmp(mode, "sessions-list")) {
        sqlite3_int64 args[] = {me, me, me};
        rows(prepare(SESSION_SELECT " WHERE s.id IN (\n"
                     "    SELECT id FROM sessions WHERE coach_id = ?" OPEN_STATUS "\n"
                     "    UNION ALL SELECT id FROM sessions WHERE member_id = ?" OPEN_STATUS "\n"
                     "    UNION ALL SELECT sessions.id FROM accounts r CROSS JOIN sessions ON sessions.member_id = r.id\n"
                     "        WHERE r.manager_id = ?" OPEN_STATUS ")\n"
                     " ORDER BY s.starts_at, s.id"),
             3, args);
    } else if (!strcmp(mode, "status")) {
        sqlite3_int64 id = argc > 2 ? atoll(argv[2]) : 0;
        row(prepare(SESSION_SELECT " WHERE s.id = ?"), 1, &id);
    } else if (!strcmp(mode, "members")) {
        /* A coach's members; for each, the next session, then attendance
         * and the engagement. */
        sqlite3_stmt *members = prepare(
            "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE coach_id = ? ORDER BY name COLLATE NOCASE, email COLLATE NOCASE");
        sqlite3_int64 ids[4096];
        int count = collect(members, 1, &me, ids, 4096, 0);
        sqlite3_stmt *next = 0, *standing = 0;
        for (int i = 0; i < count; i++) {
            if (!next)
                next = prepare(SESSION_SELECT " WHERE s.member_id = ? AND s.status IN ('scheduled', 'in_progress')\n"
                               "ORDER BY s.starts_at, s.id LIMIT 1");
            row(next, 1, &ids[i]);
            /* Attendance and the engagement (bank, changes, flag), in one statement. */
            if (!standing)
                standing = prepare(
                    "WITH e AS (SELECT id, sessions, started_at, changes_before, ended_before FROM engagements\n"
                    "           WHERE member_id = ?1 ORDER BY id DESC LIMIT 1),\n"
                    "     s AS (SELECT count(*) FILTER (WHERE status = 'held') AS held,\n"
                    "                  count(*) FILTER (WHERE status = 'missed') AS missed,\n"
                    "                  count(*) FILTER (WHERE status IN ('scheduled', 'in_progress')) AS open\n"
                    "           FROM sessions WHERE member_id = ?1)\n"
                    "SELECT (SELECT id FROM e), (SELECT sessions FROM e),\n"
                    "       coalesce((SELECT started_at FROM e), (SELECT created_at FROM accounts WHERE id = ?1)),\n"
                    "       s.held, s.missed, s.open, coalesce((SELECT ended_before FROM e), 0),\n"
                    "       (SELECT count(*) FROM session_changes WHERE member_id = ?1 AND by_member = 1\n"
                    "          AND id > coalesce((SELECT changes_before FROM e), 0)),\n"
                    "       (SELECT count(*) FROM session_changes WHERE member_id = ?1 AND by_member = 1 AND late = 1\n"
                    "          AND id > coalesce((SELECT changes_before FROM e), 0))\n"
                    "FROM s");
            row(standing, 1, &ids[i]);
        }
    } else if (!strcmp(mode, "notes-list")) {
        /* The candidates, then (Mindbeat.visible) each distinct session of
         * a note, once, for the visibility check. */
        sqlite3_int64 sessions[4096];
        int count = collect(prepare("SELECT n.id, n.session_id, n.visibility, n.body, n.created_at,\n"
                     "       a.id, a.email, a.name, m.id, m.email, m.name, m.manager_id\n"
                     "FROM notes n\n"
                     "JOIN accounts a ON a.id = n.author_id\n"
                     "JOIN accounts m ON m.id = n.member_id WHERE n.id IN (\n"
                     "    SELECT id FROM notes WHERE author_id = ?1\n"
                     "    UNION SELECT id FROM notes WHERE member_id = ?1\n"
                     "    UNION SELECT notes.id FROM notes JOIN sessions s ON s.id = notes.session_id\n"
                     "        WHERE s.coach_id = ?1 OR s.member_id = ?1) ORDER BY n.created_at, n.id"),
                            1, &me, sessions, 4096, 1);
        sqlite3_stmt *session = 0;
        for (int i = 0; i < count && i < 4096; i++) {
            int seen = sessions[i] == 0;
            for (int j = 0; j < i && !seen; j++) seen = sessions[j] == sessions[i];
            if (seen) continue;
            if (!session) session = prepare(SESSION_SELECT " WHERE s.id = ?");
            row(session, 1, &sessions[i]);
        }
    } else {
        fputs("usage: floor [--persist-wal] [--db PATH] version | sessions-list | status ID | members | notes-list\n", stderr);
        return 64;
    }
    run_cached(&commit_stmt, "COMMIT");
    /* mindbeat finalizes its statements and closes the connection, which as
     * the last one checkpoints and removes the -wal and -shm files. */
    while ((s = sqlite3_next_stmt(db, 0))) sqlite3_finalize(s);
    sqlite3_close_v2(db);
    return 0;
}
