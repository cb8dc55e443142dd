import MindbeatCore

extension Commands {
    static let passwd = Command(
        ["passwd"], group: .accounts,
        summary: "change your password",
        discussion: "Sets a new password for your account and revokes every other login of it; this one stays.",
        options: [CommonOptions.passwordStdin],
        examples: [("mindbeat passwd", "asks for the new password twice")],
        action: .prepared { input, arguments in
            let password = try input.readPassword(
                fromStdin: arguments.has(.passwordStdin), confirm: true, prompt: "New password: ")
            return { signedIn in
                let hash = try Secrets.hashPassword(password)
                let account = try signedIn.mindbeat.changePassword(signedIn.actor, passwordHash: hash)
                signedIn.out.line("Password changed for \(signedIn.render.text(account.label)); your other logins were revoked.")
            }
        }
    )
}
