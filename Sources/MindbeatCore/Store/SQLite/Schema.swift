/// The database layout, one migration a version, counted in `PRAGMA user_version`.
enum Schema {
    /// "MBT1" as a big-endian integer, in `PRAGMA application_id`: marks a file
    /// as mindbeat's so that a foreign SQLite database is refused untouched.
    static let applicationID: Int64 = 0x4D42_5431

    /// Migrations in order; the database's version is how many have run.
    static let migrations: [String] = [
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE UNIQUE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('coach', 'member', 'manager')),
            admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
            password_hash TEXT NOT NULL,
            phone TEXT,
            zoom TEXT,
            coach_id INTEGER REFERENCES accounts(id),
            manager_id INTEGER REFERENCES accounts(id),
            created_at INTEGER NOT NULL,
            CHECK ((role = 'member') = (coach_id IS NOT NULL)),
            CHECK (role = 'member' OR manager_id IS NULL)
        );
        CREATE INDEX accounts_by_coach ON accounts(coach_id);
        CREATE INDEX accounts_by_manager ON accounts(manager_id);

        CREATE TABLE login_tokens (
            hash BLOB PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX login_tokens_by_account ON login_tokens(account_id);

        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            coach_id INTEGER NOT NULL REFERENCES accounts(id),
            member_id INTEGER NOT NULL REFERENCES accounts(id),
            starts_at INTEGER NOT NULL,
            duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
            status TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'in_progress', 'held', 'missed')),
            channel TEXT NOT NULL DEFAULT 'platform' CHECK (channel IN ('platform', 'zoom', 'phone')),
            coach_joined_at INTEGER,
            member_joined_at INTEGER,
            ended_at INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_coach ON sessions(coach_id, starts_at);
        CREATE INDEX sessions_by_member ON sessions(member_id, starts_at);

        CREATE TABLE contact_attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            via TEXT NOT NULL CHECK (via IN ('email', 'phone', 'chat')),
            note TEXT,
            at INTEGER NOT NULL
        );
        CREATE INDEX contact_attempts_by_session ON contact_attempts(session_id, at);

        CREATE TABLE chat_messages (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            author_id INTEGER NOT NULL REFERENCES accounts(id),
            text TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX chat_messages_by_session ON chat_messages(session_id, id);

        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            recipient_id INTEGER NOT NULL REFERENCES accounts(id),
            session_id INTEGER REFERENCES sessions(id),
            kind TEXT NOT NULL CHECK (kind IN ('shared_notes', 'reminder')),
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_at INTEGER,
            claim TEXT,
            sent_at INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX notices_by_status ON notices(status, due_at);
        CREATE INDEX notices_by_session ON notices(session_id, recipient_id);
        """,
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES accounts(id),
            member_id INTEGER NOT NULL REFERENCES accounts(id),
            session_id INTEGER REFERENCES sessions(id),
            visibility TEXT NOT NULL CHECK (visibility IN ('shared', 'private')),
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX notes_by_member ON notes(member_id, created_at);
        CREATE INDEX notes_by_session ON notes(session_id, created_at);
        CREATE INDEX notes_by_author ON notes(author_id, created_at);
        """,
        """
        CREATE TABLE feedback (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            author_id INTEGER NOT NULL REFERENCES accounts(id),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment TEXT,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (session_id, author_id)
        ) WITHOUT ROWID;
        CREATE INDEX feedback_by_author ON feedback(author_id);
        """,
        """
        -- Sessions not ended yet, by person and time: upcoming lists, My Members'
        -- next session and attend without an id read these, not a whole history.
        CREATE INDEX open_sessions_by_coach ON sessions(coach_id, starts_at) WHERE status IN ('scheduled', 'in_progress');
        CREATE INDEX open_sessions_by_member ON sessions(member_id, starts_at) WHERE status IN ('scheduled', 'in_progress');
        """,
        """
        -- A password reset by an admin: the account must choose its own at its
        -- next password login.
        ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
            CHECK (must_change_password IN (0, 1));

        -- Every time an admin took an account over (a reset; from team mode on,
        -- a first key), one row each: the account notice names its own, and
        -- whoami shows the last of each kind, so one never hides another.
        CREATE TABLE takeovers (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            by_id INTEGER NOT NULL REFERENCES accounts(id),
            kind TEXT NOT NULL CHECK (kind IN ('password_reset', 'key_added')),
            at INTEGER NOT NULL
        );
        CREATE INDEX takeovers_by_account ON takeovers(account_id, kind, at);

        -- Notices gain the kinds and the status of 0.2 (an account notice has no
        -- session). SQLite cannot change a CHECK in place: the table is rebuilt
        -- once, for every kind the 0.2 contract names.
        CREATE TABLE notices_0_2 (
            id INTEGER PRIMARY KEY,
            recipient_id INTEGER NOT NULL REFERENCES accounts(id),
            session_id INTEGER REFERENCES sessions(id),
            kind TEXT NOT NULL CHECK (kind IN ('shared_notes', 'reminder', 'upcoming', 'scheduled', 'rescheduled',
                                               'cancelled', 'flagged', 'account')),
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'withdrawn')),
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_at INTEGER,
            claim TEXT,
            sent_at INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            takeover_id INTEGER REFERENCES takeovers(id)
        );
        INSERT INTO notices_0_2 (id, recipient_id, session_id, kind, due_at, status, attempts, claimed_at, claim,
                                 sent_at, last_error, created_at)
            SELECT id, recipient_id, session_id, kind, due_at, status, attempts, claimed_at, claim,
                   sent_at, last_error, created_at FROM notices;
        DROP TABLE notices;
        ALTER TABLE notices_0_2 RENAME TO notices;
        CREATE INDEX notices_by_status ON notices(status, due_at);
        CREATE INDEX notices_by_session ON notices(session_id, recipient_id);
        CREATE INDEX notices_by_recipient ON notices(recipient_id);
        """,
        """
        -- Team mode (SPEC §11): the SSH keys that are logins. An id is never
        -- reused (AUTOINCREMENT), so a forced command naming a removed key's id
        -- can never name another key; a removed key keeps its row, and may be
        -- registered again as a new one.
        CREATE TABLE ssh_keys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            type TEXT NOT NULL,
            blob BLOB NOT NULL,
            fingerprint TEXT NOT NULL,
            comment TEXT,
            added_at INTEGER NOT NULL,
            added_by INTEGER NOT NULL REFERENCES accounts(id),
            removed_at INTEGER
        );
        CREATE UNIQUE INDEX live_ssh_keys_by_blob ON ssh_keys(blob) WHERE removed_at IS NULL;
        CREATE INDEX ssh_keys_by_account ON ssh_keys(account_id);
        CREATE INDEX ssh_keys_by_fingerprint ON ssh_keys(fingerprint);
        """,
        """
        -- The scheduling life cycle (SPEC §9). Sessions gain the cancelled
        -- statuses, a sequence (a calendar's SEQUENCE), the cancellation and
        -- the series. SQLite cannot change a CHECK in place: the table is
        -- rebuilt, with foreign keys off for the migration (SQLiteStore).
        -- Its CHECKs are OR chains, not IN lists: SQLite checks a constant IN
        -- list of more than two values through a temporary table on every
        -- insert and update, which made a 52-session series a third dearer.
        -- Comments stay outside the CREATE statements: SQLite keeps their
        -- text in sqlite_schema and parses it again in every process.
        CREATE TABLE sessions_0_2 (
            id INTEGER PRIMARY KEY,
            coach_id INTEGER NOT NULL REFERENCES accounts(id),
            member_id INTEGER NOT NULL REFERENCES accounts(id),
            starts_at INTEGER NOT NULL,
            duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
            status TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status = 'scheduled' OR status = 'in_progress' OR status = 'held' OR status = 'missed'
                       OR status = 'cancelled' OR status = 'late_cancelled'),
            channel TEXT NOT NULL DEFAULT 'platform' CHECK (channel = 'platform' OR channel = 'zoom' OR channel = 'phone'),
            coach_joined_at INTEGER,
            member_joined_at INTEGER,
            ended_at INTEGER,
            created_at INTEGER NOT NULL,
            sequence INTEGER NOT NULL DEFAULT 0,
            cancelled_at INTEGER,
            cancelled_by INTEGER REFERENCES accounts(id),
            cancel_reason TEXT,
            series_id INTEGER REFERENCES sessions(id),
            CHECK ((status = 'cancelled' OR status = 'late_cancelled') = (cancelled_at IS NOT NULL))
        );
        INSERT INTO sessions_0_2 (id, coach_id, member_id, starts_at, duration_minutes, status, channel,
                                  coach_joined_at, member_joined_at, ended_at, created_at)
            SELECT id, coach_id, member_id, starts_at, duration_minutes, status, channel,
                   coach_joined_at, member_joined_at, ended_at, created_at FROM sessions;
        DROP TABLE sessions;
        ALTER TABLE sessions_0_2 RENAME TO sessions;
        CREATE INDEX sessions_by_coach ON sessions(coach_id, starts_at);
        CREATE INDEX sessions_by_member ON sessions(member_id, starts_at);
        CREATE INDEX open_sessions_by_coach ON sessions(coach_id, starts_at) WHERE status IN ('scheduled', 'in_progress');
        CREATE INDEX open_sessions_by_member ON sessions(member_id, starts_at) WHERE status IN ('scheduled', 'in_progress');

        -- Engagements: each `users bank` starts one, with its bank of sessions.
        -- A member with none has an unlimited one from their account's creation.
        -- changes_before and ended_before are what was recorded before it
        -- began, so that what happens in the same second as users bank is
        -- placed rightly: the last change's id (later ones are its own), and
        -- the member's held and missed sessions then (those ended later were
        -- used in it).
        CREATE TABLE engagements (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES accounts(id),
            sessions INTEGER NOT NULL CHECK (sessions BETWEEN 1 AND 1000),
            started_at INTEGER NOT NULL,
            started_by INTEGER NOT NULL REFERENCES accounts(id),
            changes_before INTEGER NOT NULL DEFAULT 0,
            ended_before INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX engagements_by_member ON engagements(member_id, id);

        -- Every cancellation and reschedule: the member's own count towards
        -- the flag, and a late one of theirs is charged to the bank.
        CREATE TABLE session_changes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            member_id INTEGER NOT NULL REFERENCES accounts(id),
            by_id INTEGER NOT NULL REFERENCES accounts(id),
            kind TEXT NOT NULL CHECK (kind IN ('cancel', 'reschedule')),
            by_member INTEGER NOT NULL CHECK (by_member IN (0, 1)),
            late INTEGER NOT NULL CHECK (late IN (0, 1)),
            previous_starts_at INTEGER NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX session_changes_by_member ON session_changes(member_id, at);
        CREATE INDEX sessions_by_member_status ON sessions(member_id, status);

        -- A scheduled, rescheduled or cancelled notice carries its calendar
        -- invitation, built when it was queued. The table is rebuilt for it,
        -- with its CHECKs as OR chains (above).
        CREATE TABLE notices_0_2b (
            id INTEGER PRIMARY KEY,
            recipient_id INTEGER NOT NULL REFERENCES accounts(id),
            session_id INTEGER REFERENCES sessions(id),
            kind TEXT NOT NULL CHECK (kind = 'shared_notes' OR kind = 'reminder' OR kind = 'upcoming' OR kind = 'scheduled'
                                      OR kind = 'rescheduled' OR kind = 'cancelled' OR kind = 'flagged' OR kind = 'account'),
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status = 'pending' OR status = 'sent' OR status = 'failed' OR status = 'withdrawn'),
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_at INTEGER,
            claim TEXT,
            sent_at INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            takeover_id INTEGER REFERENCES takeovers(id),
            invitation TEXT
        );
        INSERT INTO notices_0_2b (id, recipient_id, session_id, kind, due_at, status, attempts, claimed_at, claim,
                                  sent_at, last_error, created_at, takeover_id)
            SELECT id, recipient_id, session_id, kind, due_at, status, attempts, claimed_at, claim,
                   sent_at, last_error, created_at, takeover_id FROM notices;
        DROP TABLE notices;
        ALTER TABLE notices_0_2b RENAME TO notices;
        CREATE INDEX notices_by_status ON notices(status, due_at);
        CREATE INDEX notices_by_session ON notices(session_id, recipient_id);
        CREATE INDEX notices_by_recipient ON notices(recipient_id);
        """,
        """
        -- The session log (SPEC §14): every change to a session, appended in
        -- the transaction that made it. via_key is the SSH key a team-mode
        -- command came through. The triggers make it append-only: no UPDATE,
        -- DELETE or INSERT OR REPLACE (which deletes the row it replaces
        -- without a DELETE trigger) succeeds, whoever runs it.
        -- kind has no CHECK: every process parses the whole schema as it
        -- starts, and a CHECK of the fourteen kinds cost every command 73,000
        -- instructions (2.5% of status). Only EventKind's words are written,
        -- and reading any other is refused as a corrupt row.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            at INTEGER NOT NULL,
            actor_id INTEGER REFERENCES accounts(id),
            kind TEXT NOT NULL,
            detail TEXT,
            via_key INTEGER REFERENCES ssh_keys(id),
            reconstructed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX events_by_session ON events(session_id, id);
        CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the session log is append-only'); END;
        CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the session log is append-only'); END;
        CREATE TRIGGER events_are_never_replaced BEFORE INSERT ON events
        WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'the session log is append-only'); END;

        -- What an older database's rows prove, marked as reconstructed, in
        -- each session's order: by time, then by the order a command makes
        -- them. Who booked a session was not kept (actor NULL), nor when a
        -- notice failed or was withdrawn, nor channel switches.
        INSERT INTO events (session_id, at, actor_id, kind, detail, reconstructed)
        SELECT session_id, at, actor_id, kind, detail, 1 FROM (
            SELECT id AS session_id, created_at AS at, NULL AS actor_id, 'scheduled' AS kind, NULL AS detail,
                   0 AS step, id AS source
            FROM sessions
            UNION ALL
            SELECT c.session_id, c.at, c.by_id,
                   CASE c.kind WHEN 'cancel' THEN 'cancelled' ELSE 'rescheduled' END,
                   CASE c.kind
                       WHEN 'cancel' THEN s.status
                       ELSE strftime('%Y-%m-%dT%H:%M:%SZ',
                                     coalesce((SELECT n.previous_starts_at FROM session_changes n
                                               WHERE n.session_id = c.session_id AND n.id > c.id ORDER BY n.id LIMIT 1),
                                              s.starts_at), 'unixepoch')
                   END,
                   1, c.id
            FROM session_changes c JOIN sessions s ON s.id = c.session_id
            UNION ALL
            SELECT id, coach_joined_at, coach_id, 'joined', 'coach', 2, id FROM sessions WHERE coach_joined_at IS NOT NULL
            UNION ALL
            SELECT id, member_joined_at, member_id, 'joined', 'member', 3, id FROM sessions WHERE member_joined_at IS NOT NULL
            UNION ALL
            SELECT a.session_id, a.at, s.coach_id, 'contact', a.via, 4, a.id
            FROM contact_attempts a JOIN sessions s ON s.id = a.session_id
            UNION ALL
            SELECT session_id, at, author_id, 'chat', NULL, 5, id FROM chat_messages
            UNION ALL
            SELECT session_id, created_at, author_id, 'note_shared', NULL, 6, id FROM notes
            WHERE visibility = 'shared' AND session_id IS NOT NULL
            UNION ALL
            SELECT id, ended_at, coach_id, 'ended', status, 7, id FROM sessions
            WHERE ended_at IS NOT NULL AND (status = 'held' OR status = 'missed')
            UNION ALL
            SELECT session_id, created_at, NULL, 'notice_queued', kind, 8, id FROM notices WHERE session_id IS NOT NULL
            UNION ALL
            SELECT session_id, sent_at, NULL, 'notice_sent', kind, 9, id FROM notices
            WHERE session_id IS NOT NULL AND status = 'sent' AND sent_at IS NOT NULL
            UNION ALL
            SELECT session_id, created_at, author_id, 'feedback', NULL, 10, author_id FROM feedback
        )
        ORDER BY session_id, at, step, source;
        """,
    ]

    static var currentVersion: Int64 { Int64(migrations.count) }
}
