#!/usr/bin/env bash
# The PostgreSQL side of the bench: a throwaway cluster, and a mindbeat
# database on it holding the rows of a bench SQLite database.
#
#   bench/pg-cluster.sh start DIR PORT
#       As root: a new cluster in DIR (made, owned by postgres; data in
#       DIR/data, the socket in DIR/sock, the server's log in DIR/log), trust
#       authentication, no TCP, fsync off. Prints its URI,
#       postgresql:///postgres?host=DIR/sock&port=PORT&user=postgres.
#   bench/pg-cluster.sh stop DIR
#       Stops it (fast); DIR stays, for the caller to remove.
#   bench/pg-cluster.sh load MINDBEAT SQLITE_DIR SERVER_URI DBNAME
#       (Re)creates the database DBNAME on the server SERVER_URI names, makes
#       mindbeat's schema in it with `mindbeat init`, and copies in every row
#       of SQLITE_DIR/mindbeat.db (a database bench/generate.sh made) with its
#       install_id, so that the login token in SQLITE_DIR/state works against
#       it as well. Prints the new database's URI. Needs a superuser (the load
#       runs with session_replication_role = replica: no foreign-key or
#       trigger checks while the tables fill).
#
# When `mindbeat db copy --to URI` exists, `load` can be that command after
# `init`; the copy here is psql's \copy from sqlite3's CSV.
set -euo pipefail
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
psql() { if [ -x "$pgbin/psql" ]; then "$pgbin/psql" "$@"; else command psql "$@"; fi; }

# The tables in the order they fill, and their columns, the same on both
# engines (checked against the PostgreSQL schema before the copy).
tables=(
  "accounts:id,email,name,role,admin,password_hash,phone,zoom,coach_id,manager_id,created_at,must_change_password"
  "login_tokens:hash,account_id,created_at,expires_at,revoked_at"
  "takeovers:id,account_id,by_id,kind,at"
  "ssh_keys:id,account_id,type,blob,fingerprint,comment,added_at,added_by,removed_at"
  "sessions:id,coach_id,member_id,starts_at,duration_minutes,status,channel,coach_joined_at,member_joined_at,ended_at,created_at,sequence,cancelled_at,cancelled_by,cancel_reason,series_id"
  "engagements:id,member_id,sessions,started_at,started_by,changes_before,ended_before"
  "session_changes:id,session_id,member_id,by_id,kind,by_member,late,previous_starts_at,at"
  "contact_attempts:id,session_id,via,note,at"
  "chat_messages:id,session_id,author_id,text,at"
  "notes:id,author_id,member_id,session_id,visibility,body,created_at"
  "feedback:session_id,author_id,rating,comment,created_at"
  "notices:id,recipient_id,session_id,kind,due_at,status,attempts,claimed_at,claim,sent_at,last_error,created_at,takeover_id,invitation"
  "events:id,session_id,at,actor_id,kind,detail,via_key,reconstructed"
)
blobs=" login_tokens.hash ssh_keys.blob "  # BLOB in SQLite, bytea here

# The URI of database NAME on the server URI names: its path replaced.
database_uri() {
  printf '%s\n' "$1" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$2#"
}

case ${1:-} in
start)
  [ $# -eq 3 ] || { echo "usage: bench/pg-cluster.sh start DIR PORT" >&2; exit 64; }
  dir=$2 port=$3
  mkdir -p "$dir/data" "$dir/sock"
  chown -R postgres: "$dir" && chmod 700 "$dir/data" && chmod 755 "$dir"
  runuser -u postgres -- "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log"
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
    -o "-k $dir/sock -p $port -c listen_addresses='' -c fsync=off" start >/dev/null
  echo "postgresql:///postgres?host=$dir/sock&port=$port&user=postgres"
  ;;
stop)
  [ $# -eq 2 ] || { echo "usage: bench/pg-cluster.sh stop DIR" >&2; exit 64; }
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null
  ;;
load)
  [ $# -eq 5 ] || { echo "usage: bench/pg-cluster.sh load MINDBEAT SQLITE_DIR SERVER_URI DBNAME" >&2; exit 64; }
  bin=$2 src=$3/mindbeat.db server=$4 name=$5
  uri=$(database_uri "$server" "$name")
  psql -X -q -v ON_ERROR_STOP=1 -d "$server" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $name" \
    -c "CREATE DATABASE $name" >/dev/null
  # The schema, made by mindbeat itself; its own first account and token,
  # and its install_id, are replaced by the SQLite database's below.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  echo 'bench-password' | HOME="$scratch" XDG_STATE_HOME="$scratch" MINDBEAT_DB="$uri" MINDBEAT_NOW=2026-12-01T08:00:00Z \
    "$bin" init --name 'Ann Coach' --email ann@bench.example --password-stdin >/dev/null
  # Every column of every mindbeat table is listed above, or the copy would
  # leave one at its default.
  listed=$(for t in "${tables[@]}"; do echo "${t%%:*}:${t#*:}"; done; echo "settings:key,value")
  actual=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$uri" -c "SELECT table_name || ':' || string_agg(column_name, ',' ORDER BY ordinal_position)
      FROM information_schema.columns WHERE table_schema = 'mindbeat' GROUP BY table_name")
  if [ "$(sort <<<"$listed")" != "$(sort <<<"$actual")" ]; then
    echo "bench/pg-cluster.sh: mindbeat's PostgreSQL tables are not the ones it copies; update its list:" >&2
    diff <(sort <<<"$listed") <(sort <<<"$actual") >&2 || true
    exit 1
  fi
  names=$(for t in "${tables[@]}"; do printf 'mindbeat.%s, ' "${t%%:*}"; done)
  # The install_id (the login token's file is named by it) and the sandbox mark.
  settings=$(sqlite3 "$src" "SELECT 'INSERT INTO mindbeat.settings (key, value) VALUES (' || quote(key) || ', ' || quote(value)
      || ') ON CONFLICT (key) DO UPDATE SET value = excluded.value;' FROM settings WHERE key IN ('install_id', 'sandbox')")
  psql -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "SET session_replication_role = replica" \
    -c "BEGIN; TRUNCATE ${names%, }; $settings COMMIT"
  for t in "${tables[@]}"; do
    table=${t%%:*} columns=${t#*:} select=""
    for column in ${columns//,/ }; do
      # A blob as bytea's hex input, \x…; CSV leaves the backslash alone.
      case $blobs in *" $table.$column "*) select+="'\\x' || lower(hex($column)), " ;; *) select+="$column, " ;; esac
    done
    # sqlite3's CSV: NULL unquoted and empty, an empty string "" — as COPY reads them.
    sqlite3 -csv "$src" "SELECT ${select%, } FROM $table" |
      psql -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "SET session_replication_role = replica" \
        -c "\\copy mindbeat.$table ($columns) FROM STDIN WITH (FORMAT csv)"
  done
  sequences=$(for t in "${tables[@]}"; do
    case ",${t#*:}," in *",id,"*) echo "SELECT setval(pg_get_serial_sequence('mindbeat.${t%%:*}', 'id'), coalesce(max(id), 0) + 1, false) FROM mindbeat.${t%%:*};" ;; esac
  done)
  psql -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "$sequences" -c "VACUUM (ANALYZE, FREEZE)" -c "CHECKPOINT" >/dev/null
  echo "$uri"
  ;;
*)
  echo "usage: bench/pg-cluster.sh start DIR PORT | stop DIR | load MINDBEAT SQLITE_DIR SERVER_URI DBNAME" >&2
  exit 64
  ;;
esac
