import MindbeatCore

extension Commands {
    static let usersList = Command(
        ["users", "list"], group: .accounts,
        summary: "list the accounts (admin)",
        options: [
            .value(Key.role, "ROLE", "only accounts of this role"),
            CommonOptions.json,
        ],
        examples: [("mindbeat users list --role coach", "every coach")],
        action: .signedIn { signedIn, arguments in
            let accounts = try signedIn.mindbeat.listAccounts(signedIn.actor, role: arguments[.role])
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(accounts.map(render.json))) }
            guard !accounts.isEmpty else { return signedIn.out.line("No accounts.") }
            var rows = [["EMAIL", "NAME", "ROLE", "ADMIN"]]
            for account in accounts {
                rows.append([render.text(account.email), render.text(account.name), account.role.rawValue, account.isAdmin ? "yes" : ""])
            }
            Render.table(rows).forEach(signedIn.out.line)
        }
    )
}
