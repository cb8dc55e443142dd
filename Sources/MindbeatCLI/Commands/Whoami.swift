import MindbeatCore

extension Commands {
    static let whoami = Command(
        ["whoami"], group: .accounts,
        summary: "show the account you are logged in as",
        discussion: """
            Shows your name, email, role and whether you hold the admin right; and, if an \
            administrator ever reset your password, who did it and when (that line is not in \
            the JSON). Works while a one-time password waits to be changed.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat whoami --json", "the account as JSON")],
        action: .signedIn { signedIn, arguments in
            let (account, takeover) = try signedIn.mindbeat.whoami(signedIn.actor)
            if arguments.has(.json) { return signedIn.context.print(signedIn.render.json(account)) }
            signedIn.out.line("\(signedIn.render.text(account.label)) · \(account.role.rawValue)\(account.isAdmin ? " · admin" : "")")
            if let takeover { signedIn.out.line(signedIn.render.text(Phrases.takeover(takeover, zone: signedIn.context.zone))) }
            if account.mustChangePassword { signedIn.out.line(Phrases.mustChangePassword) }
        }
    )
}
