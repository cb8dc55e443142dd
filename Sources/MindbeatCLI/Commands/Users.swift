import MindbeatCore

extension Commands {
    static let usersAdd = Command(
        ["users", "add"], group: .accounts,
        summary: "add an account",
        discussion: """
            Adds a coach, member or line manager (the admin right). A coach may add members \
            of their own without it: --coach defaults to the caller. A member has exactly one \
            coach and may have a line manager, who sees the attendance of their sessions and \
            nothing else.
            """,
        options: [
            .needed("role", "coach|member|manager", .choice(Role.allCases.map(\.rawValue)), "coach, member or manager"),
            .needed("name", "NAME", .name, "the person's name"),
            .needed("email", "EMAIL", .email, "their email address, which they log in with"),
            .value("coach", "EMAIL", .email, "a member's coach (default: you, if you are a coach)"),
            .value("manager", "EMAIL", .email, "a member's line manager"),
            .value("phone", "NUMBER", .phone, "a phone number, for calls when the platform fails"),
            .value("zoom", "URL", .url, "a coach's Zoom link (a professional account)"),
            .flag("admin", "grant the admin right (account management only)"),
            CommonOptions.passwordStdin,
        ],
        examples: [
            ("mindbeat users add --role member --name 'Bo Member' --email bo@example.com", "add a member of yours"),
            ("mindbeat users add --role manager --name 'Cy Lead' --email cy@example.com --password-stdin < pw", "add a line manager"),
        ]
    ) { context, arguments in
        guard let role = arguments.string("role").flatMap(Role.init(rawValue:)) else {
            throw MindbeatError.usage("give the role: --role coach|member|manager")
        }
        guard let name = arguments.string("name") else { throw MindbeatError.usage("give the name: --name NAME") }
        guard let email = arguments.string("email") else { throw MindbeatError.usage("give the email: --email EMAIL") }
        let new = NewAccount(
            role: role, name: name, email: email, coachEmail: arguments.string("coach"),
            managerEmail: arguments.string("manager"), phone: arguments.string("phone").flatMap { $0.isEmpty ? nil : $0 },
            zoom: arguments.string("zoom").flatMap { $0.isEmpty ? nil : $0 }, isAdmin: arguments.flag("admin"))
        let password = try context.readPassword(
            fromStdin: arguments.flag("password-stdin"), confirm: true, prompt: "Password for \(email): ")
        let (mindbeat, token) = try context.signedIn()
        let hash = try Secrets.hashPassword(password)
        let account = try mindbeat.addAccount(token: token, new, passwordHash: hash)
        context.out.line("Added \(account.label), \(account.role.rawValue)\(account.isAdmin ? " with the admin right" : "").")
    }

    static let usersList = Command(
        ["users", "list"], group: .accounts,
        summary: "list the accounts (admin)",
        options: [
            .value("role", "ROLE", .choice(Role.allCases.map(\.rawValue)), "only accounts of this role"),
            CommonOptions.json,
        ],
        examples: [("mindbeat users list --role coach", "every coach")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let accounts = try mindbeat.listAccounts(token: token, role: arguments.string("role").flatMap(Role.init(rawValue:)))
        let render = context.render
        if arguments.flag("json") {
            context.print(.array(accounts.map(render.json)))
            return
        }
        guard !accounts.isEmpty else { return context.out.line("No accounts.") }
        var rows = [["EMAIL", "NAME", "ROLE", "ADMIN"]]
        for account in accounts {
            rows.append([account.email, account.name, account.role.rawValue, account.isAdmin ? "yes" : ""])
        }
        Render.table(rows).forEach(context.out.line)
    }

    static let profile = Command(
        ["profile"], group: .accounts,
        summary: "show or update your profile",
        discussion: """
            Without options, shows your profile. --phone and --zoom set your phone number and \
            Zoom link; an empty value removes them. A coach needs a Zoom link to switch a session \
            to Zoom; a member's phone number lets the coach call them.
            """,
        options: [
            .value("phone", "NUMBER", .phone, "your phone number ('' removes it)"),
            .value("zoom", "URL", .url, "your Zoom link ('' removes it)"),
            CommonOptions.json,
        ],
        examples: [
            ("mindbeat profile --zoom https://zoom.us/j/123456789", "set your Zoom link"),
            ("mindbeat profile --phone ''", "remove your phone number"),
        ]
    ) { context, arguments in
        func change(_ name: String) -> String?? {
            guard let value = arguments.string(name) else { return nil }
            return .some(value.isEmpty ? nil : value)
        }
        let (mindbeat, token) = try context.signedIn()
        let account = try mindbeat.profile(token: token, phone: change("phone"), zoom: change("zoom"))
        if arguments.flag("json") { return context.print(context.render.json(account)) }
        let rows = [
            ["name", account.name], ["email", account.email],
            ["role", account.role.rawValue + (account.isAdmin ? ", admin" : "")],
            ["phone", account.phone ?? "—"], ["zoom", account.zoom ?? "—"],
        ]
        Render.table(rows).forEach(context.out.line)
    }

    static let members = Command(
        ["members"], group: .accounts,
        summary: "My Members: your members, or a manager's reports",
        discussion: """
            A coach's members, or a line manager's reports, each with their next session and \
            how many sessions were held and missed. A line manager sees attendance only.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat members", "who you coach and when you see them next")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let summaries = try mindbeat.members(token: token)
        let render = context.render
        if arguments.flag("json") { return context.print(.array(summaries.map(render.json))) }
        guard !summaries.isEmpty else { return context.out.line("No members.") }
        var rows = [["MEMBER", "EMAIL", "NEXT SESSION", "HELD", "MISSED"]]
        for summary in summaries {
            let next = summary.nextSession.map { "\($0.session.id) · " + context.zone.dateTime($0.session.startsAt) } ?? "—"
            rows.append([summary.account.name, summary.account.email, next, "\(summary.held)", "\(summary.missed)"])
        }
        Render.table(rows).forEach(context.out.line)
    }
}
