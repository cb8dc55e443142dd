import Testing
import TestSupport
@testable import MindbeatCore

/// The session log and reports (SPEC §14), under a fixed clock.
@Suite("History")
struct HistoryTests {
    /// The events of a session as `kind detail actor` lines, read as its
    /// coach reads them in the store (no visibility filter).
    func log(_ f: Fixture, _ id: Int64) throws -> [String] {
        try f.mindbeat.store.read { try $0.events(sessionID: id) }.map { event in
            [event.kind.rawValue, event.detail ?? "-", event.actor?.email ?? "mindbeat"].joined(separator: " ")
        }
    }

    /// What the events of the session added since `count` were.
    func added(_ f: Fixture, _ id: Int64, since count: Int) throws -> [String] {
        Array(try log(f, id).dropFirst(count))
    }

    // MARK: Each change, its event

    @Test func everyChangeOfASessionAppendsItsEventsInTheSameTransaction() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        // Booked: the event, the four reminders and Bo's invitation.
        #expect(try log(f, id) == ["scheduled - ann@example.com"]
                + Array(repeating: "notice_queued upcoming mindbeat", count: 4) + ["notice_queued scheduled mindbeat"])
        var seen = try log(f, id).count

        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(try f.actor("ann"), id: id)
        #expect(try added(f, id, since: seen) == ["joined coach ann@example.com"])
        seen += 1
        // Attending again changes nothing, and logs nothing.
        _ = try f.mindbeat.attend(try f.actor("ann"), id: id)
        #expect(try log(f, id).count == seen)

        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.contact(try f.actor("ann"), id: id, via: .email, note: "private words")
        #expect(try added(f, id, since: seen) == ["contact email ann@example.com", "notice_queued reminder mindbeat"])
        seen += 2
        _ = try f.mindbeat.contact(try f.actor("ann"), id: id, via: .chat, note: nil)
        #expect(try added(f, id, since: seen) == ["contact chat ann@example.com", "chat - ann@example.com"])
        seen += 2

        f.clock.set("2026-12-01T09:07:00Z")
        _ = try f.mindbeat.attend(try f.actor("bo"), id: id)
        try f.mindbeat.sendChat(try f.actor("bo"), id: id, text: "sorry, here now")
        #expect(try added(f, id, since: seen) == ["joined member bo@example.com", "chat - bo@example.com"])
        seen += 2

        // Ann has no Zoom link: the switch to the phone, then back.
        _ = try f.mindbeat.switchChannel(try f.actor("ann"), id: id, to: .phone)
        _ = try f.mindbeat.switchChannel(try f.actor("ann"), id: id, to: .phone)
        _ = try f.mindbeat.switchChannel(try f.actor("ann"), id: id, to: .platform)
        #expect(try added(f, id, since: seen) == ["switched phone ann@example.com", "switched platform ann@example.com"])
        seen += 2

        // A private note leaves no trace; a shared one, its event only.
        _ = try f.mindbeat.addNote(try f.actor("ann"), place: .session(id), visibility: .private, body: "PRIVATE-MARKER")
        #expect(try log(f, id).count == seen)
        _ = try f.mindbeat.addNote(try f.actor("bo"), place: .session(id), visibility: .shared, body: "shared words")
        #expect(try added(f, id, since: seen) == ["note_shared - bo@example.com"])
        seen += 1

        f.clock.set("2026-12-01T09:50:00Z")
        _ = try f.mindbeat.end(try f.actor("ann"), id: id, as: .held)
        // The end withdraws the reminders and the invitation still waiting,
        // and queues Ann's notice of Bo's shared note.
        #expect(try added(f, id, since: seen) == ["ended held ann@example.com"]
                + Array(repeating: "notice_withdrawn upcoming mindbeat", count: 4)
                + ["notice_withdrawn scheduled mindbeat", "notice_withdrawn reminder mindbeat",
                   "notice_queued shared_notes mindbeat"])
        seen += 8

        _ = try f.mindbeat.leaveFeedback(try f.actor("bo"), id: id, rating: 5, comment: "secret comment")
        #expect(try added(f, id, since: seen) == ["feedback - bo@example.com"])
        seen += 1

        // Delivery: each result in its own transaction, by mindbeat itself.
        f.clock.set("2026-12-01T10:10:00Z")
        let transport = RecordingTransport()
        transport.failWith = "exit status 1"
        _ = try f.mindbeat.sendDueNotices(through: transport)
        transport.failWith = nil
        _ = try f.mindbeat.sendDueNotices(through: transport)
        let outbox = try added(f, id, since: seen)
        #expect(outbox.filter { $0.hasPrefix("notice_failed") }.count >= 1)
        #expect(outbox.last == "notice_sent shared_notes mindbeat")

        // Nothing in the log holds a word of text.
        let everything = try f.database.rows("SELECT * FROM events").flatMap { $0.values.map { "\($0)" } }.joined(separator: " ")
        for marker in ["PRIVATE-MARKER", "private words", "sorry", "shared words", "secret comment"] {
            #expect(!everything.contains(marker))
        }
    }

    @Test func cancelAndRescheduleLogTheStatusAndTheNewStart() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let moved = try f.schedule("2026-12-03T09:00:00Z")
        let early = try f.schedule("2026-12-04T09:00:00Z")
        let late = try f.schedule("2026-11-28T20:00:00Z")
        _ = try f.mindbeat.reschedule(try f.actor("bo"), id: moved, to: at("2026-12-05T10:00:00Z"), durationMinutes: nil)
        _ = try f.mindbeat.cancel(try f.actor("bo"), id: early, reason: nil)
        _ = try f.mindbeat.cancel(try f.actor("ann"), id: late, reason: try ChatText("the reason stays out"))
        #expect(try log(f, moved).contains("rescheduled 2026-12-05T10:00:00Z bo@example.com"))
        #expect(try log(f, early).contains("cancelled cancelled bo@example.com"))
        #expect(try log(f, late).contains("cancelled late_cancelled ann@example.com"))
        // The stale reminders and invitation are withdrawn in the same step,
        // and the other party's new invitation queued.
        let afterMove = try log(f, moved).drop { !$0.hasPrefix("rescheduled") }
        #expect(afterMove.contains("notice_withdrawn upcoming mindbeat"))
        #expect(afterMove.contains("notice_queued rescheduled mindbeat"))
        #expect(try !f.database.rows("SELECT detail FROM events").contains { $0.text(0) == "the reason stays out" })
    }

    @Test func aRefusedCommandWritesNoEvent() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        // Too early to attend, to end, to chat; not Bo's to end; feedback on
        // a session not held; a session in the past; an overlap.
        _ = try f.expectUnchanged { _ = try f.mindbeat.attend(try f.actor("ann"), id: id) }
        _ = try f.expectUnchanged { _ = try f.mindbeat.end(try f.actor("ann"), id: id, as: .held) }
        _ = try f.expectUnchanged { try f.mindbeat.sendChat(try f.actor("bo"), id: id, text: "hello") }
        _ = try f.expectUnchanged { _ = try f.mindbeat.end(try f.actor("bo"), id: id, as: .held) }
        _ = try f.expectUnchanged { _ = try f.mindbeat.leaveFeedback(try f.actor("bo"), id: id, rating: 4, comment: "x") }
        _ = try f.expectUnchanged { _ = try f.schedule("2026-11-01T09:00:00Z") }
        _ = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:30:00Z") }
        _ = try f.expectUnchanged { _ = try f.mindbeat.cancel(try f.actor("ann"), id: id, reason: nil) }
        _ = try f.expectUnchanged { _ = try f.mindbeat.sessionLog(try f.actor("cy"), id: id) }
    }

    @Test func theStoreRefusesToUpdateOrDeleteAnEvent() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let before = try log(f, id)
        let database = try f.database
        #expect(throws: (any Error).self) { try database.execute("UPDATE events SET kind = 'ended' WHERE session_id = \(id)") }
        #expect(throws: (any Error).self) { try database.execute("DELETE FROM events") }
        #expect(throws: (any Error).self) { try database.execute("UPDATE events SET reconstructed = 1") }
        // REPLACE deletes the row it replaces without firing a DELETE trigger.
        #expect(throws: (any Error).self) {
            try database.execute("INSERT OR REPLACE INTO events (id, session_id, at, kind) SELECT min(id), \(id), 0, 'ended' FROM events")
        }
        #expect(throws: (any Error).self) {
            try database.execute("REPLACE INTO events (id, session_id, at, kind) SELECT max(id), \(id), 0, 'ended' FROM events")
        }
        #expect(try log(f, id) == before)
        // Appending stays possible.
        try database.execute("INSERT INTO events (session_id, at, kind) VALUES (\(id), 0, 'chat')")
        #expect(try log(f, id).count == before.count + 1)
    }

    /// The table does not check the kind (its CHECK cost every process's
    /// schema parse); reading a kind mindbeat never writes is a corrupt row.
    @Test(.enabled(if: !TestBackend.isPostgres, "PostgreSQL's table checks the kind"))
    func anEventOfAnUnknownKindIsACorruptRow() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        try f.database.execute("INSERT INTO events (session_id, at, kind) VALUES (\(id), 0, 'bogus')")
        #expect(throws: MindbeatError.database(.corrupt, location: f.path)) {
            try f.mindbeat.sessionLog(try f.actor("ann"), id: id)
        }
    }

    // MARK: Who sees what

    @Test func aPartySeesAllButTheOtherPartysFeedbackAndUnreadSharedNotes() throws {
        // Di and Ed: neither has the admin right.
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z", member: "ed@example.com", by: "di")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(try f.actor("di"), id: id)
        _ = try f.mindbeat.attend(try f.actor("ed"), id: id)
        _ = try f.mindbeat.addNote(try f.actor("di"), place: .session(id), visibility: .shared, body: "for Ed, later")
        func kinds(_ who: String) throws -> [String] {
            try f.mindbeat.sessionLog(try f.actor(who), id: id).events.map { "\($0.kind.rawValue) \($0.actor?.email ?? "mindbeat")" }
        }
        // Before the end, Ed cannot read Di's shared note: its event is not his either.
        #expect(try kinds("di").contains("note_shared di@example.com"))
        #expect(try !kinds("ed").contains("note_shared di@example.com"))
        f.clock.set("2026-12-01T09:50:00Z")
        _ = try f.mindbeat.end(try f.actor("di"), id: id, as: .held)
        #expect(try kinds("ed").contains("note_shared di@example.com"))
        _ = try f.mindbeat.leaveFeedback(try f.actor("di"), id: id, rating: 3, comment: "x")
        _ = try f.mindbeat.leaveFeedback(try f.actor("ed"), id: id, rating: 5, comment: "y")
        #expect(try kinds("di").filter { $0.hasPrefix("feedback") } == ["feedback di@example.com"])
        #expect(try kinds("ed").filter { $0.hasPrefix("feedback") } == ["feedback ed@example.com"])
        // Ann, the admin, is no party to it and sees both.
        #expect(try kinds("ann").filter { $0.hasPrefix("feedback") }.count == 2)
    }

    @Test func aPartyWithTheAdminRightSeesNoSharedNoteEarlier() throws {
        // Ann is Bo's coach and an admin.
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(try f.actor("ann"), id: id)
        _ = try f.mindbeat.attend(try f.actor("bo"), id: id)
        _ = try f.mindbeat.addNote(try f.actor("bo"), place: .session(id), visibility: .shared, body: "later")
        func kinds() throws -> [EventKind] { try f.mindbeat.sessionLog(try f.actor("ann"), id: id).events.map(\.kind) }
        #expect(try !kinds().contains(.noteShared))
        #expect(try f.mindbeat.notes(try f.actor("ann"), sessionID: id).isEmpty)
        f.clock.set("2026-12-01T09:50:00Z")
        _ = try f.mindbeat.end(try f.actor("ann"), id: id, as: .held)
        #expect(try kinds().contains(.noteShared))
    }

    @Test func aLineManagerIsRefusedAnotherCoachFindsNothingAndAnAdminSeesEverything() throws {
        let f = try Fixture(now: "2026-11-28T08:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(try f.actor("ann"), id: id)
        f.clock.set("2026-12-01T09:50:00Z")
        _ = try f.mindbeat.end(try f.actor("ann"), id: id, as: .held)
        _ = try f.mindbeat.leaveFeedback(try f.actor("bo"), id: id, rating: 5, comment: "y")
        // Cy is Bo's line manager.
        #expect(throws: MindbeatError.forbidden(.lineManager(.readLog))) { try f.mindbeat.sessionLog(try f.actor("cy"), id: id) }
        // Di is another coach, without the admin right.
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.sessionLog(try f.actor("di"), id: id) }
        // Ed's session with Di: Ann, the admin, is no party, and sees every event.
        let theirs = try f.schedule("2026-12-02T09:00:00Z", member: "ed@example.com", by: "di")
        f.clock.set("2026-12-02T09:00:00Z")
        _ = try f.mindbeat.attend(try f.actor("di"), id: theirs)
        _ = try f.mindbeat.addNote(try f.actor("ed"), place: .session(theirs), visibility: .shared, body: "z")
        let seen = try f.mindbeat.sessionLog(try f.actor("ann"), id: theirs)
        #expect(seen.view.access == .lineManager)
        #expect(seen.events.map(\.kind).contains(.noteShared))
        #expect(seen.events.count == (try f.mindbeat.store.read { try $0.events(sessionID: theirs) }.count))
    }

    @Test func theVisibilityRuleByKind() {
        let session = makeSession(status: .inProgress)
        func event(_ kind: EventKind, by actorID: Int64?) -> SessionEvent {
            SessionEvent(id: 1, at: at("2026-12-01T09:00:00Z"), sessionID: 12,
                         actor: actorID.map { Person(id: $0, email: "x@example.com", name: "X") }, kind: kind, detail: nil,
                         via: nil, reconstructed: false)
        }
        for kind in EventKind.allCases {
            // Everyone sees their own events; an admin sees all.
            #expect(EventVisibility.isVisible(event(kind, by: 2), of: session, to: 2, isAdmin: false))
            #expect(EventVisibility.isVisible(event(kind, by: 1), of: session, to: 9, isAdmin: true))
            let othersVisible = EventVisibility.isVisible(event(kind, by: 1), of: session, to: 2, isAdmin: false)
            #expect(othersVisible == (kind != .feedback && kind != .noteShared), "\(kind)")
        }
        #expect(EventVisibility.isVisible(event(.noteShared, by: 1), of: makeSession(status: .missed), to: 2, isAdmin: false))
        #expect(!EventVisibility.isVisible(event(.noteShared, by: 1), of: makeSession(status: .cancelled), to: 2, isAdmin: false))
        // A party with the admin right reads every party's feedback, but a
        // shared note of the other party no sooner than anyone: the admin
        // right never grants a note.
        #expect(EventVisibility.isVisible(event(.feedback, by: 2), of: session, to: 1, isAdmin: true))
        #expect(!EventVisibility.isVisible(event(.noteShared, by: 2), of: session, to: 1, isAdmin: true))
        #expect(EventVisibility.isVisible(event(.noteShared, by: 2), of: makeSession(status: .held), to: 1, isAdmin: true))
        // Neither a party nor an admin: nothing.
        #expect(!EventVisibility.isVisible(event(.scheduled, by: 1), of: session, to: 9, isAdmin: false))
    }

    // MARK: An older database

    /// A database of schema 7 (before the log), with a session that was
    /// booked, moved, joined by both, contacted, chatted in, noted (shared and
    /// private), held, given feedback and notified; another cancelled late.
    @Test func anOlderDatabaseGetsTheEventsItsRowsProveMarkedReconstructed() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/old.db"
        try makeOlderDatabase(at: path, version: 7, rows: """
            INSERT INTO accounts (id, email, name, role, admin, password_hash, created_at) VALUES (1, 'ann@example.com', 'Ann', 'coach', 1, 'x', 0);
            INSERT INTO accounts (id, email, name, role, password_hash, coach_id, created_at) VALUES (2, 'bo@example.com', 'Bo', 'member', 'x', 1, 0);
            INSERT INTO sessions (id, coach_id, member_id, starts_at, duration_minutes, status, coach_joined_at, member_joined_at, ended_at, created_at, sequence)
                VALUES (7, 1, 2, 1796115600, 60, 'held', 1796115600, 1796115900, 1796118600, 1796000000, 1);
            INSERT INTO session_changes (session_id, member_id, by_id, kind, by_member, late, previous_starts_at, at)
                VALUES (7, 2, 2, 'reschedule', 1, 0, 1796029200, 1796010000);
            INSERT INTO contact_attempts (session_id, via, note, at) VALUES (7, 'email', 'CONTACT-NOTE', 1796115960);
            INSERT INTO chat_messages (session_id, author_id, text, at) VALUES (7, 2, 'CHAT-TEXT', 1796116000);
            INSERT INTO notes (author_id, member_id, session_id, visibility, body, created_at) VALUES (1, 2, 7, 'shared', 'SHARED-TEXT', 1796117000);
            INSERT INTO notes (author_id, member_id, session_id, visibility, body, created_at) VALUES (1, 2, 7, 'private', 'PRIVATE-MARKER', 1796117100);
            INSERT INTO feedback (session_id, author_id, rating, comment, created_at) VALUES (7, 2, 5, 'FEEDBACK-TEXT', 1796120000);
            INSERT INTO notices (recipient_id, session_id, kind, due_at, status, attempts, sent_at, created_at)
                VALUES (2, 7, 'shared_notes', 1796119500, 'sent', 1, 1796119600, 1796118600);
            INSERT INTO sessions (id, coach_id, member_id, starts_at, duration_minutes, status, cancelled_at, cancelled_by, cancel_reason, created_at, sequence)
                VALUES (8, 1, 2, 1796202000, 60, 'late_cancelled', 1796190000, 1, 'REASON-TEXT', 1796000100, 1);
            INSERT INTO session_changes (session_id, member_id, by_id, kind, by_member, late, previous_starts_at, at)
                VALUES (8, 2, 1, 'cancel', 0, 1, 1796202000, 1796190000);
            """)
        let store = try SQLiteStore.open(path: path)
        #expect(try store.database.integer("PRAGMA user_version") == Schema.currentVersion)
        let held = try store.read { try $0.events(sessionID: 7) }
        #expect(held.allSatisfy { $0.reconstructed })
        #expect(held.map { "\($0.at.rfc3339) \($0.kind.rawValue) \($0.detail ?? "-") \($0.actor?.email ?? "-")" } == [
            "2026-11-30T00:53:20Z scheduled - -",
            "2026-11-30T03:40:00Z rescheduled 2026-12-01T09:00:00Z bo@example.com",
            "2026-12-01T09:00:00Z joined coach ann@example.com",
            "2026-12-01T09:05:00Z joined member bo@example.com",
            "2026-12-01T09:06:00Z contact email ann@example.com",
            "2026-12-01T09:06:40Z chat - bo@example.com",
            "2026-12-01T09:23:20Z note_shared - ann@example.com",
            "2026-12-01T09:50:00Z ended held ann@example.com",
            "2026-12-01T09:50:00Z notice_queued shared_notes -",
            "2026-12-01T10:06:40Z notice_sent shared_notes -",
            "2026-12-01T10:13:20Z feedback - bo@example.com",
        ])
        let cancelled = try store.read { try $0.events(sessionID: 8) }.map { "\($0.kind.rawValue) \($0.detail ?? "-")" }
        #expect(cancelled == ["scheduled -", "cancelled late_cancelled"])
        let everything = try store.database.rows("SELECT * FROM events").flatMap { $0.values.map { "\($0)" } }.joined()
        for marker in ["CONTACT-NOTE", "CHAT-TEXT", "SHARED-TEXT", "PRIVATE-MARKER", "FEEDBACK-TEXT", "REASON-TEXT"] {
            #expect(!everything.contains(marker))
        }
        // New events follow the rebuilt ones.
        try store.write { try $0.appendEvent(NewEvent(sessionID: 7, at: at("2026-12-02T00:00:00Z"), kind: .chat, detail: nil,
                                                      source: EventSource(actorID: 1, viaKeyID: nil))) }
        #expect(try store.read { try $0.events(sessionID: 7) }.last?.reconstructed == false)
        #expect(try store.database.integer("PRAGMA foreign_key_check") == nil)
    }

    // MARK: Periods

    @Test func weeksStartOnMondayInTheLocalZoneAcrossDaylightSaving() throws {
        let zone = CentralEuropeanZone()
        // The week of the spring change (2026-03-29, a Sunday) is an hour short.
        let periods = try #require(Periods.covering(from: at("2026-03-25T12:00:00Z"), to: at("2026-04-01T00:00:00Z"),
                                                    by: .week, zone: zone))
        #expect(periods.map { "\($0.start.rfc3339) \($0.end.rfc3339)" } == [
            "2026-03-22T23:00:00Z 2026-03-29T22:00:00Z",
            "2026-03-29T22:00:00Z 2026-04-05T22:00:00Z",
        ])
        #expect(periods[0].end.seconds(since: periods[0].start) == 7 * 86_400 - 3600)
        // Autumn: an hour long.
        let autumn = try #require(Periods.covering(from: at("2026-10-20T00:00:00Z"), to: at("2026-10-27T00:00:00Z"), by: .week, zone: zone))
        #expect(autumn[0].end.seconds(since: autumn[0].start) == 7 * 86_400 + 3600)
    }

    @Test func monthsStartOnTheFirstInTheLocalZone() throws {
        let zone = CentralEuropeanZone()
        let periods = try #require(Periods.covering(from: at("2026-02-15T00:00:00Z"), to: at("2026-04-01T12:00:00Z"),
                                                    by: .month, zone: zone))
        #expect(periods.map(\.start.rfc3339) == ["2026-01-31T23:00:00Z", "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z"])
        #expect(periods.last?.end.rfc3339 == "2026-04-30T22:00:00Z")
        // December into January.
        let turn = try #require(Periods.covering(from: at("2026-12-31T22:59:59Z"), to: at("2026-12-31T23:00:01Z"), by: .month, zone: zone))
        #expect(turn.map(\.start.rfc3339) == ["2026-11-30T23:00:00Z", "2026-12-31T23:00:00Z"])
        // Five whole months back from now, this one being the sixth.
        #expect(Periods.defaultFrom(now: at("2026-11-29T19:00:00Z"), zone: zone).rfc3339 == "2026-05-31T22:00:00Z")
        #expect(Periods.defaultFrom(now: at("2026-03-10T00:00:00Z"), zone: FixedOffsetZone.utc).rfc3339 == "2025-10-01T00:00:00Z")
        // Five months before March 1970 is before the first instant mindbeat stores.
        #expect(Periods.defaultFrom(now: at("1970-03-15T00:00:00Z"), zone: FixedOffsetZone.utc).rfc3339 == "1970-01-01T00:00:00Z")
    }

    /// A zone whose clocks skip midnight (as Chile's do): the day starts at 01:00.
    struct MidnightGapZone: LocalZone {
        // 2026-09-06T04:00:00Z: local midnight at −4 becomes 01:00 at −3.
        func offset(at instant: Instant) -> Int64 { instant.secondsSinceEpoch >= 1_788_667_200 ? -10_800 : -14_400 }
    }

    @Test func aDayWhoseMidnightIsSkippedStartsAfterTheGap() {
        let start = Periods.startOfDay(year: 2026, month: 9, day: 6, zone: MidnightGapZone())
        #expect(start.rfc3339 == "2026-09-06T04:00:00Z")
        #expect(MidnightGapZone().civil(start).isoTime(seconds: true) == "01:00:00")
    }

    @Test func aReportHasAtMostItsLimitOfPeriods() {
        let from = at("2000-01-03T00:00:00Z")
        #expect(Periods.covering(from: from, to: at("2019-02-04T00:00:00Z"), by: .week, zone: FixedOffsetZone.utc)?.count == 996)
        #expect(Periods.covering(from: from, to: at("2026-01-01T00:00:00Z"), by: .week, zone: FixedOffsetZone.utc) == nil)
        #expect(Periods.count(from: from, to: at("2026-01-01T00:00:00Z"), by: .week, zone: FixedOffsetZone.utc) == 1357)
        #expect(Periods.count(from: from, to: at("2026-01-01T00:00:00Z"), by: .month, zone: FixedOffsetZone.utc) == 312)
    }

    @Test func theAttendanceRateIsRoundedHalfUpToFourPlaces() {
        func rate(_ held: Int64, _ missed: Int64, _ late: Int64) -> String? {
            AttendanceRate(held: held, missed: missed, lateCancelled: late)?.description
        }
        #expect(rate(5, 1, 0) == "0.8333")
        #expect(rate(2, 1, 0) == "0.6667")
        #expect(rate(1, 31, 0) == "0.0313")
        #expect(rate(3, 0, 1) == "0.75")
        #expect(rate(4, 0, 0) == "1")
        #expect(rate(0, 2, 1) == "0")
        #expect(rate(0, 0, 0) == nil)
        #expect(AttendanceRate(held: 5, missed: 1, lateCancelled: 0)?.percent == "83.33%")
        #expect(AttendanceRate(held: 3, missed: 1, lateCancelled: 0)?.percent == "75%")
    }

    // MARK: Reports

    /// Sessions of Ann's with Bo and Fay, and Di's with Ed, across the
    /// autumn daylight-saving change and the turn of October into November,
    /// in central European time.
    func reportFixture() throws -> Fixture {
        let f = try Fixture(now: "2026-10-15T08:00:00Z")
        // Starts (UTC): 2026-10-25T22:30Z is 23:30 local on Sunday the 25th
        // (the week of the change); 2026-10-31T23:30Z is 00:30 on 1 November.
        let plan: [(String, String, String, String)] = [
            ("2026-10-20T08:00:00Z", "bo@example.com", "ann", "held"),
            ("2026-10-25T22:30:00Z", "bo@example.com", "ann", "missed"),
            ("2026-10-26T08:00:00Z", "bo@example.com", "ann", "late"),
            ("2026-10-31T22:30:00Z", "fay@example.com", "ann", "held"),
            ("2026-10-31T23:30:00Z", "fay@example.com", "ann", "cancelled"),
            ("2026-11-02T08:00:00Z", "fay@example.com", "ann", "open"),
            ("2026-10-21T08:00:00Z", "ed@example.com", "di", "held"),
        ]
        for (start, member, coach, outcome) in plan {
            f.clock.set("2026-10-15T08:00:00Z")
            let id = try f.schedule(start, member: member, by: coach)
            let begin = at(start)
            switch outcome {
            case "held":
                f.clock.instant = begin
                _ = try f.mindbeat.attend(try f.actor(coach), id: id)
                f.clock.instant = begin.plus(minutes: 50)
                _ = try f.mindbeat.end(try f.actor(coach), id: id, as: .held)
            case "missed":
                f.clock.instant = begin
                _ = try f.mindbeat.attend(try f.actor(coach), id: id)
                f.clock.instant = begin.plus(minutes: 6)
                _ = try f.mindbeat.contact(try f.actor(coach), id: id, via: .email, note: nil)
                f.clock.instant = begin.plus(minutes: 16)
                _ = try f.mindbeat.end(try f.actor(coach), id: id, as: .missed)
            case "late":
                f.clock.instant = begin.plus(minutes: -60)
                _ = try f.mindbeat.cancel(try f.actor("bo"), id: id, reason: nil)
            case "cancelled":
                f.clock.set("2026-10-16T08:00:00Z")
                _ = try f.mindbeat.cancel(try f.actor("fay"), id: id, reason: nil)
            default:
                break
            }
        }
        f.clock.set("2026-11-10T12:00:00Z")
        return f
    }

    func rows(_ report: Report, zone: any LocalZone = CentralEuropeanZone()) -> [String] {
        report.rows.map { row in
            let c = row.counts
            return "\(zone.civil(row.period.start).isoDate) \(row.coach.email) \(row.member?.email ?? "-") "
                + "\(c.scheduled) \(c.held) \(c.missed) \(c.cancelled) \(c.lateCancelled) \(c.attendanceRate?.description ?? "null")"
        }
    }

    @Test func aCoachCountsTheirMembersByWeekAcrossTheDaylightSavingChange() throws {
        let f = try reportFixture()
        let mindbeat = Mindbeat(store: f.mindbeat.store, clock: f.clock, zone: CentralEuropeanZone())
        // Ann has the admin right: --coach herself gives her members.
        let report = try mindbeat.report(try f.actor("ann"), from: at("2026-10-01T00:00:00Z"), to: at("2026-11-10T00:00:00Z"),
                                         by: .week, coachEmail: "ann@example.com", memberEmail: nil)
        #expect(rows(report) == [
            "2026-10-19 ann@example.com bo@example.com 2 1 1 0 0 0.5",
            "2026-10-26 ann@example.com bo@example.com 1 0 0 0 1 0",
            "2026-10-26 ann@example.com fay@example.com 2 1 0 1 0 1",
            "2026-11-02 ann@example.com fay@example.com 1 0 0 0 0 null",
        ])
        // The week of the change ends an hour later than seven days of seconds.
        #expect(report.rows[0].period.end.seconds(since: report.rows[0].period.start) == 7 * 86_400 + 3600)
        #expect(!report.perCoach)
    }

    @Test func monthsSplitAtLocalMidnightNotUTC() throws {
        let f = try reportFixture()
        let mindbeat = Mindbeat(store: f.mindbeat.store, clock: f.clock, zone: CentralEuropeanZone())
        let report = try mindbeat.report(try f.actor("ann"), from: at("2026-09-30T22:00:00Z"), to: at("2026-11-30T23:00:00Z"),
                                         by: .month, coachEmail: "ann@example.com", memberEmail: nil)
        // Fay's 22:30Z on 31 October is 23:30 local, in October; her 23:30Z is
        // 00:30 on 1 November, in November.
        #expect(rows(report) == [
            "2026-10-01 ann@example.com bo@example.com 3 1 1 0 1 0.3333",
            "2026-10-01 ann@example.com fay@example.com 1 1 0 0 0 1",
            "2026-11-01 ann@example.com fay@example.com 2 0 0 1 0 null",
        ])
        #expect(report.periods.map(\.start.rfc3339) == ["2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z"])
    }

    @Test func eachRoleGetsItsOwnScope() throws {
        let f = try reportFixture()
        let mindbeat = Mindbeat(store: f.mindbeat.store, clock: f.clock, zone: CentralEuropeanZone())
        func run(_ who: String, coach: String? = nil, member: String? = nil) throws -> Report {
            try mindbeat.report(try f.actor(who), from: at("2026-10-01T00:00:00Z"), to: at("2026-11-10T00:00:00Z"), by: .month,
                                coachEmail: coach, memberEmail: member)
        }
        // Ann has the admin right: one row per coach.
        let admin = try run("ann")
        #expect(admin.perCoach)
        #expect(rows(admin) == ["2026-10-01 ann@example.com - 4 2 1 0 1 0.5", "2026-10-01 di@example.com - 1 1 0 0 0 1",
                                "2026-11-01 ann@example.com - 2 0 0 1 0 null"])
        #expect(rows(try run("ann", coach: "di@example.com")) == ["2026-10-01 di@example.com ed@example.com 1 1 0 0 0 1"])
        #expect(rows(try run("ann", member: "fay@example.com")).count == 2)
        // Di, a coach: her own members only; Cy, Bo's line manager: Bo; Bo: himself.
        #expect(rows(try run("di")) == ["2026-10-01 di@example.com ed@example.com 1 1 0 0 0 1"])
        #expect(rows(try run("cy")) == ["2026-10-01 ann@example.com bo@example.com 3 1 1 0 1 0.3333"])
        #expect(rows(try run("bo")) == ["2026-10-01 ann@example.com bo@example.com 3 1 1 0 1 0.3333"])
        #expect(rows(try run("bo", coach: "ann@example.com")).count == 1)
        // Naming someone outside one's scope is "not found", as for no one.
        #expect(throws: MindbeatError.notFound(.memberAccount("nobody@example.com"))) { try run("ann", member: "nobody@example.com") }
        #expect(throws: MindbeatError.notFound(.member("bo@example.com"))) { try run("di", member: "bo@example.com") }
        #expect(throws: MindbeatError.notFound(.coach("ann@example.com"))) { try run("di", coach: "ann@example.com") }
        #expect(throws: MindbeatError.notFound(.coach("di@example.com"))) { try run("cy", coach: "di@example.com") }
        #expect(throws: MindbeatError.notFound(.coach("di@example.com"))) { try run("bo", coach: "di@example.com") }
        #expect(throws: MindbeatError.notFound(.coach("bo@example.com"))) { try run("ann", coach: "bo@example.com") }
        #expect(throws: MindbeatError.notFound(.memberAccount("di@example.com"))) { try run("ann", member: "di@example.com") }
    }

    @Test func anEmptyRangeAndTooManyPeriodsAreRefusedBeforeReading() throws {
        let f = try reportFixture()
        #expect(throws: MindbeatError.incomplete(.emptyReport(from: at("2026-11-10T00:00:00Z"), to: at("2026-11-01T00:00:00Z"), toGiven: true))) {
            try f.mindbeat.report(try f.actor("ann"), from: at("2026-11-10T00:00:00Z"), to: at("2026-11-01T00:00:00Z"), by: .week,
                                  coachEmail: nil, memberEmail: nil)
        }
        #expect(throws: MindbeatError.incomplete(.tooManyPeriods(1357, .week))) {
            try f.mindbeat.report(try f.actor("ann"), from: at("2000-01-03T00:00:00Z"), to: at("2026-01-01T00:00:00Z"), by: .week,
                                  coachEmail: nil, memberEmail: nil)
        }
        // Nothing in range: no rows, every period still listed.
        let empty = try f.mindbeat.report(try f.actor("di"), from: at("2026-06-01T00:00:00Z"), to: at("2026-09-01T00:00:00Z"),
                                          by: .month, coachEmail: nil, memberEmail: nil)
        #expect(empty.rows.isEmpty)
        #expect(empty.periods.count == 3)
    }

    @Test func theTotalsOfAPeriodAreTheSumOfItsRows() throws {
        let f = try reportFixture()
        let report = try f.mindbeat.report(try f.actor("ann"), from: at("2026-10-01T00:00:00Z"), to: at("2026-11-10T00:00:00Z"),
                                           by: .month, coachEmail: "ann@example.com", memberEmail: nil)
        // In UTC (the fixture's zone) all of Fay's 31 October is in October.
        let totals = report.totals
        #expect(totals.count == 2)
        #expect(totals[0].counts == ReportCounts(scheduled: 5, held: 2, missed: 1, cancelled: 1, lateCancelled: 1))
        #expect(totals[0].counts.attendanceRate?.description == "0.5")
        #expect(totals[1].counts == ReportCounts(scheduled: 1))
    }
}
