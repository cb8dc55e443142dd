import MindbeatCore

extension Commands {
    static let login = Command(
        ["login"], group: .accounts,
        summary: "log in to this database",
        discussion: """
            Checks your password and stores a login token for this database in a 0600 file \
            under $XDG_STATE_HOME/mindbeat, so that later commands act as you. A login lasts \
            \(Policy.loginLifetimeDays) days. MINDBEAT_TOKEN, when set, overrides the stored token.
            """,
        positionals: [Positional(Key.emailArgument, "the email address of your account")],
        options: [CommonOptions.passwordStdin],
        examples: [("mindbeat login ann@example.com", "log in, asking for the password")],
        action: .open { context, arguments in
            let email = try arguments.required(.emailArgument)
            let password = try context.readPassword(fromStdin: arguments.has(.passwordStdin), confirm: false)
            let mindbeat = try context.openMindbeat()
            // A state directory that cannot keep the login is refused before one is issued.
            try context.stateDirectory(create: false)?.close()
            let (account, token) = try mindbeat.login(email: email, password: password)
            try context.saveToken(token, for: mindbeat.store)
            context.out.line("Logged in as \(context.render.text(account.label)).")
            if account.mustChangePassword { context.out.line(Phrases.mustChangePassword) }
        }
    )
}
