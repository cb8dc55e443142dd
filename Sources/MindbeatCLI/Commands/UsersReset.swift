import MindbeatCore

extension Commands {
    static let usersReset = Command(
        ["users", "reset"], group: .accounts,
        summary: "set a one-time password on an account (admin)",
        discussion: """
            For someone who lost their password. Sets the one-time password you give them, \
            revokes every login of the account, and marks it: after their next login, every \
            command but passwd, logout, whoami and help is refused until they choose their own \
            password with mindbeat passwd. Because an admin could take an account over this way, \
            it never happens silently: the owner is sent an email notice at once (an account \
            notice in the outbox), and their whoami says who reset it and when. Give them the \
            one-time password by another channel than email.
            """,
        positionals: [Positional(Key.emailArgument, "the email address of the account")],
        options: [CommonOptions.passwordStdin],
        examples: [
            ("mindbeat users reset bo@example.com", "asks for the one-time password twice"),
            ("mindbeat users reset bo@example.com --password-stdin < one-time", "the same, from a script"),
        ],
        action: .prepared { input, arguments in
            let email = try arguments.required(.emailArgument)
            let password = try input.readPassword(
                fromStdin: arguments.has(.passwordStdin), confirm: true, prompt: "One-time password for \(email): ",
                use: .new(name: nil, email: email))
            return { signedIn in
                let account = try signedIn.mindbeat.resetPassword(signedIn.actor, email: email, oneTimePassword: password)
                signedIn.out.line("""
                    Reset the password of \(signedIn.render.text(account.label)): their logins were revoked, \
                    and they must choose their own at their next login. A notice to them is in the outbox.
                    """)
            }
        }
    )
}
