import MindbeatCore

extension Commands {
    static let profile = Command(
        ["profile"], group: .accounts,
        summary: "show or update your profile",
        discussion: """
            Without options, shows your profile. --phone and --zoom set your phone number and \
            Zoom link; an empty value removes them. A coach needs a Zoom link to switch a session \
            to Zoom; a member's phone number lets the coach call them.
            """,
        options: [
            .value(Key.phone, "NUMBER", "your phone number ('' removes it)"),
            .value(Key.zoom, "URL", "your Zoom link ('' removes it)"),
            CommonOptions.json,
        ],
        examples: [
            ("mindbeat profile --zoom https://zoom.us/j/123456789", "set your Zoom link"),
            ("mindbeat profile --phone ''", "remove your phone number"),
        ],
        action: .signedIn { signedIn, arguments in
            /// "Leave alone" (nil), "clear" (.some(nil)) or "set".
            func change(_ key: Key<String>) -> String?? {
                guard let value = arguments[key] else { return nil }
                return .some(value.isEmpty ? nil : value)
            }
            let account = try signedIn.mindbeat.profile(signedIn.actor, phone: change(.phone), zoom: change(.zoom))
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(render.json(account)) }
            let rows = [
                ["name", render.text(account.name)], ["email", render.text(account.email)],
                ["role", account.role.rawValue + (account.isAdmin ? ", admin" : "")],
                ["phone", account.phone.map(render.text) ?? "—"], ["zoom", account.zoom.map(render.text) ?? "—"],
            ]
            Render.table(rows).forEach(signedIn.out.line)
        }
    )
}
