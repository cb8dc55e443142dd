import MindbeatCore

extension Commands {
    static let whoami = Command(
        ["whoami"], group: .accounts,
        summary: "show the account you are logged in as",
        discussion: """
            Shows your name, email, role and whether you hold the admin right; and, if an \
            administrator ever reset your password or added an SSH key for you, who did it and \
            when (the last of each; those lines are not in the JSON). Works while a one-time \
            password waits to be changed.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat whoami --json", "the account as JSON")],
        action: .signedIn { signedIn, arguments in
            let (account, takeovers) = try signedIn.mindbeat.whoami(signedIn.actor)
            if arguments.has(.json) { return signedIn.context.print(signedIn.render.json(account)) }
            signedIn.out.line("\(signedIn.render.text(account.label)) · \(account.role.rawValue)\(account.isAdmin ? " · admin" : "")")
            for takeover in takeovers { signedIn.out.line(signedIn.render.text(Phrases.takeover(takeover, zone: signedIn.context.zone))) }
            if account.mustChangePassword { signedIn.out.line(Phrases.mustChangePassword) }
        }
    )
}
