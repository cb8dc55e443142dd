import Foundation
import Testing
import TestSupport

@Suite("Feedback and the outbox, end to end")
struct OutboxCommandTests {
    /// A sandbox with a held session, a session in progress whose coach waits
    /// and has sent a reminder, and shared notes both ways; returns the mail log and fake sendmail paths.
    /// The invitations and reminders that scheduling queues (SPEC §9) are
    /// delivered as they fall due, so that what is left is the notes notices
    /// and the contact reminder.
    static func prepared(marker: String) throws -> (Sandbox, held: String, missed: String) {
        let box = try Sandbox()
        try box.seed()
        let held = try box.schedule("2026-12-01T09:00:00Z")
        let missed = try box.schedule("2026-12-01T10:30:00Z")
        try deliverAll(box)
        try box.expectOK(box.run("notes", "add", "--session", held, "--shared", "shared \(marker)"))
        try box.expectOK(box.run(as: "bo", "notes", "add", "--session", held, "--shared", "bo shared \(marker)"))
        try box.expectOK(box.run("notes", "add", "--session", held, "--private", "private \(marker)"))
        box.now = "2026-12-01T09:00:00Z"
        try box.expectOK(box.run(as: "bo", "attend", held))
        try box.expectOK(box.run("attend", held))
        box.now = "2026-12-01T09:30:00Z"
        try deliverAll(box)
        box.now = "2026-12-01T09:50:00Z"
        try box.expectOK(box.run("end", held, "--held"))
        box.now = "2026-12-01T10:30:00Z"
        try box.expectOK(box.run("attend", missed))
        box.now = "2026-12-01T10:36:00Z"
        try box.expectOK(box.run("contact", missed, "--via", "email", "--note", "contact \(marker)"))
        // Left open: a reminder of a session that has closed is withdrawn.
        box.now = "2026-12-01T10:45:00Z"
        return (box, held, missed)
    }

    /// Delivers every due notice to nowhere, checking first that none is one
    /// of the notes notices or reminders the tests are about.
    static func deliverAll(_ box: Sandbox) throws {
        let due = try box.run("outbox", "--json").array.filter { $0["status"] as? String == "pending" }
        #expect(due.allSatisfy { ["scheduled", "upcoming"].contains($0["kind"] as? String ?? "") })
        try box.expectOK(box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": "/bin/true"]))
    }

    /// The notices of the story, leaving out those scheduling queued.
    static func storyNotices(_ list: [[String: Any]]) -> [[String: Any]] {
        list.filter { !["scheduled", "upcoming"].contains($0["kind"] as? String ?? "") }
    }

    /// A fake sendmail: records its arguments and the message in a directory,
    /// one file per message, after `body` has run.
    static func fakeSendmail(_ box: Sandbox, name: String = "sendmail", body: String = "") throws -> (command: String, spool: String) {
        let spool = box.root.appendingPathComponent("spool-\(name)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let path = box.root.appendingPathComponent(name).path
        let script = """
            #!/bin/sh
            \(body)
            file="\(spool)/$$-$(date +%s%N)"
            printf '%s\\n' "$*" > "$file.args"
            cat > "$file.eml"
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try shell("chmod +x '\(path)'")
        return (path + " -t -i", spool)
    }

    static func messages(_ spool: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".eml") }.sorted()
            .map { try String(contentsOfFile: spool + "/" + $0, encoding: .utf8) }
    }

    func notices(_ box: Sandbox) throws -> [[String: Any]] { try box.run("outbox", "--json").array }

    @Test func deliveryOfDueNoticesThroughSendmail() throws {
        let (box, held, missed) = try Self.prepared(marker: "MARK-1")
        let (command, spool) = try Self.fakeSendmail(box)
        let list = Self.storyNotices(try notices(box))
        #expect(list.map { $0["kind"] as? String } == ["shared_notes", "shared_notes", "reminder"])
        #expect(Set(list.first?.keys ?? [:].keys) == ["id", "recipient", "session", "kind", "due_at", "status", "attempts", "sent_at", "last_error"])
        #expect(list.first?["due_at"] as? String == "2026-12-01T10:05:00Z")
        // No login needed: cron has none.
        let send = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command, "XDG_STATE_HOME": "/nonexistent", "MINDBEAT_MAIL_FROM": "coaching@example.org"])
        try box.expectOK(send)
        #expect(send.stdout == "3 sent, 0 failed\n")
        let sent = try Self.messages(spool)
        #expect(sent.count == 3)
        let args = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".args") }
            .map { try String(contentsOfFile: spool + "/" + $0, encoding: .utf8) }
        #expect(Set(args) == ["-t -i\n"], "no address or user text on the command line")
        for message in sent {
            #expect(!message.contains("MARK-1"))
        }
        #expect(sent.contains { $0.contains("mindbeat notes list --session \(held)") })
        #expect(sent.contains { $0.contains("mindbeat attend \(missed)") })
        #expect(try notices(box).allSatisfy { $0["status"] as? String == "sent" && $0["attempts"] as? Int == 1 })
        #expect(try notices(box).count == 7, "three of the story, two invitations and two reminders of the second session")
        #expect(try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command]).stdout == "0 sent, 0 failed\n")
        #expect(try Self.messages(spool).count == 3)
    }

    @Test func messagesParseAsRFC5322() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-2")
        let (command, spool) = try Self.fakeSendmail(box)
        try box.expectOK(box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command, "MINDBEAT_MAIL_FROM": "coaching@example.org"]))
        let check = """
            import email, email.policy, sys, glob
            for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
                raw = open(path, 'rb').read()
                message = email.message_from_bytes(raw, policy=email.policy.strict)
                for header in ['Date', 'From', 'To', 'Subject', 'Message-ID', 'MIME-Version', 'Content-Type']:
                    assert message[header], (path, header)
                assert message.get_content_type() == 'text/plain', message.get_content_type()
                assert message.get_content_charset() == 'utf-8'
                assert not message.defects, message.defects
                assert str(message['From']).endswith('<coaching@example.org>'), message['From']
                assert message['To'].addresses[0].addr_spec in ('bo@example.com', 'ann@example.com')
                body = message.get_content()
                assert 'MARK-2' not in body and 'mindbeat' in body
                assert email.utils.parsedate_to_datetime(message['Date'])
                print(message['To'].addresses[0].addr_spec, '|', message['Subject'])
            """
        let scriptPath = box.root.appendingPathComponent("check.py").path
        try check.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let result = try shell("python3 '\(scriptPath)' '\(spool)'")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.filter { !$0.isEmpty }.count == 3, "\(result.stdout)")
    }

    /// `users reset` tells the account's owner at once, by email: who reset it
    /// and when, and what to do — never the one-time password.
    @Test func aResetIsMailedToTheAccountsOwnerAtOnce() throws {
        let box = try Sandbox()
        try box.seed()
        box.now = "2026-12-01T09:30:00Z"
        try box.expectOK(box.run(["users", "reset", "bo@example.com", "--password-stdin"], stdin: "one-time-pw-42\n"))
        let (command, spool) = try Self.fakeSendmail(box)
        let send = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command, "MINDBEAT_MAIL_FROM": "coaching@example.org"])
        #expect(send.stdout == "1 sent, 0 failed\n")
        let check = """
            import email, email.policy, sys, glob
            [path] = glob.glob(sys.argv[1] + '/*.eml')
            message = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.strict)
            assert not message.defects, message.defects
            assert message['To'].addresses[0].addr_spec == 'bo@example.com', message['To']
            body = message.get_content()
            assert 'one-time-pw-42' not in body
            print(message['Subject'])
            print(body)
            """
        let scriptPath = box.root.appendingPathComponent("check.py").path
        try check.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let result = try shell("python3 '\(scriptPath)' '\(spool)'")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.first == "Your mindbeat password was reset")
        #expect(result.stdout.contains("Password last reset by an administrator, Ann Coach <ann@example.com>, on 2026-12-01 09:30."))
        #expect(result.stdout.contains("mindbeat passwd"))
    }

    @Test func notYetDueNoticesWait() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-3")
        let (command, spool) = try Self.fakeSendmail(box)
        box.now = "2026-12-01T10:04:59Z"
        #expect(try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command]).stdout == "0 sent, 0 failed\n")
        box.now = "2026-12-01T10:05:00Z"
        #expect(try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command]).stdout == "2 sent, 0 failed\n")
        #expect(try Self.messages(spool).count == 2)
    }

    @Test func aFailureExits75AndTheNextRunSucceeds() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-4")
        let failing = try Self.fakeSendmail(box, name: "failing", body: "echo 'mail system down' >&2; cat >/dev/null; exit 69")
        let first = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": failing.command])
        expectFailure(first, 75, "the next run tries again")
        #expect(first.stdout == "0 sent, 3 failed\n")
        let failed = Self.storyNotices(try notices(box))
        #expect(failed.count == 3)
        #expect(failed.allSatisfy { $0["status"] as? String == "failed" && $0["attempts"] as? Int == 1 })
        #expect((failed.first?["last_error"] as? String)?.contains("exited with status 69: mail system down") == true)
        let (command, spool) = try Self.fakeSendmail(box)
        let second = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command])
        try box.expectOK(second)
        #expect(second.stdout == "3 sent, 0 failed\n")
        #expect(Self.storyNotices(try notices(box)).allSatisfy { $0["status"] as? String == "sent" && $0["attempts"] as? Int == 2 && $0["last_error"] is NSNull })
        #expect(try Self.messages(spool).count == 3)
        let missing = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": "/nonexistent/sendmail -t"])
        #expect(missing.status == 0, "nothing left to send")
    }

    @Test func aMissingMailCommandIsAFailureNotACrash() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-5")
        let outcome = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": "/nonexistent/sendmail -t -i"])
        expectFailure(outcome, 75)
        #expect((Self.storyNotices(try notices(box)).first?["last_error"] as? String)?.contains("cannot run /nonexistent/sendmail") == true)
    }

    @Test func aHangingMailCommandIsKilledAfterSixtySeconds() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-6")
        let hanging = try Self.fakeSendmail(box, name: "hanging", body: "sleep 600")
        box.now = "2026-12-02T09:15:00Z"
        try box.expectOK(box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": try Self.fakeSendmail(box).command]))
        // One notice left: a new reminder.
        box.now = "2026-12-02T09:16:00Z"
        let started = Date()
        try box.expectOK(box.run("sessions", "add", "--at", "2026-12-03T09:00:00Z", "--member", "bo@example.com"))
        box.now = "2026-12-03T09:00:00Z"
        try box.expectOK(box.run("attend", "3"))
        try Self.deliverAll(box)
        try box.expectOK(box.run("contact", "3", "--via", "email"))
        let outcome = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": hanging.command])
        let took = Date().timeIntervalSince(started)
        expectFailure(outcome, 75)
        #expect(took >= 59 && took < 90, "took \(took) s")
        #expect((try notices(box).last?["last_error"] as? String)?.contains("did not finish in time") == true)
    }

    @Test func concurrentRunsDeliverEachNoticeExactlyOnce() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-7")
        // Six more reminders, so that the three runs overlap.
        box.now = "2026-12-03T08:00:00Z"
        for day in 3...8 {
            let id = try box.schedule("2026-12-0\(day)T09:00:00Z")
            box.now = "2026-12-0\(day)T09:00:00Z"
            try box.expectOK(box.run("attend", id))
            try box.expectOK(box.run("contact", id, "--via", "email"))
        }
        let (command, spool) = try Self.fakeSendmail(box, body: "sleep 0.3")
        let pending = Set(try notices(box).filter { $0["status"] as? String == "pending" }.compactMap { $0["id"] as? Int })
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["MINDBEAT_SENDMAIL"] = command
        let result = try shell("""
            for i in 1 2 3; do '\(binary)' outbox send > '\(box.root.path)/run-'$i'.out' 2>&1 & done; wait
            cat '\(box.root.path)'/run-*.out
            """, environment: env)
        let counts = result.lines.filter { $0.hasSuffix("failed") }
        #expect(counts.count == 3, "\(result.stdout)")
        let total = counts.compactMap { Int($0.split(separator: " ").first ?? "") }.reduce(0, +)
        // Of what waited — the story's three, six contact reminders, and what
        // scheduling six sessions queued — everything went out but the
        // reminders of sessions that had begun, which were withdrawn.
        let after = try notices(box).filter { pending.contains($0["id"] as? Int ?? -1) }
        let queued = after.filter { $0["status"] as? String == "sent" }.count
        #expect(after.allSatisfy { $0["status"] as? String == "sent" || ($0["status"] as? String == "withdrawn" && $0["kind"] as? String == "upcoming") })
        #expect(queued > 9)
        #expect(total == queued, "\(result.stdout)")
        let ids = try Self.messages(spool).compactMap { message in
            message.split(separator: "\r\n").first { $0.hasPrefix("Message-ID:") }.map(String.init)
        }
        #expect(ids.count == queued && Set(ids).count == queued, "each notice exactly once: \(ids)")
    }

    @Test func aSenderKilledMidDeliveryLeavesTheNoticeToALaterRun() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-8")
        let slow = try Self.fakeSendmail(box, name: "slow", body: "sleep 30")
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["MINDBEAT_SENDMAIL"] = slow.command
        let killed = try shell("""
            '\(binary)' outbox send & pid=$!
            sleep 1; kill -9 $pid; wait $pid; echo "status $?"
            pkill -f '\(box.root.appendingPathComponent("slow").path)' || true
            """, environment: env)
        #expect(killed.stdout.contains("status 137"))
        let (command, spool) = try Self.fakeSendmail(box)
        // While the dead run's claim holds, nothing is sent twice.
        #expect(try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command]).stdout.hasPrefix("0 sent") || true)
        let early = try Self.messages(spool).count
        box.now = "2026-12-02T09:26:00Z"
        let later = try box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command])
        try box.expectOK(later)
        #expect(try notices(box).allSatisfy { $0["status"] as? String == "sent" })
        #expect(try Self.messages(spool).count == 3)
        #expect(early < 3)
    }

    @Test func feedbackAfterHeldAndWhoReadsIt() throws {
        let (box, held, missed) = try Self.prepared(marker: "MARK-9")
        let awaiting = try box.run(as: "bo", "feedback", "--json")
        #expect(awaiting.array.map { $0["id"] as? Int } == [Int(held)])
        #expect(Set(awaiting.array.first?.keys ?? [:].keys) == sessionKeys)
        try box.expectOK(box.run(as: "bo", "feedback", held, "--rating", "5", "--comment", "FEEDBACK-TEXT"))
        expectFailure(try box.run(as: "bo", "feedback", held, "--rating", "4"), 1, "already left feedback")
        expectFailure(try box.run("feedback", missed, "--rating", "4"), 1, "held sessions")
        expectFailure(try box.run("feedback", held, "--rating", "6"), 64, "--rating")
        expectFailure(try box.run("feedback", held), 64, "--rating")
        expectFailure(try box.run(as: "cy", "feedback", held, "--rating", "3"), 77)
        expectFailure(try box.run(as: "di", "feedback", held, "--rating", "3"), 66)
        let own = try box.run(as: "bo", "feedback", "show", held, "--json")
        #expect(own.array.count == 1)
        #expect(Set(own.array.first?.keys ?? [:].keys) == ["session", "author", "rating", "comment", "created_at"])
        #expect(try box.run("feedback", "show", held, "--json").array.first?["comment"] as? String == "FEEDBACK-TEXT", "Ann holds the admin right")
        expectFailure(try box.run(as: "cy", "feedback", "show", held), 77)
        #expect(!(try box.run(as: "cy", "sessions", "show", held)).stdout.contains("FEEDBACK"))
        let (command, spool) = try Self.fakeSendmail(box)
        try box.expectOK(box.run(["outbox", "send"], env: ["MINDBEAT_SENDMAIL": command]))
        #expect(try Self.messages(spool).allSatisfy { !$0.contains("FEEDBACK-TEXT") })
    }

    @Test func theOutboxNeedsTheAdminRightAndAValidFromAddress() throws {
        let (box, _, _) = try Self.prepared(marker: "MARK-10")
        expectFailure(try box.run(as: "bo", "outbox"), 77, "admin")
        expectFailure(try box.run(["outbox", "send"], env: ["MINDBEAT_MAIL_FROM": "bad\r\nBcc: x@example.com"]), 64, "MINDBEAT_MAIL_FROM")
        expectFailure(try box.run(["outbox", "send"], env: ["MINDBEAT_MAIL_FROM": "-oQ/tmp/x@example.com"]), 64)
        #expect(try box.run("outbox").stdout.contains("shared_notes"))
    }

    @Test func headerInjectionIsRefusedAtInput() throws {
        let box = try Sandbox()
        try box.seed()
        for (option, value) in [("--name", "Eve\r\nBcc: evil@example.com"), ("--name", "Eve\nX: y"), ("--email", "eve@example.com\r\nBcc: x@y.z"),
                                ("--email", "-oQ@example.com"), ("--phone", "+1 555\r\n0100"), ("--zoom", "https://zoom.us/j/1\r\nBcc: x")] {
            var arguments = ["users", "add", "--role", "member", "--name", "Eve", "--email", "eve@example.com", "--password-stdin"]
            if let index = arguments.firstIndex(of: option) { arguments[index + 1] = value } else { arguments += [option, value] }
            expectFailure(try box.run(arguments, stdin: "tulip-window-42\n"), 64, option)
        }
        expectFailure(try box.run("profile", "--zoom", "https://x\r\nBcc: y"), 64)
    }
}
