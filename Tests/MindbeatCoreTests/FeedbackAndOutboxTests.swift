import Testing
import TestSupport
@testable import MindbeatCore

/// A delivery that keeps what it was handed, and fails while told to.
final class RecordingTransport: NoticeDelivery, @unchecked Sendable {
    var delivered: [OutgoingNotice] = []
    /// Everything handed over, every field, as text: what any message could
    /// be made from.
    var handedOver: [String] = []
    var failWith: String?
    /// Runs before each delivery: a test can act as another process meanwhile.
    var during: (() -> Void)?

    func deliver(_ outgoing: OutgoingNotice) -> DeliveryResult {
        during?()
        handedOver.append(String(reflecting: outgoing))
        if let failWith { return .failed(failWith) }
        delivered.append(outgoing)
        return .delivered
    }
}

@Suite("Feedback")
struct FeedbackTests {
    static func heldSession(_ f: Fixture, member: String = "bo", on day: String = "2026-12-01") throws -> Int64 {
        let id = try f.schedule(day + "T09:00:00Z", member: member + "@example.com")
        f.clock.set(day + "T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor(member), id: id)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        f.clock.set(day + "T09:55:00Z")
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        return id
    }

    @Test func eachPartyLeavesFeedbackOnceOnAHeldSession() throws {
        let f = try Fixture()
        let id = try Self.heldSession(f)
        #expect(try f.mindbeat.sessionsAwaitingFeedback(f.actor("bo")).map(\.session.id) == [id])
        _ = try f.mindbeat.leaveFeedback(f.actor("bo"), id: id, rating: 5, comment: "great")
        _ = try f.mindbeat.leaveFeedback(f.actor("ann"), id: id, rating: 4, comment: nil)
        #expect(try f.mindbeat.sessionsAwaitingFeedback(f.actor("bo")).isEmpty)
        let error = try f.expectUnchanged { _ = try f.mindbeat.leaveFeedback(f.actor("bo"), id: id, rating: 1, comment: nil) }
        #expect(error?.reasonIDs == ["feedback_given"])
    }

    @Test func feedbackIsForHeldSessionsOnly() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.leaveFeedback(f.actor("bo"), id: id, rating: 3, comment: nil) }
        #expect(error?.reasonIDs == ["not_held"])
    }

    @Test func whoReadsFeedback() throws {
        let f = try Fixture()
        let id = try Self.heldSession(f)
        _ = try f.mindbeat.leaveFeedback(f.actor("bo"), id: id, rating: 5, comment: "from Bo")
        _ = try f.mindbeat.leaveFeedback(f.actor("ann"), id: id, rating: 4, comment: "from Ann")
        #expect(try f.mindbeat.feedback(f.actor("bo"), id: id).map(\.comment) == ["from Bo"])
        try f.add("op", NewAccount(role: .coach, name: "Op Admin", email: "op@example.com", isAdmin: true), by: "ann")
        #expect(try f.mindbeat.feedback(f.actor("op"), id: id).count == 2)
        #expect(throws: MindbeatError.self) { try f.mindbeat.feedback(f.actor("cy"), id: id) }
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.feedback(f.actor("di"), id: id) }
        var error = try f.expectUnchanged { _ = try f.mindbeat.leaveFeedback(f.actor("cy"), id: id, rating: 1, comment: nil) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.leaveFeedback(f.actor("di"), id: id, rating: 1, comment: nil) }
        #expect(error?.isNotFound == true)
    }

    @Test func aLineManagerWithTheAdminRightReadsNoFeedbackOnTheirReports() throws {
        let f = try Fixture()
        try f.add("mo", NewAccount(role: .manager, name: "Mo Lead", email: "mo@example.com", isAdmin: true), by: "ann")
        try f.add("gi", NewAccount(role: .member, name: "Gi Member", email: "gi@example.com", managerEmail: "mo@example.com"), by: "ann")
        let id = try Self.heldSession(f, member: "gi")
        _ = try f.mindbeat.leaveFeedback(f.actor("gi"), id: id, rating: 2, comment: "about my manager")
        #expect(throws: MindbeatError.forbidden(.lineManager(.readFeedback))) { try f.mindbeat.feedback(f.actor("mo"), id: id) }
        // The same admin reads the feedback on a session of someone else's report.
        let other = try Self.heldSession(f, on: "2026-12-02")
        _ = try f.mindbeat.leaveFeedback(f.actor("bo"), id: other, rating: 5, comment: nil)
        #expect(try f.mindbeat.feedback(f.actor("mo"), id: other).count == 1)
    }

    @Test func comments() throws {
        #expect(try FeedbackComment("  fine\n").text == "fine")
        #expect(throws: InvalidValue.self) { try FeedbackComment("bad\u{1B}[2J") }
        #expect(throws: InvalidValue.self) { try FeedbackComment(String(repeating: "x", count: Policy.commentLimitBytes + 1)) }
    }
}

@Suite("The outbox")
struct OutboxTests {
    /// Two sessions with Bo: one held, ended at 09:15, with a shared-notes
    /// notice to Bo (due at 09:30); one in progress at 09:00 whose coach
    /// waits, with a reminder to Bo (due at 09:06) — a reminder of a session
    /// that has closed is withdrawn, so it is still open. The note text is a
    /// marker. The invitations scheduling queued are delivered at 08:00, and
    /// `storyNotices` leaves them out.
    static func fixture(marker: String = "NOTE-TEXT-MARKER") throws -> (Fixture, Int64) {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T08:00:00Z", minutes: 30)
        let waiting = try f.schedule("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.sendDueNotices(through: RecordingTransport())
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: marker)
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .private, body: "private " + marker)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: waiting)
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.contact(f.actor("ann"), id: waiting, via: .email, note: "contact " + marker)
        f.clock.set("2026-12-01T09:15:00Z")
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        return (f, id)
    }

    /// The notices of the fixture's story, oldest first: not the invitations.
    static func storyNotices(_ f: Fixture) throws -> [Notice] {
        try f.mindbeat.store.read { try $0.notices(hidingReportsOf: 0) }.filter { $0.kind == .reminder || $0.kind == .sharedNotes }
    }

    func statuses(_ f: Fixture) throws -> [String] {
        try Self.storyNotices(f).map { "\($0.kind.rawValue):\($0.status.rawValue):\($0.attempts)" }
    }

    @Test func onlyDueNoticesGoOut() throws {
        let (f, _) = try Self.fixture()
        let transport = RecordingTransport()
        f.clock.set("2026-12-01T09:16:00Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 1, failed: 0))
        #expect(try statuses(f) == ["reminder:sent:1", "shared_notes:pending:0"])
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 0, failed: 0))
        f.clock.set("2026-12-01T09:30:00Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 1, failed: 0))
        #expect(try statuses(f) == ["reminder:sent:1", "shared_notes:sent:1"])
        #expect(transport.delivered.count == 2)
    }

    @Test func nothingHandedToTheMailCarriesNoteText() throws {
        let (f, id) = try Self.fixture(marker: "SECRET-7731")
        let transport = RecordingTransport()
        f.clock.set("2026-12-01T10:00:00Z")
        _ = try f.mindbeat.sendDueNotices(through: transport)
        #expect(transport.delivered.map(\.notice.kind) == [.reminder, .sharedNotes])
        #expect(transport.delivered.allSatisfy { $0.notice.recipient.email == "bo@example.com" })
        #expect(transport.delivered.last?.session?.id == id)
        for text in transport.handedOver { #expect(!text.contains("SECRET-7731")) }
    }

    @Test func aFailureIsRecordedAndRetriedByTheNextRun() throws {
        let (f, _) = try Self.fixture()
        let transport = RecordingTransport()
        transport.failWith = "sendmail exited with status 1"
        f.clock.set("2026-12-01T09:16:00Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 0, failed: 1))
        let failed = try #require(try Self.storyNotices(f).first)
        #expect(failed.status == .failed && failed.attempts == 1 && failed.lastError == "sendmail exited with status 1")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 0, failed: 1))
        transport.failWith = nil
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 1, failed: 0))
        let sent = try #require(try Self.storyNotices(f).first)
        #expect(sent.status == .sent && sent.attempts == 3 && sent.lastError == nil && sent.sentAt == at("2026-12-01T09:16:00Z"))
    }

    @Test func aRunSkipsNoticesClaimedByAnotherUntilTheLeaseExpires() throws {
        let (f, _) = try Self.fixture()
        let first = RecordingTransport()
        f.clock.set("2026-12-01T09:16:00Z")
        // While the first run delivers, a second run starts: it finds the
        // reminder claimed and sends nothing.
        var second = DeliveryReport()
        let other = RecordingTransport()
        first.during = {
            first.during = nil
            second = (try? f.mindbeat.sendDueNotices(through: other)) ?? DeliveryReport(sent: -1)
        }
        #expect(try f.mindbeat.sendDueNotices(through: first) == DeliveryReport(sent: 1, failed: 0))
        #expect(second == DeliveryReport(sent: 0, failed: 0))
        #expect(other.delivered.isEmpty)
    }

    @Test func aLiveRunKeepsItsClaimsHoweverLongItsDeliveriesTake() throws {
        let (f, _) = try Self.fixture()
        f.clock.set("2026-12-01T09:30:00Z")
        // Each delivery takes six minutes; the second is still this run's when a
        // second run starts eleven minutes after the first claimed.
        let slow = RecordingTransport()
        let other = RecordingTransport()
        var second = DeliveryReport(sent: -1)
        var deliveries = 0
        slow.during = {
            deliveries += 1
            f.clock.instant = f.clock.instant.plus(minutes: 6)
            if deliveries == 2 {
                second = (try? f.mindbeat.sendDueNotices(through: other)) ?? DeliveryReport(sent: -2)
            }
        }
        #expect(try f.mindbeat.sendDueNotices(through: slow) == DeliveryReport(sent: 2, failed: 0))
        #expect(second == DeliveryReport(sent: 0, failed: 0))
        #expect(other.delivered.isEmpty, "a notice went out twice while its sender lived")
    }

    @Test func aClaimWhoseSenderDiedExpiresAfterTenMinutes() throws {
        let (f, _) = try Self.fixture()
        f.clock.set("2026-12-01T09:16:00Z")
        // A sender that claimed and died.
        _ = try f.mindbeat.store.write { tx in
            try tx.claimDueNotices(now: at("2026-12-01T09:16:00Z"), staleBefore: at("2026-12-01T09:06:00Z"), claim: "dead")
        }
        let transport = RecordingTransport()
        f.clock.set("2026-12-01T09:25:59Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 0, failed: 0))
        f.clock.set("2026-12-01T09:26:00Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 1, failed: 0))
        // The shared-notes notice was not due when the dead run claimed; it is now.
        f.clock.set("2026-12-01T09:30:00Z")
        #expect(try f.mindbeat.sendDueNotices(through: transport) == DeliveryReport(sent: 1, failed: 0))
    }

    @Test func aLineManagerWithTheAdminRightSeesNoNoticeAboutTheirReports() throws {
        let (f, _) = try Self.fixture()
        try f.add("mo", NewAccount(role: .manager, name: "Mo Lead", email: "mo@example.com", isAdmin: true), by: "ann")
        try f.add("gi", NewAccount(role: .member, name: "Gi Member", email: "gi@example.com", managerEmail: "mo@example.com"), by: "ann")
        let before = try f.mindbeat.outbox(f.actor("ann"))
        #expect(try f.mindbeat.outbox(f.actor("mo")).count == before.count)
        let reports = try f.schedule("2026-12-02T09:00:00Z", member: "gi@example.com")
        f.clock.set("2026-12-02T09:06:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: reports)
        _ = try f.mindbeat.contact(f.actor("ann"), id: reports, via: .email, note: nil)
        // Ann sees the reminder to Gi (and Gi's invitation and reminders);
        // Mo, Gi's line manager, none of them.
        let after = try f.mindbeat.outbox(f.actor("ann"))
        #expect(after.filter { $0.sessionID == reports }.map(\.kind) == [.upcoming, .upcoming, .scheduled, .reminder])
        #expect(try f.mindbeat.outbox(f.actor("mo")).map(\.sessionID).contains(reports) == false)
        #expect(try f.mindbeat.outbox(f.actor("mo")).count == before.count)
    }

    @Test func onlyAdminsListTheOutbox() throws {
        let (f, _) = try Self.fixture()
        #expect(try f.mindbeat.outbox(f.actor("ann")).map(\.kind) == [.scheduled, .scheduled, .reminder, .sharedNotes])
        #expect(throws: MindbeatError.self) { try f.mindbeat.outbox(f.actor("bo")) }
    }
}

