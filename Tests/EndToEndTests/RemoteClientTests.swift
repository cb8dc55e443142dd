import Foundation
import Testing
import TestSupport

/// The client of team mode (SPEC §11): `mindbeat --remote HOST …` and
/// `MINDBEAT_REMOTE`, against Debian's real sshd started by `SSHServer`.
@Suite("Team mode client, through a real sshd", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
                "needs root and openssh-server: starts sshd and creates a service user"))
final class RemoteClientTests {
    let server: SSHServer
    let ann: ClientKey
    let bo: ClientKey
    /// The client's own files: its state directory (the control socket) and an editor script.
    let client: URL

    init() throws {
        server = try SSHServer(now: "2026-12-01T08:00:00Z")
        try server.start()
        try server.setClock("2026-12-01T08:00:00Z")
        try SSHServer.must(server.local(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin", "--sandbox"],
                                        stdin: "ann-password-42\n"), "init")
        let annToken = try server.token("ann@example.com", password: "ann-password-42")
        try SSHServer.must(server.local(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com",
                                         "--password-stdin"], stdin: "bo-password-42\n", token: annToken), "users add")
        ann = try server.key("ann")
        bo = try server.key("bo")
        try SSHServer.must(server.local(["keys", "add", ann.line], token: annToken), "keys add ann")
        try SSHServer.must(server.local(["keys", "add", "--user", "bo@example.com", bo.line], token: annToken), "keys add bo")
        client = FileManager.default.temporaryDirectory.appendingPathComponent("mindbeat-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: client, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: client)
    }

    var destination: String { "\(server.user)@127.0.0.1:\(server.port)" }

    /// The ssh command for `key`: MINDBEAT_SSH replaces the default one.
    func sshCommand(_ key: ClientKey) -> String {
        (["ssh"] + server.clientOptions + ["-i", key.path]).joined(separator: " ")
    }

    /// Runs the local `mindbeat` as a client of the server, with `key`.
    func remote(_ words: [String], key: ClientKey? = nil, stdin: String? = nil, env: [String: String] = [:]) throws -> Outcome {
        var environment = ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state", "TZ": "UTC",
                           "MINDBEAT_SSH": sshCommand(key ?? ann)]
        for (name, value) in env { environment[name] = value }
        return try execute(binary, words, stdin: stdin.map { Data($0.utf8) }, environment: environment)
    }

    @Test func runsTheCommandOnTheServerAsTheKeysAccount() throws {
        let whoami = try remote(["--remote", destination, "whoami"])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(whoami.stdout == "Ann Coach <ann@example.com> · coach · admin · sandbox\n")
        // MINDBEAT_REMOTE does the same; --remote overrides it.
        let bo = try remote(["whoami", "--json"], key: self.bo, env: ["MINDBEAT_REMOTE": destination])
        #expect(bo.object["email"] as? String == "bo@example.com")
        #expect(try remote(["--remote", destination, "whoami", "--json"], key: self.bo,
                           env: ["MINDBEAT_REMOTE": "nowhere.invalid"]).object["email"] as? String == "bo@example.com")
        // The remote exit status and message come back unchanged.
        let refused = try remote(["--remote", destination, "sessions", "show", "999"])
        expectFailure(refused, 66)
        expectFailure(try remote(["--remote", destination, "users", "list"], key: self.bo), 77)
    }

    @Test func theSameOutputsAsLocalModeInTheClientsZone() throws {
        let added = try remote(["--remote", destination, "sessions", "add", "--at", "2026-12-01 10:00", "--member", "bo@example.com"],
                               env: ["TZ": "Europe/Berlin"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // 10:00 in Berlin is 09:00 UTC: the client's zone went with the command.
        let shown = try remote(["--remote", destination, "sessions", "show", id, "--json"])
        #expect(shown.object["starts_at"] as? String == "2026-12-01T09:00:00Z")
        // --tz on the line wins over TZ, and the text output is the local one.
        let list = try remote(["--remote", destination, "--tz", "America/New_York", "sessions", "list"], env: ["TZ": "Europe/Berlin"])
        let annToken = try server.token("ann@example.com", password: "ann-password-42")
        let local = try server.local(["--tz", "America/New_York", "sessions", "list"], token: annToken)
        #expect(list.stdout == local.stdout)
        #expect(list.stdout.contains("04:00"))
    }

    @Test func standardInputGoesOnlyToACommandThatReadsIt() throws {
        // A `while read` loop around mindbeat reads every line: ssh gets -n.
        let script = """
            printf 'one\\ntwo\\nthree\\n' | while read word; do "$0" --remote "$1" whoami >/dev/null && echo "$word"; done
            """
        let loop = try execute("/bin/bash", ["-c", script, binary, destination],
                               environment: ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state",
                                             "MINDBEAT_SSH": sshCommand(ann)])
        #expect(loop.stdout == "one\ntwo\nthree\n", "\(loop.stderr)")
        // `-` reads it.
        let note = try remote(["--remote", destination, "notes", "add", "--member", "bo@example.com", "--private", "-"],
                              stdin: "Prefers mornings.\n")
        #expect(note.status == 0, "\(note.stderr)")
        let notes = try remote(["--remote", destination, "notes", "list", "--member", "bo@example.com", "--json"])
        #expect(notes.array.first?["body"] as? String == "Prefers mornings.")
    }

    @Test func notesAddWithoutTextOpensTheLocalEditor() throws {
        let editor = client.appendingPathComponent("editor.sh").path
        try "#!/bin/sh\nprintf 'Written on the laptop.\\n' > \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: editor)
        // `script` gives the client a terminal, as a person has.
        let command = [binary, "--remote", destination, "notes", "add", "--member", "bo@example.com", "--private"]
            .map { "'\($0)'" }.joined(separator: " ")
        let typed = try execute("/usr/bin/script", ["-qec", command, "/dev/null"],
                                environment: ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state",
                                              "MINDBEAT_SSH": sshCommand(ann), "VISUAL": editor, "TERM": "dumb"])
        #expect(typed.status == 0, "\(typed.stdout) \(typed.stderr)")
        let notes = try remote(["--remote", destination, "notes", "list", "--member", "bo@example.com", "--json"])
        #expect(notes.array.map { $0["body"] as? String } == ["Written on the laptop."])
        // The editor ran here: the server has no editor and no terminal.
        #expect(!server.log.contains("editor.sh"))
    }

    @Test func sshsOwnFailuresAreTemporaryAndARefusedKeyIsPermission() throws {
        // Nothing listens on the port: ssh's message, 75.
        let closed = try SSHServer.freePort()
        let unreachable = try remote(["--remote", "\(server.user)@127.0.0.1:\(closed)", "whoami"])
        expectFailure(unreachable, 75, "Connection refused")
        // A key the server does not know: 77.
        let stranger = try server.key("stranger")
        expectFailure(try remote(["--remote", destination, "whoami"], key: stranger), 77, "did not accept your SSH key")
        // The server refuses what does not run remotely, and says why.
        expectFailure(try remote(["--remote", destination, "init", "--name", "E", "--email", "e@example.com"]), 77, "not available over SSH")
    }

    @Test func refusedBeforeConnecting() throws {
        // No ssh at all: MINDBEAT_SSH would leave a mark if it ran.
        let mark = client.appendingPathComponent("ran").path
        let noSSH = ["MINDBEAT_SSH": "/usr/bin/touch \(mark)"]
        expectFailure(try remote(["--remote", "-oProxyCommand=touch /tmp/x", "whoami"], env: noSSH), 64, "starts with -")
        expectFailure(try remote(["whoami"], env: noSSH.merging(["MINDBEAT_REMOTE": "-oProxyCommand=x"]) { $1 }), 64, "MINDBEAT_REMOTE")
        let long = String(repeating: "x", count: 70_000)
        expectFailure(try remote(["--remote", destination, "chat", "1", long], env: noSSH), 64, "65,536 bytes")
        expectFailure(try remote(["--remote", destination, "sessions", "list", "--bogus"], env: noSSH), 64, "--bogus")
        // What the server would refuse (77) is refused here, with its reason.
        expectFailure(try remote(["--remote", destination, "--db", "/x.db", "whoami"], env: noSSH), 77, "not available over SSH")
        expectFailure(try remote(["--remote", destination, "whoami", "--db=/x.db"], env: noSSH), 77, "not available over SSH")
        expectFailure(try remote(["--remote", destination, "serve", "ssh", "1"], env: noSSH), 77, "not available over SSH")
        expectFailure(try remote(["--remote", destination, "outbox", "send"], env: noSSH), 77, "not available over SSH")
        // A line break cannot travel in the command line: refused here, the text never named.
        let twoLines = try remote(["--remote", destination, "notes", "add", "--member", "bo@example.com", "--private", "Sleeps badly\nsince May"],
                                  env: noSSH)
        expectFailure(twoLines, 64, "standard input")
        #expect(!twoLines.stderr.contains("Sleeps"))
        #expect(!FileManager.default.fileExists(atPath: mark))
        // help, --version and completions run here, whatever the remote.
        for words in [["help"], ["--version"], ["completions", "bash"], ["sessions", "list", "--help"]] {
            let outcome = try remote(["--remote", destination] + words, env: noSSH)
            #expect(outcome.status == 0, "\(words): \(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: mark))
    }

    @Test func aKeyLineIsReadFromAPipeAndAZoneTheServerCannotUseIsSaid() throws {
        let second = try server.key("bo-second")
        let added = try remote(["--remote", destination, "keys", "add"], key: bo, stdin: second.line + "\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == second.fingerprint + "\n")
        // A POSIX TZ rule is no zone name: the server's zone is used, and the client says so.
        let posix = try remote(["--remote", destination, "whoami"], env: ["TZ": "UTC+3"])
        #expect(posix.status == 0)
        #expect(posix.stderr.contains("warning: TZ 'UTC+3' is not a zone name"), "\(posix.stderr)")
    }

    @Test func sshsMessagesPassTheDisplayFilter() throws {
        // Whatever ssh (or a proxy it runs) prints reaches the terminal filtered.
        let fake = client.appendingPathComponent("ssh.sh").path
        try "#!/bin/sh\nprintf '\\033]0;evil\\007\\033[2Jboom\\n' >&2\nexit 255\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: fake)
        let outcome = try remote(["--remote", destination, "whoami"], env: ["MINDBEAT_SSH": fake])
        expectFailure(outcome, 75, "boom")
        #expect(!outcome.stderr.unicodeScalars.contains("\u{1B}"), "\(outcome.stderr.debugDescription)")
        #expect(!outcome.stderr.unicodeScalars.contains("\u{07}"))
    }

    @Test func aTerminatedClientTakesSshWithIt() throws {
        // SIGTERM to mindbeat alone, while ssh is still connecting: ssh ends
        // too, and mindbeat ends by the signal.
        let marker = "mbgone\(UInt32.random(in: 1000...9999))"
        let script = """
            "$0" --remote "$1@10.255.255.1" whoami &
            pid=$!
            sleep 1
            kill -TERM $pid
            wait $pid
            echo "status $?"
            sleep 0.5
            pgrep -f "$1@10.255.255.1" >/dev/null && echo lingering || echo gone
            """
        let outcome = try execute("/bin/bash", ["-c", script, binary, marker],
                                  environment: ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state",
                                                "MINDBEAT_SSH": "ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=20"])
        #expect(outcome.stdout.contains("status 143"), "\(outcome.stdout) \(outcome.stderr)")
        #expect(outcome.stdout.contains("gone"), "\(outcome.stdout)")
    }

    @Test func outputThatCannotBeWrittenIs74AsLocally() throws {
        let script = """
            "$0" --remote "$1" whoami > /dev/full; echo "full $?" >&2
            "$0" --remote "$1" whoami >&-; echo "closed $?" >&2
            "$0" --remote "$1" whoami | true; echo "gone ${PIPESTATUS[0]}" >&2
            """
        let outcome = try execute("/bin/bash", ["-c", script, binary, destination],
                                  environment: ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state",
                                                "MINDBEAT_SSH": sshCommand(ann)])
        #expect(outcome.stderr.contains("full 74"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("mindbeat: cannot write output: No space left on device"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("closed 74"), "\(outcome.stderr)")
        // A reader that went away before the output came: 74 or 0, never a message.
        #expect(outcome.stderr.contains("gone 74") || outcome.stderr.contains("gone 0"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Broken pipe"), "\(outcome.stderr)")
    }

    @Test func completionAsksTheServerForIdsAndEmails() throws {
        let emails = try remote(["__complete", "--", "notes", "add", "--member", ""], env: ["MINDBEAT_REMOTE": destination])
        #expect(emails.stdout.contains("bo@example.com"), "\(emails.stdout) \(emails.stderr)")
        let onTheLine = try remote(["__complete", "--", "--remote", destination, "notes", "add", "--member", "b"])
        #expect(onTheLine.stdout.contains("bo@example.com"))
        // A command name needs no server: an unreachable one answers at once.
        let words = try remote(["__complete", "--", "sess"], env: ["MINDBEAT_REMOTE": "\(server.user)@127.0.0.1:1"])
        #expect(words.stdout.contains("sessions"))
    }

    @Test func oneConnectionIsReusedByDefault() throws {
        // A person of their own, whose ~/.ssh ssh reads (ssh takes the home
        // directory from the password database, not from $HOME).
        let person = "mbc" + String(server.user.suffix(8))
        try SSHServer.must(execute("/usr/sbin/useradd", ["-m", "-d", "/home/" + person, "-s", "/bin/sh", person]), "useradd")
        defer { _ = try? execute("/usr/sbin/userdel", ["-r", "-f", person]) }
        let home = "/home/" + person
        try SSHServer.must(execute("/usr/bin/install", ["-d", "-o", person, "-m", "0700", home + "/.ssh"]), ".ssh")
        try SSHServer.must(execute("/usr/bin/install", ["-o", person, "-m", "0600", ann.path, home + "/.ssh/id_ed25519"]), "key")
        try SSHServer.must(execute("/usr/bin/install", ["-o", person, "-m", "0644", server.knownHosts, home + "/.ssh/known_hosts"]), "known_hosts")
        func run(_ words: [String]) throws -> Outcome {
            try execute("/usr/sbin/runuser", ["-u", person, "--", "/usr/bin/env", "-i", "HOME=\(home)", "PATH=/usr/bin:/bin", "TZ=UTC",
                                              "MINDBEAT_REMOTE=\(destination)", server.mindbeat] + words)
        }
        let first = try run(["whoami"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("Ann Coach <ann@example.com>"))
        // The master's socket, in a 0700 directory of mindbeat's own.
        let sockets = home + "/.local/state/mindbeat/ssh"
        #expect((try FileManager.default.attributesOfItem(atPath: sockets)[.posixPermissions] as? Int) == 0o700)
        let socket = try #require(try FileManager.default.contentsOfDirectory(atPath: sockets).first)
        let check = try execute("/usr/sbin/runuser", ["-u", person, "--", "/usr/bin/ssh", "-F", "/dev/null", "-S", sockets + "/" + socket,
                                                      "-O", "check", "x"])
        #expect(check.stderr.contains("Master running"), "\(check.stderr)")
        // The next command goes over it: sshd logs no new authentication.
        let accepted = server.log.components(separatedBy: "Accepted publickey").count
        #expect(try run(["whoami", "--json"]).object["email"] as? String == "ann@example.com")
        #expect(server.log.components(separatedBy: "Accepted publickey").count == accepted)
        _ = try execute("/usr/sbin/runuser", ["-u", person, "--", "/usr/bin/ssh", "-F", "/dev/null", "-S", sockets + "/" + socket, "-O", "exit", "x"])
        // A socket directory others may write is not used, and that is said.
        try SSHServer.must(execute("/bin/chmod", ["0777", sockets]), "chmod")
        let unshared = try run(["whoami"])
        #expect(unshared.status == 0, "\(unshared.stderr)")
        #expect(unshared.stderr.contains("warning: not sharing one SSH connection"), "\(unshared.stderr)")
    }

    @Test func ctrlCEndsTheClientWith130() throws {
        // A host that never answers, so that ssh is still connecting.
        let script = """
            set -m
            "$0" --remote 10.255.255.1 whoami &
            pid=$!
            sleep 1
            kill -INT -$pid
            wait $pid
            echo "status $?"
            """
        let outcome = try execute("/bin/bash", ["-c", script, binary],
                                  environment: ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state",
                                                "MINDBEAT_SSH": "ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=20"])
        #expect(outcome.stdout.contains("status 130"), "\(outcome.stdout) \(outcome.stderr)")
    }

    /// `--remote` with a command that keeps running: the client passes each
    /// line on as the server writes it, and a wait ends with the server's status.
    /// The log names the key each change came through; a report's SVG is
    /// written by the client, from the server's `--svg -`.
    @Test func theLogNamesTheKeyAndTheClientWritesTheReportImage() throws {
        try server.setClock("2026-12-01T08:00:00Z")
        let id = try remote(["--remote", destination, "sessions", "add", "--at", "2026-12-02T09:00:00Z", "--member", "bo@example.com"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try remote(["--remote", destination, "sessions", "cancel", id], key: bo).status == 0)
        let log = try remote(["--remote", destination, "sessions", "log", id, "--json"])
        #expect(log.status == 0, "\(log.stderr)")
        let changes = log.array.filter { $0["actor"] is String }
        #expect(changes.map { "\($0["kind"] ?? "") \($0["actor"] ?? "") \($0["via"] ?? "")" } == [
            "scheduled ann@example.com \(ann.fingerprint)",
            "cancelled bo@example.com \(bo.fingerprint)",
        ])
        // The same log, read on the server with a login token: the same text.
        let annToken = try server.token("ann@example.com", password: "ann-password-42")
        let text = try remote(["--remote", destination, "sessions", "log", id])
        #expect(text.stdout == (try server.local(["--tz", "UTC", "sessions", "log", id], token: annToken)).stdout)
        #expect(text.stdout.contains("via \(bo.fingerprint)"))
        // report --svg FILE: the file is the client's, and the output the report's.
        let range = ["report", "--from", "2026-11-01", "--to", "2026-12-31"]
        let image = client.appendingPathComponent("report.svg").path
        let written = try remote(["--remote", destination] + range + ["--svg", image])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout == (try server.local(["--tz", "UTC"] + range, token: annToken)).stdout)
        let local = try server.local(["--tz", "UTC"] + range + ["--svg", "-"], token: annToken)
        #expect(local.stdout.contains("<svg"))
        #expect((try? String(contentsOfFile: image, encoding: .utf8)) == local.stdout)
        let csvImage = client.appendingPathComponent("csv.svg").path
        let csv = try remote(["--remote", destination] + range + ["--csv", "--svg=\(csvImage)"])
        #expect(csv.stdout == (try server.local(["--tz", "UTC"] + range + ["--csv"], token: annToken)).stdout)
        #expect((try? String(contentsOfFile: csvImage, encoding: .utf8)) == local.stdout)
        // A failed report writes no file.
        let missing = client.appendingPathComponent("missing.svg").path
        expectFailure(try remote(["--remote", destination, "report", "--coach", "nobody@example.com", "--svg=\(missing)"]), 66)
        #expect(!FileManager.default.fileExists(atPath: missing))
        // Straight through ssh, a file on the server is refused.
        let direct = try server.ssh(key: ann, ["report", "--svg", "/tmp/on-the-server.svg"])
        expectFailure(direct, 77, "not available over SSH")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/on-the-server.svg"))
    }

    @Test func liveCommandsStreamThroughTheClient() throws {
        try server.setClock("2026-12-01T08:50:00Z")
        let id = try remote(["--remote", destination, "sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try remote(["--remote", destination, "attend", id]).status == 0)
        var environment = ["HOME": client.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": client.path + "/state-live", "TZ": "UTC",
                           "MINDBEAT_SSH": sshCommand(ann)]
        let annEnvironment = environment
        environment["MINDBEAT_SSH"] = sshCommand(bo)
        let boEnvironment = environment
        let destination = self.destination
        let wait = InBackground {
            try execute(binary, ["--remote", destination, "wait", id, "--for", "member-joined", "--timeout", "30s"], environment: annEnvironment)
        }
        let follow = InBackground { try execute(binary, ["--remote", destination, "chat", id, "--follow"], environment: boEnvironment) }
        #expect(eventually { running(on: self.server) == 2 }, "both commands run on the server")
        #expect(try remote(["--remote", destination, "attend", id], key: bo).status == 0)
        let waited = wait.finish(within: 10)
        #expect(waited?.status == 0 && waited?.stdout == "", "\(waited?.stderr ?? "still waiting")")
        #expect(try remote(["--remote", destination, "chat", id, "Hi Ann"], key: bo).status == 0)
        #expect(try remote(["--remote", destination, "end", id, "--held"]).status == 0)
        let followed = follow.finish(within: 10)
        #expect(followed?.status == 0 && followed?.stdout == "08:50  Bo Member: Hi Ann\n", "\(followed.map(Team.show) ?? "still following")")
    }
}
