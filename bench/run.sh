#!/usr/bin/env bash
# Times mindbeat against the floor — bench/floor.c, a static C program that
# runs the same statements on the same file — and against the sqlite3 CLI, on
# databases of 1,000 and 1,000,000 sessions; counts every command's
# instructions with callgrind; writes bench/RESULTS.md. Team mode: serve
# authorized-keys against sqlite3 running its lookup; as root with sshd, a
# remote sessions list against `ssh HOST true` on a throwaway sshd (below).
# PostgreSQL: status, sessions list and a chat write against `psql -c`
# running the statements mindbeat sends, on a throwaway cluster (as root, with
# /usr/lib/postgresql/15/bin; otherwise skipped, and RESULTS.md says so) or on
# the server BENCH_POSTGRES names (a postgresql:// URI of a superuser; the
# bench makes its databases bench_SIZE there; the statements are read from
# its log, the file BENCH_POSTGRES_LOG or else pg_current_logfile()).
# BENCH_PSQL: the psql to time (default /usr/lib/postgresql/15/bin/psql).
# usage: bench/run.sh MINDBEAT_BINARY FLOOR_BINARY   (make bench builds both first)
# BENCH_RUNS (default 200) sets hyperfine's runs, BENCH_SIZES (default
# "1000 1000000") the database sizes, BENCH_DIR the work directory (default: a
# new temporary one). Exits 2 when a command's instruction count grew by more
# than 5% over the previous bench/RESULTS.md (BENCH_ALLOW_REGRESSION=1: exit 0),
# 1 when the floor no longer runs mindbeat's statements.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/run.sh MINDBEAT_BINARY FLOOR_BINARY" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
floor=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
for tool in hyperfine sqlite3 valgrind python3; do
  command -v $tool >/dev/null || { echo "bench needs $tool (apt-get install -y hyperfine sqlite3 valgrind)" >&2; exit 1; }
done

# Every run is of a copy of each binary written in one write(), as the
# Makefile's release link now writes .build/release/mindbeat (the floor's link
# does not): on Linux 6.18 (ext4) how a binary's file was written changes what
# every exec of it costs — one `mindbeat status` binary took 1.76 ms written at
# once, 1.92 ms as a cp copy, 2.18 ms written through mmap (gold's default).
dd if="$bin" of="$work/mindbeat" bs=256M status=none && chmod 755 "$work/mindbeat"
dd if="$floor" of="$work/floor" bs=256M status=none && chmod 755 "$work/floor"

for size in ${BENCH_SIZES:-1000 1000000}; do
  "$here/generate.sh" "$work/mindbeat" "$work/db-$size" "$size"
done

# Team mode (SPEC §11): a throwaway sshd on 127.0.0.1, a throwaway service
# account whose AuthorizedKeysCommand is a root-owned copy of the binary under
# /usr/local/libexec (sshd refuses one in a build or temporary directory), a
# floor account that runs `true` through the same shell with the same key and
# `restrict`, and a client account whose ~/.ssh holds the key — so that the
# ssh runs read nobody's own configuration. Needs root and sshd; without
# them, the remote rows are skipped and RESULTS.md says why. Everything is
# removed on exit.
small=${BENCH_SIZES:-1000 1000000}; small=${small%% *}
teamdb="$work/team"  # the lookup of serve authorized-keys, against sqlite3
rm -rf "$teamdb" && mkdir -p "$teamdb"
cp "$work/db-$small/mindbeat.db" "$teamdb/mindbeat.db"
ssh-keygen -q -t ed25519 -N '' -C bench@client -f "$teamdb/id_ed25519"
MINDBEAT_DB="$teamdb/mindbeat.db" XDG_STATE_HOME="$work/db-$small/state" HOME="$work/db-$small" \
  MINDBEAT_NOW=2026-12-01T08:00:00Z "$work/mindbeat" keys add - < "$teamdb/id_ed25519.pub" >/dev/null
export TEAM_KEYDB="$teamdb/mindbeat.db" TEAM_KEY="$(cut -d' ' -f1-2 "$teamdb/id_ed25519.pub")"
export TEAM_SKIP="" TEAM_CLIENT="" TEAM_SERVICE="" TEAM_FLOOR="" TEAM_PORT="" TEAM_DIR="" TEAM_BINARY=""
team_users=() team_libexec="" team_pid=""
team_cleanup() {
  if [ -n "$team_pid" ]; then kill "$team_pid" 2>/dev/null || true; fi
  if [ -n "$TEAM_CLIENT" ]; then
    for sock in "$TEAM_DIR"/client/.local/state/mindbeat/ssh/* "$TEAM_DIR/client/floor.sock" "$TEAM_DIR/client/service.sock"; do
      [ -S "$sock" ] && runuser -u "$TEAM_CLIENT" -- ssh -o ControlPath="$sock" -O exit x >/dev/null 2>&1 || true
    done
  fi
  for user in "${team_users[@]}"; do userdel "$user" 2>/dev/null || true; done
  [ -n "$team_libexec" ] && rm -rf "$team_libexec"
  [ -n "$TEAM_DIR" ] && rm -rf "$TEAM_DIR"
  return 0
}
pg_cleanup() {
  if [ -n "$PG_DIR" ]; then
    "$here/pg-cluster.sh" stop "$PG_DIR" 2>/dev/null || true
    rm -rf "$PG_DIR"
  fi
  return 0
}
PG_DIR=""
trap 'team_cleanup; pg_cleanup' EXIT
if [ "$(id -u)" != 0 ]; then
  TEAM_SKIP="not run: the throwaway sshd and its accounts need root"
elif [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null || ! command -v runuser >/dev/null; then
  TEAM_SKIP="not run: needs /usr/sbin/sshd, ssh and runuser (apt-get install -y openssh-server openssh-client)"
else
  TEAM_DIR=$(mktemp -d /tmp/mindbeat-bench-team.XXXXXX) && chmod 755 "$TEAM_DIR"
  tag=$(basename "$TEAM_DIR" | tr -dc 'a-zA-Z0-9' | tail -c 6 | tr 'A-Z' 'a-z')
  TEAM_SERVICE="mbbs$tag" TEAM_FLOOR="mbbf$tag" TEAM_CLIENT="mbbc$tag"
  for pair in "service:$TEAM_SERVICE" "floor:$TEAM_FLOOR" "client:$TEAM_CLIENT"; do
    useradd --create-home --home-dir "$TEAM_DIR/${pair%%:*}" --shell /bin/sh "${pair#*:}"
    usermod -p '*' "${pair#*:}"
    team_users+=("${pair#*:}")
  done
  team_libexec=$(mktemp -d /usr/local/libexec/mindbeat-bench.XXXXXX) && chmod 755 "$team_libexec"
  TEAM_BINARY="$team_libexec/mindbeat"
  dd if="$bin" of="$TEAM_BINARY" bs=256M status=none && chmod 755 "$TEAM_BINARY"
  # The service account's database: the bench's, with the client's key for Ann.
  cp "$teamdb/mindbeat.db" "$TEAM_DIR/service/mindbeat.db"
  chown -R "$TEAM_SERVICE:" "$TEAM_DIR/service" && chmod 700 "$TEAM_DIR/service"
  install -d -o "$TEAM_CLIENT" -m 700 "$TEAM_DIR/client/.ssh"
  install -o "$TEAM_CLIENT" -m 600 "$teamdb/id_ed25519" "$TEAM_DIR/client/.ssh/id_ed25519"
  install -o "$TEAM_CLIENT" -m 644 "$teamdb/id_ed25519.pub" "$TEAM_DIR/client/.ssh/id_ed25519.pub"
  install -d -o "$TEAM_FLOOR" -m 700 "$TEAM_DIR/floor/.ssh"
  echo "restrict $(cat "$teamdb/id_ed25519.pub")" > "$TEAM_DIR/floor/.ssh/authorized_keys"
  chown "$TEAM_FLOOR:" "$TEAM_DIR/floor/.ssh/authorized_keys"
  TEAM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ssh-keygen -q -t ed25519 -N '' -f "$TEAM_DIR/host_key"
  cat > "$TEAM_DIR/sshd_config" <<CONF
Port $TEAM_PORT
ListenAddress 127.0.0.1
HostKey $TEAM_DIR/host_key
PidFile $TEAM_DIR/sshd.pid
AllowUsers $TEAM_SERVICE $TEAM_FLOOR
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitTTY no
DisableForwarding yes
LogLevel ERROR
Match User $TEAM_SERVICE
    AuthorizedKeysFile none
    AuthorizedKeysCommand $TEAM_BINARY --db $TEAM_DIR/service/mindbeat.db serve authorized-keys %u %t %k
    AuthorizedKeysCommandUser $TEAM_SERVICE
CONF
  mkdir -p /run/sshd
  /usr/sbin/sshd -f "$TEAM_DIR/sshd_config" -E "$TEAM_DIR/sshd.log"
  for _ in $(seq 50); do [ -s "$TEAM_DIR/sshd.pid" ] && break; sleep 0.1; done
  team_pid=$(cat "$TEAM_DIR/sshd.pid")
  ssh-keyscan -p "$TEAM_PORT" 127.0.0.1 2>/dev/null > "$TEAM_DIR/client/.ssh/known_hosts"
  chown "$TEAM_CLIENT:" "$TEAM_DIR/client/.ssh/known_hosts"
  if ! runuser -u "$TEAM_CLIENT" -- env HOME="$TEAM_DIR/client" MINDBEAT_REMOTE="$TEAM_SERVICE@127.0.0.1:$TEAM_PORT" \
       MINDBEAT_SSH=ssh "$TEAM_BINARY" whoami >/dev/null; then
    TEAM_SKIP="not run: the throwaway sshd did not let the client in (see $TEAM_DIR/sshd.log)"
    cat "$TEAM_DIR/sshd.log" >&2
  fi
  export TEAM_SERVICE TEAM_FLOOR TEAM_CLIENT TEAM_PORT TEAM_DIR TEAM_BINARY
fi

# PostgreSQL: a throwaway cluster (as root), or the server BENCH_POSTGRES
# names; on it, for each size, a database bench_SIZE with the rows of the
# SQLite database of that size, loaded before anything is timed (so that
# both engines hold the same rows) and checkpointed, so that no write-back
# of the load falls on the timings. The SQLite login token works on it: its
# file is named by the install_id, which the load copies.
export PG_SKIP="" PG_LOG=""
pg_server=""
# The psql the rows time: the program itself, not Debian's /usr/bin/psql,
# a Perl wrapper (pg_wrapper) that picks a version first: 50 ms a run here
# against 11 ms for `psql -c 'select 1'` itself.
PG_PSQL=${BENCH_PSQL:-/usr/lib/postgresql/15/bin/psql}
[ -x "$PG_PSQL" ] || PG_PSQL=$(command -v psql || echo psql)
export PG_PSQL
if [ -n "${BENCH_POSTGRES:-}" ]; then
  pg_server=$BENCH_POSTGRES PG_LOG=${BENCH_POSTGRES_LOG:-}
elif [ "$(id -u)" != 0 ]; then
  PG_SKIP="not run: the throwaway PostgreSQL cluster needs root (or set BENCH_POSTGRES to a server's URI)"
elif [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v psql >/dev/null || ! command -v runuser >/dev/null \
     || ! id postgres >/dev/null 2>&1; then
  PG_SKIP="not run: needs PostgreSQL 15 in /usr/lib/postgresql/15/bin, its postgres account, psql and runuser (apt-get install -y postgresql-15)"
else
  PG_DIR=$(mktemp -d /tmp/mindbeat-bench-pg.XXXXXX)
  # Unix socket only, in the cluster's own directory; the port names it.
  pg_port=$(python3 -c 'import socket
for port in range(55500, 56000):
    try:
        socket.socket().bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass')
  pg_server=$("$here/pg-cluster.sh" start "$PG_DIR" "$pg_port") && PG_LOG=$PG_DIR/log ||
    { PG_SKIP="not run: the throwaway PostgreSQL cluster did not start"; cat "$PG_DIR/log" >&2 || true; }
fi
if [ -z "$PG_SKIP" ]; then
  for size in ${BENCH_SIZES:-1000 1000000}; do
    if uri=$("$here/pg-cluster.sh" load "$work/mindbeat" "$work/db-$size" "$pg_server" "bench_$size"); then
      export "PG_URI_$size=$uri"
    else
      PG_SKIP="not run: loading the $size-session database into PostgreSQL failed (see the bench's output)"
      break
    fi
  done
  sync
fi

# The measuring and the writing, in Python: the commands are lists, never
# re-split by a shell.
status=0
python3 - "$root" "$bin" "$floor" "$work" "${BENCH_RUNS:-200}" "${BENCH_SIZES:-1000 1000000}" <<'PY' || status=$?
import datetime, json, os, platform, re, shlex, shutil, statistics, subprocess, sys

root, built_binary, built_floor, work, runs, sizes = sys.argv[1:]
runs, sizes = int(runs), [int(s) for s in sizes.split()]
binary, floor = os.path.join(work, "mindbeat"), os.path.join(work, "floor")  # the copies that run
results_md = os.path.join(root, "bench", "RESULTS.md")

def shown(path):
    """A path as RESULTS.md names it: relative to the repository, never absolute."""
    relative = os.path.relpath(path, root)
    return relative if not relative.startswith("..") else os.path.basename(path)

# The statements the sqlite3 CLI runs: what mindbeat runs for the command's
# main read (Store.sessionSelect and the scoping of Store.sessions), ids inlined.
select = ("SELECT s.id, s.starts_at, s.duration_minutes, s.status, s.channel, s.coach_joined_at, s.member_joined_at, "
          "s.ended_at, c.id, c.email, c.name, c.phone, c.zoom, c.manager_id, m.id, m.email, m.name, m.phone, m.zoom, "
          "m.manager_id, (SELECT count(*) FROM contact_attempts a WHERE a.session_id = s.id), (SELECT max(at) FROM "
          "contact_attempts a WHERE a.session_id = s.id), s.sequence, s.cancelled_at, x.id, x.email, x.name, "
          "s.cancel_reason, s.series_id FROM sessions s JOIN accounts c ON c.id = s.coach_id JOIN "
          "accounts m ON m.id = s.member_id LEFT JOIN accounts x ON x.id = s.cancelled_by")
status = " AND status IN ('scheduled', 'in_progress')"
list_sql = (f"{select} WHERE s.id IN (SELECT id FROM sessions WHERE coach_id = 1{status} UNION ALL SELECT id FROM "
            f"sessions WHERE member_id = 1{status} UNION ALL SELECT sessions.id FROM accounts r CROSS JOIN sessions ON "
            f"sessions.member_id = r.id WHERE r.manager_id = 1{status}) ORDER BY s.starts_at, s.id")
show_sql = f"{select} WHERE s.id = 990"
insert_sql = ("INSERT INTO chat_messages (session_id, author_id, text, at) "
              "VALUES (990, 1, 'benchmark message', 1796112000)")

# The session log of session 990 (SPEC §14): its events by the index on the
# session, with the actor and the key.
log_sql = ("SELECT e.id, e.at, e.session_id, a.id, a.email, a.name, e.kind, e.detail, k.fingerprint, e.reconstructed "
           "FROM events e LEFT JOIN accounts a ON a.id = e.actor_id LEFT JOIN ssh_keys k ON k.id = e.via_key "
           "WHERE e.session_id = 990 ORDER BY e.id")

def report_sql(bounds, start, end):
    """What `report --by month` runs for Ann, an admin: every session starting
    in [start, end), counted per period and coach; the period of each found
    by a tree of comparisons with the month boundaries (as
    SQLiteTransaction.reportSQL writes it)."""
    def period(low, high):
        if high - low <= 1:
            return str(low)
        middle = (low + high) // 2
        return f"CASE WHEN s.starts_at < {bounds[middle]} THEN {period(low, middle)} ELSE {period(middle, high)} END"
    return (f"SELECT t.p, c.id, c.email, c.name, NULL, NULL, NULL, t.scheduled, t.held, t.missed, t.cancelled, t.late "
            f"FROM (SELECT {period(0, len(bounds) - 1)} AS p, s.coach_id AS coach_id, NULL AS member_id, count(*) AS scheduled, "
            f"count(*) FILTER (WHERE s.status = 'held') AS held, count(*) FILTER (WHERE s.status = 'missed') AS missed, "
            f"count(*) FILTER (WHERE s.status = 'cancelled') AS cancelled, "
            f"count(*) FILTER (WHERE s.status = 'late_cancelled') AS late FROM sessions s WHERE s.starts_at >= {start} AND s.starts_at < {end} "
            f"GROUP BY p, s.coach_id) t JOIN accounts c ON c.id = t.coach_id ORDER BY t.p, c.email")

# MINDBEAT_NOW is 2026-12-01T08:00:00Z and the zone UTC: from 1 July (the 1st
# of the month five months back) to now, by month.
month_starts = [int(datetime.datetime(2026, m, 1, tzinfo=datetime.timezone.utc).timestamp()) for m in range(7, 13)]
month_starts.append(int(datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc).timestamp()))
bench_now = int(datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.timezone.utc).timestamp())
month_report_sql = report_sql(month_starts, month_starts[0], bench_now)

# name, mindbeat's arguments, the floor's arguments (None: no floor), the
# sqlite3 CLI's statement (None: no single statement is the command).
cases = [
    ("version", ["--version"], ["version"], None),
    ("sessions-list", ["sessions", "list"], ["sessions-list"], list_sql),
    ("status", ["status", "990"], ["status", "990"], show_sql),
    ("members", ["members"], ["members"], None),
    ("notes-list", ["notes", "list"], ["notes-list"], None),
    ("sessions-show", ["sessions", "show", "990"], None, show_sql),
    ("sessions-log", ["sessions", "log", "990"], None, log_sql),
    ("report", ["report", "--by", "month"], None, month_report_sql),
    ("chat-write", ["chat", "990", "benchmark message"], None, insert_sql),  # last: it writes
]

def environment(size):
    """The whole environment of every run: the same on every machine, so that
    instruction counts compare (mindbeat reads all of it at start)."""
    d = os.path.join(work, f"db-{size}")
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": d, "XDG_STATE_HOME": os.path.join(d, "state"),
            "MINDBEAT_DB": os.path.join(d, "mindbeat.db"), "MINDBEAT_NOW": "2026-12-01T08:00:00Z", "LC_ALL": "C"}

def instructions(command, env):
    """Instructions of one run, counted by callgrind: unlike time, they repeat
    (to within 0.1%: Swift seeds its hashing at random in every process)."""
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + command,
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True).stderr
    return int(re.search(r"refs:\s*([\d,]+)", out).group(1).replace(",", ""))

def usage(command, env):
    """Page faults and peak resident memory (KiB) of one run."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, code, rusage = os.wait4(process.pid, 0)
    assert code == 0, command
    return rusage.ru_minflt + rusage.ru_majflt, rusage.ru_maxrss

def syscalls(command, env):
    """System calls of one run, counted by strace (0 without strace)."""
    if not shutil.which("strace"):
        return 0
    log = os.path.join(work, "strace.txt")
    subprocess.run(["strace", "-f", "-c", "-o", log] + command, env=env, stdout=subprocess.DEVNULL, check=True)
    total = [line.split() for line in open(log) if line.strip().endswith("total")]
    return int(total[-1][3]) if total else 0  # % time, seconds, usecs/call, calls, [errors,] total

def median_ms(commands, env, name, user=None, runs=runs, prepare=None):
    """Medians, in milliseconds, of each command's runs (hyperfine, no shell).
    The runs go in rounds of five per command, alternating the commands' order,
    so that a load that comes and goes on the machine falls on all of them
    alike: on a busy 2-core machine, one block of 200 runs each put the same
    two binaries anywhere between 1.1× and 2.1× of each other, rounds of five
    between 1.36× and 1.47×."""
    rounds = max(runs // 5, 1)
    # As another user (the team mode client), through runuser and env: the
    # environment is then exactly `env`, and hyperfine writes where it may.
    prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--", "env", "-i"] + [f"{k}={v}" for k, v in env.items()] if user else []
    directory = env["HOME"] if user else work
    times = [[] for _ in commands]
    per_round = [[] for _ in commands]  # each round's median, for the spread of a ratio
    for round in range(rounds):
        order = list(range(len(commands)))[::(-1 if round % 2 else 1)]
        path = os.path.join(directory, f"{name}.json")
        done = subprocess.run(prefix + ["hyperfine", "-N", "--style", "none", "--warmup", "20" if round == 0 else "2",
                               "--runs", str(max(runs // rounds, 2)), "--export-json", path]
                              + (["--prepare", prepare] if prepare else [])
                              + [shlex.join(commands[i]) for i in order],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"hyperfine failed: {done.stderr}")
        for i, result in zip(order, json.load(open(path))["results"]):
            times[i] += result["times"]
            per_round[i].append(result["median"])
    return [statistics.median(t) * 1000 for t in times], per_round

def spread(ours, theirs):
    """The middle half of the per-round ratios: how far the noise moves one."""
    ratios = sorted(a / b for a, b in zip(ours, theirs))
    return f"{ratios[len(ratios) // 4]:.2f}–{ratios[(3 * len(ratios)) // 4]:.2f}"

# Whether the floor runs exactly mindbeat's statements: a gdb trace of every
# call of sqlite3_open_v2, busy_timeout, exec, prepare_v2, bind_* and step,
# with the SQL and the bound values, for each binary (x86-64 registers).
GDB = """set pagination off
set print elements 0
break sqlite3_open_v2
commands
silent
printf "open flags %x\\n", $rdx
continue
end
break sqlite3_busy_timeout
commands
silent
printf "busy %d\\n", $esi
continue
end
break sqlite3_exec
commands
silent
printf "exec %s\\n", $rsi
continue
end
break sqlite3_prepare_v2
commands
silent
printf "prepare %s\\n", $rsi
continue
end
break sqlite3_bind_int64
commands
silent
printf "bind %d %ld\\n", $esi, $rdx
continue
end
break sqlite3_bind_text
commands
silent
printf "bind %d %s\\n", $esi, $rdx
continue
end
break sqlite3_bind_blob
commands
silent
printf "bind %d blob of %d\\n", $esi, $ecx
continue
end
break sqlite3_step
commands
silent
printf "step\\n"
continue
end
"""

def trace(command, env):
    script = os.path.join(work, "trace.gdb")
    with open(script, "w") as f:
        f.write(GDB + "run " + " ".join(shlex.quote(a) for a in command[1:]) + " > /dev/null\n")
    out = subprocess.run(["gdb", "-q", "-batch", "-x", script, command[0]], env=env,
                         capture_output=True, text=True).stdout
    keep = ("open ", "busy ", "exec ", "prepare ", "bind ", "step")
    lines, current = [], None
    for line in out.splitlines():  # a multi-line statement continues the line before
        if line.startswith(keep):
            current = line
            lines.append(current)
        elif current is not None and current.startswith(("exec ", "prepare ")) and not line.startswith(
                ("[", "Breakpoint", "Using host", "warning", "During")):
            lines[-1] += "\n" + line
    return lines

def same_statements(case, env):
    if not shutil.which("gdb") or platform.machine() != "x86_64":
        return "not checked (needs gdb on x86-64)"
    name, ours, theirs, _ = case
    a, b = trace([binary] + ours, env), trace([floor] + theirs, env)
    if not a and name != "version":
        return "not checked (gdb found no calls)"
    if a == b:
        return f"identical ({sum(l.startswith(('exec', 'prepare')) for l in a)} statements, {len(a)} calls)"
    with open(os.path.join(work, f"{name}.sql-diff"), "w") as f:
        f.write("\n".join(a) + "\n=====\n" + "\n".join(b) + "\n")
    return "DIFFERENT (see the work directory)"

rows = []  # one dict per command and size
for size in sizes:
    env = environment(size)
    for case in cases:
        name, ours, theirs, sql = case
        row = {"name": name, "size": size, "ours": [binary] + ours}
        commands = [row["ours"]]
        if theirs is not None:
            row["floor"] = [floor] + theirs
            commands.append(row["floor"])
        if sql is not None:
            row["sqlite3"] = ["sqlite3", env["MINDBEAT_DB"], sql]
            commands.append(row["sqlite3"])
        # A report over a million sessions takes most of a second: 20 runs.
        medians, per_round = median_ms(commands, env, f"{name}-{size}", runs=runs if name != "report" or size < 100_000 else 20)
        row["ours_ms"] = medians[0]
        if theirs is not None:
            row["floor_ms"] = medians[1]
            row["spread"] = spread(per_round[0], per_round[1])
        if sql is not None:
            row["sqlite3_ms"] = medians[-1]
        row["ours_instructions"] = instructions(row["ours"], env)
        row["ours_faults"], row["ours_rss"] = usage(row["ours"], env)
        row["ours_syscalls"] = syscalls(row["ours"], env)
        if theirs is not None:
            row["floor_instructions"] = instructions(row["floor"], env)
            row["floor_faults"], _ = usage(row["floor"], env)
            row["floor_syscalls"] = syscalls(row["floor"], env)
            if size == sizes[0]:
                row["same_sql"] = same_statements(case, env)
        rows.append(row)
        print(f"{name} {size:,}: {row['ours_ms']:.2f} ms, {row['ours_instructions']:,} instructions", file=sys.stderr)

# Your week (SPEC §9, §10). calendar for a coach with 10,000 sessions, against
# the sqlite3 shell printing the same rows; a 52-week series, against one
# sqlite3 transaction inserting 52 rows — each run on a fresh copy of the
# database (hyperfine --prepare), since a series books its slots.
week_dir = os.path.join(work, "db-week")
shutil.rmtree(week_dir, ignore_errors=True)
shutil.copytree(os.path.join(work, f"db-{sizes[0]}"), week_dir)
week_env = dict(environment(sizes[0]), HOME=week_dir, XDG_STATE_HOME=os.path.join(week_dir, "state"),
                MINDBEAT_DB=os.path.join(week_dir, "mindbeat.db"))
ann_members = "(SELECT id FROM accounts WHERE coach_id = 1 ORDER BY id LIMIT 1)"
subprocess.run(["sqlite3", week_env["MINDBEAT_DB"],
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) "
                "INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, status, coach_joined_at, "
                "member_joined_at, ended_at, created_at) SELECT 1, " + ann_members + ", 1796112000 - 4000000 - i * 3600, 50, "
                "'held', 1796112000 - 4000000 - i * 3600, 1796112000 - 4000000 - i * 3600, 1796112000 - 4000000 - i * 3600 + 3000, 0 "
                "FROM n; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;"], check=True, capture_output=True)
ann_sessions = int(subprocess.run(["sqlite3", week_env["MINDBEAT_DB"], "SELECT count(*) FROM sessions WHERE coach_id = 1"],
                                  capture_output=True, text=True, check=True).stdout)
calendar_sql = (f"{select} WHERE s.id IN (SELECT id FROM sessions WHERE coach_id = 1 UNION ALL SELECT id FROM sessions "
                "WHERE member_id = 1 UNION ALL SELECT sessions.id FROM accounts r CROSS JOIN sessions ON sessions.member_id = r.id "
                "WHERE r.manager_id = 1) AND s.starts_at >= 946684800 ORDER BY s.starts_at, s.id")
week_rows = []
calendar = {"name": "calendar", "ours": [binary, "calendar", "--from", "2000-01-01"],
            "sqlite3": ["sqlite3", week_env["MINDBEAT_DB"], calendar_sql], "sessions": ann_sessions}
medians, per_round = median_ms([calendar["ours"], calendar["sqlite3"]], week_env, "calendar")
calendar.update(ours_ms=medians[0], sqlite3_ms=medians[1], spread=spread(per_round[0], per_round[1]),
                ours_instructions=instructions(calendar["ours"], week_env))
week_rows.append(calendar)
base = os.path.join(work, "week-base.db")
subprocess.run(["sqlite3", week_env["MINDBEAT_DB"], f"VACUUM INTO '{base}'"], check=True)
member = subprocess.run(["sqlite3", base, f"SELECT email FROM accounts WHERE id = {ann_members}"],
                        capture_output=True, text=True, check=True).stdout.strip()
series_sql = ("BEGIN IMMEDIATE; WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 51) "
              "INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, created_at) "
              f"SELECT 1, {ann_members}, 1830330000 + i * 604800, 60, 1796112000 FROM n; COMMIT;")
# Like for like: the rows a series writes — 52 sessions, and for each an
# invitation of about 900 bytes and four reminders — in one transaction.
same_rows_sql = ("BEGIN IMMEDIATE; WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 51) "
                 "INSERT INTO sessions (coach_id, member_id, starts_at, duration_minutes, created_at) "
                 f"SELECT 1, {ann_members}, 1830330000 + i * 604800, 60, 1796112000 FROM n; "
                 "INSERT INTO notices (recipient_id, session_id, kind, due_at, created_at, invitation) "
                 "SELECT r.id, s.id, 'scheduled', 1796112000, 1796112000, replace(hex(zeroblob(450)), '0', 'x') "
                 "FROM sessions s, (SELECT member_id AS id FROM sessions LIMIT 1) r WHERE s.starts_at >= 1830330000; "
                 "INSERT INTO notices (recipient_id, session_id, kind, due_at, created_at) "
                 "SELECT p.id, s.id, 'upcoming', s.starts_at - h.h * 3600, 1796112000 FROM sessions s, "
                 "(SELECT 1 AS id UNION ALL SELECT 2) p, (SELECT 24 AS h UNION ALL SELECT 1) h "
                 "WHERE s.starts_at >= 1830330000; "
                 "INSERT INTO events (session_id, at, actor_id, kind) "
                 "SELECT id, 1796112000, 1, 'scheduled' FROM sessions WHERE starts_at >= 1830330000; "
                 "INSERT INTO events (session_id, at, kind, detail) SELECT n.session_id, n.created_at, 'notice_queued', n.kind "
                 "FROM notices n JOIN sessions s ON s.id = n.session_id WHERE s.starts_at >= 1830330000; COMMIT;")
series = {"name": "series-52", "ours": [binary, "sessions", "add", "--at", "2028-01-04T09:00:00Z", "--member", member,
                                        "--every", "week", "--count", "52"],
          "sqlite3": ["sqlite3", week_env["MINDBEAT_DB"], series_sql], "sessions": ann_sessions}
restore = f"cp {base} {week_env['MINDBEAT_DB']}"
same_rows = ["sqlite3", week_env["MINDBEAT_DB"], same_rows_sql]
medians, per_round = median_ms([series["ours"], series["sqlite3"], same_rows], week_env, "series", runs=max(runs // 2, 10),
                               prepare=restore)
subprocess.run(restore.split(), check=True)
series.update(ours_ms=medians[0], sqlite3_ms=medians[1], spread=spread(per_round[0], per_round[1]), same_rows_ms=medians[2],
              ours_instructions=instructions(series["ours"], week_env))
subprocess.run(restore.split(), check=True)
week_rows.append(series)
for r in week_rows:
    print(f"{r['name']}: {r['ours_ms']:.2f} ms, sqlite3 {r['sqlite3_ms']:.2f} ms", file=sys.stderr)

# Team mode. serve authorized-keys, what sshd runs for every key a client
# offers, against the sqlite3 shell running its one lookup.
import base64
key_type, key_blob = os.environ["TEAM_KEY"].split()
lookup = (f"SELECT id, type FROM ssh_keys WHERE blob = X'{base64.b64decode(key_blob).hex().upper()}' "
          "AND removed_at IS NULL")
env = environment(sizes[0])
row = {"name": "authorized-keys", "size": sizes[0],
       "ours": [binary, "--db", os.environ["TEAM_KEYDB"], "serve", "authorized-keys", "mindbeat", key_type, key_blob],
       "sqlite3": ["sqlite3", os.environ["TEAM_KEYDB"], lookup]}
medians, _ = median_ms([row["ours"], row["sqlite3"]], env, "authorized-keys")
row["ours_ms"], row["sqlite3_ms"] = medians
row["ours_instructions"] = instructions(row["ours"], env)
row["ours_faults"], row["ours_rss"] = usage(row["ours"], env)
row["ours_syscalls"] = syscalls(row["ours"], env)
rows.append(row)
print(f"authorized-keys: {row['ours_ms']:.2f} ms, sqlite3 {row['sqlite3_ms']:.2f} ms", file=sys.stderr)

# The two halves of a remote command, here, without ssh: the server's (serve
# ssh running the line, against the same command run locally) and the
# client's (mindbeat --remote with /bin/true as its ssh, against /bin/true).
key_id = subprocess.run(["sqlite3", os.environ["TEAM_KEYDB"], lookup], capture_output=True, text=True).stdout.split("|")[0]
halves = {}
serve_env = dict(env, MINDBEAT_DB=os.environ["TEAM_KEYDB"], SSH_ORIGINAL_COMMAND="mindbeat --tz UTC sessions list")
client_env = dict(env, MINDBEAT_REMOTE="bench@127.0.0.1", MINDBEAT_SSH="/bin/true")
for name, pair, pair_env in [
        ("server: serve ssh 'sessions list'", [[binary, "--db", os.environ["TEAM_KEYDB"], "serve", "ssh", key_id],
                                              [binary, "sessions", "list"]], serve_env),
        ("client: --remote with /bin/true as ssh", [[binary, "sessions", "list"], ["/bin/true"]], client_env)]:
    medians, per_round = median_ms(pair, pair_env, "half")
    halves[name] = {"commands": pair, "ms": medians, "spread": spread(per_round[0], per_round[1]),
                    "instructions": [instructions(c, pair_env) for c in pair]}

# A remote sessions list over loopback against `ssh HOST true` with the same
# options: the floor ssh sets. The floor account runs `true` through the same
# login shell, with the same key and `restrict`, on the same sshd; mindbeat's
# account runs the forced command (serve ssh) instead, and for a new
# connection sshd first runs serve authorized-keys.
team = {}
if not os.environ.get("TEAM_SKIP"):
    client_home = os.path.join(os.environ["TEAM_DIR"], "client")
    port, client = os.environ["TEAM_PORT"], os.environ["TEAM_CLIENT"]
    service = f"{os.environ['TEAM_SERVICE']}@127.0.0.1"
    floor_destination = f"{os.environ['TEAM_FLOOR']}@127.0.0.1"
    team_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": client_home, "TZ": "UTC", "LC_ALL": "C",
                "XDG_STATE_HOME": os.path.join(client_home, ".local", "state")}
    remote = [os.environ["TEAM_BINARY"], "--remote", f"{service}:{port}", "sessions", "list"]
    plain = ["ssh", "-T", "-o", "BatchMode=yes", "-n", "-p", port, floor_destination, "--", "true"]
    master = ["ssh", "-o", "ControlMaster=auto", "-o", "ControlPersist=10m", "-o",
              f"ControlPath={client_home}/floor.sock"] + plain[1:]
    # The third command: ssh sending the service account what mindbeat sends,
    # without mindbeat on the client — where the time goes, client or server.
    words = "mindbeat --tz UTC sessions list"
    for kind, ours_env, theirs, n in [("new connection", dict(team_env, MINDBEAT_SSH="ssh"), plain, max(runs // 4, 10)),
                                      ("over a control master", team_env, master, runs)]:
        direct = theirs[:-3] + [service, "--", words]
        if kind == "over a control master":
            direct = ["ssh", "-o", "ControlMaster=auto", "-o", "ControlPersist=10m", "-o",
                      f"ControlPath={client_home}/service.sock"] + direct[7:]
        medians, per_round = median_ms([remote, theirs, direct], ours_env, "remote-" + kind.split()[0], user=client, runs=n)
        team[kind] = {"ours": remote, "floor": theirs, "direct": direct, "ours_ms": medians[0], "floor_ms": medians[1],
                      "direct_ms": medians[2], "spread": spread(per_round[0], per_round[1]), "runs": n,
                      "ssh": "MINDBEAT_SSH=ssh (no control master)" if "MINDBEAT_SSH" in ours_env else "default"}
        print(f"remote sessions list, {kind}: {medians[0]:.2f} ms, ssh true {medians[1]:.2f} ms, "
              f"ssh sessions list {medians[2]:.2f} ms", file=sys.stderr)
json.dump(rows, open(os.path.join(work, "results.json"), "w"), indent=1)

# PostgreSQL. mindbeat on the database bench_SIZE (the SQLite database's rows,
# the same login token) against psql running, over the same socket, the
# statements mindbeat sends for the command: read from the server's log of
# one run of it (log_statement=all for that connection only, through
# PGOPTIONS), each parameter inlined as a literal, joined by ';' into as few
# -c strings as keep mindbeat's transactions (psql_groups).
pg_cases = [("status", ["status", "990"]), ("sessions-list", ["sessions", "list"]),
            ("chat-write", ["chat", "990", "benchmark message"])]  # last: it writes
pg_rows, pg_skip, pg_version = [], os.environ.get("PG_SKIP", ""), ""

def server_log(uri):
    """The server's whole log: the file PG_LOG names, else read through SQL."""
    if os.environ.get("PG_LOG"):
        with open(os.environ["PG_LOG"], errors="replace") as f:
            return f.read()
    done = subprocess.run(["psql", "-X", "-A", "-t", "-d", uri, "-c", "SELECT pg_read_file(pg_current_logfile())"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError("the server's log cannot be read (set BENCH_POSTGRES_LOG to its file)")
    return done.stdout

def inlined(value):
    """A parameter as the log shows it ('…' or NULL) as a literal: numbers bare."""
    if re.fullmatch(r"'-?\d+'", value):
        return value[1:-1] if not value.startswith("'-") else f"({value[1:-1]})"
    return value

def statements_sent(command, env):
    """The statements one run of the command sends, in order, parameters inlined."""
    uri = env["MINDBEAT_DB"]
    before = len(server_log(uri))
    subprocess.run(command, env=dict(env, PGOPTIONS="-c log_statement=all -c log_parameter_max_length=-1"),
                   stdout=subprocess.DEVNULL, check=True)
    # Each process's entries apart (the default log_line_prefix, '%m [%p] ',
    # names it): another connection's lines may come between two of ours.
    entries = {}  # process: [[LOG or DETAIL, message]]; a message's further lines begin with a tab
    last = None
    for line in server_log(uri)[before:].split("\n"):
        if line.startswith("\t") and last:
            last[1] += "\n" + line[1:]
        elif m := re.search(r"\b(LOG|DETAIL|ERROR|STATEMENT|HINT|CONTEXT|WARNING|NOTICE):  (.*)$", line):
            pid = re.search(r"\[(\d+)\]", line[:m.start()])
            last = [m.group(1), m.group(2)]
            entries.setdefault(pid.group(1) if pid else None, []).append(last)
    statements = []
    for process in entries.values():
        for i, (kind, message) in enumerate(process):
            m = re.match(r"(statement|execute [^:]+): (.*)", message, re.S) if kind == "LOG" else None
            if not m:
                continue
            sql, values = m.group(2), {}
            if i + 1 < len(process) and process[i + 1][0] == "DETAIL" and process[i + 1][1].startswith("parameters: "):
                values = dict(re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", process[i + 1][1]))
            if m.group(1) != "statement":
                try:
                    sql = re.sub(r"\$(\d+)", lambda p: inlined(values[p.group(1)]), sql)
                except KeyError:
                    raise RuntimeError(f"the server's log lacks a parameter of {sql[:80]}…")
            statements.append(sql)
    if not statements:
        raise RuntimeError(f"the server logged no statements for {shlex.join(command[1:])}")
    if sum(any(e[0] == "LOG" and re.match(r"(statement|execute [^:]+): ", e[1]) for e in p) for p in entries.values()) > 1:
        raise RuntimeError("statements of more than one connection in the server's log (is log_statement on?)")
    return statements

def psql_groups(statements):
    """The statements joined into as few psql -c strings as keep mindbeat's
    transactions: one string runs as one implicit transaction until a BEGIN,
    which would take in the statements before it — so a BEGIN after
    statements outside any transaction starts the next -c."""
    groups, inside, loose = [[]], False, False
    for sql in statements:
        if re.match(r"(BEGIN|START TRANSACTION)\b", sql, re.I):
            if loose:
                groups.append([])
                loose = False
            inside = True
        elif not inside:
            loose = True
        groups[-1].append(sql)
        if re.match(r"(COMMIT|ROLLBACK|END)\b", sql, re.I):
            inside = False
    return groups

if not pg_skip:
    try:
        for size in sizes:
            env = dict(environment(size), MINDBEAT_DB=os.environ[f"PG_URI_{size}"])
            pg_version = pg_version or subprocess.run(["psql", "-X", "-A", "-t", "-d", env["MINDBEAT_DB"], "-c", "SHOW server_version"],
                                                      capture_output=True, text=True, check=True).stdout.split()[0]
            for name, args in pg_cases:
                row = {"name": name, "size": size, "ours": [binary] + args}
                statements = statements_sent(row["ours"], env)
                row["statements"] = len(statements)
                row["strings"] = len(psql_groups(statements))
                with open(os.path.join(work, f"pg-{name}-{size}.sql"), "w") as f:  # for reading, whole
                    f.write(";\n".join(statements) + ";\n")
                row["transactions"] = sum(s.startswith("BEGIN") for s in statements)
                row["psql"] = [os.environ["PG_PSQL"], "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", env["MINDBEAT_DB"]]
                for group in psql_groups(statements):
                    row["psql"] += ["-c", "; ".join(group)]
                subprocess.run(row["psql"], env=env, stdout=subprocess.DEVNULL, check=True)  # it runs
                medians, per_round = median_ms([row["ours"], row["psql"]], env, f"pg-{name}-{size}")
                row["ours_ms"], row["psql_ms"] = medians
                row["spread"] = spread(per_round[0], per_round[1])
                row["ours_instructions"] = instructions(row["ours"], env)
                pg_rows.append(row)
                print(f"PostgreSQL {name} {size:,}: {row['ours_ms']:.2f} ms, psql {row['psql_ms']:.2f} ms", file=sys.stderr)
    except (Exception, SystemExit) as error:  # the rest of the bench stands without this section
        pg_skip = f"not run: {error}"
        print(f"PostgreSQL: {pg_skip}", file=sys.stderr)
json.dump(pg_rows, open(os.path.join(work, "pg-results.json"), "w"), indent=1)

# The previous counts, for the 5% rule.
previous = {}
previous_floor = {}  # the floor's instructions at the small size, by command
if os.path.exists(results_md):
    section = None
    for line in open(results_md):
        if line.startswith("## "):
            section = "instructions" if line.startswith("## Instructions") else (
                "floor" if line.startswith("## Against the floor") else None)
        m = re.match(r"\| (\S+) \| ([\d,]+) \| ([\d,]+) \|", line) if section == "instructions" else None
        if m:
            previous[(m.group(1), int(m.group(2).replace(",", "")))] = int(m.group(3).replace(",", ""))
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if section == "floor" else []
        if len(cells) > 6 and re.fullmatch(r"[\d,]+", cells[6]):
            previous_floor[cells[0]] = int(cells[6].replace(",", ""))

def run(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout
    except OSError:
        return ""

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
sqlite = run("sqlite3", "--version").split()[0]
swift = (run("swift", "--version") or "").splitlines()
swift = re.sub(r"^.*?Swift version (\S+).*$", r"\1", swift[0]) if swift else "unknown"
small = sizes[0]
by = {(r["name"], r["size"]): r for r in rows}
md = []
say = md.append
say("# mindbeat benchmark\n")
say(f"Written by `make bench` on {datetime.date.today().isoformat()}: {cpu}, {os.cpu_count()} cores, Linux "
    f"{platform.release()}, Swift {swift}, SQLite {sqlite}. hyperfine, {runs} runs of each command, no shell, "
    "in rounds of five runs that alternate the order of the commands compared (20 warm-ups first, 2 a round); "
    "medians in milliseconds. Every run has the same small environment (`PATH`, `HOME`, `XDG_STATE_HOME`, "
    "`MINDBEAT_DB`, `MINDBEAT_NOW`, `LC_ALL`), so that instruction counts repeat from machine to machine.\n")
say(f"The floor is `{shown(built_floor)}` (bench/floor.c): a static C program linked against the same libsqlite3.a "
    "that opens the database the way mindbeat does (stat, header check, read-write, busy timeout 5000, WAL, "
    "foreign keys, synchronous NORMAL), reads and hashes the stored login token, and runs exactly the "
    "statements mindbeat runs for the command, in the same transactions, printing the raw rows. What it leaves "
    "out is the Swift runtime, the command table, the checks in Swift and the rendering.\n")
say("Target: every read within 1.5× of the floor.\n")
say(f"## Against the floor, {small:,} sessions\n")
say("| command | mindbeat (ms) | floor (ms) | ratio | middle half of the rounds | mindbeat instructions "
    "| floor instructions | ratio | page faults | system calls | peak RSS (MB) |")
say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["size"] != small or "floor" not in r:
        continue
    say(f"| {r['name']} | {r['ours_ms']:.2f} | {r['floor_ms']:.2f} | {r['ours_ms'] / r['floor_ms']:.2f}× "
        f"| {r['spread']}× | {r['ours_instructions']:,} | {r['floor_instructions']:,} "
        f"| {r['ours_instructions'] / r['floor_instructions']:.2f}× | {r['ours_faults']} / {r['floor_faults']} "
        f"| {r['ours_syscalls']} / {r['floor_syscalls']} | {r['ours_rss'] / 1024:.1f} |")
say("\nThe time ratio moves with the machine's load (the middle half of the ratios of the 40 rounds' medians is "
    "shown); the instruction ratio does not. Page faults and system calls: mindbeat / floor, one run each "
    "(system calls counted with `strace -f -c`; 0 where strace is missing).\n")
say("Whether the floor runs mindbeat's statements, by a gdb trace of both binaries' calls of sqlite3_open_v2, "
    "sqlite3_busy_timeout, sqlite3_exec, sqlite3_prepare_v2, sqlite3_bind_* and sqlite3_step (SQL text, bound "
    "values, order):\n")
for r in rows:
    if r["size"] == small and "same_sql" in r:
        say(f"- {r['name']}: {r['same_sql']}")
say("\n## Against the sqlite3 CLI\n")
say("The sqlite3 shell running the command's main statement on the same file (it neither checks the file nor "
    "authenticates). A heavy program: matching it says little; the floor above is the measure.\n")
say("| command | sessions | mindbeat (ms) | sqlite3 (ms) | ratio |")
say("|---|---:|---:|---:|---:|")
for r in rows:
    if "sqlite3" in r:
        say(f"| {r['name']} | {r['size']:,} | {r['ours_ms']:.2f} | {r['sqlite3_ms']:.2f} "
            f"| {r['ours_ms'] / r['sqlite3_ms']:.2f}× |")
say("\n## History\n")
say("`report --by month` for Ann, an admin (every coach's sessions since 1 July, one row per month and coach), "
    "against the sqlite3 shell running the same aggregate statement; target within 1.3×. `sessions log` of one "
    "session, whose events it finds by the index on the session: target as fast at the largest size as at the "
    "smallest.\n")
say("| command | sessions | mindbeat (ms) | sqlite3 (ms) | ratio | mindbeat instructions |")
say("|---|---:|---:|---:|---:|---:|")
for r in rows:
    if r["name"] in ("report", "sessions-log"):
        say(f"| {r['name']} | {r['size']:,} | {r['ours_ms']:.2f} | {r['sqlite3_ms']:.2f} "
            f"| {r['ours_ms'] / r['sqlite3_ms']:.2f}× | {r['ours_instructions']:,} |")
logs = sorted((r for r in rows if r["name"] == "sessions-log"), key=lambda r: r["size"])
if len(logs) > 1:
    say(f"\n`sessions log` at {logs[-1]['size']:,} sessions against {logs[0]['size']:,}: "
        f"{logs[-1]['ours_ms'] / logs[0]['ours_ms']:.2f}× the time, "
        f"{logs[-1]['ours_instructions'] / logs[0]['ours_instructions']:.2f}× the instructions.")
reports = [r for r in rows if r["name"] == "report"]
if reports:
    largest = max(reports, key=lambda r: r["size"])
    ratio = largest["ours_ms"] / largest["sqlite3_ms"]
    say(f"\n`report` at {largest['size']:,} sessions: {ratio:.2f}× the sqlite3 shell"
        + (" (within 1.3×)." if ratio <= 1.3 else " — target missed."))
say("\n## Team mode over SSH\n")
ak = by[("authorized-keys", small)]
say(f"`serve authorized-keys` (what sshd runs as its AuthorizedKeysCommand for every key a client offers) for a "
    f"registered key, against the sqlite3 shell running the same lookup, `{lookup[:60]}…`, on the "
    f"{small:,}-session database. Target: within 1.3×.\n")
say("| command | mindbeat (ms) | sqlite3 (ms) | ratio | mindbeat instructions |")
say("|---|---:|---:|---:|---:|")
say(f"| authorized-keys | {ak['ours_ms']:.2f} | {ak['sqlite3_ms']:.2f} | {ak['ours_ms'] / ak['sqlite3_ms']:.2f}× "
    f"| {ak['ours_instructions']:,} |")
say("")
say("## Your week\n")
say(f"`calendar` for a coach with {calendar['sessions']:,} sessions (`--from 2000-01-01`: all of them), against the "
    "sqlite3 shell printing the same rows from the same statement; and a series of 52 weekly sessions (`sessions add "
    "--every week --count 52`, which also checks each slot and the bank and queues an invitation and four reminders "
    "(24 h and 1 h before, to both parties) a session) against one sqlite3 transaction inserting 52 rows. Each series run starts from a fresh copy of "
    "the database (hyperfine `--prepare`, not timed). Target: within 1.5×.\n")
say("| command | mindbeat (ms) | sqlite3 (ms) | ratio | middle half of the rounds | mindbeat instructions |")
say("|---|---:|---:|---:|---:|---:|")
for r in week_rows:
    say(f"| {r['name']} | {r['ours_ms']:.2f} | {r['sqlite3_ms']:.2f} | {r['ours_ms'] / r['sqlite3_ms']:.2f}× "
        f"| {r['spread']}× | {r['ours_instructions']:,} |")
say(f"\nThe series writes twelve times the rows of that comparison: against sqlite3 inserting the same rows (52 "
    f"sessions, 52 invitations of about 900 bytes, 208 reminders, and the 312 events of the session log that record them) in one transaction, {series['same_rows_ms']:.2f} ms, "
    f"the series is {series['ours_ms'] / series['same_rows_ms']:.2f}×.")
for r in week_rows:
    say(f"\n- {r['name']}: `{shlex.join(['mindbeat'] + r['ours'][1:])}` against "
        f"`sqlite3 $MINDBEAT_DB \"{r['sqlite3'][2][:120]}…\"`")
say("")
if team:
    say("A remote `sessions list` over loopback, against `ssh HOST true` with the same options: the floor set by ssh "
        "itself. The bench starts its own sshd on 127.0.0.1 (`UsePAM no`, an ed25519 host key) with three throwaway "
        "accounts: mindbeat's service account, whose `AuthorizedKeysCommand` is a root-owned copy of the release "
        "binary under /usr/local/libexec; a floor account that runs `true` through the same login shell (/bin/sh) "
        "with the same key and `restrict`; and the client, whose ~/.ssh holds the ed25519 key and the host key. "
        "Both run as the client, through `runuser`, in rounds of five like the rows above. Target: within 1.2×.\n")
    say("| connection | mindbeat --remote (ms) | ssh HOST true (ms) | ratio | middle half of the rounds "
        "| ssh HOST 'mindbeat sessions list' (ms) | runs |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    for kind, t in team.items():
        say(f"| {kind} | {t['ours_ms']:.2f} | {t['floor_ms']:.2f} | {t['ours_ms'] / t['floor_ms']:.2f}× "
            f"| {t['spread']}× | {t['direct_ms']:.2f} | {t['runs']} |")
    for kind, t in team.items():
        mark = t["floor_ms"] * 1.2
        say(f"\n{kind[0].upper() + kind[1:]}: " + (f"within 1.2× ({t['ours_ms'] / t['floor_ms']:.2f}×)." if t["ours_ms"] <= mark else
            f"target missed: {t['ours_ms'] / t['floor_ms']:.2f}×, {t['ours_ms'] - mark:.1f} ms over the 1.2× mark of "
            f"{mark:.1f} ms; of mindbeat's {t['ours_ms'] - t['floor_ms']:.1f} ms over `ssh HOST true`, "
            f"{t['direct_ms'] - t['floor_ms']:.1f} ms are the server's and {t['ours_ms'] - t['direct_ms']:.1f} ms the client's."))
    say("\nOver a shared connection the floor is one round trip through the master and sshd, /bin/sh and true; 1.2× "
        "of it leaves mindbeat less time than `sessions list` takes locally (above), so no command that reads the "
        "database meets it. What the time is spent on is below, without ssh.")
    say("\nThe last column is ssh sending the service account the line mindbeat sends, with no mindbeat on the "
        "client: its difference from `ssh HOST true` is the server's side (the forced command through /bin/sh, "
        "serve ssh, the command); what mindbeat --remote adds to it is the client's.")
    say("\nThe commands (`$SVC`, `$FLOOR`: the accounts; `$PORT`: the sshd's):\n")
    for kind, t in team.items():
        ours = shlex.join(["mindbeat"] + t["ours"][1:]).replace(os.environ["TEAM_SERVICE"], "$SVC").replace(os.environ["TEAM_PORT"], "$PORT")
        theirs = shlex.join(t["floor"]).replace(os.environ["TEAM_FLOOR"], "$FLOOR").replace(os.environ["TEAM_PORT"], "$PORT").replace(os.environ["TEAM_DIR"], "…")
        direct = shlex.join(t["direct"]).replace(os.environ["TEAM_SERVICE"], "$SVC").replace(os.environ["TEAM_PORT"], "$PORT").replace(os.environ["TEAM_DIR"], "…")
        say(f"- {kind}: `{ours}` ({t['ssh']}), against `{theirs}` and `{direct}`")
else:
    say(f"A remote `sessions list` against `ssh HOST true`: {os.environ['TEAM_SKIP']}.")
say("\nWhat mindbeat adds to ssh, measured here without ssh: on the server, `serve ssh KEYID` running "
    "`SSH_ORIGINAL_COMMAND='mindbeat --tz UTC sessions list'` against the same `sessions list` run locally; on the "
    "client, `mindbeat sessions list` with `MINDBEAT_REMOTE` set and `MINDBEAT_SSH=/bin/true`, against /bin/true "
    "alone. serve ssh's whole time plus the client's difference is, roughly, what a remote command costs beyond "
    "`ssh HOST true` (which runs /bin/sh and true where mindbeat runs /bin/sh and serve ssh).\n")
say("| half | mindbeat (ms) | against (ms) | difference (ms) | middle half of the rounds | instructions |")
say("|---|---:|---:|---:|---:|---:|")
for name, h in halves.items():
    say(f"| {name} | {h['ms'][0]:.2f} | {h['ms'][1]:.2f} | {h['ms'][0] - h['ms'][1]:+.2f} | {h['spread']}× "
        f"| {h['instructions'][0]:,} / {h['instructions'][1]:,} |")
if len(sizes) > 1:
    large = sizes[-1]
    say(f"\n## {large:,} against {small:,} sessions\n")
    say("By median time and by instructions. On a shared machine the median of the same command moves by up "
        "to ±20% between two hyperfine runs a minute apart, so the time ratio is mostly noise; the instruction "
        "counts repeat and are the measure of scaling. The floor's ratio shows what SQLite's own plan "
        "costs.\n")
    say(f"| command | {small:,} (ms) | {large:,} (ms) | time | instructions | floor instructions |")
    say("|---|---:|---:|---:|---:|---:|")
    # A report counts every session in its range: it grows with them by design (see History).
    for name, *_ in cases:
        a, b = by.get((name, small)), by.get((name, large))
        if a and b and name != "report":
            fl = (f"{b['floor_instructions'] / a['floor_instructions']:.3f}×" if "floor" in a else "—")
            say(f"| {name} | {a['ours_ms']:.2f} | {b['ours_ms']:.2f} | {b['ours_ms'] / a['ours_ms']:.2f}× "
                f"| {b['ours_instructions'] / a['ours_instructions']:.3f}× | {fl} |")
say("\n## PostgreSQL\n")
if pg_skip or not pg_rows:
    say(f"`status`, `sessions list` and a chat write with MINDBEAT_DB a postgresql:// URI, against psql running the "
        f"same statements: {pg_skip or 'not run'}.")
else:
    where = (f"a throwaway PostgreSQL {pg_version} cluster the bench starts (`initdb -A trust`, `fsync=off`, a Unix "
             "socket only; bench/pg-cluster.sh)" if not os.environ.get("BENCH_POSTGRES")
             else f"the PostgreSQL {pg_version} server BENCH_POSTGRES names")
    say(f"The same commands with `MINDBEAT_DB` a postgresql:// URI: {where}, one database a size, holding the rows of "
        "the SQLite database of that size (bench/pg-cluster.sh load: `mindbeat init` makes the schema, psql `\\copy` "
        "fills every table from sqlite3's CSV, with the install_id, so the same login token works; then `VACUUM "
        "(ANALYZE, FREEZE)`). Against `psql -X -A -t -v ON_ERROR_STOP=1 -d URI -c SQL` (an error fails the run) over the same socket, where SQL is every statement "
        "mindbeat sends for the command — the connection's setup, the login, the command's own, in the same "
        "transactions — as the server logged them for one run of it (`log_statement=all` for that connection only), "
        f"each parameter inlined as a literal (psql: `{os.environ['PG_PSQL']}`, the program, not Debian's Perl "
        "wrapper /usr/bin/psql, which adds tens of milliseconds to every run), joined by `;` into as few `-c` strings as keep the transactions (the "
        "statements before the first BEGIN, which it would otherwise take into its transaction, in one; the "
        "transactions in the next). hyperfine, in rounds of five like the rows above. Targets: within 1.2× "
        f"of psql{f'; at {sizes[-1]:,} sessions within 1.1× of {sizes[0]:,}' if len(sizes) > 1 else ''}. The server's work is in another process: "
        "the instructions are mindbeat's own (the client's), by callgrind.\n")
    say("| command | sessions | mindbeat (ms) | psql (ms) | ratio | middle half of the rounds | statements "
        "(transactions) | mindbeat instructions |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in pg_rows:
        say(f"| {r['name']} | {r['size']:,} | {r['ours_ms']:.2f} | {r['psql_ms']:.2f} | {r['ours_ms'] / r['psql_ms']:.2f}× "
            f"| {r['spread']}× | {r['statements']} ({r['transactions']}) | {r['ours_instructions']:,} |")
    missed = [f"{r['name']} at {r['size']:,} ({r['ours_ms'] / r['psql_ms']:.2f}×)" for r in pg_rows
              if r["ours_ms"] > r["psql_ms"] * 1.2]
    say("\nWithin 1.2× of psql: " + ("every command at every size." if not missed else "not " + ", ".join(missed) + "."))
    pg_by = {(r["name"], r["size"]): r for r in pg_rows}
    if len(sizes) > 1:
        small_pg, large_pg = sizes[0], sizes[-1]
        say(f"\n{large_pg:,} against {small_pg:,} sessions (target: within 1.1×; the time ratio moves with the "
            "machine's load, the instructions do not):\n")
        say(f"| command | {small_pg:,} (ms) | {large_pg:,} (ms) | time | psql's time | instructions |")
        say("|---|---:|---:|---:|---:|---:|")
        for name, _ in pg_cases:
            a, b = pg_by.get((name, small_pg)), pg_by.get((name, large_pg))
            if a and b:
                say(f"| {name} | {a['ours_ms']:.2f} | {b['ours_ms']:.2f} | {b['ours_ms'] / a['ours_ms']:.2f}× "
                    f"| {b['psql_ms'] / a['psql_ms']:.2f}× | {b['ours_instructions'] / a['ours_instructions']:.3f}× |")
    say("\nThe commands (`$URI`: the database's URI; the SQL as sent, shortened here):\n")
    for r in pg_rows:
        if r["size"] == sizes[0]:
            strings = " ".join(f"-c \"{c[:120].replace(chr(10), ' ')}…\"" for c in r["psql"][r["psql"].index("-c") + 1::2])
            say(f"- {r['name']}: `MINDBEAT_DB=$URI {shlex.join([shown(built_binary)] + r['ours'][1:])}` against "
                f"`psql -X -A -t -v ON_ERROR_STOP=1 -d $URI {strings}`")
say("\n## Instructions\n")
say("mindbeat's instructions per command, counted by `valgrind --tool=callgrind`. valgrind presents the same "
    "CPU to every run, so these repeat on any x86-64 machine with the same toolchain and libraries, to within "
    "0.1% (Swift seeds its hashing at random in every process). "
    "The rule: no change makes a command more than 5% dearer than the previous count; `make bench` exits 2 "
    "when one does.\n")
say("The last column is what the floor — the same statements, without Swift — gained or lost on the same "
    "database since the previous count: where mindbeat's change is about the floor's, the cost is SQLite's "
    "(a larger schema to parse, wider rows), not mindbeat's own.\n")
say("| command | sessions | instructions | previous | change | floor's change (instructions) |")
say("|---|---:|---:|---:|---:|---:|")
regressions = []
for r in rows:
    before = previous.get((r["name"], r["size"]))
    change = f"{(r['ours_instructions'] / before - 1) * 100:+.1f}%" if before else "—"
    floor_before = previous_floor.get(r["name"]) if r["size"] == small else None
    floor_change = (f"{r['floor_instructions'] - floor_before:+,}" if floor_before and "floor_instructions" in r else "—")
    if before and r["ours_instructions"] > before * 1.05:
        ours_change = f"{r['ours_instructions'] - before:+,}"
        regressions.append(f"{r['name']} ({r['size']:,} sessions) {change} ({ours_change}"
                           + (f"; the floor {floor_change})" if floor_change != "—" else ")"))
    say(f"| {r['name']} | {r['size']:,} | {r['ours_instructions']:,} | {f'{before:,}' if before else '—'} "
        f"| {change} | {floor_change} |")
if regressions:
    say("\nMore than 5% dearer than before: " + ", ".join(regressions) + ".")
say("\n## The exact commands\n")
say("Relative to the repository. Each binary runs as a copy in the work directory written in one write(): on "
    "this kernel how a binary's file was written changes what every exec of it costs (up to 0.5 ms). "
    "`$MINDBEAT_DB` is the database bench/generate.sh made for the size.\n")
for r in rows:
    if r["size"] != small:
        continue
    say(f"- {r['name']}:")
    say(f"  - `{shlex.join([shown(built_binary)] + r['ours'][1:])}`")
    if "floor" in r:
        say(f"  - `{shlex.join([shown(built_floor)] + r['floor'][1:])}`")
    if "sqlite3" in r:
        sql = r["sqlite3"][2]
        say(f"  - `sqlite3 $MINDBEAT_DB \"{sql[:150]}{'…' if len(sql) > 150 else ''}\"`")
with open(results_md, "w") as f:
    f.write("\n".join(md) + "\n")
different = [r["name"] for r in rows if r.get("same_sql", "").startswith("DIFFERENT")]
if different:
    sys.exit("the floor no longer runs mindbeat's statements for: " + ", ".join(different)
             + f" (traces in {work}); change bench/floor.c")
if regressions and os.environ.get("BENCH_ALLOW_REGRESSION") != "1":
    print("more than 5% more instructions than the previous bench/RESULTS.md: " + ", ".join(regressions), file=sys.stderr)
    sys.exit(2)
PY
cat "$here/RESULTS.md"
if [ -z "${BENCH_DIR:-}" ] && [ $status -eq 0 ]; then rm -rf "$work"; else echo "work directory: $work" >&2; fi
exit $status
