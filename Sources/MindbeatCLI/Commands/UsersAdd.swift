import MindbeatCore

extension Commands {
    static let usersAdd = Command(
        ["users", "add"], group: .accounts,
        summary: "add an account",
        discussion: """
            Adds a coach, member or line manager (the admin right). A coach may add members \
            of their own without it: --coach defaults to the caller. A member has exactly one \
            coach and may have a line manager, who sees the attendance of their sessions and \
            nothing else.
            """,
        options: [
            .needed(Key.role, "coach|member|manager", "coach, member or manager"),
            .needed(Key.name, "NAME", "the person's name"),
            .needed(Key.email, "EMAIL", "their email address, which they log in with"),
            .value(Key.coach, "EMAIL", "a member's coach (default: you, if you are a coach)"),
            .value(Key.manager, "EMAIL", "a member's line manager"),
            .value(Key.phone, "NUMBER", "a phone number, for calls when the platform fails"),
            .value(Key.zoom, "URL", "a coach's Zoom link (a professional account)"),
            .flag(.admin, "grant the admin right (account management only)"),
            CommonOptions.passwordStdin,
        ],
        examples: [
            ("mindbeat users add --role member --name 'Bo Member' --email bo@example.com", "add a member of yours"),
            ("mindbeat users add --role manager --name 'Cy Lead' --email cy@example.com --password-stdin < pw", "add a line manager"),
        ],
        action: .prepared { input, arguments in
            let email = try arguments.required(.email)
            let new = NewAccount(
                role: try arguments.required(.role), name: try arguments.required(.name), email: email,
                coachEmail: arguments[.coach], managerEmail: arguments[.manager],
                phone: arguments[.phone].flatMap { $0.isEmpty ? nil : $0 },
                zoom: arguments[.zoom].flatMap { $0.isEmpty ? nil : $0 }, isAdmin: arguments.has(.admin))
            let password = try input.readPassword(
                fromStdin: arguments.has(.passwordStdin), confirm: true, prompt: "Password for \(email): ",
                use: .new(name: new.name, email: email))
            return { signedIn in
                // Hashing happens before the write transaction opens.
                let hash = try Secrets.hashPassword(password)
                let account = try signedIn.mindbeat.addAccount(signedIn.actor, new, passwordHash: hash)
                signedIn.out.line("Added \(signedIn.render.text(account.label)), \(account.role.rawValue)\(account.isAdmin ? " with the admin right" : "").")
            }
        }
    )
}
