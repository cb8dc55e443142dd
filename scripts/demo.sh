#!/usr/bin/env bash
# Plays the mindbeat protocol story against a throwaway database, printing each
# command and what it prints. The clock is fixed with MINDBEAT_NOW so the story
# reads the same every time.
set -u
bin=$(cd "$(dirname "${1:-.build/release/mindbeat}")" && pwd)/$(basename "${1:-.build/release/mindbeat}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# DEMO_DB: play it on another database instead, such as an empty PostgreSQL one.
export MINDBEAT_DB="${DEMO_DB:-$work/mindbeat.db}" XDG_STATE_HOME="$work/state" HOME="$work" TZ=UTC NO_COLOR=1
unset MINDBEAT_TOKEN

# A command as it would be typed: arguments with spaces in double quotes.
shown() {
  local out="" word
  for word in "$@"; do
    case "$word" in *[!A-Za-z0-9@._:/+=-]*) out+=" \"$word\"" ;; *) out+=" $word" ;; esac
  done
  printf '%s' "$out"
}
mb() {
  printf '\n$ mindbeat%s\n' "$(shown "$@")"
  "$bin" "$@" 2>&1
  local status=$?
  [ $status -eq 0 ] || printf '(exit %d)\n' "$status"
}
at() { export MINDBEAT_NOW="$1"; printf '\n# %s — %s\n' "${1:11:5}" "$2"; }

at 2026-12-01T08:00:00Z "Ann sets mindbeat up and adds her member Bo"
printf '\n$ mindbeat init --name "Ann Coach" --email ann@example.com --password-stdin <<< ********\n'
echo 'ann-password' | "$bin" init --name "Ann Coach" --email ann@example.com --password-stdin
printf '\n$ mindbeat users add --role member --name "Bo Member" --email bo@example.com --password-stdin <<< ********\n'
echo 'bo-password' | "$bin" users add --role member --name "Bo Member" --email bo@example.com --password-stdin
mb sessions add --at 2026-12-01T09:00:00Z --member bo@example.com
mb sessions list

at 2026-12-01T08:50:00Z "Ann joins ten minutes early: the counter starts, and mindbeat warns her"
mb attend 1

at 2026-12-01T08:55:00Z "Bo is not there. Ending it as missed now is refused, with every reason"
mb end 1 --missed
mb status 1

at 2026-12-01T09:06:00Z "Five minutes after the start, Ann emails Bo a reminder; cron delivers it (to a stand-in for sendmail), after the invitation to this session queued at 08:00"
printf '#!/bin/sh\ntr -d "\\r" > "%s/mail.txt"\n' "$work" > "$work/sendmail" && chmod +x "$work/sendmail"
export MINDBEAT_SENDMAIL="$work/sendmail -t -i"
mb contact 1 --via email
mb outbox send
printf '\n$ cat mail.txt        # what sendmail received\n'
cat "$work/mail.txt"

at 2026-12-01T09:15:00Z "Fifteen minutes after the start, with a contact attempt made: missed is allowed"
mb end 1 --missed

at 2026-12-01T09:20:00Z "They book the next session; Bo's invitation carries a calendar event"
mb sessions add --at 2026-12-08T09:00:00Z --member bo@example.com
mb outbox send
printf '\n$ grep -E "^(Subject|Content-Type|METHOD|UID|DTSTART|SEQUENCE):" mail.txt\n'
grep -E "^(Subject|Content-Type|METHOD|UID|DTSTART|SEQUENCE):" "$work/mail.txt"
at 2026-12-08T08:58:00Z "Both were reminded a day and an hour before (cron ran outbox send); Bo joins first"
mb outbox send
bo_token=$(cd "$work" && XDG_STATE_HOME="$work/bo" "$bin" login bo@example.com --password-stdin <<< 'bo-password' >/dev/null && cat "$work"/bo/mindbeat/*.token)
printf '\n$ mindbeat attend 2        # as Bo\n'
MINDBEAT_TOKEN=$bo_token "$bin" attend 2 2>&1
at 2026-12-08T09:00:00Z "Ann joins on time"
mb attend 2
printf '\n$ mindbeat chat 2 "Hi Ann, my camera is slow today"        # as Bo\n'
MINDBEAT_TOKEN=$bo_token "$bin" chat 2 "Hi Ann, my camera is slow today"
mb chat 2
at 2026-12-08T09:55:00Z "The session went well: Ann ends it as held"
mb end 2 --held
mb notes add --session 2 --shared "Bo's goal for next time: one difficult conversation a week."
mb notes add --session 2 --private "Bo seemed tired; ask about workload."
printf '\n$ mindbeat feedback 2 --rating 5 --comment "Clear goals"        # as Bo\n'
MINDBEAT_TOKEN=$bo_token "$bin" feedback 2 --rating 5 --comment "Clear goals"
printf '\n$ mindbeat notes list --session 2        # as Bo: the shared note only\n'
MINDBEAT_TOKEN=$bo_token "$bin" notes list --session 2
mb sessions list --past

at 2026-12-08T10:10:00Z "Fifteen minutes after the end, Bo is told there are notes to read"
mb outbox
mb outbox send
printf '\n$ cat mail.txt        # no note text, just where to look\n'
cat "$work/mail.txt"

at 2026-12-08T10:15:00Z "Ann gives Bo a bank of 10 sessions and books four Tuesdays in one go"
mb users bank bo@example.com --sessions 10
mb sessions add --at 2026-12-15T09:00:00Z --member bo@example.com --every week --count 4

at 2026-12-14T12:00:00Z "Bo moves tomorrow's session with less than 24 hours' notice: it uses one session of his bank"
printf '\n$ mindbeat sessions reschedule 3 --at 2026-12-16T09:00:00Z        # as Bo\n'
MINDBEAT_TOKEN=$bo_token "$bin" sessions reschedule 3 --at 2026-12-16T09:00:00Z 2>&1
mb members
printf '\n$ mindbeat calendar --from 2026-12-15 | grep -E "^(UID|DTSTART|SEQUENCE|STATUS):" | head -4        # the moved session, as a calendar sees it\n'
"$bin" calendar --from 2026-12-15 | tr -d '\r' | grep -E "^(UID|DTSTART|SEQUENCE|STATUS):" | head -4

at 2026-12-14T12:05:00Z "Bo says he was never reminded on 1 December. The session's log, which nothing can change, shows Ann's join, the reminder and its delivery"
mb sessions log 1
mb report --coach ann@example.com --by week --from 2026-11-30
