import MindbeatCore

/// A piece of a man page's prose, rendered by `ManPages`.
enum ManualBlock {
    case paragraph(String)
    /// Lines shown as they are (commands, configuration).
    case example([String])
    case subsection(String)
    /// A term and what it means (`.TP`).
    case item(String, String)
}

/// What the page of a command group says besides its list of commands: the
/// groups are the first words of commands that have no command of their own
/// (`keys`, `serve`).
struct GroupProse {
    let summary: String
    let description: [ManualBlock]
    var files: [(path: String, meaning: String)] = []
    /// Pages outside mindbeat, as `sshd_config(5)`.
    var seeAlso: [String] = []
}

/// The team server's set-up, as README.md's "Team mode" gives it: these
/// commands and lines are written here once, and a test checks that the
/// README shows each of them as it is.
enum TeamServer {
    static let install = "make release && sudo make install PREFIX=/usr/local"
    static let account = [
        "sudo useradd --system --create-home --home-dir /srv/mindbeat --shell /bin/sh mindbeat",
        "sudo usermod -p '*' mindbeat",
        "sudo -u mindbeat mindbeat --db /srv/mindbeat/mindbeat.db init --name \"Ann Coach\" --email ann@example.com",
    ]
    static let firstKey = [
        "sudo -u mindbeat mindbeat --db /srv/mindbeat/mindbeat.db keys add 'ssh-ed25519 AAAAC3Nza… ann@laptop'",
        "sudo -u mindbeat mindbeat --db /srv/mindbeat/mindbeat.db logout",
    ]
    static let sshdBlock = [
        "Match User mindbeat",
        "    AuthorizedKeysFile none",
        "    AuthorizedKeysCommand /usr/local/bin/mindbeat --db /srv/mindbeat/mindbeat.db serve authorized-keys %u %t %k",
        "    AuthorizedKeysCommandUser mindbeat",
        "    PasswordAuthentication no",
        "    KbdInteractiveAuthentication no",
        "    DisableForwarding yes",
        "    PermitTTY no",
    ]
    static let reload = "sudo sshd -t && sudo systemctl reload ssh"
    static let cron = "* * * * *  MINDBEAT_MAIL_FROM=coaching@example.com /usr/local/bin/mindbeat --db /srv/mindbeat/mindbeat.db outbox send >/dev/null"
    static let client = "export MINDBEAT_REMOTE=mindbeat@team.example.com"
    static let sandbox = "    SetEnv MINDBEAT_NOW=2026-12-01T09:00:00Z"

    /// Every line above, for the test that reads the README.
    static var lines: [String] {
        [install] + account + firstKey + sshdBlock + [reload, cron, client, sandbox]
    }
}

extension Manual {
    /// The prose of a group's page, or nil for a group that has none yet
    /// (a test asks every group for one).
    static func group(_ word: String) -> GroupProse? {
        switch word {
        case "sessions": return sessions
        case "notes": return notes
        case "users": return users
        case "keys": return keys
        case "serve": return serve
        case "db": return db
        default: return nil
        }
    }

    /// The longest command line serve ssh takes, as 65,536.
    static var limitBytes: String {
        let digits = Array(String(CommandWords.limitBytes))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    static let sessions = GroupProse(
        summary: "list, show and schedule coaching sessions",
        description: [
            .paragraph("A session has a coach and a member, a start and a length. sessions list shows yours (a line manager: their reports'), upcoming ones first and overdue ones marked; sessions show one; sessions add schedules one. Attending, the counter, contact attempts and ending a session are commands of their own: mindbeat attend, status, contact, switch and end, under the protocol mindbeat(1) describes."),
        ])

    static let notes = GroupProse(
        summary: "write and read notes on sessions and members",
        description: [
            .paragraph("Private notes are seen by their author alone: not the other party, not an admin, not a line manager. Shared notes on a session are seen by the other party once the session has ended, and an email tells them that notes wait (never what they say); shared notes on a member's profile, written by their coach between sessions, are seen by the member at once. A line manager never reads a note (exit 77)."),
            .paragraph("A body comes from TEXT, from standard input (-), or from your editor. One trailing newline is dropped; an empty body or one over \(Policy.noteLimitKiB) KiB exits 65 and saves nothing. Note text never appears in an error, a log, an email or the outbox."),
        ])

    static let users = GroupProse(
        summary: "add, list and reset accounts",
        description: [
            .paragraph("Accounts are coaches, members and line managers; the admin right is separate from the role. An admin adds anyone; a coach may add members of their own. users reset (admin) sets a one-time password: the account's logins are revoked, it must choose its own password at its next login, and its owner is emailed at once. A password is read from the terminal without echo, or as one line with --password-stdin; over SSH there is no terminal, so it comes on standard input."),
        ])

    static let db = GroupProse(
        summary: "the database itself: moving it between SQLite and PostgreSQL",
        description: [
            .paragraph("mindbeat keeps its data in one SQLite file, or in the schema mindbeat of a PostgreSQL database when --db or MINDBEAT_DB is a postgres:// or postgresql:// URI. Every command, output and exit status is the same on both. On PostgreSQL, now is the database server's clock (unless MINDBEAT_NOW is set), overlapping sessions are refused by the engine itself, and a server that cannot be reached exits 75."),
            .paragraph("db copy moves a practice from one to the other, whole, keeping every id and the database's identity, so logins, calendar subscriptions and sshd's key lines go on working. Write the password of a URI in ~/.pgpass (or use a service file), never in the URI: libpq reads them as psql does, and mindbeat never prints a password."),
        ],
        seeAlso: ["psql(1)", "pg_dump(1)"])

    static let keys = GroupProse(
        summary: "the SSH keys that log in to a team server",
        description: [
            .paragraph("On a team server (see mindbeat-serve(1)) a person's login is an SSH key registered here: ssh-ed25519, ecdsa-sha2-nistp256, -384 or -521, or ssh-rsa of at least 3072 bits, given as the line of its .pub file. Each is shown by its fingerprint, exactly as ssh-keygen -l -E sha256 prints it."),
            .paragraph("People add their own keys. An admin adds the first key of an account that has none (keys add --user EMAIL); that never happens silently: the owner is emailed at once and their whoami says who did it and when. keys remove, by the key's owner or an admin, refuses the key from its next connection on."),
            .paragraph("Run as the service account on the server itself, keys add registers the first admin's own key: see mindbeat-serve(1)."),
        ],
        seeAlso: ["ssh-keygen(1)"])

    static let serve = GroupProse(
        summary: "the team server: what sshd runs for mindbeat",
        description: [
            .paragraph("In team mode one server holds the database, owned by a service account that no person logs in as. People reach it with ssh and their own key, the way git hosting works: sshd asks serve authorized-keys whether a key is registered (its AuthorizedKeysCommand) and runs serve ssh as that key's forced command, with no shell, no terminal and no forwarding. The key is the login, and the server's clock is the clock. Neither command is for people to type."),
            .subsection("Setting up a server (Debian)"),
            .paragraph("Install mindbeat where sshd agrees to run it from: AuthorizedKeysCommand must be an absolute path whose every component is owned by root and writable by nobody else. The release binary is static; one built elsewhere is copied with install -o root -g root -m 755."),
            .example([TeamServer.install]),
            .paragraph("Make the service account and its database. The account needs a real login shell, because sshd runs the forced command through it (with nologin every connection fails), and a password entry that is not locked: useradd leaves !, which sshd refuses when it runs without PAM, while * is an unlocked entry that no password matches. init asks for the password of the first account, a coach with the admin right, and logs it in as the service account."),
            .example(TeamServer.account),
            .paragraph("Register the key you will connect with (the line of its .pub file) and log out: from then on the key is your login. A login lasts \(Policy.loginLifetimeDays) days; after that, or after logout, run login EMAIL the same way first."),
            .example(TeamServer.firstKey),
            .paragraph("Add a Match block at the end of /etc/ssh/sshd_config (it runs to the end of the file), check the configuration and reload sshd:"),
            .example(TeamServer.sshdBlock),
            .example([TeamServer.reload]),
            .paragraph("Deliver mail from the service account's crontab (sudo crontab -u mindbeat -e): outbox send runs only as the database's owner or root. cron mails the account whatever a job prints, so the every-minute count goes to /dev/null; a failure still arrives, on standard error."),
            .example([TeamServer.cron]),
            .paragraph("On each person's machine, one line in ~/.profile, and once a plain ssh -T to the server, which accepts its host key and greets you (mindbeat runs ssh with BatchMode=yes, which never asks):"),
            .example([TeamServer.client]),
            .paragraph("An admin then adds people (users add … --password-stdin, since there is no terminal on the server) and each one's first key (keys add --user EMAIL); after that, people add their own (keys add - < ~/.ssh/id_ed25519.pub)."),
            .subsection("serve authorized-keys"),
            .paragraph("For a registered key it prints one line, command=\"/usr/local/bin/mindbeat --db /srv/mindbeat/mindbeat.db serve ssh KEYID\",restrict TYPE BLOB, with the absolute paths of this mindbeat and of its database; for any other key it prints nothing, and sshd refuses the key. It exits 0 either way and logs a problem on standard error, which sshd writes to its log. USER is not consulted: the Match block decides which account the command answers for."),
            .subsection("serve ssh: the command line"),
            .paragraph("sshd gives the command the client sent in SSH_ORIGINAL_COMMAND. serve ssh splits it into words by a fixed grammar, never by a shell:"),
            .item("space, tab", "separate words."),
            .item("'…'", "is literal, backslashes included."),
            .item("\"…\"", "is literal except for \\\" and \\\\, which stand for \" and \\."),
            .item("\\", "outside quotes, takes the next character as it is."),
            .item("$ ` * ~ ; | < > & ( )", "are ordinary characters: nothing is expanded, nothing else is run."),
            .paragraph("A NUL or a line break, an unbalanced quote, a trailing lone backslash, or more than \(limitBytes) bytes: exit 64. A leading word mindbeat is dropped, so ssh HOST mindbeat sessions list and ssh HOST sessions list are the same. With no command it greets the key's owner (Hi NAME! You are connected to mindbeat as EMAIL.) and exits 0."),
            .paragraph("The command runs as the key's account, on this database, with the server's clock and no login token. Standard input, output, error and the exit status pass through unchanged. A key that was removed, or whose account was, is refused (77)."),
            .subsection("Not available over SSH"),
            .paragraph("init, login, logout, passwd, users reset of your own account, outbox send, serve, db, completions, the global --db and --remote, and any option that names a file on the server exit 77. --tz takes only a zone name of the system's time-zone database (letters, digits, _, -, + and /; no .., no leading /; unknown: 64)."),
            .subsection("The client"),
            .paragraph("With --remote [USER@]HOST[:PORT] or MINDBEAT_REMOTE, mindbeat runs ssh -o ControlMaster=auto -o ControlPersist=10m -o ControlPath=$XDG_STATE_HOME/mindbeat/ssh/HASH -T -o BatchMode=yes [-n] [-p PORT] [USER@]HOST -- 'mindbeat --tz ZONE WORDS…', each word quoted by the grammar above. The first command opens a connection that stays open ten minutes after the last, and the commands in between run over it; the socket lives in a 0700 directory of mindbeat's, one for each [USER@]HOST:PORT. ssh gets -n unless the command reads standard input. help, completions and --version run locally; completion asks the server for session ids and emails; notes add without TEXT opens the local editor and sends the body on standard input."),
            .paragraph("MINDBEAT_SSH replaces ssh together with its ControlMaster options (mindbeat still appends -T -o BatchMode=yes and the rest). It is split on spaces and run without a shell: MINDBEAT_SSH='ssh -i ~/.ssh/work_key' works, since ssh expands the ~ of -i itself, but connects anew for every command. To keep the shared connection, name the key in ~/.ssh/config instead, which ssh reads from the home directory of your passwd entry, not from $HOME."),
            .item("75", "ssh failed: the host cannot be reached, or its host key is unknown or changed."),
            .item("77", "the server did not accept the key (register it with keys add), or the command does not run remotely."),
            .item("130", "Ctrl-C."),
            .paragraph("Any other status is the remote command's own."),
            .subsection("A sandbox for CI"),
            .paragraph("MINDBEAT_NOW and MINDBEAT_CLOCK_RATE are ignored by serve ssh, from the client and the server alike, unless the database was made with init --sandbox: then sshd's SetEnv in the Match block sets its clock for every connection (SetEnv MINDBEAT_NOW=... MINDBEAT_CLOCK_RATE=600 on one line makes it run), and the greeting and whoami say sandbox. No client can move the clock of a real database, and a sandbox stays one."),
            .example([TeamServer.sandbox]),
        ],
        files: [
            ("/usr/local/bin/mindbeat", "The binary sshd runs: owned by root, like every directory above it, and writable by nobody else."),
            ("/srv/mindbeat/mindbeat.db", "The team's database, owned by the service account mindbeat, whose home is /srv/mindbeat."),
            ("/etc/ssh/sshd_config", "sshd's configuration, with the Match User mindbeat block at its end."),
            ("~/.local/state/mindbeat/ssh/", "On a person's machine: the sockets of the shared connections, in a 0700 directory ($XDG_STATE_HOME/mindbeat/ssh/)."),
        ],
        seeAlso: ["sshd_config(5)", "sshd(8)", "ssh(1)", "crontab(1)"])
}
