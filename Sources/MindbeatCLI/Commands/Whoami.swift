import MindbeatCore

extension Commands {
    static let whoami = Command(
        ["whoami"], group: .accounts,
        summary: "show the account you are logged in as",
        options: [CommonOptions.json],
        examples: [("mindbeat whoami --json", "the account as JSON")],
        action: .signedIn { signedIn, arguments in
            let account = try signedIn.mindbeat.whoami(signedIn.actor)
            if arguments.has(.json) { return signedIn.context.print(signedIn.render.json(account)) }
            signedIn.out.line("\(signedIn.render.text(account.label)) · \(account.role.rawValue)\(account.isAdmin ? " · admin" : "")")
        }
    )
}
