import Foundation
import Testing
import TestSupport

/// Runs a Python script with Debian's own interpreter (where python3-icalendar
/// is installed) on the given arguments.
func python(_ box: Sandbox, _ script: String, _ arguments: String...) throws -> Outcome {
    let path = box.root.appendingPathComponent("check-\(UUID().uuidString).py").path
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    return try shell((["/usr/bin/python3", path] + arguments).map(shellQuoted).joined(separator: " "))
}

/// The scheduling life cycle (SPEC §9) and calendars (§10), through the
/// built binary.
@Suite("Cancel, reschedule, series, the bank and calendars, end to end")
struct ScheduleCommandTests {
    @Test func theMemberCancelsLateAndTheBankDrops() throws {
        let box = try Sandbox()
        try box.seed()
        try box.expectOK(box.run("users", "bank", "bo@example.com", "--sessions", "5"))
        let id = try box.schedule("2026-12-02T07:00:00Z")
        var bank = try box.run("members", "--json").array.first { $0["email"] as? String == "bo@example.com" }?["bank"] as? [String: Any]
        #expect(bank?["used"] as? Int == 0 && bank?["scheduled"] as? Int == 1 && bank?["remaining"] as? Int == 4)

        let cancel = try box.run(as: "bo", "sessions", "cancel", id)
        try box.expectOK(cancel)
        #expect(cancel.stdout.contains("cancelled late"))
        #expect(cancel.stdout.contains("used one session of your bank: 4 left"))
        let members = try box.run("members", "--json").array
        let bo = try #require(members.first { $0["email"] as? String == "bo@example.com" })
        bank = bo["bank"] as? [String: Any]
        #expect(bank?["sessions"] as? Int == 5 && bank?["used"] as? Int == 1 && bank?["scheduled"] as? Int == 0)
        #expect(bank?["remaining"] as? Int == 4)
        #expect(bo["changes"] as? Int == 1 && bo["flagged"] as? Bool == false)
        let text = try box.run("members")
        #expect(text.stdout.contains("4 of 5 left"))

        let shown = try box.run("sessions", "show", id, "--json").object
        #expect(shown["status"] as? String == "late_cancelled")
        #expect(shown["cancelled_by"] as? String == "bo@example.com")
        #expect(shown["cancelled_at"] as? String == "2026-12-01T08:00:00Z")
        #expect(shown["sequence"] as? Int == 1)
        #expect(shown["cancel_reason"] is NSNull && shown["series"] is NSNull)
    }

    @Test func theCoachCannotCancelWithoutAReasonAndNothingIsWritten() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule("2026-12-05T09:00:00Z")
        try box.logIn("di", "cy", "bo")
        let before = box.dump()
        expectFailure(try box.run("sessions", "cancel", id), 64, "--reason")
        // Checked right after login: Di, not a party, hears the same.
        expectFailure(try box.run(as: "di", "sessions", "cancel", id), 64, "--reason")
        expectFailure(try box.run(as: "di", "sessions", "cancel", id, "--reason", "x"), 66)
        expectFailure(try box.run(as: "cy", "sessions", "cancel", id), 77)
        expectFailure(try box.run(as: "cy", "sessions", "reschedule", id, "--at", "2026-12-06T09:00:00Z"), 77)
        expectFailure(try box.run("sessions", "cancel", id, "--reason", "  "), 64, "--reason")
        expectFailure(try box.run("sessions", "cancel", "0", "--reason", "x"), 64)
        #expect(box.dump() == before)
        // Ann, an admin, sees of Di's session what a line manager sees, and may move it.
        let theirs = try box.schedule("2026-12-06T09:00:00Z", member: "ed@example.com", as: "di")
        let shown = try box.run("sessions", "show", theirs, "--json")
        #expect(Set(shown.object.keys) == managerKeys)
        expectFailure(try box.run("chat", theirs), 66)
        let beforeMove = box.dump()
        try box.expectOK(box.run("sessions", "reschedule", theirs, "--at", "2026-12-06T10:00:00Z"))
        #expect(box.dump() != beforeMove)
    }

    @Test func aCancelledSessionCannotBeAttendedAndAManagerSeesOnlyItsStatus() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.schedule("2026-12-01T09:00:00Z")
        let reason = "Private-reason-7781: my father is in hospital"
        let cancel = try box.run("sessions", "cancel", id, "--reason", reason)
        try box.expectOK(cancel)
        #expect(cancel.stdout.contains("cancelled late") && cancel.stdout.contains("Bo will be told by email"))
        #expect(!cancel.stdout.contains("Private-reason"))
        box.now = "2026-12-01T08:55:00Z"
        expectFailure(try box.run(as: "bo", "attend", id), 1, "cancelled")
        expectFailure(try box.run("sessions", "cancel", id, "--reason", "again"), 1, "late cancelled")

        let member = try box.run(as: "bo", "sessions", "show", id, "--json").object
        #expect(member["cancel_reason"] as? String == reason)
        let manager = try box.run(as: "cy", "sessions", "show", id, "--json")
        #expect(manager.object["status"] as? String == "late_cancelled")
        #expect(Set(manager.object.keys) == managerKeys)
        for words in [["sessions", "show", id], ["sessions", "list", "--past"], ["sessions", "list", "--past", "--json"],
                      ["members"], ["members", "--json"], ["calendar"]] {
            let outcome = try box.run(["--db", box.databasePath] + words, env: ["MINDBEAT_TOKEN": try box.token("cy")])
            try box.expectOK(outcome)
            #expect(!outcome.stdout.contains("Private-reason"), "\(words)")
            #expect(!outcome.stdout.contains("bank") && !outcome.stdout.contains("flagged"), "\(words)")
        }
        #expect(try box.run(as: "cy", "sessions", "list", "--past").stdout.contains("late cancelled"))
        let outbox = try box.run("outbox", "--json")
        #expect(!outbox.stdout.contains("Private-reason"))
        #expect(outbox.array.contains { $0["kind"] as? String == "cancelled" && $0["recipient"] as? String == "bo@example.com" })
    }

    @Test func aSeriesKeepsTheLocalTimeAcrossDaylightSavingAndIsAllOrNothing() throws {
        let box = try Sandbox()
        try box.seed()
        box.now = "2027-03-01T08:00:00Z"
        // Months later: the login of December has expired.
        try box.expectOK(box.run(["login", "ann@example.com", "--password-stdin"], stdin: "ann-password\n"))
        let berlin = ["TZ": "Europe/Berlin"]
        let series = try box.run(["sessions", "add", "--at", "2027-03-16 10:00", "--member", "bo@example.com",
                                  "--every", "week", "--count", "3"], env: berlin)
        try box.expectOK(series)
        #expect(series.lines.filter { !$0.isEmpty } == ["1", "2", "3"])
        let listed = try box.run("sessions", "list", "--json").array
        #expect(listed.map { $0["starts_at"] as? String } == ["2027-03-16T09:00:00Z", "2027-03-23T09:00:00Z", "2027-03-30T08:00:00Z"])
        #expect(listed.map { $0["series"] as? Int } == [1, 1, 1])

        let before = box.dump()
        // 02:30 on 28 March 2027 does not exist in Berlin: the whole series is an invalid TIME.
        let gap = try box.run(["sessions", "add", "--at", "2027-03-21 02:30", "--member", "bo@example.com",
                               "--every", "week", "--count", "4"], env: berlin)
        expectFailure(gap, 64, "does not exist")
        #expect(gap.stdout.isEmpty)
        // One overlap (with session 2) refuses the whole series.
        let overlap = try box.run(["sessions", "add", "--at", "2027-03-09 10:30", "--member", "bo@example.com",
                                   "--every", "2weeks", "--count", "2"], env: berlin)
        expectFailure(overlap, 1, "overlaps session 2")
        expectFailure(try box.run("sessions", "add", "--at", "+1d", "--member", "bo@example.com", "--count", "3"), 64, "--every")
        expectFailure(try box.run("sessions", "add", "--at", "+1d", "--member", "bo@example.com", "--every", "week"), 64, "--count")
        expectFailure(try box.run("sessions", "add", "--at", "+1d", "--member", "bo@example.com", "--every", "week", "--count", "53"), 64)
        expectFailure(try box.run("sessions", "add", "--at", "+1d", "--member", "bo@example.com", "--every", "day", "--count", "3"), 64)
        #expect(box.dump() == before)
    }

    @Test func theBankRefusesSchedulingOnceUsedUp() throws {
        let box = try Sandbox()
        try box.seed()
        expectFailure(try box.run(as: "di", "users", "bank", "ed@example.com", "--sessions", "2"), 77)
        expectFailure(try box.run("users", "bank", "ed@example.com", "--sessions", "0"), 64)
        expectFailure(try box.run("users", "bank", "di@example.com", "--sessions", "2"), 1, "not a member")
        expectFailure(try box.run("users", "bank", "nobody@example.com", "--sessions", "2"), 66)
        let set = try box.run("users", "bank", "bo@example.com", "--sessions", "2")
        try box.expectOK(set)
        #expect(set.stdout.contains("2 sessions in the bank"))
        _ = try box.schedule("2026-12-02T09:00:00Z")
        let series = try box.run("sessions", "add", "--at", "2026-12-03T09:00:00Z", "--member", "bo@example.com",
                                 "--every", "week", "--count", "2")
        expectFailure(series, 1, "only 1 left in Bo's bank")
        let second = try box.schedule("2026-12-03T09:00:00Z")
        expectFailure(try box.run(as: "bo", "sessions", "add", "--at", "2026-12-04T09:00:00Z"), 1, "no sessions left in Bo's bank")
        // A reschedule books nothing new: not refused.
        try box.expectOK(box.run(as: "bo", "sessions", "reschedule", second, "--at", "2026-12-04T09:00:00Z"))
    }

    @Test func rescheduleKeepsTheIdAndTheThirdChangeFlags() throws {
        let box = try Sandbox()
        try box.seed()
        let ids = try ["2026-12-05T09:00:00Z", "2026-12-06T09:00:00Z", "2026-12-07T09:00:00Z"].map { try box.schedule($0) }
        let moved = try box.run(as: "bo", "sessions", "reschedule", ids[0], "--at", "2026-12-08 11:00", "--duration", "45")
        try box.expectOK(moved)
        #expect(moved.stdout.contains("Session \(ids[0]) moved to 2026-12-08 11:00–11:45"))
        let shown = try box.run("sessions", "show", ids[0], "--json").object
        #expect(shown["starts_at"] as? String == "2026-12-08T11:00:00Z" && shown["duration_minutes"] as? Int == 45)
        #expect(shown["sequence"] as? Int == 1 && shown["status"] as? String == "scheduled")
        expectFailure(try box.run(as: "bo", "sessions", "reschedule", ids[1], "--at", "2026-11-30T09:00:00Z"), 1, "in the past")
        try box.expectOK(box.run(as: "bo", "sessions", "cancel", ids[1]))
        let third = try box.run(as: "bo", "sessions", "cancel", ids[2])
        try box.expectOK(third)
        #expect(third.stdout.contains("third change"))
        let bo = try box.run("members", "--json").array.first { $0["email"] as? String == "bo@example.com" }
        #expect(bo?["changes"] as? Int == 3 && bo?["flagged"] as? Bool == true)
        #expect(try box.run("members").stdout.contains("flagged"))
        let flagged = try box.run("outbox", "--json").array.filter { $0["kind"] as? String == "flagged" }
        #expect(flagged.map { $0["recipient"] as? String } == ["ann@example.com"])
    }

    /// The calendar, parsed by Python's icalendar: every property the
    /// contract names, CRLF, folding, escaping, a stable UID and a growing
    /// SEQUENCE.
    @Test func theCalendarParsesAndFollowsTheSessionThroughItsLife() throws {
        let box = try Sandbox()
        try box.seed()
        // A 200-character name of two-byte letters and the characters TEXT escapes.
        let name = "Zoë, the ; \\ Member " + String(repeating: "é", count: 180)
        #expect(name.count == 200)
        try box.expectOK(box.run(["users", "add", "--role", "member", "--name", name, "--email", "zoe@example.com",
                                  "--password-stdin"], stdin: "zoe-password-long\n"))
        let id = try box.schedule("2026-12-05T09:00:00Z", member: "zoe@example.com")
        let other = try box.schedule("2026-12-06T09:00:00Z")
        let first = box.root.appendingPathComponent("first.ics").path
        let second = box.root.appendingPathComponent("second.ics").path
        FileManager.default.createFile(atPath: first, contents: nil)
        FileManager.default.createFile(atPath: second, contents: nil)
        let output = try box.run(["calendar"], stdoutPath: first)
        try box.expectOK(output)
        try box.expectOK(box.run("sessions", "reschedule", id, "--at", "2026-12-05T10:00:00Z"))
        try box.expectOK(box.run("sessions", "cancel", other, "--reason", "sorry"))
        try box.expectOK(box.run(["calendar"], stdoutPath: second))
        let script = """
            import re, sys, icalendar
            first, second, name, moved, cancelled = sys.argv[1:]
            for path in (first, second):
                raw = open(path, 'rb').read()
                assert raw.endswith(b'\\r\\n') and b'\\n' not in raw.replace(b'\\r\\n', b''), 'bare LF'
                for line in raw.split(b'\\r\\n'):
                    assert len(line) <= 75, (len(line), line)
                    line.decode('utf-8')  # every folded line is whole UTF-8
            def events(path):
                calendar = icalendar.Calendar.from_ical(open(path, 'rb').read())
                assert str(calendar['VERSION']) == '2.0' and calendar['PRODID'] and str(calendar['CALSCALE']) == 'GREGORIAN'
                assert str(calendar['METHOD']) == 'PUBLISH'
                found = {}
                for event in calendar.walk('VEVENT'):
                    for prop in ('UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY', 'SEQUENCE', 'STATUS', 'ORGANIZER', 'ATTENDEE', 'DESCRIPTION'):
                        assert prop in event, prop
                    assert event.decoded('DTSTART').utcoffset().total_seconds() == 0
                    assert event['DTSTART'].to_ical().endswith(b'Z')
                    found[re.search(r'mindbeat attend ([0-9]+)', str(event['DESCRIPTION'])).group(1)] = event
                return found
            before, after = events(first), events(second)
            zoe = after[moved]
            assert str(zoe['SUMMARY']) == 'Coaching: Ann Coach with ' + name, str(zoe['SUMMARY'])
            assert str(zoe['ORGANIZER']) == 'mailto:ann@example.com' and str(zoe['ATTENDEE']) == 'mailto:zoe@example.com'
            assert str(zoe['UID']) == str(before[moved]['UID'])
            assert int(before[moved]['SEQUENCE']) == 0 and int(zoe['SEQUENCE']) == 1
            assert zoe.decoded('DTSTART').isoformat() == '2026-12-05T10:00:00+00:00'
            assert str(zoe['STATUS']) == 'CONFIRMED'
            assert str(after[cancelled]['STATUS']) == 'CANCELLED' and int(after[cancelled]['SEQUENCE']) == 1
            assert str(before[cancelled]['STATUS']) == 'CONFIRMED'
            assert str(after[cancelled]['UID']) != str(zoe['UID'])
            assert '\\n' in str(zoe['DESCRIPTION'])
            print('ok')
            """
        let result = try python(box, script, first, second, name, id, other)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok\n")
        let raw = try String(contentsOfFile: first, encoding: .utf8)
        let unfolded = raw.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:Coaching: Ann Coach with Zoë\\, the \\; \\\\ Member éé"))
        #expect(unfolded.contains("\\nDetails: mindbeat sessions show \(id)\r\n"))

        // Another database: another UID for session 1.
        let elsewhere = try Sandbox()
        try elsewhere.seed()
        _ = try elsewhere.schedule("2026-12-05T09:00:00Z")
        let uid = { (text: String) in text.split(separator: "\r\n").first { $0.hasPrefix("UID:") }.map(String.init) }
        #expect(uid(try elsewhere.run("calendar").stdout) != uid(raw))
        // A line manager: attendance only, no description.
        let manager = try box.run(as: "cy", "calendar")
        try box.expectOK(manager)
        #expect(manager.stdout.contains("UID:") && !manager.stdout.contains("DESCRIPTION"))
        #expect(try box.run(as: "di", "calendar").stdout.contains("END:VCALENDAR\r\n"))
        #expect(!(try box.run(as: "di", "calendar").stdout.contains("BEGIN:VEVENT")))
        #expect(try box.run("calendar", "--from", "2026-12-06").stdout.components(separatedBy: "BEGIN:VEVENT").count == 2)
    }

    /// The invitations in the scheduled, rescheduled and cancelled emails,
    /// parsed with Python's email package and icalendar.
    @Test func theInvitationEmailsCarryTheCalendarPartWithTheRightMethod() throws {
        let box = try Sandbox()
        try box.seed()
        let id = try box.run(as: "bo", "sessions", "add", "--at", "2026-12-05T09:00:00Z").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try box.expectOK(box.run("sessions", "reschedule", id, "--at", "2026-12-05T11:00:00Z"))
        let (command, spool) = try OutboxCommandTests.fakeSendmail(box)
        // The first invitation is withdrawn by the reschedule; two go out.
        let send = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command])
        #expect(send.stdout == "1 sent, 0 failed\n")
        try box.expectOK(box.run(as: "bo", "sessions", "cancel", id))
        let again = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command])
        #expect(again.stdout == "1 sent, 0 failed\n")
        let statuses = try box.run("outbox", "--json").array.filter { ($0["kind"] as? String) != "upcoming" }
            .map { "\($0["kind"] ?? "")/\($0["recipient"] ?? "")/\($0["status"] ?? "")" }
        #expect(statuses == ["scheduled/ann@example.com/withdrawn", "rescheduled/bo@example.com/sent",
                             "cancelled/ann@example.com/sent"])
        let script = """
            import email, email.policy, glob, sys, icalendar
            seen = []
            for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
                message = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.strict)
                assert not message.defects, message.defects
                assert message.get_content_type() == 'multipart/alternative', message.get_content_type()
                parts = list(message.iter_parts())
                assert [p.get_content_type() for p in parts] == ['text/plain', 'text/calendar'], parts
                assert 'mindbeat' in parts[0].get_content()
                method = parts[1].get_param('method')
                calendar = icalendar.Calendar.from_ical(parts[1].get_content())
                assert str(calendar['METHOD']) == method
                [event] = calendar.walk('VEVENT')
                seen.append((message['To'].addresses[0].addr_spec, method, int(event['SEQUENCE']), str(event['STATUS']), str(event['UID'])))
            assert len(set(uid for *_, uid in seen)) == 1, seen
            for to, method, sequence, status, _ in sorted(seen, key=lambda s: s[2]):
                print(to, method, sequence, status)
            """
        let result = try python(box, script, spool)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.filter { !$0.isEmpty } == ["bo@example.com REQUEST 1 CONFIRMED", "ann@example.com CANCEL 2 CANCELLED"])
    }
}
