import MindbeatCore

extension Commands {
    static let passwd = Command(
        ["passwd"], group: .accounts,
        summary: "change your password",
        discussion: """
            Asks for your current password first, then the new one, so that a login left \
            open or a stolen token cannot take the account over. With --password-stdin, reads \
            two lines: the current password, then the new one. The new password must be at \
            least \(Policy.minimumPasswordLength) characters, not one of the commonly used \
            passwords of the system's dictionary, not hold your name or the local part of your \
            email, and not be one character repeated or a plain run (12345678). Every other \
            login of the account is revoked; this one stays. After an administrator's \
            mindbeat users reset, this is the command to run.
            """,
        options: [CommonOptions.passwordStdin],
        examples: [
            ("mindbeat passwd", "asks for the current password, then the new one twice"),
            ("printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | mindbeat passwd --password-stdin", "the same, from a script"),
        ],
        action: .prepared { input, arguments in
            let fromStdin = arguments.has(.passwordStdin)
            let current = try input.readPassword(fromStdin: fromStdin, confirm: false, prompt: "Current password: ")
            let new = try input.readPassword(
                fromStdin: fromStdin, confirm: true, prompt: "New password: ", use: .new(name: nil, email: nil))
            return { signedIn in
                let account = try signedIn.mindbeat.changePassword(signedIn.actor, current: current, new: new)
                signedIn.out.line("Password changed for \(signedIn.render.text(account.label)); your other logins were revoked.")
            }
        }
    )
}
