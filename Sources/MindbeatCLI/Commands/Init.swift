import MindbeatCore

extension Commands {
    static let initialise = Command(
        ["init"], group: .accounts,
        summary: "create the database and its first account, and log in",
        discussion: """
            Creates the mindbeat database (mode 0600, in a directory created 0700) and its \
            first account: a coach with the admin right. That account is logged in at once. \
            Refused when the database already has accounts.
            """,
        options: [
            .needed(Key.name, "NAME", "your name, as members see it"),
            .needed(Key.email, "EMAIL", "your email address, which you log in with"),
            CommonOptions.passwordStdin,
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
            let hash = try Secrets.hashPassword(password)
            let location = try context.databaseLocation()
            // A file left by an init that failed is empty or has no accounts, and
            // the next init takes it over. Nothing is deleted here: another init
            // running at the same moment may be the one that filled it.
            let store = try Stores.create(location)
            let mindbeat = Mindbeat(store: store, clock: FixedClock(context.now), zone: context.zone)
            let (account, token) = try mindbeat.initialise(name: name, email: email, passwordHash: hash)
            try context.saveToken(token, for: store)
            context.out.line("Created \(location) and logged in as \(account.label), a coach with the admin right.")
            context.out.line("Next: add a member with mindbeat users add --role member --name NAME --email EMAIL")
        }
    )
}
