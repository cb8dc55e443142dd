import MindbeatCore

extension Commands {
    static let keysAdd = Command(
        ["keys", "add"], group: .accounts,
        summary: "register an SSH public key as your login to a mindbeat server",
        discussion: """
            Registers an OpenSSH public key (the one line of a .pub file: TYPE BLOB [COMMENT]) \
            given as one argument, or read from standard input with - (or when no KEY is given \
            and standard input is not a terminal). Accepted: ssh-ed25519, \
            ecdsa-sha2-nistp256/384/521, and ssh-rsa of at least 3072 bits. Prints the key's \
            fingerprint, as ssh-keygen -l -E sha256 shows it. An admin may add a key for an \
            account that has none with --user; its owner is told at once by email, and their whoami \
            shows it. A key registered to anyone is refused (exit 1).
            """,
        positionals: [Positional(Key.publicKey, optional: true, "the public key line, or - for standard input")],
        options: [.value(Key.user, "EMAIL", "the account the key logs in as (admin, for an account that has no key)")],
        examples: [
            ("mindbeat keys add \"$(cat ~/.ssh/id_ed25519.pub)\"", "register your key"),
            ("mindbeat keys add --user bo@example.com - < bo.pub", "an admin registers Bo's first key"),
        ],
        action: .prepared { input, arguments in
            let given = arguments[.publicKey]
            let line: String
            if given == "-" || (given == nil && !input.stdinIsTerminal) {
                guard let text = try input.readStdin(limit: PublicKey.maximumLineBytes) else {
                    throw UsageError("KEY on standard input is longer than \(PublicKey.maximumLineBytes) bytes")
                }
                line = text
            } else if let given {
                line = given
            } else {
                throw UsageError("give the public key: mindbeat keys add \"$(cat ~/.ssh/id_ed25519.pub)\"")
            }
            let key: PublicKey
            do throws(InvalidValue) {
                key = try PublicKey.parse(line: line)
            } catch {
                throw UsageError("the key \(error.problem)")
            }
            return { signedIn in
                let added = try signedIn.mindbeat.addKey(signedIn.actor, key, for: arguments[.user])
                signedIn.out.line(added.fingerprint)
            }
        }
    )

    static let keysList = Command(
        ["keys", "list"], group: .accounts,
        summary: "list your SSH keys (an admin: anyone's)",
        options: [.value(Key.user, "EMAIL", "another account's keys (admin)"), CommonOptions.json],
        examples: [("mindbeat keys list --json", "your keys as JSON")],
        action: .signedIn { signedIn, arguments in
            let keys = try signedIn.mindbeat.keys(signedIn.actor, of: arguments[.user])
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(keys.map(render.json))) }
            guard !keys.isEmpty else { return signedIn.out.line("No keys. Add one with: mindbeat keys add \"$(cat ~/.ssh/id_ed25519.pub)\"") }
            var rows = [["FINGERPRINT", "TYPE", "COMMENT", "ADDED", "USER"]]
            for key in keys {
                rows.append([key.fingerprint, key.type.rawValue, render.text(key.comment ?? ""),
                             signedIn.context.zone.dateTime(key.addedAt), render.text(key.owner.email)])
            }
            Render.table(rows).forEach(signedIn.out.line)
        }
    )

    static let keysRemove = Command(
        ["keys", "remove"], group: .accounts,
        summary: "remove an SSH key: its next connection is refused",
        discussion: "Removes one of your keys (an admin: anyone's), by its fingerprint as keys list shows it.",
        positionals: [Positional(Key.fingerprint, "the key's fingerprint, SHA256:…")],
        examples: [("mindbeat keys remove SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "remove that key")],
        action: .signedIn { signedIn, arguments in
            let removed = try signedIn.mindbeat.removeKey(signedIn.actor, fingerprint: try arguments.required(.fingerprint))
            signedIn.out.line("Removed \(removed.fingerprint) (\(removed.type.rawValue)) of \(signedIn.render.text(removed.owner.email)).")
        }
    )
}
