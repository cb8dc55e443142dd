import MindbeatCore

extension Commands {
    static let logout = Command(
        ["logout"], group: .accounts,
        summary: "revoke the login in use",
        discussion: "Revokes the login token in use (the stored one, or MINDBEAT_TOKEN) and forgets the stored one.",
        examples: [("mindbeat logout", "log out of this database")],
        action: .signedIn { signedIn, _ in
            let account = try signedIn.mindbeat.logout(signedIn.actor)
            if case .token(let token) = signedIn.actor.credential {
                signedIn.context.forgetToken(token, for: signedIn.mindbeat.store)
            }
            signedIn.out.line("Logged out \(signedIn.render.text(account.label)).")
        }
    )
}
