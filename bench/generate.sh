#!/usr/bin/env bash
# Makes a benchmark database with N sessions: Ann (the logged-in coach, id 1)
# has 1,000 of them — 989 held, one in progress, ten upcoming — and the rest
# belong to other coaches, 1,000 each, so that every lookup must use an index
# to stay as fast at 1,000,000 sessions as at 1,000. Every coach has written
# ten notes, one on a recent session of each of their members, alternately
# shared and private. Each session's log holds what its columns prove.
# usage: bench/generate.sh MINDBEAT_BINARY DIRECTORY SESSIONS
set -euo pipefail
bin=$1 dir=$2 total=$3
rm -rf "$dir" && mkdir -p "$dir"
export MINDBEAT_DB="$dir/mindbeat.db" XDG_STATE_HOME="$dir/state" HOME="$dir" MINDBEAT_NOW=2026-12-01T08:00:00Z
echo 'bench-password' | "$bin" init --name 'Ann Coach' --email ann@bench.example --password-stdin >/dev/null
now=$(date -d 2026-12-01T08:00:00Z +%s)
others=$(( (total - 1000) / 1000 ))
sqlite3 "$MINDBEAT_DB" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
-- Other coaches (ids 2 …), ten members for each coach including Ann.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $others)
INSERT INTO accounts (id, email, name, role, admin, password_hash, created_at)
SELECT i + 1, 'coach' || i || '@bench.example', 'Coach ' || i, 'coach', 0, (SELECT password_hash FROM accounts WHERE id = 1), 0
FROM n WHERE i <= $others;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ($others + 1) * 10 - 1)
INSERT INTO accounts (id, email, name, role, admin, password_hash, coach_id, created_at)
SELECT $others + 2 + i, 'member' || i || '@bench.example', 'Member ' || i, 'member', 0, (SELECT password_hash FROM accounts WHERE id = 1), i / 10 + 1, 0 FROM n;
-- 1,000 sessions for every coach, an hour apart, ending ten hours after now.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ($others + 1) * 1000 - 1)
INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, status, coach_joined_at, member_joined_at, ended_at, created_at)
SELECT i / 1000 + 1,
       $others + 2 + (i / 1000) * 10 + (i % 10),
       $now + ((i % 1000) - 989) * 3600, 50,
       CASE WHEN i % 1000 < 989 THEN 'held' ELSE 'scheduled' END,
       CASE WHEN i % 1000 < 989 THEN $now + ((i % 1000) - 989) * 3600 END,
       CASE WHEN i % 1000 < 989 THEN $now + ((i % 1000) - 989) * 3600 END,
       CASE WHEN i % 1000 < 989 THEN $now + ((i % 1000) - 989) * 3600 + 3000 END,
       0
FROM n;
-- Ten notes for every coach, on sessions 981 … 990 of their 1,000.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ($others + 1) * 10 - 1)
INSERT INTO notes (author_id, member_id, session_id, visibility, body, created_at)
SELECT i / 10 + 1, $others + 2 + i, (i / 10) * 1000 + 981 + (i % 10),
       CASE WHEN i % 2 = 0 THEN 'shared' ELSE 'private' END,
       'Benchmark note ' || i || ': goals reviewed, next steps agreed.',
       $now - (10 - (i % 10)) * 86400
FROM n;
-- Ann's session 990 is in progress: she joined ten minutes ago.
UPDATE sessions SET starts_at = $now - 600, status = 'in_progress', coach_joined_at = $now - 600 WHERE id = 990;
-- The session log: each session booked by its coach, each held one joined by
-- both and ended; session 990's coach has joined.
INSERT INTO events (session_id, at, actor_id, kind)
SELECT id, created_at, coach_id, 'scheduled' FROM sessions ORDER BY id;
INSERT INTO events (session_id, at, actor_id, kind, detail)
SELECT id, coach_joined_at, coach_id, 'joined', 'coach' FROM sessions WHERE coach_joined_at IS NOT NULL ORDER BY id;
INSERT INTO events (session_id, at, actor_id, kind, detail)
SELECT id, member_joined_at, member_id, 'joined', 'member' FROM sessions WHERE member_joined_at IS NOT NULL ORDER BY id;
INSERT INTO events (session_id, at, actor_id, kind, detail)
SELECT id, ended_at, coach_id, 'ended', status FROM sessions WHERE ended_at IS NOT NULL ORDER BY id;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
ANALYZE;
SQL
echo "$dir: $(sqlite3 "$MINDBEAT_DB" 'SELECT count(*) FROM sessions') sessions, $(sqlite3 "$MINDBEAT_DB" 'SELECT count(*) FROM accounts') accounts"
