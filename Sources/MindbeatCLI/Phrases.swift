import MindbeatCore

/// The words of mindbeat: how the core's refusals, errors and facts read on a
/// terminal, with the commands that would help. The core carries data (ids,
/// times, names, the missing thing); only this file turns it into sentences.
enum Phrases {
    // MARK: Refusals

    /// One line: `cannot end session 12 as missed: wait …; contact … (allowed from 10:15)`.
    static func refusal(_ refusal: Refusal, zone: any LocalZone, now: Instant) -> String {
        var text = "cannot \(action(refusal.action)): "
            + refusal.reasons.map { unmet($0, zone: zone, now: now) }.joined(separator: "; ")
        if let from = refusal.allowedFrom, refusal.reasons.count > 1 || from > now && refusal.reasons.first?.liftedAt == nil {
            text += " (allowed from \(zone.shortTime(from, now: now)))"
        }
        return text
    }

    /// What was refused, in words: `end session 12 as missed`.
    static func action(_ action: RefusedAction) -> String {
        switch action {
        case .initialise: return "initialise the database"
        case .copyDatabase: return "copy the database"
        case .addAccount(let email): return "add \(email)"
        case .schedule: return "schedule the session"
        case .scheduleSeries(let count): return "schedule the series of \(count) sessions"
        case .cancel(let id): return "cancel session \(id)"
        case .reschedule(let id): return "reschedule session \(id)"
        case .setBank(let email): return "set the bank of \(email)"
        case .attend(let id?): return "attend session \(id)"
        case .attend(nil): return "attend"
        case .chat(let id): return "send to the chat of session \(id)"
        case .contact(let member, let via): return "contact \(member) by \(via.rawValue)"
        case .switchChannel(let id, let channel): return "switch session \(id) to \(channel.rawValue)"
        case .end(let id, let outcome): return "end session \(id) as \(outcome.rawValue)"
        case .leaveFeedback(let id): return "leave feedback on session \(id)"
        case .addKey: return "add the key"
        }
    }

    /// What is missing, in words, with local times in `zone`.
    static func unmet(_ unmet: Unmet, zone: any LocalZone, now: Instant) -> String {
        func at(_ instant: Instant) -> String { zone.shortTime(instant, now: now) }
        switch unmet {
        case .sessionEnded(let status):
            return status.isCancelled ? "the session was cancelled (\(status.words))"
                                      : "the session has already ended (\(status.words))"
        case .tooEarlyToAttend(let from):
            return "it is too early to attend: you can join from \(at(from)), \(Policy.earlyJoinMinutes) minutes before the start"
        case .notInProgress(let status):
            return status == .scheduled
                ? "the session is not in progress: nobody has attended it yet"
                : "the session is not in progress: it has ended (\(status.words))"
        case .coachNotJoined:
            return "you have not joined the session yet (mindbeat attend)"
        case .memberJoined(let name):
            return "\(name) has joined the session, so it cannot be missed"
        case .beforeStart(let until):
            return "the session has not started and the member has not joined: wait until \(at(until))"
        case .waitForMember(let until, let name):
            return "wait for \(name) until \(at(until)) (\(Policy.waitMinutes) minutes)"
        case .noContactAttempt(let from, let name, let id):
            return "contact \(name) first, at \(at(from)) or later (mindbeat contact \(id) --via email)"
        case .noZoomLink:
            return "your profile has no Zoom link (mindbeat profile --zoom URL)"
        case .noMemberPhone(let name):
            return "\(name) has no phone number on their profile"
        case .startsInPast(let instant):
            return "the start, \(at(instant)), is in the past"
        case .overlaps(let id?, let startsAt, let whose):
            return "it overlaps session \(id) of \(whose) at \(at(startsAt))"
        case .overlaps(nil, let startsAt, let whose):
            return "it overlaps another session of \(whose) at \(at(startsAt))"
        case .notTheirCoach(let coach, let member):
            return "\(coach) is not the coach of \(member)"
        case .notAMember(let email):
            return "\(email) is not a member"
        case .notACoach(let email):
            return "\(email) is not a coach"
        case .notAManager(let email):
            return "\(email) is not a manager"
        case .emailTaken(let email):
            return "an account with the email \(email) already exists"
        case .databaseHasAccounts:
            return "the database already has accounts; log in with mindbeat login EMAIL"
        case .destinationHoldsData(let location):
            return "\(location) already holds a mindbeat database; copy into a new path, or a database without the schema mindbeat"
        case .keyRegistered(let fingerprint):
            return "the key \(fingerprint) is already registered"
        case .notHeld(let status):
            return "feedback is for held sessions, and this one is \(status.words)"
        case .feedbackGiven:
            return "you have already left feedback on it"
        case .nothingToAttend(let ids):
            return ids.isEmpty
                ? "you have no session that can be attended now"
                : "no session can be attended now; your next: \(ids.map { "\($0)" }.joined(separator: ", "))"
        case .severalToAttend(let ids):
            return "several sessions can be attended now: \(ids.map { "\($0)" }.joined(separator: ", ")); name one (mindbeat attend ID)"
        case .notScheduled(let status):
            return status == .inProgress
                ? "it is in progress: only a session nobody has joined can be changed"
                : "it is \(status.words): only a session nobody has joined can be changed"
        case .bankUsedUp(let member, let remaining, let needed):
            if remaining == 0 { return "no sessions left in \(member)'s bank (an admin adds more: mindbeat users bank)" }
            return "\(needed) sessions needed but only \(remaining) left in \(member)'s bank"
        }
    }

    /// What each stable reason id means, for `mindbeat(1)`.
    static func meaning(_ kind: UnmetKind) -> String {
        switch kind {
        case .sessionEnded: return "the session is closed: held, missed or cancelled"
        case .tooEarly: return "it is more than \(Policy.earlyJoinMinutes) minutes before the start"
        case .notInProgress: return "the session is not in progress"
        case .coachNotJoined: return "the coach has not joined the session"
        case .memberJoined: return "the member has joined, so the session cannot be missed"
        case .beforeStart: return "the session has not started and the member has not joined"
        case .waitingPeriod: return "the coach has not yet waited \(Policy.waitMinutes) minutes for the member"
        case .noContactAttempt: return "no contact attempt since the coach joined and from \(Policy.contactAfterMinutes) minutes after the start"
        case .noZoomLink: return "the coach's profile has no Zoom link"
        case .noMemberPhone: return "the member has no phone number"
        case .startsInPast: return "the start is in the past"
        case .overlap: return "the session would overlap another open session of the coach or the member"
        case .notTheirCoach: return "the coach is not the member's coach"
        case .notAMember: return "the account is not a member"
        case .notACoach: return "the account is not a coach"
        case .notAManager: return "the account is not a line manager"
        case .emailTaken: return "an account with that email exists"
        case .alreadyInitialised: return "the database already has accounts"
        case .destinationHoldsData: return "the destination of db copy already holds mindbeat data"
        case .keyRegistered: return "the key is already registered, to someone"
        case .notHeld: return "feedback is for held sessions only"
        case .feedbackGiven: return "feedback was already left"
        case .nothingToAttend: return "no session can be attended now"
        case .severalToAttend: return "several sessions can be attended now; name one"
        case .notScheduled: return "the session is no longer scheduled: someone joined it, or it is closed"
        case .bankUsedUp: return "the member's bank of sessions has none left to book"
        }
    }

    // MARK: The scheduling life cycle

    /// When parties are reminded of a session: `24 hours and 1 hour`.
    static var upcomingHours: String {
        Policy.upcomingNoticeHours.map { "\($0) hour\($0 == 1 ? "" : "s")" }.joined(separator: " and ")
    }

    /// A calendar event's description, for a party: how to join the session.
    @Sendable static func eventDescription(_ session: Session) -> String {
        if session.status.isCancelled {
            return "Cancelled: session \(session.id) will not take place (it was to be joined with mindbeat attend \(session.id)).\n"
                + "Details: mindbeat sessions show \(session.id)"
        }
        return "Join it with: mindbeat attend \(session.id)\nDetails: mindbeat sessions show \(session.id)"
    }

    /// What a cancel or a reschedule did, for the one who made it: the new
    /// status or time, who hears of it, and what it did to the bank.
    static func changed(_ outcome: SessionChangeOutcome, render: Render) -> String {
        let session = outcome.session
        var text: String
        switch session.status {
        case .cancelled: text = "Session \(session.id) cancelled."
        case .lateCancelled:
            text = "Session \(session.id) cancelled late (less than \(Policy.noticeHours) hours before its start)."
        default: text = "Session \(session.id) moved to \(render.span(session))."
        }
        let told: [String] = [session.coach, session.member].filter { $0.id != outcome.change.byID }
            .map { render.text($0.firstName) }
        if !told.isEmpty { text += " \(told.joined(separator: " and ")) will be told by email." }
        guard outcome.change.byMember, let engagement = outcome.engagement else { return text }
        let yours = outcome.party == .member
        let whose = yours ? "your" : render.text(session.member.firstName) + "'s"
        if outcome.change.isCharged {
            if let remaining = engagement.remaining {
                text += " It was late, so it used one session of \(whose) bank: \(remaining) left to book."
            } else {
                text += " It was late: it counts as a late change."
            }
        }
        if outcome.flagged {
            text += yours
                ? " It is your \(NoticeMessage.ordinal(Policy.flaggedChange)) change in this engagement, which your coach is told of."
                : " It is \(whose) \(NoticeMessage.ordinal(Policy.flaggedChange)) change in this engagement: they are flagged."
        }
        return text
    }

    // MARK: Errors

    /// What a command does, as permission messages name it.
    static func activity(_ activity: Activity) -> String {
        switch activity {
        case .attend: return "attend a session"
        case .chat: return "chat"
        case .readChat: return "read the chat"
        case .contact: return "contact the member"
        case .switchChannel: return "switch the channel"
        case .end: return "end the session"
        case .wait: return "wait on a session's protocol"
        case .writeNotes: return "write notes on it"
        case .readNotes: return "read notes"
        case .writeProfileNotes: return "write notes on a member's profile"
        case .leaveFeedback: return "leave feedback"
        case .readFeedback: return "read feedback"
        case .schedule: return "schedule sessions"
        case .addAccounts: return "add accounts"
        case .grantAdmin: return "grant the admin right"
        case .listAccounts: return "list accounts"
        case .resetPasswords: return "reset passwords"
        case .manageKeys: return "manage another account's keys"
        case .readOutbox: return "read the outbox"
        case .listMembers: return "list members"
        case .seeStatus: return "see the status of a session"
        case .cancel: return "cancel sessions"
        case .reschedule: return "reschedule sessions"
        case .setBank: return "set a member's bank of sessions"
        case .readLog: return "read a session's log"
        }
    }

    static func forbidden(_ forbidden: Forbidden) -> String {
        switch forbidden {
        case .lineManager(.seeStatus(let id)):
            return "line managers see the attendance of their reports' sessions only (mindbeat sessions show \(id))"
        case .lineManager(.readNotes):
            return "line managers cannot read notes"
        case .lineManager(.schedule):
            return "line managers cannot schedule sessions"
        case .lineManager(let activity):
            return "line managers see the attendance of their reports' sessions only; they cannot \(Phrases.activity(activity))"
        case .coachOnly(let id, let activity):
            return "only the coach of session \(id) can \(Phrases.activity(activity))"
        case .memberForThemselves(.schedule):
            return "a member schedules sessions for themselves only"
        case .memberWithOwnCoach:
            return "a member schedules sessions with their own coach only"
        case .memberForThemselves(let activity):
            return "a member may \(Phrases.activity(activity)) for themselves only"
        case .coachForThemselves(.schedule):
            return "a coach schedules their own sessions only"
        case .coachForThemselves(.addAccounts):
            return "a coach may add members for themselves only"
        case .coachForThemselves(let activity):
            return "a coach may \(Phrases.activity(activity)) for themselves only"
        case .needsAdmin(.addAccounts):
            return "adding accounts needs the admin right (a coach may add members of their own)"
        case .needsAdmin(.grantAdmin):
            return "only an admin can grant the admin right"
        case .needsAdmin(.readOutbox):
            return "the outbox needs the admin right"
        case .needsAdmin(.listAccounts):
            return "listing accounts needs the admin right"
        case .needsAdmin(let activity):
            return "to \(Phrases.activity(activity)) needs the admin right"
        case .coachesOnly(.listMembers):
            return "members is for coaches and line managers"
        case .coachesOnly(.writeProfileNotes):
            return "only a member's coach writes notes on their profile; members write notes on their sessions"
        case .coachesOnly(let activity):
            return "only coaches can \(Phrases.activity(activity))"
        case .ownResetWithKey:
            return "not available over SSH: you cannot reset your own password; ask another admin"
        case .firstKeyOnly:
            return "that account already has a key: an admin adds a key only for an account that has none, and people add their own"
        }
    }

    static func missing(_ missing: Missing) -> String {
        switch missing {
        case .session(let id): return "no session \(id)"
        case .member(let email): return "no member \(email) of yours"
        case .memberAccount(let email): return "no member \(email)"
        case .coach(let email): return "no coach \(email)"
        case .manager(let email): return "no line manager \(email)"
        case .account(let email): return "no account \(email)"
        case .key(let fingerprint): return "no key \(fingerprint) of yours"
        }
    }

    static func incomplete(_ incomplete: Incomplete) -> String {
        switch incomplete {
        case .memberNotNamed: return "name the member: --member EMAIL"
        case .coachNotNamed: return "name the coach: --coach EMAIL"
        case .memberNeedsCoach: return "a member needs a coach: give --coach EMAIL"
        case .coachOrManagerOfNonMember: return "--coach and --manager apply to members only (--role member)"
        case .endsOutOfRange: return "the session would end after 9999-12-31T23:59:59Z; give an earlier --at or a shorter --duration"
        case .invalidSeries(let problem): return "--at with --every \(problem.problem); nothing was scheduled"
        case .reasonRequired: return "a coach or an admin cancels with a reason: give --reason TEXT (the member sees it)"
        case .emptyReport(let from, let to, let toGiven):
            return toGiven
                ? "--from \(from.rfc3339) is not before --to \(to.rfc3339); give a --from before --to"
                : "--from \(from.rfc3339) is not before now (\(to.rfc3339)); give --to for a report of future sessions"
        case .tooManyPeriods(let count, let interval):
            return "the report would have \(count) \(interval.rawValue)s, more than \(Policy.longestReportPeriods); "
                + (interval == .week ? "use --by month or a shorter range" : "give a shorter range with --from and --to")
        }
    }

    static func body(_ problem: BodyProblem) -> String {
        switch problem {
        case .empty: return "the note is empty; nothing was saved"
        case .tooLarge(let bytes?): return "the note is larger than \(Policy.noteLimitKiB) KiB (\(bytes) bytes); nothing was saved"
        case .tooLarge(nil): return "the note is larger than \(Policy.noteLimitKiB) KiB; nothing was saved"
        }
    }

    static func database(_ problem: DatabaseProblem, location: String) -> String {
        switch problem {
        case .missing:
            return "no mindbeat database at \(location); create one with: mindbeat init --name NAME --email EMAIL"
        case .foreign:
            return "\(location) is not a mindbeat database; it was left untouched"
        case .newer(let version):
            return "\(location) was written by a newer mindbeat (schema \(version)); upgrade mindbeat to use it. It was left untouched"
        case .corrupt:
            return "\(location) is damaged (the database reports corruption)"
        case .cannotCreate(let reason):
            return "cannot create \(location): \(reason)"
        case .io(let message):
            return message
        case .busy:
            return "the database is busy (another mindbeat is writing to it); try again"
        case .invalidURI(let reason):
            return "\(location) is not a valid PostgreSQL URI: \(reason)"
        case .unreachable(let reason):
            return "cannot reach the database \(location): \(reason); try again"
        case .notAFile:
            return "\(location) is not a regular file (a FIFO, a device or a directory); it was not opened"
        case .exists:
            return "cannot create \(location): something is there already, and init never takes over a file it did not create; remove it, or choose another path"
        case .writableByOthers(let path, sharedDirectory: false):
            return writableByOthers(path)
        case .writableByOthers(let path, sharedDirectory: true):
            return "\(path) is a shared directory that others may write, and SQLite keeps files beside the database; keep \(location) in a directory of your own"
        case .notOwner(let owner):
            return "only the owner of \(location) (uid \(owner)) or root may run this: it is the operator's job, and runs the operator's own commands"
        }
    }

    // MARK: Accounts

    /// The warning when no dictionary of common passwords is installed.
    static let noPasswordList = "warning: no list of common passwords on this system (install cracklib-runtime); "
        + "the password was checked for length, repeats, runs and the account's name only"

    /// How an admin took an account over, as `whoami` and the notice say it.
    static func takeover(_ takeover: Takeover, zone: any LocalZone) -> String {
        let when = zone.dateTime(takeover.at)
        switch takeover.kind {
        case .passwordReset:
            return "Password last reset by an administrator, \(takeover.by.name) <\(takeover.by.email)>, on \(when)."
        case .keyAdded:
            return "SSH key last added for you by an administrator, \(takeover.by.name) <\(takeover.by.email)>, on \(when)."
        }
    }

    /// Said after a login, and by whoami, while a one-time password is in use.
    /// Why a command or option does not run over SSH (SPEC §11).
    static func remote(_ refusal: RemoteAccess.Refusal) -> String {
        switch refusal {
        case .createsDatabase: return "init creates a database on the machine it runs on; the server's database exists already"
        case .passwordLogin(let command): return "\(command) is for password logins on your own machine; over SSH your key is your login"
        case .serverSide: return "serve is what the server's sshd runs, not a command to send it"
        case .databaseFiles: return "db works on database files, which stay on the server"
        case .localShell: return "completions prints a script for your own shell: run it without --remote"
        case .mailDelivery: return "outbox send delivers mail from the service account's crontab on the server"
        case .otherDatabase: return "--db names a database file on the server; the server's database is the only one"
        case .otherServer: return "--remote would make the server a client of another server"
        case .serverFile(let option): return "--\(option) names a file on the server; give --\(option) - for standard output instead"
        }
    }

    /// How a command line sent over SSH is split, in one breath.
    static let remoteGrammar = "words are split at spaces and tabs; quote a word with '…' or \"…\", or escape a character with \\"

    static let mustChangePassword = "You are using a one-time password: choose your own with mindbeat passwd "
        + "(until then, other commands are refused)."
    /// The same, to someone signed in with an SSH key, which a reset does not touch.
    static let mustChangePasswordOverSSH = "Your password was reset to a one-time password: choose your own with "
        + "mindbeat passwd where you log in with a password (your SSH keys work as before)."

    // MARK: Files others may touch

    /// A file or directory refused because others may write it, with the
    /// command that fixes it.
    static func writableByOthers(_ path: String) -> String {
        "\(path) is writable by others; run: chmod go-w \(shellQuoted(path))"
    }

    /// The state directory (logins, the editor's notes) belongs to another user.
    static func notYours(_ path: String, owner: UInt32) -> String {
        "\(path) belongs to another user (uid \(owner)); mindbeat keeps your logins only in a directory of your own (set XDG_STATE_HOME, or remove it)"
    }

    /// A directory of mindbeat's own that is a symbolic link where none may be.
    static func symbolicLink(_ path: String) -> String {
        "\(path) is a symbolic link; mindbeat keeps your notes while you edit them only in a directory of its own (remove the link)"
    }

    /// A path as a POSIX shell reads it back, for a command to copy: quoted
    /// unless every byte is one no shell treats specially, and never taken
    /// for an option (`./-x`).
    static func shellQuoted(_ path: String) -> String {
        let path = path.hasPrefix("-") ? "./" + path : path
        let plain = path.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "/._-+,:@%=".utf8.contains(byte)
        }
        if plain && !path.isEmpty { return path }
        return "'" + path.replacing("'", with: "'\\''") + "'"
    }

    // MARK: Lines mindbeat writes for people

    /// The line `switch --zoom` posts into the chat.
    static func zoomLine(link: String) -> String { "Let's continue on Zoom: \(link)" }

    /// The line a coach's `contact --via chat` posts when they give no note.
    static func waitingLine(coach: Person) -> String {
        "\(coach.name) is waiting for you in the session. Join with: mindbeat attend"
    }

    // MARK: Watching and waiting

    /// Why `wait --for` gave up for good (exit 1).
    static func waitInVain(_ condition: WaitCondition, session id: Int64, status: SessionStatus) -> String {
        let over = status.isCancelled ? "session \(id) was \(status.words)" : "session \(id) ended (\(status.words))"
        switch condition {
        case .coachJoined: return "\(over) without the coach joining"
        case .memberJoined: return "\(over) without the member joining"
        case .started: return "\(over) before it started"
        case .heldAllowed: return "\(over): it can no longer be ended as held"
        case .missedAllowed:
            if status.isOpen { return "the member joined session \(id): it cannot be ended as missed" }
            return "\(over): it can no longer be ended as missed"
        case .ended: return "\(over): it will not be held or missed"
        }
    }

    /// `wait` past its `--timeout` (exit 75).
    static func waitTimedOut(_ condition: WaitCondition, session id: Int64, after seconds: Int64) -> String {
        "gave up waiting for \(condition.rawValue) in session \(id) after \(duration(seconds))"
    }

    /// A length of time as `--timeout` takes it: `1h30m`, `90s` as `1m30s`.
    static func duration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var text = ""
        var left = seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where left >= size {
            text += "\(left / size)\(unit)"
            left %= size
        }
        return text
    }
}
