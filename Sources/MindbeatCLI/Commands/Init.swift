import MindbeatCore

extension Commands {
    static let initialise = Command(
        ["init"], group: .accounts,
        summary: "create the database and its first account, and log in",
        discussion: """
            Creates the mindbeat database (mode 0600, in a directory created 0700) and its \
            first account: a coach with the admin right. That account is logged in at once. \
            The database is built under a name of its own and appears at its path only when \
            complete, created exclusively and never through a symbolic link; a failed init \
            leaves nothing behind. Anything already at the path is refused: a mindbeat database \
            with accounts (exit 1); anything else init did not create, even an empty file or \
            another program's database (exit 73, left untouched); a path that is not a regular \
            file at all (65). With --sandbox the database is a sandbox for test servers and CI \
            smoke tests: over SSH (serve ssh) its clock may be set from the server's environment \
            (MINDBEAT_NOW), which a real database never allows. A sandbox stays one; whoami says so.
            """,
        options: [
            .needed(Key.name, "NAME", "your name, as members see it"),
            .needed(Key.email, "EMAIL", "your email address, which you log in with"),
            CommonOptions.passwordStdin,
            .flag(Key.sandbox, "make a sandbox for test servers: its clock may be set over SSH"),
        ],
        examples: [
            ("mindbeat init --name 'Ann Coach' --email ann@example.com", "create the database, asking for a password"),
            ("printf '%s\\n' \"$PW\" | mindbeat init --name Ann --email ann@example.com --password-stdin", "the same, from a script"),
        ],
        action: .open { context, arguments in
            let name = try arguments.required(.name)
            let email = try arguments.required(.email)
            let password = try context.readPassword(
                fromStdin: arguments.has(.passwordStdin), confirm: true, use: .new(name: name, email: email))
            let location = try context.databaseLocation()
            // Refused before the password is hashed: whatever is at the path
            // already, and a state directory that could not keep the login.
            try Stores.refuseExisting(location)
            try context.stateDirectory(create: false)?.close()
            let hash = try Secrets.hashPassword(password)
            // The database appears at the path only once it holds the account
            // and the login is saved; a failure on the way leaves neither.
            var saved: (token: String, store: any Store)?
            let account: Account
            do {
                account = try Stores.create(location) { store in
                    _ = context.opened(store)
                    let mindbeat = Mindbeat(store: store, clock: FixedClock(context.now), zone: context.zone, eventDescription: Phrases.eventDescription)
                    let (account, token) = try mindbeat.initialise(
                        name: name, email: email, passwordHash: hash, sandbox: arguments.has(.sandbox))
                    try context.saveToken(token, for: store)
                    saved = (token, store)
                    return account
                }
            } catch {
                if let saved { context.forgetToken(saved.token, for: saved.store) }
                throw error
            }
            let kind = arguments.has(.sandbox) ? "the sandbox " : ""
            context.out.line("Created \(kind)\(location) and logged in as \(account.label), a coach with the admin right.")
            context.out.line("Next: add a member with mindbeat users add --role member --name NAME --email EMAIL")
        }
    )
}
