import Foundation
import Testing
import TestSupport

@Suite("Notes, end to end")
struct NoteCommandTests {
    @Test func theAccessMatrixThroughTheBinary() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run(["users", "add", "--role", "coach", "--name", "Op Admin", "--email", "op@example.com", "--admin", "--password-stdin"], stdin: "op-password\n"))
        let id = try box.schedule()
        try box.expectOK(box.run("notes", "add", "--session", id, "--shared", "SHARED-SESSION"))
        try box.expectOK(box.run("notes", "add", "--session", id, "--private", "PRIVATE-SESSION"))
        try box.expectOK(box.run("notes", "add", "--member", "bo@example.com", "--shared", "SHARED-PROFILE"))
        try box.expectOK(box.run("notes", "add", "--member", "bo@example.com", "--private", "PRIVATE-PROFILE"))
        try box.expectOK(box.run(as: "bo", "notes", "add", "--session", id, "--shared", "BO-SHARED"))
        func bodies(_ who: String) throws -> Set<String> {
            let outcome = who == "ann" ? try box.run("notes", "list", "--json") : try box.run(as: who, "notes", "list", "--json")
            return Set(outcome.array.compactMap { $0["body"] as? String })
        }
        #expect(try bodies("ann") == ["SHARED-SESSION", "PRIVATE-SESSION", "SHARED-PROFILE", "PRIVATE-PROFILE"])
        #expect(try bodies("bo") == ["SHARED-PROFILE", "BO-SHARED"])
        #expect(try bodies("di").isEmpty)
        #expect(try bodies("op").isEmpty)
        expectFailure(try box.run(as: "cy", "notes", "list"), 77)
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run(as: "bo", "attend", id))
        try box.expectOK(box.run("attend", id))
        box.now = "2026-12-01T09:50:00Z"
        try box.expectOK(box.run("end", id, "--held"))
        #expect(try bodies("bo") == ["SHARED-PROFILE", "BO-SHARED", "SHARED-SESSION"])
        #expect(try bodies("ann").contains("BO-SHARED"))
        #expect(try bodies("op").isEmpty)
        let note = try box.run("notes", "list", "--session", id, "--json").array.first ?? [:]
        #expect(Set(note.keys) == ["id", "session", "member", "author", "visibility", "body", "created_at"])
        let profile = try box.run("notes", "list", "--member", "bo@example.com", "--json").array
        #expect(profile.contains { $0["session"] is NSNull })
    }

    @Test func aPrivateMarkerAppearsOnlyWhereTheContractAllows() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("bo", "cy", "di")
        let marker = "PRIVATE-MARKER-\(UUID().uuidString.prefix(8))"
        let id = try box.schedule()
        try box.expectOK(box.run("notes", "add", "--session", id, "--private", "coach \(marker)"))
        try box.expectOK(box.run("notes", "add", "--member", "bo@example.com", "--private", "profile \(marker)"))
        try box.expectOK(box.run(as: "bo", "notes", "add", "--session", id, "--private", "member \(marker)"))
        try box.expectOK(box.run("notes", "add", "--session", id, "--shared", "shared text"))
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run(as: "bo", "attend", id))
        try box.expectOK(box.run("attend", id))
        box.now = "2026-12-01T09:06:00Z"
        try box.expectOK(box.run("contact", id, "--via", "email"))
        box.now = "2026-12-01T09:50:00Z"
        try box.expectOK(box.run("end", id, "--held"))
        try box.expectOK(box.run(as: "bo", "notes", "add", "--session", id, "--shared", "after the end"))

        var allowed = ""
        var elsewhere = ""
        let authorsOwn = [("ann", ["notes", "list"]), ("ann", ["notes", "list", "--json"]), ("ann", ["notes", "list", "--session", id]),
                          ("ann", ["notes", "list", "--member", "bo@example.com"]), ("bo", ["notes", "list"]), ("bo", ["notes", "list", "--session", id])]
        for (who, command) in authorsOwn {
            let outcome = try box.run(command, env: ["MINDBEAT_TOKEN": box.tokens[who] ?? (try box.token(who))])
            allowed += outcome.stdout
            elsewhere += outcome.stderr
        }
        #expect(allowed.contains(marker))
        let everyoneElse: [[String]] = [
            ["sessions", "list", "--all"], ["sessions", "list", "--all", "--json"], ["sessions", "show", id], ["sessions", "show", id, "--json"],
            ["status", id], ["status", id, "--json"], ["chat", id], ["chat", id, "--json"], ["members"], ["members", "--json"],
            ["whoami"], ["notes", "list"], ["notes", "list", "--json"], ["notes", "list", "--session", id], ["end", id, "--missed"],
            ["attend", id], ["notes", "add", "--session", id, "--shared", ""], ["notes", "add", "--session", "999", "--private", "x"],
            ["users", "list"], ["profile"], ["feedback"], ["feedback", "--json"], ["feedback", "show", id], ["feedback", "show", id, "--json"],
            ["feedback", id, "--rating", "5", "--comment", "fine"], ["outbox"], ["outbox", "--json"], ["contact", id, "--via", "email"],
        ]
        for who in ["bo", "cy", "di"] {
            for command in everyoneElse {
                let outcome = try box.run(command, env: ["MINDBEAT_TOKEN": box.tokens[who] ?? ""])
                if who == "bo" && command.starts(with: ["notes", "list"]) {
                    // Bo's own private note is his to read.
                    #expect(outcome.stdout.contains("member \(marker)") == !command.contains("--json") || outcome.stdout.contains(marker))
                    #expect(!outcome.stdout.contains("coach \(marker)") && !outcome.stdout.contains("profile \(marker)"))
                    elsewhere += outcome.stderr
                    continue
                }
                elsewhere += outcome.stdout + outcome.stderr
            }
        }
        for command in everyoneElse where !command.starts(with: ["notes", "list"]) {
            let outcome = try box.run(command)
            elsewhere += outcome.stdout + outcome.stderr
        }
        let spool = box.root.appendingPathComponent("spool").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let fake = box.root.appendingPathComponent("sendmail").path
        try "#!/bin/sh\ncat > \"\(spool)/$$.eml\"\n".write(toFile: fake, atomically: true, encoding: .utf8)
        _ = try shell("chmod +x '\(fake)'")
        box.now = "2026-12-01T11:00:00Z"
        let send = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": fake])
        elsewhere += send.stdout + send.stderr
        for file in try FileManager.default.contentsOfDirectory(atPath: spool) {
            elsewhere += try String(contentsOfFile: spool + "/" + file, encoding: .utf8)
        }
        #expect(send.stdout == "2 sent, 0 failed\n")
        #expect(!elsewhere.contains(marker), "the private marker leaked")
        let sqlite = try box.sql("SELECT * FROM notices")
        #expect(sqlite.status == 0)
        #expect(!sqlite.stdout.contains(marker) && !sqlite.stdout.contains("shared text"))
        let kinds = try box.sql("SELECT kind, status FROM notices ORDER BY id")
        #expect(kinds.lines.filter { !$0.isEmpty } == ["scheduled|withdrawn", "reminder|withdrawn", "shared_notes|sent", "shared_notes|sent"],
                "Bo's invitation and a reminder, withdrawn when the session ended, and a shared-notes notice to each party: \(kinds.stdout)")
    }

    @Test func bodiesFromArgumentsAndStandardInput() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        try box.expectOK(box.run(["notes", "add", "--session", id, "--private", "-"], stdin: "line one\nline two\n"))
        #expect(try box.run("notes", "list", "--json").array.first?["body"] as? String == "line one\nline two")
        try box.logIn("di", "cy")
        let before = box.dump()
        expectFailure(try box.run(["notes", "add", "--session", id, "--private", "-"], stdin: " \n\n"), 65, "empty")
        expectFailure(try box.run("notes", "add", "--session", id, "--private", "  "), 65)
        expectFailure(try box.run(["notes", "add", "--session", id, "--private", "-"], stdin: String(repeating: "x", count: 65_537)), 65, "64 KiB")
        expectFailure(try box.run("notes", "add", "--session", id, "--private"), 64, "no terminal")
        expectFailure(try box.run("notes", "add", "--session", id, "x"), 64, "--shared or --private")
        expectFailure(try box.run("notes", "add", "--private", "x"), 64, "--session or --member")
        expectFailure(try box.run(as: "di", "notes", "add", "--session", id, "--private", "x"), 66)
        // Another coach's member is not found, exactly as an address with no account.
        expectFailure(try box.run(as: "di", "notes", "add", "--member", "bo@example.com", "--private", "x"), 66, "no member bo@example.com of yours")
        expectFailure(try box.run(as: "di", "notes", "add", "--member", "nobody@example.com", "--private", "x"), 66, "no member nobody@example.com of yours")
        expectFailure(try box.run(as: "di", "notes", "list", "--member", "bo@example.com"), 66, "no member bo@example.com of yours")
        expectFailure(try box.run(as: "di", "notes", "list", "--member", "nobody@example.com"), 66, "no member nobody@example.com of yours")
        expectFailure(try box.run(as: "cy", "notes", "add", "--session", id, "--private", "x"), 77)
        // Body checks come before the database: an empty body in a missing database is 65.
        expectFailure(try box.run(["notes", "add", "--session", id, "--private", " "], env: ["MINDBEAT_DB": box.root.appendingPathComponent("none.db").path]), 65)
        #expect(box.dump() == before)
        try box.expectOK(box.run(["notes", "add", "--session", id, "--private", "-"], stdin: String(repeating: "y", count: 65_536) + "\n"))
    }

    /// Runs `notes add` without TEXT on a pseudo-terminal (util-linux `script`)
    /// with a fake editor. TMPDIR is a directory of its own, which must stay
    /// empty (`tmpFiles`).
    /// An editor that writes some text, then sends `signal` to mindbeat, the
    /// nearest ancestor of that name (between them is the shell that runs
    /// the editor's command line).
    static func editorSignallingMindbeat(_ signal: String) -> String {
        """
        printf 'text' > "$1"
        p=$$
        while [ "$p" -gt 1 ] && [ "$(cat /proc/$p/comm)" != mindbeat ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
        [ "$p" -gt 1 ] && kill -\(signal) "$p"; sleep 1
        """
    }

    func editWith(_ box: Sandbox, editor: String, _ id: String, env extra: [String: String] = [:]) throws -> Outcome {
        let script = box.root.appendingPathComponent("editor.sh").path
        try ("#!/bin/sh\n" + editor + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        _ = try shell("chmod +x '\(script)'")
        let tmp = box.root.appendingPathComponent("tmp").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["EDITOR"] = script
        env["VISUAL"] = ""
        env["TMPDIR"] = tmp
        for (key, value) in extra { env[key] = value }
        return try shell("script -qec \"'\(binary)' notes add --session \(id) --private\" /dev/null", environment: env)
    }

    /// The editor's files: in the state directory, never in TMPDIR.
    func editDirectory(_ box: Sandbox) -> String { box.root.appendingPathComponent("state/mindbeat/edit").path }

    func leftovers(_ box: Sandbox) throws -> [String] {
        let edit = (try? FileManager.default.contentsOfDirectory(atPath: editDirectory(box))) ?? []
        return edit + (try tmpFiles(box))
    }

    func tmpFiles(_ box: Sandbox) throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: box.root.appendingPathComponent("tmp").path)) ?? []
    }

    /// Files of mindbeat's editor in /tmp (where they used to be).
    func notesInTmp() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("mindbeat-note-") })
    }

    @Test func theEditorPathSavesAndCleansUp() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let saved = try editWith(box, editor: """
            test "$(stat -c %a "$1")" = 600 || exit 3
            test "$(stat -c %a "$(dirname "$1")")" = 700 || exit 4
            test "$(dirname "$1")" = '\(editDirectory(box))' || exit 5
            printf 'written in the editor\\n' > "$1"
            """, id)
        #expect(saved.status == 0, "\(saved.stdout)")
        #expect(try box.run("notes", "list", "--json").array.first?["body"] as? String == "written in the editor")
        #expect(try leftovers(box).isEmpty)

        let before = box.dump()
        let empty = try editWith(box, editor: ": nothing written", id)
        #expect(empty.status == 65, "\(empty.stdout)")
        #expect(empty.stdout.contains("empty"))
        #expect(try leftovers(box).isEmpty)

        let failing = try editWith(box, editor: "printf 'half a note' > \"$1\"; exit 1", id)
        #expect(failing.status == 1, "\(failing.stdout)")
        #expect(failing.stdout.contains("not saved"))
        #expect(try leftovers(box).isEmpty)

        let interrupted = try editWith(box, editor: "printf 'text' > \"$1\"; kill -INT $$", id)
        #expect(interrupted.status == 1, "\(interrupted.stdout)")
        #expect(try leftovers(box).isEmpty)
        #expect(box.dump() == before)
    }

    @Test func aTerminatedMindbeatRemovesTheEditorsFile() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        // The editor sends SIGTERM to mindbeat, the nearest ancestor of that name.
        let outcome = try editWith(box, editor: Self.editorSignallingMindbeat("TERM"), id)
        #expect(outcome.status == 128 + 15, "ended by SIGTERM: \(outcome.stdout)")
        #expect(try leftovers(box).isEmpty)
    }

    @Test func aQuitDuringTheEditRemovesTheFile() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let before = box.dump()
        // SIGQUIT (Ctrl-\) to mindbeat, the nearest ancestor of that name.
        let outcome = try editWith(box, editor: Self.editorSignallingMindbeat("QUIT"), id)
        #expect(outcome.status == 128 + 3, "ended by SIGQUIT, like SIGINT: \(outcome.stdout)")
        #expect(outcome.stdout.contains("stopped; the note was not saved"))
        #expect(!outcome.stdout.contains("rash"))
        #expect(try leftovers(box).isEmpty)
        #expect(box.dump() == before)
    }

    @Test func aKilledRunsFileIsRemovedByTheNextNotesAdd() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let before = notesInTmp()
        let record = box.root.appendingPathComponent("edited").path
        // The editor writes, notes where, and kills mindbeat (the nearest
        // ancestor of that name) with SIGKILL, which no handler sees.
        let killed = try editWith(box, editor: """
            printf 'half a note' > "$1"; printf '%s' "$1" > '\(record)'
            p=$$
            while [ "$p" -gt 1 ] && [ "$(cat /proc/$p/comm)" != mindbeat ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
            [ "$p" -gt 1 ] && kill -KILL "$p"; sleep 1
            """, id)
        #expect(killed.status != 0)
        let left = try String(contentsOfFile: record, encoding: .utf8)
        #expect(left.hasPrefix(editDirectory(box) + "/note-"), "\(left)")
        #expect(FileManager.default.fileExists(atPath: left), "a SIGKILL leaves the file behind")
        #expect(FileManager.default.fileExists(atPath: editDirectory(box)))
        let directory = try FileManager.default.attributesOfItem(atPath: editDirectory(box))
        #expect((directory[.posixPermissions] as? Int) == 0o700)

        let next = try editWith(box, editor: "printf 'a whole note' > \"$1\"", id)
        #expect(next.status == 0, "\(next.stdout)")
        #expect(!FileManager.default.fileExists(atPath: left), "the next notes add removed it")
        #expect(try leftovers(box).isEmpty)
        #expect(try tmpFiles(box).isEmpty, "nothing in TMPDIR")
        #expect(notesInTmp().subtracting(before).isEmpty, "nothing in /tmp")
        #expect(try box.run("notes", "list", "--json").array.compactMap { $0["body"] as? String } == ["a whole note"])
    }

    @Test func aNoteBeingEditedInAnotherTerminalIsLeftAlone() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let release = box.root.appendingPathComponent("release").path
        let script = box.root.appendingPathComponent("editor.sh").path
        try """
            #!/bin/sh
            if [ -n "$HOLD" ]; then
              printf 'the first note' > "$1"
              i=0; while [ ! -e '\(release)' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
            else
              printf 'the second note' > "$1"
            fi
            """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try shell("chmod +x '\(script)'")
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["EDITOR"] = script
        let edit = editDirectory(box)
        let run = "script -qec \"'\(binary)' notes add --session \(id) --private\" /dev/null"
        let result = try shell("""
            HOLD=1 \(run) > /dev/null 2>&1 & first=$!
            i=0; until [ -n "$(ls '\(edit)' 2>/dev/null)" ] || [ $i -gt 200 ]; do sleep 0.05; i=$((i + 1)); done
            ls '\(edit)' > '\(box.root.path)/while-editing'
            \(run) > /dev/null 2>&1; echo "second $?"
            ls '\(edit)' > '\(box.root.path)/after-second'
            touch '\(release)'; wait $first; echo "first $?"
            """, environment: env)
        #expect(result.stdout.contains("second 0") && result.stdout.contains("first 0"), "\(result.stdout) \(result.stderr)")
        let editing = try String(contentsOfFile: box.root.path + "/while-editing", encoding: .utf8)
        #expect(!editing.isEmpty)
        #expect(try String(contentsOfFile: box.root.path + "/after-second", encoding: .utf8) == editing, "the file in use was left alone")
        #expect(Set(try box.run("notes", "list", "--json").array.compactMap { $0["body"] as? String }) == ["the first note", "the second note"])
        #expect(try leftovers(box).isEmpty)
    }

    @Test func theEditorGetsNoMindbeatVariables() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let token = try box.token("ann")
        let dump = box.root.appendingPathComponent("editor-env").path
        let outcome = try editWith(box, editor: "env > '\(dump)'; printf 'a note' > \"$1\"", id,
                                   env: ["MINDBEAT_TOKEN": token, "KEPT_VARIABLE": "kept"])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        let environment = try String(contentsOfFile: dump, encoding: .utf8)
        #expect(environment.contains("KEPT_VARIABLE=kept"))
        #expect(!environment.contains("MINDBEAT_"), "\(environment)")
        #expect(!environment.contains(token))
    }
}
