import MindbeatCore

extension Commands {
    static let whoami = Command(
        ["whoami"], group: .accounts,
        summary: "show the account you are logged in as",
        discussion: """
            Shows your name, email, role and whether you hold the admin right; and, if an \
            administrator ever reset your password or added an SSH key for you, who did it and \
            when (the last of each; those lines are not in the JSON). Works while a one-time \
            password waits to be changed. On a sandbox database (init --sandbox) it says \
            sandbox, and the JSON's sandbox field is true.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat whoami --json", "the account as JSON")],
        action: .signedIn { signedIn, arguments in
            let (account, takeovers, sandbox) = try signedIn.mindbeat.whoami(signedIn.actor)
            if arguments.has(.json) {
                guard case .object(let fields) = signedIn.render.json(account) else { return }
                return signedIn.context.print(.object(fields + [("sandbox", .bool(sandbox))]))
            }
            signedIn.out.line("\(signedIn.render.text(account.label)) · \(account.role.rawValue)\(account.isAdmin ? " · admin" : "")\(sandbox ? " · sandbox" : "")")
            for takeover in takeovers { signedIn.out.line(signedIn.render.text(Phrases.takeover(takeover, zone: signedIn.context.zone))) }
            if account.mustChangePassword {
                if case .key = signedIn.actor.credential {
                    signedIn.out.line(Phrases.mustChangePasswordOverSSH)
                } else {
                    signedIn.out.line(Phrases.mustChangePassword)
                }
            }
        }
    )
}
