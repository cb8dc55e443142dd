import Foundation
import Testing
import TestSupport

/// Team mode's logins (SPEC §11): SSH public keys registered with `keys`, and
/// the line `serve authorized-keys` gives sshd.
@Suite("SSH keys, end to end")
struct KeyCommandTests {
    /// A throwaway key made by ssh-keygen: its .pub line and its fingerprint
    /// as ssh-keygen prints it.
    static func keygen(_ box: Sandbox, _ name: String, _ options: String = "-t ed25519") throws -> (line: String, fingerprint: String) {
        let path = box.root.appendingPathComponent("key-\(name)").path
        let made = try shell("ssh-keygen -q \(options) -N '' -C '\(name)@laptop' -f '\(path)' && ssh-keygen -l -E sha256 -f '\(path).pub'")
        #expect(made.status == 0, "\(made.stderr)")
        let fingerprint = made.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        return (line, fingerprint)
    }

    @Test func addListAndRemoveYourOwnKeys() throws {
        let box = try Sandbox()
        try box.seed()
        let (line, fingerprint) = try Self.keygen(box, "bo")
        let added = try box.run(as: "bo", "keys", "add", line)
        try box.expectOK(added)
        #expect(added.stdout == fingerprint + "\n", "exactly as ssh-keygen -l -E sha256 prints it")
        let list = try box.run(as: "bo", "keys", "list", "--json")
        #expect(list.array.count == 1)
        #expect(Set(list.array.first?.keys ?? [:].keys) == ["fingerprint", "type", "comment", "added_at", "user"])
        #expect(list.array.first?["fingerprint"] as? String == fingerprint)
        #expect(list.array.first?["type"] as? String == "ssh-ed25519")
        #expect(list.array.first?["comment"] as? String == "bo@laptop")
        #expect(list.array.first?["user"] as? String == "bo@example.com")
        #expect(list.array.first?["added_at"] as? String == "2026-12-01T08:00:00Z")
        #expect(try box.run(as: "bo", "keys", "list").stdout.contains(fingerprint))

        // A key registered to anyone is refused, whoever adds it; nothing written.
        try box.logIn("di")
        let before = box.dump()
        expectFailure(try box.run(as: "di", "keys", "add", line), 1, "already registered")
        expectFailure(try box.run(as: "bo", "keys", "add", "-", stdin: line + "\n"), 1, "already registered")
        #expect(box.dump() == before)

        // Another coach cannot see or remove it: it does not exist for them.
        expectFailure(try box.run(as: "di", "keys", "remove", fingerprint), 66)
        expectFailure(try box.run(as: "di", "keys", "list", "--user", "bo@example.com"), 77, "admin")
        try box.expectOK(box.run(as: "bo", "keys", "remove", fingerprint))
        #expect(try box.run(as: "bo", "keys", "list", "--json").array.isEmpty)
        // Removed, it may be registered again.
        try box.expectOK(box.run(as: "bo", "keys", "add", "-", stdin: line + "\n"))
    }

    @Test func keysAreCheckedAsSSHChecksThem() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("bo")
        let before = box.dump()
        let short = try Self.keygen(box, "rsa2048", "-t rsa -b 2048")
        expectFailure(try box.run(as: "bo", "keys", "add", short.line), 64, "3072")
        let rsa = try Self.keygen(box, "rsa3072", "-t rsa -b 3072")
        let ecdsa = try Self.keygen(box, "ecdsa", "-t ecdsa -b 384")
        for bad in ["", "ssh-ed25519", "ssh-ed25519 AAAA", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", rsa.line.replacingOccurrences(of: "ssh-rsa", with: "ssh-ed25519"),
                    "ssh-ed25519 !!!notbase64!!!", ecdsa.line + " \u{1B}[2Jcomment"] {
            let outcome = try box.run(as: "bo", "keys", "add", "-", stdin: bad + "\n")
            expectFailure(outcome, 64)
        }
        #expect(box.dump() == before)
        #expect(try box.run(as: "bo", "keys", "add", rsa.line).stdout == rsa.fingerprint + "\n")
        #expect(try box.run(as: "bo", "keys", "add", ecdsa.line).stdout == ecdsa.fingerprint + "\n")
    }

    /// An admin adds only the first key of another account, and never silently.
    @Test func anAdminAddsTheFirstKeyOfAnAccountAndTheOwnerIsTold() throws {
        let box = try Sandbox()
        try box.seed()
        let first = try Self.keygen(box, "cy1")
        box.now = "2026-12-01T09:30:00Z"
        expectFailure(try box.run(as: "di", "keys", "add", "--user", "cy@example.com", first.line), 77, "admin")
        expectFailure(try box.run(["keys", "add", "--user", "nobody@example.com", first.line]), 66)
        try box.expectOK(box.run(["keys", "add", "--user", "cy@example.com", first.line]))
        let second = try Self.keygen(box, "cy2")
        expectFailure(try box.run(["keys", "add", "--user", "CY@example.com", second.line]), 77, "already has a key")
        #expect(try box.run("keys", "list", "--user", "cy@example.com", "--json").array.map { $0["fingerprint"] as? String } == [first.fingerprint])
        let outbox = try box.run("outbox", "--json").array
        #expect(outbox.map { "\($0["kind"] ?? "") \($0["recipient"] ?? "")" } == ["account cy@example.com"])
        #expect(try box.run(as: "cy", "whoami").stdout.contains("SSH key last added for you by an administrator, Ann Coach <ann@example.com>, on 2026-12-01 09:30."))
        // Cy adds their own second key: no notice.
        try box.expectOK(box.run(as: "cy", "keys", "add", second.line))
        #expect(try box.run("outbox", "--json").array.count == 1)
    }

    /// What sshd's AuthorizedKeysCommand gets: one forced-command line for a
    /// registered key, nothing for any other, exit 0 either way.
    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func serveAuthorizedKeysForcesThisBinaryOnThisDatabase() throws {
        let box = try Sandbox()
        try box.seed()
        let (line, fingerprint) = try Self.keygen(box, "bo")
        let parts = line.split(separator: " ").map(String.init)
        try box.expectOK(box.run(as: "bo", "keys", "add", line))
        let env = ["MINDBEAT_TOKEN": "", "XDG_STATE_HOME": "/nonexistent"]
        let served = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]], env: env)
        try box.expectOK(served)
        let resolved = URL(fileURLWithPath: binary).resolvingSymlinksInPath().path
        let pattern = "command=\"\(resolved) --db \(box.databasePath) serve ssh "
        #expect(served.stdout.hasPrefix(pattern), "\(served.stdout)")
        #expect(served.stdout.hasSuffix("\",restrict \(parts[0]) \(parts[1])\n"), "\(served.stdout)")
        #expect(served.stdout.split(separator: "\n").count == 1)

        let other = try Self.keygen(box, "stranger").line.split(separator: " ").map(String.init)
        for words in [["serve", "authorized-keys", "mindbeat", other[0], other[1]],
                      ["serve", "authorized-keys", "mindbeat", "ssh-rsa", parts[1]],
                      ["serve", "authorized-keys", "mindbeat", parts[0], "garbage"]] {
            let outcome = try box.run(words, env: env)
            #expect(outcome.status == 0 && outcome.stdout.isEmpty, "\(words): \(outcome)")
        }
        try box.expectOK(box.run(as: "bo", "keys", "remove", fingerprint))
        let removed = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]], env: env)
        #expect(removed.status == 0 && removed.stdout.isEmpty)
        try box.expectOK(box.run(as: "bo", "keys", "add", line))
        // sshd runs the command through the service account's shell: a path
        // with `$(…)`, backticks, `;` or spaces must stay one word and run nothing.
        let odd = box.root.appendingPathComponent("we ird $(touch pwned) `touch pwned`; dir").path
        try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let oddDB = odd + "/m.db"
        try FileManager.default.copyItem(atPath: box.databasePath, toPath: oddDB)
        let quoted = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]], env: ["MINDBEAT_DB": oddDB])
        let option = quoted.stdout.components(separatedBy: "\",restrict ").first ?? ""
        #expect(option.hasPrefix("command=\""), "\(quoted.stdout)")
        // As sshd reads the option: only \" is unescaped (OpenSSH's opt_dequote).
        let command = String(option.dropFirst(9)).replacingOccurrences(of: "\\\"", with: "\"")
        // The shell reads the command's words (set --) and prints them, one a line.
        let words = try shell("cd '\(box.root.path)' && sh -c \"set -- $C\"'; printf \"%s\\n\" \"$@\"'", environment: ["C": command])
        let printed = words.lines.filter { !$0.isEmpty }
        #expect(printed.dropLast() == [resolved, "--db", oddDB, "serve", "ssh"], "\(words.stdout) \(words.stderr)")
        #expect(Int(printed.last ?? "") != nil)
        #expect(!FileManager.default.fileExists(atPath: box.root.appendingPathComponent("pwned").path), "the path ran a command")
        // A path no escaping of sshd's carries intact: nothing printed, the reason logged.
        for name in ["it's", "back\\slash", "dou\"ble"] {
            let directory = box.root.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: box.databasePath, toPath: directory + "/m.db")
            let refused = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]], env: ["MINDBEAT_DB": directory + "/m.db"])
            #expect(refused.status == 0 && refused.stdout.isEmpty, "\(name): \(refused.stdout)")
            #expect(refused.stderr.contains("cannot carry"), "\(name): \(refused.stderr)")
        }
        let broken = box.root.appendingPathComponent("x\nssh-ed25519 AAAA").path
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: box.databasePath, toPath: broken + "/m.db")
        let refused = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]], env: ["MINDBEAT_DB": broken + "/m.db"])
        #expect(refused.status == 0 && refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains("control character"))
        // A database that cannot be opened: nothing printed, exit 0, the reason logged.
        let missing = try box.run(["serve", "authorized-keys", "mindbeat", parts[0], parts[1]],
                                  env: ["MINDBEAT_DB": box.root.appendingPathComponent("none.db").path])
        #expect(missing.status == 0 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("serve authorized-keys"))
    }
}
