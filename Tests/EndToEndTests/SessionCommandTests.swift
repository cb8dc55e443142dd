import Foundation
import Testing
import TestSupport

let sessionKeys: Set<String> = [
    "id", "coach", "coach_name", "member", "member_name", "starts_at", "ends_at", "duration_minutes", "status",
    "coach_joined_at", "member_joined_at", "ended_at", "channel", "contact_attempts", "elapsed_seconds", "overdue",
    "sequence", "cancelled_at", "cancelled_by", "cancel_reason", "series",
]
let managerKeys: Set<String> = ["id", "coach", "coach_name", "member", "member_name", "starts_at", "ends_at", "duration_minutes", "status"]

@Suite("Sessions, end to end")
struct SessionCommandTests {
    @Test func theMissedProtocolFromEarlyJoinToMissed() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        #expect(id == "1")
        box.now = "2026-12-01T08:50:00Z"
        let attend = try box.run("attend", id)
        try box.expectOK(attend)
        #expect(attend.stderr.contains("mindbeat: the counter has started"))
        #expect(attend.stderr.contains("end it for Bo Member too"))
        #expect(attend.stderr.contains("will not end it before 09:00 unless Bo joins"))

        box.now = "2026-12-01T08:55:00Z"
        var before = box.dump()
        let early = try box.run("end", id, "--missed")
        expectFailure(early, 1, "wait for Bo until 09:15")
        #expect(early.stderr.contains("mindbeat contact 1 --via email"))
        #expect(early.stderr.split(separator: "\n").count == 1)
        let held = try box.run("end", id, "--held")
        expectFailure(held, 1, "wait until 09:00")
        #expect(box.dump() == before)

        box.now = "2026-12-01T09:06:00Z"
        let contact = try box.run("contact", id, "--via", "email", "--note", "no answer")
        try box.expectOK(contact)
        #expect(contact.stdout.contains("missed is allowed from 09:15"))

        box.now = "2026-12-01T09:10:00Z"
        let status = try box.run("status", id, "--json")
        #expect(status.object["elapsed_seconds"] as? Int == 20 * 60)
        #expect(status.object["contact_attempts"] as? Int == 1)
        let next = status.object["next"] as? [[String: Any]] ?? []
        let missed = try #require(next.first { $0["action"] as? String == "end_missed" })
        #expect(missed["allowed"] as? Bool == false)
        #expect(missed["allowed_from"] as? String == "2026-12-01T09:15:00Z")
        let reasons = missed["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.map { $0["id"] as? String } == ["waiting_period"])
        #expect((reasons.first?["message"] as? String)?.contains("wait for Bo until 09:15") == true)
        #expect(reasons.allSatisfy { Set($0.keys) == ["id", "message"] })
        #expect(Set(missed.keys) == ["action", "allowed", "reasons", "allowed_from"])
        #expect(try box.run("status", id).stdout.contains("counter 00:20:00"))

        box.now = "2026-12-01T09:15:00Z"
        before = box.dump()
        let ended = try box.run("end", id, "--missed")
        try box.expectOK(ended)
        #expect(ended.stdout.contains("ended as missed"))
        #expect(box.dump() != before)
        let shown = try box.run("sessions", "show", id, "--json")
        #expect(shown.object["status"] as? String == "missed")
        #expect(shown.object["ended_at"] as? String == "2026-12-01T09:15:00Z")
        #expect(shown.object["elapsed_seconds"] as? Int == 25 * 60)
        expectFailure(try box.run("attend", id), 1, "already ended")
    }

    @Test func aHeldSessionOnZoomTellsTheFeedbackCommand() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule(member: "ed@example.com", as: "di")
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run(as: "ed", "attend", id))
        try box.expectOK(box.run(as: "di", "attend"))
        try box.expectOK(box.run(as: "ed", "chat", id, "my sound is gone"))
        let zoom = try box.run(as: "di", "switch", id, "--zoom")
        try box.expectOK(zoom)
        #expect(zoom.stdout.contains("https://zoom.example/j/42"))
        let chat = try box.run(as: "ed", "chat", id, "--json")
        #expect(chat.array.map { $0["text"] as? String } == ["my sound is gone", "Let's continue on Zoom: https://zoom.example/j/42"])
        #expect(chat.array.first?["author"] as? String == "ed@example.com")
        #expect(Set(chat.array.first?.keys ?? [:].keys) == ["at", "author", "text"])
        box.now = "2026-12-01T09:58:00Z"
        expectFailure(try box.run(as: "ed", "end", id, "--held"), 77, "only the coach")
        let end = try box.run(as: "di", "end", id, "--held")
        try box.expectOK(end)
        #expect(end.stdout.contains("mindbeat feedback \(id) --rating"))
        let shown = try box.run(as: "di", "sessions", "show", id, "--json")
        #expect(shown.object["channel"] as? String == "zoom")
        #expect(shown.object["status"] as? String == "held")
        #expect(Set(shown.object.keys) == sessionKeys)
    }

    @Test func switchAndContactRefusals() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        box.now = "2026-12-01T09:00:00Z"
        let before = box.dump()
        expectFailure(try box.run("contact", id, "--via", "email"), 1, "not joined")
        expectFailure(try box.run("switch", id, "--platform"), 1, "not in progress")
        #expect(box.dump() == before)
        try box.expectOK(box.run("attend", id))
        expectFailure(try box.run("switch", id, "--zoom"), 1, "no Zoom link")
        let phone = try box.run("switch", id, "--phone")
        try box.expectOK(phone)
        #expect(phone.stdout.contains("+49 170 1234567"))
        try box.expectOK(box.run("switch", id, "--platform"))
        let call = try box.run("contact", id, "--via", "phone")
        #expect(call.stdout.contains("+49 170 1234567"))
        try box.expectOK(box.run("contact", id, "--via", "chat"))
        #expect(try box.run(as: "bo", "chat", id).stdout.contains("is waiting for you"))
        expectFailure(try box.run(as: "bo", "contact", id, "--via", "email"), 77)
        expectFailure(try box.run(as: "bo", "switch", id, "--phone"), 77)
    }

    @Test func listingShowsUpcomingPastAndOverdue() throws {
        let box = try Sandbox()
        try box.seed()
        let first = try box.schedule("2026-12-01T09:00:00Z")
        let second = try box.schedule("2026-12-02T09:00:00Z")
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run("attend", first))
        box.now = "2026-12-01T10:30:00Z"
        let upcoming = try box.run("sessions", "list", "--json")
        #expect(upcoming.array.map { $0["id"] as? Int } == [1, 2])
        #expect(upcoming.array.first?["overdue"] as? Bool == true)
        #expect(upcoming.array.last?["overdue"] as? Bool == false)
        #expect(Set(upcoming.array.first?.keys ?? [:].keys) == sessionKeys)
        #expect(try box.run("sessions", "list").stdout.contains("overdue"))
        try box.expectOK(box.run("end", first, "--held"))
        #expect(try box.run("sessions", "list", "--past", "--json").array.map { $0["id"] as? Int } == [1])
        #expect(try box.run("sessions", "list", "--all", "--from", "2026-12-02", "--json").array.map { $0["id"] as? Int } == [2])
        #expect(try box.run("sessions", "list", "--all", "--to", "2026-12-02T09:00:00Z", "--json").array.map { $0["id"] as? Int } == [1])
        #expect(try box.run("sessions", "list", "--member", "bo@example.com", "--all", "--json").array.count == 2)
        expectFailure(try box.run("sessions", "list", "--member", "ed@example.com"), 66)
        expectFailure(try box.run("sessions", "list", "--past", "--all"), 64, "cannot be used together")
        #expect(try box.run(as: "di", "sessions", "list").stdout.contains("No upcoming sessions"))
        #expect(try box.run(as: "di", "sessions", "list", "--json").stdout == "[]\n")
        _ = second
    }

    @Test func aLineManagerSeesAttendanceOnly() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run("attend", id))
        try box.expectOK(box.run("chat", id, "CHAT-MARKER-7781"))
        box.now = "2026-12-01T09:06:00Z"
        try box.expectOK(box.run("contact", id, "--via", "phone", "--note", "CONTACT-MARKER-1234"))
        let list = try box.run(as: "cy", "sessions", "list", "--json")
        #expect(Set(list.array.first?.keys ?? [:].keys) == managerKeys)
        let show = try box.run(as: "cy", "sessions", "show", id, "--json")
        #expect(Set(show.object.keys) == managerKeys)
        var everything = list.stdout + show.stdout + (try box.run(as: "cy", "sessions", "show", id).stdout)
        for command in [["chat", id], ["status", id], ["attend", id], ["chat", id, "hi"], ["contact", id, "--via", "email"], ["end", id, "--held"], ["switch", id, "--zoom"]] {
            let outcome = try box.run(command, env: ["MINDBEAT_TOKEN": box.tokens["cy"] ?? ""])
            expectFailure(outcome, 77)
            everything += outcome.stdout + outcome.stderr
        }
        #expect(!everything.contains("CHAT-MARKER"))
        #expect(!everything.contains("CONTACT-MARKER"))
        #expect(!everything.contains("contact_attempts"))
        let coachView = try box.run("sessions", "show", id)
        #expect(coachView.stdout.contains("CONTACT-MARKER-1234"))
        #expect(!(try box.run(as: "bo", "sessions", "show", id)).stdout.contains("CONTACT-MARKER"))
    }

    @Test func strangersGetNotFoundExactlyAsForAMissingSession() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        box.now = "2026-12-01T09:00:00Z"
        for command in [["sessions", "show", id], ["attend", id], ["status", id], ["chat", id], ["end", id, "--held"]] {
            let stranger = try box.run(command, env: ["MINDBEAT_TOKEN": try box.token("di")])
            let missing = try box.run(command.map { $0 == id ? "999" : $0 }, env: ["MINDBEAT_TOKEN": try box.token("di")])
            expectFailure(stranger, 66)
            expectFailure(missing, 66)
            #expect(stranger.stderr.replacingOccurrences(of: id, with: "999") == missing.stderr)
        }
    }

    @Test func schedulingRules() throws {
        let box = try Sandbox()
        try box.seed()
        box.environment["TZ"] = "Europe/Berlin"
        let id = try box.run("sessions", "add", "--at", "2026-12-01 10:00", "--member", "bo@example.com", "--duration", "45")
        try box.expectOK(id)
        #expect(id.stdout == "1\n")
        let show = try box.run("sessions", "show", "1", "--json")
        #expect(show.object["starts_at"] as? String == "2026-12-01T09:00:00Z")
        #expect(show.object["ends_at"] as? String == "2026-12-01T09:45:00Z")
        #expect(show.object["duration_minutes"] as? Int == 45)
        #expect(try box.run("sessions", "show", "1").stdout.contains("2026-12-01 10:00–10:45"))
        try box.logIn("cy")
        let before = box.dump()
        expectFailure(try box.run("sessions", "add", "--at", "2026-12-01T09:30:00Z", "--member", "bo@example.com"), 1, "overlaps session 1")
        expectFailure(try box.run("sessions", "add", "--at", "2026-12-01T07:00:00Z", "--member", "bo@example.com"), 1, "in the past")
        expectFailure(try box.run("sessions", "add", "--at", "+1h", "--member", "ed@example.com"), 1, "not the coach of Ed Member")
        expectFailure(try box.run(as: "cy", "sessions", "add", "--at", "+1d", "--member", "bo@example.com"), 77)
        expectFailure(try box.run("sessions", "add", "--at", "2026-03-29 02:30", "--member", "bo@example.com"), 64, "daylight saving")
        expectFailure(try box.run("sessions", "add", "--at", "2026-10-25 02:30", "--member", "bo@example.com"), 64, "twice")
        expectFailure(try box.run("sessions", "add", "--at", "2027-02-29 10:00", "--member", "bo@example.com"), 64, "not a real date")
        expectFailure(try box.run("sessions", "add", "--at", "+1d", "--member", "bo@example.com", "--duration", "1441"), 64, "--duration")
        expectFailure(try box.run("sessions", "add", "--member", "bo@example.com"), 64, "--at")
        #expect(box.dump() == before)
        try box.expectOK(box.run("sessions", "add", "--at", "2026-12-01T09:45:00Z", "--member", "bo@example.com"))
        let memberBooked = try box.run(as: "bo", "sessions", "add", "--at", "+1d")
        try box.expectOK(memberBooked)
        #expect(try box.run("sessions", "show", memberBooked.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--json").object["coach"] as? String == "ann@example.com")
    }

    @Test func anAdminWhoIsNotACoachNamesTheCoach() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run(["users", "add", "--role", "manager", "--name", "Op Admin", "--email", "op@example.com", "--admin", "--password-stdin"], stdin: "op-password\n"))
        expectFailure(try box.run(as: "op", "sessions", "add", "--at", "+1d", "--member", "ed@example.com"), 64, "--coach")
        expectFailure(try box.run(as: "op", "sessions", "add", "--at", "+1d", "--member", "ed@example.com", "--coach", "ann@example.com"), 1, "not the coach")
        try box.expectOK(box.run(as: "op", "sessions", "add", "--at", "+1d", "--member", "ed@example.com", "--coach", "di@example.com"))
    }

    @Test func chatRulesAndInput() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        expectFailure(try box.run("chat", id, "too soon"), 1, "not in progress")
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run(as: "bo", "attend", id))
        try box.expectOK(box.run(["chat", id, "-"], stdin: "from stdin\n"))
        try box.expectOK(box.run("chat", id, "--", "-starts with a dash"))
        expectFailure(try box.run("chat", id, ""), 64, "empty")
        expectFailure(try box.run("chat", id, String(repeating: "x", count: 4097)), 64, "4096")
        try box.expectOK(box.run("chat", id, String(repeating: "é", count: 2048)))
        let messages = try box.run(as: "bo", "chat", id, "--json").array.map { $0["text"] as? String }
        #expect(messages.prefix(2) == ["from stdin", "-starts with a dash"])
        #expect(try box.run("chat", id).stdout.contains("Ann Coach: from stdin"))
    }

    @Test func attendWithoutAnIDAndStatusWithout() throws {
        let box = try Sandbox()
        try box.seed()
        #expect(try box.run("status").stdout.contains("No session"))
        #expect(try box.run("status", "--json").stdout == "null\n")
        let id = try box.schedule()
        expectFailure(try box.run(as: "bo", "attend"), 1, "no session can be attended now")
        box.now = "2026-12-01T08:40:00Z"
        let joined = try box.run(as: "bo", "attend")
        try box.expectOK(joined)
        #expect(joined.stderr.isEmpty)
        let again = try box.run(as: "bo", "attend", id)
        #expect(again.stdout.contains("already in session 1 (joined at 08:40)"))
        #expect(try box.run(as: "bo", "status", "--json").object["member_joined_at"] as? String == "2026-12-01T08:40:00Z")
        #expect(try box.run(as: "bo", "status").stdout.contains("in progress"))
    }

    @Test func helpCallGivesTips() throws {
        let box = try Sandbox()
        let tips = try box.run("help", "call")
        try box.expectOK(tips)
        #expect(tips.stdout.contains("--zoom"))
        #expect(tips.stdout.contains("microphone"))
    }
}

/// Text another program wrote into the database reaches no terminal raw: not
/// on stdout, not in a refusal on stderr, not in JSON.
@Suite("Display of stored text, end to end")
struct StoredTextDisplayTests {
    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func namesWithEscapesAndBidiControlsAreShownSafely() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule()
        try box.logIn("bo")
        _ = try shell("""
            sqlite3 "$DB" "UPDATE accounts SET name = char(27) || ']0;OWNED' || char(7) || char(27) || '[2JBo ' || char(8238) || 'Member' WHERE email = 'bo@example.com'"
            """, environment: ["DB": box.databasePath])
        box.now = "2026-12-01T08:50:00Z"
        try box.expectOK(box.run(as: "ann", "attend", id))
        let outputs = [
            try box.run(as: "ann", "end", id, "--missed"),  // a refusal that names Bo, on stderr
            try box.run(as: "ann", "status", id),
            try box.run(as: "ann", "sessions", "list"),
            try box.run(as: "ann", "members"),
            try box.run(as: "ann", "sessions", "add", "--at", "2026-12-01T09:30:00Z", "--member", "bo@example.com"),
        ]
        #expect(outputs[0].status == 1 && outputs[0].stderr.contains("wait for ?]0;OWNED??[2JBo until 09:15"), "\(outputs[0].stderr)")
        for (index, outcome) in outputs.enumerated() {
            #expect(!outcome.stdout.contains("\u{1B}") && !outcome.stderr.contains("\u{1B}"), "\(index): \(outcome.stdout) \(outcome.stderr)")
            #expect(!outcome.stdout.contains("\u{202E}") && !outcome.stderr.contains("\u{202E}"))
            #expect(!outcome.stdout.contains("\u{7}") && !outcome.stderr.contains("\u{7}"))
        }
        let json = try box.run(as: "ann", "sessions", "show", id, "--json")
        #expect(json.stdout.contains("\\u001b]0;OWNED\\u0007") && json.stdout.contains("\\u202e"), "\(json.stdout)")
        #expect(json.object["member_name"] as? String == "\u{1B}]0;OWNED\u{7}\u{1B}[2JBo \u{202E}Member")
    }
}
