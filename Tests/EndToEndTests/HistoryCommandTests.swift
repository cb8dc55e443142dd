import Foundation
import Testing
import TestSupport

/// `sessions log` and `report` (SPEC §14), through the built binary.
@Suite("History, end to end")
struct HistoryCommandTests {
    /// Runs a command as a seeded person (or Ann, the default login).
    func run(_ box: Sandbox, _ who: String, _ words: [String], stdin: String? = nil) throws -> Outcome {
        who == "ann" ? try box.run(words, stdin: stdin) : try box.run(words, stdin: stdin, env: ["MINDBEAT_TOKEN": box.tokens[who] ?? ""])
    }

    /// The words of each line of the output.
    func fields(_ outcome: Outcome) -> [[String]] {
        outcome.lines.map { $0.split(separator: " ").map(String.init) }
    }

    /// `kind detail actor` of every event of a session, read from the
    /// database itself with its own shell (sqlite3 or psql).
    func stored(_ box: Sandbox, _ id: String) throws -> [String] {
        let sql = "SELECT e.kind || ' ' || coalesce(e.detail, '-') || ' ' || coalesce(a.email, 'mindbeat') FROM events e "
            + "LEFT JOIN accounts a ON a.id = e.actor_id WHERE e.session_id = \(id) ORDER BY e.id"
        let outcome = try box.sql(sql)
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    /// `kind detail actor` of each event a reader sees, from `--json`.
    func events(_ box: Sandbox, _ who: String, _ id: String) throws -> [String] {
        let outcome = try run(box, who, ["sessions", "log", id, "--json"])
        try box.expectOK(outcome)
        return outcome.array.map { event in
            "\(event["kind"] as? String ?? "?") \(event["detail"] as? String ?? "-") \(event["actor"] as? String ?? "mindbeat")"
        }
    }

    @Test func eachCommandWritesItsEventAndARefusedOneWritesNothing() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("bo", "cy", "di")
        box.now = "2026-11-28T08:00:00Z"
        let id = try box.schedule()
        #expect(try events(box, "ann", id).first == "scheduled - ann@example.com")
        #expect(try events(box, "ann", id) == stored(box, id))
        var seen = try stored(box, id).count
        func step(_ who: String, _ words: String..., stdin: String? = nil, expect added: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let outcome = try run(box, who, words, stdin: stdin)
            #expect(outcome.status == 0, "\(words): \(outcome.stderr)", sourceLocation: sourceLocation)
            let now = try stored(box, id)
            #expect(Array(now.dropFirst(seen)) == added, "\(words)", sourceLocation: sourceLocation)
            seen = now.count
        }
        func refused(_ who: String, _ words: String..., status: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = box.dump()
            expectFailure(try run(box, who, words), status, sourceLocation: sourceLocation)
            #expect(box.dump() == before, "\(words) wrote", sourceLocation: sourceLocation)
        }
        try refused("ann", "attend", id, status: 1)
        try refused("bo", "chat", id, "too early", status: 1)
        box.now = "2026-12-01T09:00:00Z"
        try step("ann", "attend", id, expect: ["joined coach ann@example.com"])
        try step("ann", "attend", id, expect: [])
        try refused("ann", "end", id, "--missed", status: 1)
        box.now = "2026-12-01T09:06:00Z"
        try step("ann", "contact", id, "--via", "phone", "--note", "CONTACT-NOTE", expect: ["contact phone ann@example.com"])
        try step("ann", "contact", id, "--via", "email", expect: ["contact email ann@example.com", "notice_queued reminder mindbeat"])
        try step("ann", "contact", id, "--via", "chat", expect: ["contact chat ann@example.com", "chat - ann@example.com"])
        try step("bo", "attend", id, expect: ["joined member bo@example.com"])
        try step("bo", "chat", id, "CHAT-TEXT", expect: ["chat - bo@example.com"])
        try step("ann", "switch", id, "--phone", expect: ["switched phone ann@example.com"])
        try step("ann", "switch", id, "--platform", expect: ["switched platform ann@example.com"])
        try step("ann", "notes", "add", "--session", id, "--private", "PRIVATE-MARKER", expect: [])
        try step("bo", "notes", "add", "--session", id, "--shared", "SHARED-TEXT", expect: ["note_shared - bo@example.com"])
        try refused("bo", "end", id, "--held", status: 77)
        box.now = "2026-12-01T09:50:00Z"
        try step("ann", "end", id, "--held", expect: ["ended held ann@example.com"]
                 + Array(repeating: "notice_withdrawn upcoming mindbeat", count: 4)
                 + ["notice_withdrawn scheduled mindbeat", "notice_withdrawn reminder mindbeat", "notice_queued shared_notes mindbeat"])
        try step("bo", "feedback", id, "--rating", "5", "--comment", "FEEDBACK-TEXT", expect: ["feedback - bo@example.com"])
        try refused("bo", "feedback", id, "--rating", "4", status: 1)
        box.now = "2026-12-01T10:10:00Z"
        let mail = box.root.appendingPathComponent("mail").path
        FileManager.default.createFile(atPath: mail, contents: Data("#!/bin/sh\ncat >/dev/null\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        let sent = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": mail])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try stored(box, id).dropFirst(seen) == ["notice_sent shared_notes mindbeat"])
        // Once the session has ended, Ann (its coach, an admin) sees every event.
        #expect(try events(box, "ann", id) == stored(box, id))

        // Every field, as the contract lists them.
        let json = try box.run("sessions", "log", id, "--json").array
        #expect(json.allSatisfy { Set($0.keys) == ["at", "session", "actor", "kind", "detail", "via", "reconstructed"] })
        #expect(json.allSatisfy { $0["via"] is NSNull && $0["reconstructed"] as? Bool == false && $0["session"] as? Int == Int(id) })
        #expect(json.first?["at"] as? String == "2026-11-28T08:00:00Z")
        // The text: one line an event, after the session's.
        let text = try box.run("sessions", "log", id)
        #expect(text.lines.first == "Session \(id): Ann Coach with Bo Member, 2026-12-01 09:00–10:00, held")
        #expect(fields(text).contains(["2026-12-01", "09:06:00", "contact", "phone", "ann@example.com"]))
        #expect(fields(text).contains { $0.dropFirst(2) == ["notice_sent", "shared_notes", "mindbeat"] })
        #expect(text.lines.count == json.count + 2)
        // No text reached the log, in any output.
        for outcome in [text, try box.run("sessions", "log", id, "--json"), try run(box, "bo", ["sessions", "log", id])] {
            for marker in ["PRIVATE-MARKER", "CONTACT-NOTE", "CHAT-TEXT", "SHARED-TEXT", "FEEDBACK-TEXT"] {
                #expect(!outcome.stdout.contains(marker) && !outcome.stderr.contains(marker))
            }
        }
    }

    @Test func aRescheduleAndACancellationNameTheNewStartAndTheStatus() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("bo")
        box.now = "2026-11-28T08:00:00Z"
        let moved = try box.schedule("2026-12-03T09:00:00Z")
        let dropped = try box.schedule("2026-11-28T20:00:00Z")
        try box.expectOK(run(box, "bo", ["sessions", "reschedule", moved, "--at", "2026-12-05T10:00:00Z"]))
        try box.expectOK(run(box, "ann", ["sessions", "cancel", dropped, "--reason", "REASON-TEXT"]))
        #expect(try events(box, "ann", moved).contains("rescheduled 2026-12-05T10:00:00Z bo@example.com"))
        #expect(try events(box, "bo", dropped).contains("cancelled late_cancelled ann@example.com"))
        let text = try box.run(["sessions", "log", moved], env: ["TZ": "Europe/Berlin"])
        #expect(fields(text).contains { $0.dropFirst(2).prefix(3) == ["rescheduled", "2026-12-05", "11:00"] })
        #expect(!(try run(box, "bo", ["sessions", "log", dropped, "--json"])).stdout.contains("REASON-TEXT"))
    }

    /// Reader × event kind: Di's session with Gus (who reports to Cy), read
    /// by Di (coach), Gus (member), Cy (line manager), Ann (an admin who is no
    /// party) and Hal (another coach); a private marker searched everywhere.
    @Test func theVisibilityMatrix() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run(["users", "add", "--role", "member", "--name", "Gus Member", "--email", "gus@example.com", "--coach",
                                  "di@example.com", "--manager", "cy@example.com", "--password-stdin"], stdin: "gus-password\n"))
        try box.expectOK(box.run(["users", "add", "--role", "coach", "--name", "Hal Coach", "--email", "hal@example.com",
                                  "--password-stdin"], stdin: "hal-password\n"))
        try box.logIn("cy", "di", "gus", "hal")
        let marker = "PRIVATE-MARKER-\(UUID().uuidString.prefix(8))"
        box.now = "2026-11-28T08:00:00Z"
        let id = try box.schedule("2026-12-01T09:00:00Z", member: "gus@example.com", as: "di")
        box.now = "2026-12-01T09:00:00Z"
        for (who, words) in [("di", ["attend", id]), ("gus", ["attend", id]), ("gus", ["chat", id, "hello \(marker)"]),
                             ("di", ["notes", "add", "--session", id, "--private", "di \(marker)"]),
                             ("gus", ["notes", "add", "--session", id, "--private", "gus \(marker)"]),
                             ("di", ["notes", "add", "--session", id, "--shared", "for Gus"])] {
            try box.expectOK(run(box, who, words))
        }
        // Before the end: Gus does not see Di's shared note's event.
        #expect(try events(box, "di", id).contains("note_shared - di@example.com"))
        #expect(try !events(box, "gus", id).contains("note_shared - di@example.com"))
        box.now = "2026-12-01T09:50:00Z"
        try box.expectOK(run(box, "di", ["end", id, "--held"]))
        try box.expectOK(run(box, "di", ["feedback", id, "--rating", "4", "--comment", "di \(marker)"]))
        try box.expectOK(run(box, "gus", ["feedback", id, "--rating", "5", "--comment", "gus \(marker)"]))

        let all = try events(box, "ann", id)
        let coach = try events(box, "di", id)
        let member = try events(box, "gus", id)
        // The admin sees every event there is.
        #expect(all.count == (try box.run("sessions", "log", id, "--json")).array.count)
        #expect(all.filter { $0.hasPrefix("feedback") } == ["feedback - di@example.com", "feedback - gus@example.com"])
        // Each party: all but the other's feedback.
        #expect(coach == all.filter { $0 != "feedback - gus@example.com" })
        #expect(member == all.filter { $0 != "feedback - di@example.com" })
        #expect(member.contains("note_shared - di@example.com"))
        // Every kind the session went through, seen by the admin.
        #expect(Set(all.map { String($0.split(separator: " ")[0]) }) ==
                ["scheduled", "joined", "chat", "note_shared", "ended", "feedback", "notice_queued", "notice_withdrawn"])
        expectFailure(try run(box, "cy", ["sessions", "log", id]), 77, "line managers")
        expectFailure(try run(box, "hal", ["sessions", "log", id]), 66, "no session \(id)")
        expectFailure(try run(box, "hal", ["sessions", "log", "999"]), 66, "no session 999")
        for who in ["ann", "di", "gus", "cy", "hal"] {
            for words in [["sessions", "log", id], ["sessions", "log", id, "--json"], ["report"], ["report", "--json"],
                          ["report", "--csv"], ["report", "--svg", "-"]] {
                let outcome = try run(box, who, words)
                #expect(!outcome.stdout.contains(marker) && !outcome.stderr.contains(marker), "\(who) \(words)")
            }
        }
    }

    /// Two processes writing to one session at once: its events come out in
    /// the order the changes were made (the order of the chat itself).
    @Test func eventsComeOutInOrderWhenTwoProcessesWriteAtOnce() throws {
        let box = try Sandbox()
        try box.seed()
        try box.logIn("bo")
        box.now = "2026-11-28T08:00:00Z"
        let id = try box.schedule()
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run("attend", id))
        try box.expectOK(run(box, "bo", ["attend", id]))
        let group = DispatchGroup()
        for who in ["ann", "bo"] {
            DispatchQueue.global().async(group: group) {
                for index in 0..<12 { _ = try? self.run(box, who, ["chat", id, "\(who) \(index)"]) }
            }
        }
        group.wait()
        let chat = try box.run("chat", id, "--json").array.map { $0["author"] as? String ?? "" }
        let logged = try events(box, "ann", id).filter { $0.hasPrefix("chat ") }.map { String($0.split(separator: " ")[2]) }
        #expect(chat.count == 24)
        #expect(logged == chat)
        let ids = try box.run("sessions", "log", id, "--json").array.compactMap { $0["at"] as? String }
        #expect(ids == ids.sorted())
    }

    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func theLogIsAppendOnlyEvenForTheSqliteShell() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        let before = box.dump()
        for sql in ["UPDATE events SET kind = 'ended', detail = 'held' WHERE session_id = \(id)", "DELETE FROM events",
                    "INSERT OR REPLACE INTO events (id, session_id, at, kind, detail) SELECT min(id), \(id), 0, 'ended', 'missed' FROM events"] {
            let sqlite = try execute("/usr/bin/sqlite3", [box.databasePath, sql])
            #expect(sqlite.status != 0)
            #expect(sqlite.stderr.contains("append-only"), "\(sqlite.stderr)")
        }
        #expect(box.dump() == before)
    }

    // MARK: Reports

    /// Ann's sessions with Bo and Ed… with Bo only (Ed is Di's), and Di's with
    /// Ed, in Berlin time across the autumn change (25 October) and the turn
    /// of October into November: Bo has a held and a missed session in the
    /// last week of summer time and a late cancellation the day after the
    /// change; on 31 October at 23:30 local (22:30Z) one held, on 1 November
    /// at 00:30 local (31 October 23:30Z) one cancelled in good time; one
    /// still to come in November.
    func reportBox() throws -> Sandbox {
        let box = try Sandbox()
        box.environment["TZ"] = "Europe/Berlin"
        box.now = "2026-10-15T08:00:00Z"
        try box.seed()
        try box.logIn("bo", "cy", "di", "ed")
        let plan: [(String, String, String, String)] = [
            ("2026-10-20T08:00:00Z", "bo@example.com", "ann", "held"),
            ("2026-10-24T08:00:00Z", "bo@example.com", "ann", "missed"),
            ("2026-10-26T08:00:00Z", "bo@example.com", "ann", "late"),
            ("2026-10-31T22:30:00Z", "bo@example.com", "ann", "held"),
            ("2026-10-31T23:30:00Z", "bo@example.com", "ann", "cancelled"),
            ("2026-11-20T08:00:00Z", "bo@example.com", "ann", "open"),
            ("2026-10-21T08:00:00Z", "ed@example.com", "di", "held"),
        ]
        for (start, member, coach, outcome) in plan {
            box.now = "2026-10-15T08:00:00Z"
            let id = try box.schedule(start, member: member, as: coach)
            let begin = ISO8601DateFormatter().date(from: start) ?? Date()
            func time(_ minutes: Double) -> String { ISO8601DateFormatter().string(from: begin.addingTimeInterval(minutes * 60)) }
            switch outcome {
            case "held":
                box.now = time(0)
                try box.expectOK(run(box, coach, ["attend", id]))
                box.now = time(50)
                try box.expectOK(run(box, coach, ["end", id, "--held"]))
            case "missed":
                box.now = time(0)
                try box.expectOK(run(box, coach, ["attend", id]))
                box.now = time(6)
                try box.expectOK(run(box, coach, ["contact", id, "--via", "email"]))
                box.now = time(16)
                try box.expectOK(run(box, coach, ["end", id, "--missed"]))
            case "late":
                box.now = time(-60)
                try box.expectOK(run(box, "bo", ["sessions", "cancel", id]))
            case "cancelled":
                box.now = "2026-10-16T08:00:00Z"
                try box.expectOK(run(box, "bo", ["sessions", "cancel", id]))
            default:
                break
            }
        }
        box.now = "2026-11-10T12:00:00Z"
        return box
    }

    /// `period coach member scheduled held missed cancelled late rate`, from JSON.
    func rows(_ outcome: Outcome) -> [String] {
        outcome.array.map { row in
            let rate = row["attendance_rate"].map { $0 is NSNull ? "null" : "\($0)" } ?? "?"
            return ["period_start", "period_end", "coach", "member"].map { (row[$0] as? String) ?? "-" }.joined(separator: " ")
                + " " + ["scheduled", "held", "missed", "cancelled", "late_cancelled"].map { "\(row[$0] as? Int ?? -1)" }.joined(separator: " ")
                + " " + rate
        }
    }

    @Test func reportCountsByMonthAndWeekInTheLocalZoneAcrossDaylightSaving() throws {
        let box = try reportBox()
        // Ann is an admin: --coach herself, per member.
        let months = try box.run("report", "--coach", "ann@example.com", "--from", "2026-10-01", "--to", "2026-12-01", "--json")
        #expect(rows(months) == [
            "2026-09-30T22:00:00Z 2026-10-31T23:00:00Z ann@example.com bo@example.com 4 2 1 0 1 0.5",
            "2026-10-31T23:00:00Z 2026-11-30T23:00:00Z ann@example.com bo@example.com 2 0 0 1 0 null",
        ])
        let weeks = try box.run("report", "--coach", "ann@example.com", "--by", "week", "--from", "2026-10-19", "--to", "2026-11-09",
                                "--json")
        #expect(rows(weeks) == [
            "2026-10-18T22:00:00Z 2026-10-25T23:00:00Z ann@example.com bo@example.com 2 1 1 0 0 0.5",
            "2026-10-25T23:00:00Z 2026-11-01T23:00:00Z ann@example.com bo@example.com 3 1 0 1 1 0.5",
        ])
        // The same sessions seen from UTC: 31 October 23:30Z is still October.
        let utc = try box.run(["report", "--coach", "ann@example.com", "--from", "2026-10-01", "--to", "2026-12-01", "--json"],
                              env: ["TZ": "UTC"])
        #expect(rows(utc).first?.hasSuffix("5 2 1 1 1 0.5") == true)
        // Each role's scope.
        let admin = try box.run("report", "--from", "2026-10-01", "--to", "2026-12-01", "--json")
        #expect(rows(admin) == [
            "2026-09-30T22:00:00Z 2026-10-31T23:00:00Z ann@example.com - 4 2 1 0 1 0.5",
            "2026-09-30T22:00:00Z 2026-10-31T23:00:00Z di@example.com - 1 1 0 0 0 1",
            "2026-10-31T23:00:00Z 2026-11-30T23:00:00Z ann@example.com - 2 0 0 1 0 null",
        ])
        #expect(admin.array.allSatisfy { $0["member"] is NSNull })
        let di = try run(box, "di", ["report", "--from", "2026-10-01", "--to", "2026-12-01", "--json"])
        #expect(rows(di) == ["2026-09-30T22:00:00Z 2026-10-31T23:00:00Z di@example.com ed@example.com 1 1 0 0 0 1"])
        for who in ["cy", "bo"] {
            let theirs = try run(box, who, ["report", "--from", "2026-10-01", "--to", "2026-12-01", "--json"])
            #expect(rows(theirs) == rows(months), "\(who)")
        }
        #expect(rows(try run(box, "ed", ["report", "--from", "2026-10-01", "--to", "2026-12-01", "--json"])) == rows(di))
        // By default: by month, from the 1st of the month five months back.
        let standard = try box.run("report", "--json")
        #expect(rows(standard).first?.hasPrefix("2026-09-30T22:00:00Z") == true)
        #expect(rows(standard).count == 3)
        let text = try box.run("report")
        #expect(Array(text.lines.prefix(2)) == ["Attendance by month of every coach",
                                                 "Sessions starting from 2026-06-01 00:00, before 2026-11-10 13:00"])
    }

    @Test func theSameNumbersAsJSONCSVTextAndSVG() throws {
        let box = try reportBox()
        let base = ["report", "--coach", "ann@example.com", "--by", "week", "--from", "2026-10-19", "--to", "2026-11-09"]
        let json = rows(try box.run(base + ["--json"]))
        let csv = try box.run(base + ["--csv"])
        try box.expectOK(csv)
        #expect(csv.stdout.hasPrefix("period_start,period_end,coach,member,scheduled,held,missed,cancelled,late_cancelled,attendance_rate\r\n"))
        // Python's csv module reads it back: the header and the same rows.
        let parsed = try execute("/usr/bin/python3", ["-c", """
            import csv, sys
            rows = list(csv.DictReader(sys.stdin))
            for r in rows:
                rate = r['attendance_rate'] or 'null'
                print(' '.join([r['period_start'], r['period_end'], r['coach'], r['member'] or '-', r['scheduled'], r['held'],
                                r['missed'], r['cancelled'], r['late_cancelled'], rate]))
            """], stdin: Data(csv.stdout.utf8))
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.split(separator: "\n").map(String.init) == json)
        // The text table and chart.
        let text = try box.run(base)
        #expect(fields(text).contains(["week", "member", "scheduled", "held", "missed", "cancelled", "late", "rate"]))
        #expect(fields(text).contains(["2026-10-19", "bo@example.com", "2", "1", "1", "0", "0", "50%"]))
        #expect(fields(text).contains(["2026-10-26", "bo@example.com", "3", "1", "0", "1", "1", "50%"]))
        #expect(text.stdout.contains("██ held   ▓▓ missed   ░░ late cancelled"))
        #expect(text.lines.contains { $0.hasPrefix("2026-10-19  █") && $0.hasSuffix("1/1/0  50%") })
        #expect(text.lines.contains { $0.hasPrefix("2026-10-26  █") && $0.contains("▓") == false && $0.hasSuffix("1/0/1  50%") })
        #expect(text.lines.contains { $0.hasPrefix("2026-11-02") && $0.hasSuffix("no sessions") })
        // A period with sessions that are not ended or were cancelled in good time.
        let open = try box.run("report", "--coach", "ann@example.com", "--from", "2026-11-01", "--to", "2026-12-01")
        #expect(open.lines.contains { $0.hasPrefix("2026-11") && $0.hasSuffix("1 cancelled, 1 open") }, "\(open.stdout)")
        #expect(text.lines.allSatisfy { $0.count <= 80 }, "\(text.stdout)")
        #expect(!text.stdout.contains("\u{1B}["), "colour off a terminal")
        // The SVG: well-formed XML, each segment's count as its title, and
        // rendered to a non-empty PNG by librsvg.
        let svg = try box.run(base + ["--svg", "-"])
        try box.expectOK(svg)
        let checked = try execute("/usr/bin/python3", ["-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            ns = '{http://www.w3.org/2000/svg}'
            assert root.tag == ns + 'svg', root.tag
            print('\\n'.join(t.text for t in root.iter(ns + 'title')))
            """], stdin: Data(svg.stdout.utf8))
        #expect(checked.status == 0, "\(checked.stderr)")
        let titles = checked.stdout.split(separator: "\n").map(String.init)
        #expect(titles.contains("2026-10-19: 1 held") && titles.contains("2026-10-19: 1 missed"))
        #expect(titles.contains("2026-10-26: 1 held") && titles.contains("2026-10-26: 1 late cancelled"))
        #expect(!titles.contains { $0.hasPrefix("2026-11-02:") })
        // --svg FILE also writes the image: the output is the report's as ever.
        let file = box.root.appendingPathComponent("weeks.svg").path
        let written = try box.run(base + ["--svg", file])
        try box.expectOK(written)
        #expect(written.stdout == text.stdout)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == svg.stdout)
        let both = box.root.appendingPathComponent("both.svg").path
        let withJSON = try box.run(base + ["--json", "--svg=\(both)"])
        #expect(rows(withJSON) == json)
        #expect(try String(contentsOfFile: both, encoding: .utf8) == svg.stdout)
        expectFailure(try box.run(base + ["--csv", "--svg", "-"]), 64, "both write to standard output")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
            let png = box.root.appendingPathComponent("weeks.png").path
            let converted = try execute("/usr/bin/rsvg-convert", [file, "-o", png])
            #expect(converted.status == 0, "\(converted.stderr)")
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: png))) ?? Data()
            #expect(bytes.count > 1000)
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        } else {
            Issue.record("rsvg-convert is missing: apt-get install librsvg2-bin")
        }
    }

    /// On a terminal the chart is in colour (held green, missed red, late
    /// yellow); with NO_COLOR, or into a pipe, it is not.
    @Test func theChartIsInColourOnlyOnATerminal() throws {
        let box = try reportBox()
        let line = ([binary, "report", "--coach", "ann@example.com", "--by", "week", "--from", "2026-10-19", "--to", "2026-11-09"])
            .map(shellQuoted).joined(separator: " ")
        var environment = box.environment
        environment["MINDBEAT_NOW"] = box.now
        environment["TERM"] = "xterm"
        let colour = try execute("/usr/bin/script", ["-qec", line, "/dev/null"], environment: environment)
        #expect(colour.status == 0, "\(colour.stderr)")
        #expect(colour.stdout.contains("\u{1B}[32m█") && colour.stdout.contains("\u{1B}[31m▓") && colour.stdout.contains("\u{1B}[33m░"))
        environment["NO_COLOR"] = "1"
        let plain = try execute("/usr/bin/script", ["-qec", line, "/dev/null"], environment: environment)
        #expect(plain.status == 0 && plain.stdout.contains("█") && !plain.stdout.contains("\u{1B}["))
    }

    @Test func anAttendanceRateOfNothingIsNullAndEmpty() throws {
        let box = try reportBox()
        let base = ["report", "--coach", "ann@example.com", "--from", "2026-11-01", "--to", "2026-12-01"]
        let json = try box.run(base + ["--json"])
        #expect(json.array.count == 1)
        #expect(json.array.first?["attendance_rate"] is NSNull)
        let csv = try box.run(base + ["--csv"])
        #expect(csv.stdout.hasSuffix("bo@example.com,2,0,0,1,0,\r\n"))
        #expect(try box.run(base).stdout.contains("  –"))
        // No sessions at all: an empty array, a header alone, and a sentence.
        let none = ["report", "--from", "2020-01-01", "--to", "2020-03-01"]
        #expect(try box.run(none + ["--json"]).stdout == "[]\n")
        #expect(try box.run(none + ["--csv"]).stdout
                == "period_start,period_end,coach,member,scheduled,held,missed,cancelled,late_cancelled,attendance_rate\r\n")
        #expect(try box.run(none).stdout.contains("No sessions started in this range."))
        try box.expectOK(box.run(none + ["--svg", "-"]))
    }

    @Test func badInputAndScopeAreRefusedWithOneLine() throws {
        let box = try reportBox()
        func refused(_ who: String, _ words: [String], _ status: Int32, _ fragment: String?) throws {
            let outcome = try run(box, who, words)
            expectFailure(outcome, status, fragment)
            #expect(outcome.stdout.isEmpty)
            // One line says what is wrong; a usage error adds the usage.
            let lines = outcome.stderr.split(separator: "\n")
            #expect(lines.count == 1 || (status == 64 && lines.count == 2), "\(outcome.stderr)")
            if lines.count == 2 { #expect(lines.last?.hasPrefix("mindbeat: usage: mindbeat ") == true) }
        }
        try refused("ann", ["report", "--by", "year"], 64, "is not one of week, month")
        try refused("ann", ["report", "--json", "--csv"], 64, nil)
        try refused("ann", ["report", "--svg", "-", "--json"], 64, nil)
        try refused("ann", ["report", "--coach", "ann@example.com", "--member", "bo@example.com"], 64, nil)
        try refused("ann", ["report", "--from", "2026-11-01", "--to", "2026-10-01"], 64, "is not before --to")
        try refused("ann", ["report", "--from", "2027-01-01"], 64, "not before now")
        try refused("ann", ["report", "--by", "week", "--from", "2000-01-01"], 64, "more than 1000")
        try refused("ann", ["report", "--coach", "nobody@example.com"], 66, "no coach nobody@example.com")
        try refused("di", ["report", "--member", "bo@example.com"], 66, "no member bo@example.com of yours")
        try refused("di", ["report", "--coach", "ann@example.com"], 66, "no coach ann@example.com")
        try refused("cy", ["report", "--coach", "di@example.com"], 66, "no coach di@example.com")
        try refused("ann", ["report", "--svg", box.root.appendingPathComponent("no/such/dir.svg").path], 74, "cannot write")
        try refused("ann", ["sessions", "log", "abc"], 64, nil)
        try refused("ann", ["report", "--svg", "--json"], 64, "looks like an option")
        // The line manager may count (attendance), but not read a log.
        try box.expectOK(run(box, "cy", ["report", "--coach", "ann@example.com"]))
    }
}
