#!/usr/bin/env bash
# Times mindbeat against the sqlite3 CLI running the same SQL on the same file,
# on databases of 1,000 and 1,000,000 sessions, and writes bench/RESULTS.md.
# usage: bench/run.sh MINDBEAT_BINARY   (make bench builds the release binary first)
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
runs=${BENCH_RUNS:-200}
command -v hyperfine >/dev/null || { echo "bench needs hyperfine: apt-get install -y hyperfine"; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench needs sqlite3: apt-get install -y sqlite3"; exit 1; }

# The statements mindbeat runs for each command (Store.sessionSelect and the
# scoping of Store.sessions), with the ids inlined.
select="SELECT s.id, s.starts_at, s.duration_minutes, s.status, s.channel, s.coach_joined_at, s.member_joined_at, s.ended_at, c.id, c.email, c.name, c.phone, c.zoom, c.manager_id, m.id, m.email, m.name, m.phone, m.zoom, m.manager_id, (SELECT count(*) FROM contact_attempts a WHERE a.session_id = s.id), (SELECT max(at) FROM contact_attempts a WHERE a.session_id = s.id) FROM sessions s JOIN accounts c ON c.id = s.coach_id JOIN accounts m ON m.id = s.member_id"
list_sql="$select WHERE s.id IN (SELECT id FROM sessions WHERE coach_id = 1 UNION ALL SELECT id FROM sessions WHERE member_id = 1 UNION ALL SELECT sessions.id FROM sessions JOIN accounts r ON r.id = sessions.member_id WHERE r.manager_id = 1) AND s.status IN ('scheduled', 'in_progress') ORDER BY s.starts_at, s.id"
show_sql="$select WHERE s.id = 990"
insert_sql="INSERT INTO chat_messages (session_id, author_id, text, at) VALUES (990, 1, 'benchmark message', 1796112000)"

results="$work/results.tsv"
: > "$results"
for size in 1000 1000000; do
  db_dir="$work/db-$size"
  "$here/generate.sh" "$bin" "$db_dir" "$size"
  db="$db_dir/mindbeat.db"
  export MINDBEAT_DB="$db" XDG_STATE_HOME="$db_dir/state" HOME="$db_dir" MINDBEAT_NOW=2026-12-01T08:00:00Z
  while IFS='|' read -r name ours theirs; do
    json="$work/$name-$size.json"
    hyperfine -N --warmup 20 --runs "$runs" --export-json "$json" "$ours" "$theirs" >/dev/null
    # Peak resident memory of one run of mindbeat's command, in KiB.
    peak=$(python3 -c '
import resource, subprocess, shlex, sys
subprocess.run(shlex.split(sys.argv[1]), stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$ours")
    # Instructions of one run, which unlike time repeat exactly.
    instructions=0
    if command -v valgrind >/dev/null; then
      instructions=$(cd "$work" && eval valgrind --tool=callgrind --callgrind-out-file=/dev/null "$ours" 2>&1 >/dev/null \
        | sed -n 's/.*refs: *//p' | tr -d ,)
    fi
    python3 - "$json" "$name" "$size" "$peak" "$instructions" >> "$results" <<'PY'
import json, sys
path, name, size, peak, instructions = sys.argv[1:]
data = json.load(open(path))["results"]
ours, theirs = data[0]["median"] * 1000, data[1]["median"] * 1000
print(f"{name}\t{size}\t{ours:.2f}\t{theirs:.2f}\t{ours / theirs:.2f}\t{peak}\t{instructions or 0}\t{data[0]['command']}\t{data[1]['command']}")
PY
  done <<CASES
sessions-list|$bin sessions list|sqlite3 $db "$list_sql"
status|$bin status 990|sqlite3 $db "$show_sql"
sessions-show|$bin sessions show 990|sqlite3 $db "$show_sql"
chat-write|$bin chat 990 'benchmark message'|sqlite3 $db "$insert_sql"
CASES
done

python3 - "$results" "$runs" > "$here/RESULTS.md" <<'PY'
import sys, platform, subprocess, datetime
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
runs = sys.argv[2]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
print("# mindbeat benchmark\n")
print(f"Written by `make bench` on {datetime.date.today().isoformat()}: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores,")
print(f"Linux {platform.release()}, SQLite {sqlite}. hyperfine, {runs} runs after 20 warm-ups, no shell;")
print("medians in milliseconds. The sqlite3 CLI runs the same SQL mindbeat runs for the command")
print("(mindbeat also opens and checks the database and authenticates the caller).\n")
print("Targets: reads ≤ 1.5× the sqlite3 CLI, the write ≤ 1.5× the sqlite3 insert, 1M-session")
print("figures within 1.1× of the 1k ones, peak memory under 20 MB.\n")
print("| command | sessions | mindbeat (ms) | sqlite3 (ms) | ratio | peak RSS (MB) | instructions |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, size, ours, theirs, ratio, peak, instructions, *_ in rows:
    print(f"| {name} | {int(size):,} | {ours} | {theirs} | {ratio}× | {int(peak) / 1024:.1f} | {int(instructions):,} |")
print("\n1M against 1k, by median time and by instructions counted with valgrind")
print("--tool=callgrind. On this shared 2-core machine the median of the same command moves")
print("by up to ±20% between two hyperfine runs a minute apart, so the time ratio below is")
print("mostly noise; the instruction counts repeat exactly and are the measure of scaling.\n")
print("| command | 1k (ms) | 1M (ms) | 1M / 1k time | 1M / 1k instructions |")
print("|---|---:|---:|---:|---:|")
by = {(r[0], r[1]): (float(r[2]), int(r[6])) for r in rows}
for name in dict.fromkeys(r[0] for r in rows):
    small, large = by.get((name, "1000")), by.get((name, "1000000"))
    if small and large:
        ratio = f"{large[1] / small[1]:.3f}×" if small[1] else "n/a"
        print(f"| {name} | {small[0]:.2f} | {large[0]:.2f} | {large[0] / small[0]:.2f}× | {ratio} |")
print("\nThe exact commands:\n")
for name, size, _, _, _, _, _, ours, theirs in rows:
    print(f"- {name}, {int(size):,} sessions:\n  - `{ours}`\n  - `{theirs[:160]}{'…' if len(theirs) > 160 else ''}`")
PY
cat "$here/RESULTS.md"
