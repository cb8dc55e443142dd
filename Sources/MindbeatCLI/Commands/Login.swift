import MindbeatCore

extension Commands {
    static let login = Command(
        ["login"], group: .accounts,
        summary: "log in to this database",
        discussion: """
            Checks your password and stores a login token for this database in a 0600 file \
            under $XDG_STATE_HOME/mindbeat, so that later commands act as you. A login lasts \
            30 days. MINDBEAT_TOKEN, when set, overrides the stored token.
            """,
        positionals: [Positional("EMAIL", .email, "the email address of your account")],
        options: [CommonOptions.passwordStdin],
        examples: [("mindbeat login ann@example.com", "log in, asking for the password")],
        needsLogin: false
    ) { context, arguments in
        let email = arguments.positionalString(0) ?? ""
        let password = try context.readPassword(fromStdin: arguments.flag("password-stdin"), confirm: false)
        let mindbeat = try context.openMindbeat()
        let (account, token) = try mindbeat.login(email: email, password: password)
        try context.saveToken(token, for: mindbeat.store)
        context.out.line("Logged in as \(account.label).")
    }

    static let logout = Command(
        ["logout"], group: .accounts,
        summary: "revoke the login in use",
        discussion: "Revokes the login token in use (the stored one, or MINDBEAT_TOKEN) and forgets the stored one.",
        examples: [("mindbeat logout", "log out of this database")]
    ) { context, _ in
        let (mindbeat, token) = try context.signedIn()
        let account = try mindbeat.logout(token: token)
        if let token { context.forgetToken(token, for: mindbeat.store) }
        context.out.line("Logged out \(account.label).")
    }

    static let whoami = Command(
        ["whoami"], group: .accounts,
        summary: "show the account you are logged in as",
        options: [CommonOptions.json],
        examples: [("mindbeat whoami --json", "the account as JSON")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let account = try mindbeat.whoami(token: token)
        if arguments.flag("json") {
            context.print(context.render.json(account))
        } else {
            context.out.line("\(account.label) · \(account.role.rawValue)\(account.isAdmin ? " · admin" : "")")
        }
    }

    static let passwd = Command(
        ["passwd"], group: .accounts,
        summary: "change your password",
        discussion: "Sets a new password for your account and revokes every other login of it; this one stays.",
        options: [CommonOptions.passwordStdin],
        examples: [("mindbeat passwd", "asks for the new password twice")]
    ) { context, arguments in
        let password = try context.readPassword(
            fromStdin: arguments.flag("password-stdin"), confirm: true, prompt: "New password: ")
        let (mindbeat, token) = try context.signedIn()
        let hash = try Secrets.hashPassword(password)
        let account = try mindbeat.changePassword(token: token, passwordHash: hash)
        context.out.line("Password changed for \(account.label); your other logins were revoked.")
    }
}
