import Testing
import TestSupport
@testable import MindbeatCore

/// The rules of SPEC §9 as pure decisions: the 24-hour rule to the second,
/// series across daylight-saving changes, the bank and the flag.
@Suite("The scheduling life cycle: rules")
struct SchedulingRuleTests {
    @Test func twentyFourHoursBeforeIsOnTimeAndOneSecondLaterIsLate() {
        let starts = at("2026-12-03T09:00:00Z")
        #expect(!Scheduling.isLate(changing: starts, now: at("2026-12-02T09:00:00Z")))
        #expect(Scheduling.cancelledStatus(startsAt: starts, now: at("2026-12-02T09:00:00Z")) == .cancelled)
        #expect(Scheduling.isLate(changing: starts, now: at("2026-12-02T09:00:01Z")))
        #expect(Scheduling.cancelledStatus(startsAt: starts, now: at("2026-12-02T09:00:01Z")) == .lateCancelled)
        // Past its start and still scheduled (nobody came): late.
        #expect(Scheduling.cancelledStatus(startsAt: starts, now: at("2026-12-03T10:00:00Z")) == .lateCancelled)
    }

    @Test func onlyASessionNobodyJoinedCanBeChanged() {
        #expect(Scheduling.change(makeSession()).isAllowed)
        for status in [SessionStatus.inProgress, .held, .missed, .cancelled, .lateCancelled] {
            #expect(Scheduling.change(makeSession(status: status)).reasons == [.notScheduled(status)])
        }
    }

    @Test func aChangeIsTheMembersOnlyWhenTheMemberMakesIt() {
        let session = makeSession(starts: "2026-12-01T09:00:00Z")
        let byMember = SessionChange(session: session, by: 2, kind: .cancel, now: at("2026-12-01T08:00:00Z"))
        #expect(byMember.byMember && byMember.late && byMember.isCharged)
        let byCoach = SessionChange(session: session, by: 1, kind: .cancel, now: at("2026-12-01T08:00:00Z"))
        #expect(!byCoach.byMember && byCoach.late && !byCoach.isCharged)
        let early = SessionChange(session: session, by: 2, kind: .reschedule, now: at("2026-11-29T08:00:00Z"))
        #expect(early.byMember && !early.late && !early.isCharged)
    }

    @Test func aSeriesKeepsTheLocalTimeAcrossBothChanges() throws {
        let zone = CentralEuropeanZone()
        // 10:00 in Berlin: 09:00Z in winter, 08:00Z in summer.
        let spring = try Scheduling.occurrences(first: at("2026-03-17T09:00:00Z"), every: .week, count: 3, zone: zone)
        #expect(spring == [at("2026-03-17T09:00:00Z"), at("2026-03-24T09:00:00Z"), at("2026-03-31T08:00:00Z")])
        let autumn = try Scheduling.occurrences(first: at("2026-10-13T08:00:00Z"), every: .twoWeeks, count: 2, zone: zone)
        #expect(autumn == [at("2026-10-13T08:00:00Z"), at("2026-10-27T09:00:00Z")])
        let monthly = try Scheduling.occurrences(first: at("2026-01-06T09:00:00Z"), every: .fourWeeks, count: 4, zone: zone)
        #expect(monthly.map(\.rfc3339) == ["2026-01-06T09:00:00Z", "2026-02-03T09:00:00Z", "2026-03-03T09:00:00Z", "2026-03-31T08:00:00Z"])
    }

    @Test func aSeriesThroughATimeThatDoesNotExistOrHappensTwiceIsInvalidWhole() {
        let zone = CentralEuropeanZone()
        // 02:30 on 22 March exists; on 29 March the clocks jump from 02:00 to 03:00.
        #expect(throws: InvalidValue.self) {
            try Scheduling.occurrences(first: at("2026-03-22T01:30:00Z"), every: .week, count: 2, zone: zone)
        }
        // 02:30 on 25 October happens twice.
        #expect(throws: InvalidValue.self) {
            try Scheduling.occurrences(first: at("2026-10-18T00:30:00Z"), every: .week, count: 5, zone: zone)
        }
        #expect(throws: InvalidValue.self) {
            try Scheduling.occurrences(first: at("2026-10-18T00:30:00Z"), every: .week, count: 1, zone: zone)
        }
        #expect(throws: InvalidValue.self) {
            try Scheduling.occurrences(first: at("9999-12-01T09:00:00Z"), every: .week, count: 52, zone: zone)
        }
    }

    @Test func upcomingNoticesAreThoseStillAhead() {
        let starts = at("2026-12-03T09:00:00Z")
        #expect(Scheduling.upcomingNotices(startsAt: starts, now: at("2026-12-01T09:00:00Z"))
                == [at("2026-12-02T09:00:00Z"), at("2026-12-03T08:00:00Z")])
        #expect(Scheduling.upcomingNotices(startsAt: starts, now: at("2026-12-02T09:00:00Z")) == [at("2026-12-03T08:00:00Z")])
        #expect(Scheduling.upcomingNotices(startsAt: starts, now: at("2026-12-03T08:00:00Z")).isEmpty)
    }

    @Test func theBankCountsWhatIsUsedAndBookedAndNeverGoesBelowZero() {
        let some = Engagement(id: 1, startedAt: at("2026-12-01T00:00:00Z"), sessions: 5, used: 2, scheduled: 2, changes: 0)
        #expect(some.remaining == 1)
        #expect(some.allows(booking: 1))
        #expect(!some.allows(booking: 2))
        let over = Engagement(id: 1, startedAt: at("2026-12-01T00:00:00Z"), sessions: 3, used: 3, scheduled: 1, changes: 0)
        #expect(over.remaining == 0)
        #expect(!over.allows(booking: 1))
        let unlimited = Engagement(id: nil, startedAt: at("2026-12-01T00:00:00Z"), sessions: nil, used: 40, scheduled: 9, changes: 0)
        #expect(unlimited.remaining == nil)
        #expect(unlimited.allows(booking: 52))
    }

    @Test func theThirdChangeFlagsAndOnlyTheThird() {
        #expect((1...6).filter { Scheduling.flags(changes: Int64($0)) } == [3])
        #expect(!Engagement(id: nil, startedAt: at("2026-12-01T00:00:00Z"), sessions: nil, used: 0, scheduled: 0, changes: 2).isFlagged)
        #expect(Engagement(id: nil, startedAt: at("2026-12-01T00:00:00Z"), sessions: nil, used: 0, scheduled: 0, changes: 4).isFlagged)
    }
}

/// The life cycle through the service, on a real store: who may do what,
/// what is charged, and the notices each change queues and withdraws.
@Suite("The scheduling life cycle: service")
struct SchedulingServiceTests {
    func notices(_ f: Fixture) throws -> [Notice] {
        try f.mindbeat.store.read { try $0.notices(hidingReportsOf: 0) }
    }

    func engagement(_ f: Fixture, _ email: String = "bo@example.com") throws -> Engagement {
        try f.mindbeat.store.read { tx in
            guard let member = try tx.account(email: email) else { throw MindbeatError.notFound(.account(email)) }
            return try tx.engagement(memberID: member.id)
        }
    }

    func reason(_ text: String = "a family emergency") throws -> ChatText { try ChatText(text) }

    @Test func theMembersLateCancelUsesTheBankAndAnOnTimeOneDoesNot() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 4)
        let onTime = try f.schedule("2026-12-02T08:00:00Z")
        let late = try f.schedule("2026-12-02T07:00:00Z")
        #expect(try engagement(f).remaining == 2)
        let first = try f.mindbeat.cancel(f.actor("bo"), id: onTime, reason: nil)
        #expect(first.session.status == .cancelled && !first.change.isCharged)
        #expect(try engagement(f).used == 0)
        let second = try f.mindbeat.cancel(f.actor("bo"), id: late, reason: nil)
        #expect(second.session.status == .lateCancelled && second.change.isCharged)
        let after = try engagement(f)
        #expect(after.used == 1 && after.scheduled == 0 && after.remaining == 3 && after.changes == 2)
    }

    @Test func heldAndMissedSessionsUseTheBank() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 3)
        let held = try f.schedule("2026-12-01T09:00:00Z")
        let missed = try f.schedule("2026-12-01T11:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: held)
        _ = try f.mindbeat.attend(f.actor("bo"), id: held)
        _ = try f.mindbeat.end(f.actor("ann"), id: held, as: .held)
        f.clock.set("2026-12-01T11:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: missed)
        f.clock.set("2026-12-01T11:05:00Z")
        _ = try f.mindbeat.contact(f.actor("ann"), id: missed, via: .phone, note: nil, waitingLine: { _ in "" })
        f.clock.set("2026-12-01T11:15:00Z")
        _ = try f.mindbeat.end(f.actor("ann"), id: missed, as: .missed)
        let bank = try engagement(f)
        #expect(bank.used == 2 && bank.scheduled == 0 && bank.remaining == 1)
        _ = try f.schedule("2026-12-02T09:00:00Z")
        let refused = #expect(throws: MindbeatError.self) { try f.schedule("2026-12-03T09:00:00Z") }
        #expect(refused == .refused(Refusal(.schedule, reasons: [.bankUsedUp(member: "Bo", remaining: 0, needed: 1)])))
    }

    @Test func aSeriesThatTheBankCannotHoldIsRefusedWholeAndWritesNothing() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 3)
        let before = try f.snapshot()
        let refused = #expect(throws: MindbeatError.self) {
            try f.mindbeat.schedule(f.actor("ann"), startsAt: at("2026-12-02T09:00:00Z"), memberEmail: "bo@example.com",
                                    coachEmail: nil, durationMinutes: 60, every: .week, count: 4)
        }
        #expect(refused == .refused(Refusal(.scheduleSeries(count: 4), reasons: [.bankUsedUp(member: "Bo", remaining: 3, needed: 4)])))
        #expect(try f.snapshot() == before)
        let ids = try f.mindbeat.schedule(f.actor("ann"), startsAt: at("2026-12-02T09:00:00Z"), memberEmail: "bo@example.com",
                                          coachEmail: nil, durationMinutes: 60, every: .week, count: 3)
        #expect(ids.count == 3)
        #expect(try ids.map { try f.session($0).seriesID } == [ids[0], ids[0], ids[0]])
    }

    @Test func aSeriesWithOneOverlapIsRefusedWhole() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let blocking = try f.schedule("2026-12-16T09:30:00Z")
        let before = try f.snapshot()
        let refused = #expect(throws: MindbeatError.self) {
            try f.mindbeat.schedule(f.actor("ann"), startsAt: at("2026-12-02T09:00:00Z"), memberEmail: "bo@example.com",
                                    coachEmail: nil, durationMinutes: 60, every: .week, count: 5)
        }
        #expect(refused == .refused(Refusal(.scheduleSeries(count: 5), reasons: [
            .overlaps(sessionID: blocking, startsAt: at("2026-12-16T09:30:00Z"), whose: "Ann Coach"),
        ])))
        #expect(try f.snapshot() == before)
    }

    @Test func aSeriesKeepsTenOClockInBerlinAcrossTheSpringChange() throws {
        let f = try Fixture(now: "2026-03-01T08:00:00Z")
        let berlin = Mindbeat(store: f.mindbeat.store, clock: f.clock, zone: CentralEuropeanZone())
        let ids = try berlin.schedule(f.actor("ann"), startsAt: at("2026-03-17T09:00:00Z"), memberEmail: "bo@example.com",
                                      coachEmail: nil, durationMinutes: 60, every: .week, count: 3)
        #expect(try ids.map { try f.session($0).startsAt.rfc3339 } == ["2026-03-17T09:00:00Z", "2026-03-24T09:00:00Z", "2026-03-31T08:00:00Z"])
        let before = try f.snapshot()
        let invalid = #expect(throws: MindbeatError.self) {
            try berlin.schedule(f.actor("ann"), startsAt: at("2026-03-15T01:30:00Z"), memberEmail: "bo@example.com",
                                coachEmail: nil, durationMinutes: 30, every: .twoWeeks, count: 2)
        }
        guard case .incomplete(.invalidSeries)? = invalid else {
            Issue.record("expected an invalid series, got \(String(describing: invalid))")
            return
        }
        #expect(try f.snapshot() == before)
    }

    @Test func aCoachOrAdminCancelsOnlyWithAReasonCheckedBeforeVisibility() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.schedule("2026-12-05T09:00:00Z")
        // Di is not a party: the missing reason is the answer, not "not found".
        #expect(throws: MindbeatError.incomplete(.reasonRequired)) { try f.mindbeat.cancel(f.actor("di"), id: id, reason: nil) }
        #expect(throws: MindbeatError.incomplete(.reasonRequired)) { try f.mindbeat.cancel(f.actor("ann"), id: id, reason: nil) }
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.cancel(f.actor("di"), id: id, reason: try reason()) }
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.cancel(f.actor("fay"), id: id, reason: nil) }
        #expect(throws: MindbeatError.forbidden(.lineManager(.cancel))) { try f.mindbeat.cancel(f.actor("cy"), id: id, reason: nil) }
        #expect(throws: MindbeatError.forbidden(.lineManager(.reschedule))) {
            try f.mindbeat.reschedule(f.actor("cy"), id: id, to: at("2026-12-06T09:00:00Z"), durationMinutes: nil)
        }
        let outcome = try f.mindbeat.cancel(f.actor("ann"), id: id, reason: try reason("I am ill"))
        #expect(outcome.session.cancellation?.reason == "I am ill")
        #expect(outcome.session.cancellation?.by.email == "ann@example.com")
        #expect(outcome.session.sequence == 1 && !outcome.change.byMember)
        #expect(try engagement(f).changes == 0)
        // Closed now: a second cancel, a reschedule and attending are refused.
        #expect(throws: MindbeatError.refused(Refusal(.cancel(session: id), reasons: [.notScheduled(.cancelled)]))) {
            try f.mindbeat.cancel(f.actor("bo"), id: id, reason: nil)
        }
        f.clock.set("2026-12-05T09:00:00Z")
        #expect(throws: MindbeatError.refused(Refusal(.attend(session: id), reasons: [.sessionEnded(.cancelled)]))) {
            try f.mindbeat.attend(f.actor("bo"), id: id)
        }
    }

    @Test func aSessionInProgressCannotBeCancelledOrMoved() throws {
        let f = try Fixture(now: "2026-12-01T08:50:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        #expect(throws: MindbeatError.refused(Refusal(.cancel(session: id), reasons: [.notScheduled(.inProgress)]))) {
            try f.mindbeat.cancel(f.actor("bo"), id: id, reason: nil)
        }
        #expect(throws: MindbeatError.refused(Refusal(.reschedule(session: id), reasons: [.notScheduled(.inProgress)]))) {
            try f.mindbeat.reschedule(f.actor("bo"), id: id, to: at("2026-12-02T09:00:00Z"), durationMinutes: nil)
        }
    }

    @Test func aRescheduleKeepsTheIdPassesTheChecksOfAddAndIsNotBankChecked() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 2)
        let id = try f.schedule("2026-12-01T12:00:00Z")
        let other = try f.schedule("2026-12-03T09:00:00Z")
        #expect(try engagement(f).remaining == 0)
        #expect(throws: MindbeatError.refused(Refusal(.reschedule(session: id), reasons: [.startsInPast(at("2026-12-01T07:00:00Z"))]))) {
            try f.mindbeat.reschedule(f.actor("bo"), id: id, to: at("2026-12-01T07:00:00Z"), durationMinutes: nil)
        }
        #expect(throws: MindbeatError.refused(Refusal(.reschedule(session: id), reasons: [
            .overlaps(sessionID: other, startsAt: at("2026-12-03T09:00:00Z"), whose: "Ann Coach"),
        ]))) {
            try f.mindbeat.reschedule(f.actor("bo"), id: id, to: at("2026-12-03T08:30:00Z"), durationMinutes: nil)
        }
        // Onto (part of) its own slot is fine; the length changes with --duration.
        let moved = try f.mindbeat.reschedule(f.actor("bo"), id: id, to: at("2026-12-01T12:30:00Z"), durationMinutes: 45)
        #expect(moved.session.id == id && moved.session.startsAt == at("2026-12-01T12:30:00Z"))
        #expect(moved.session.durationMinutes == 45 && moved.session.sequence == 1)
        // Late, by the member, with the bank full: allowed, charged, and the
        // remainder stays at 0.
        #expect(moved.change.isCharged)
        let bank = try engagement(f)
        #expect(bank.used == 1 && bank.scheduled == 2 && bank.remaining == 0)
    }

    @Test func theMembersThirdChangeFlagsThemOnceToTheCoachAndAdminsButNotTheLineManager() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        // Gil, Jo's line manager, holds the admin right: the line-manager rule
        // wins. Hal is an admin and no one's manager.
        try f.add("gil", NewAccount(role: .manager, name: "Gil Lead", email: "gil@example.com", isAdmin: true), by: "ann")
        try f.add("hal", NewAccount(role: .coach, name: "Hal Coach", email: "hal@example.com", isAdmin: true), by: "ann")
        try f.add("jo", NewAccount(role: .member, name: "Jo Member", email: "jo@example.com", managerEmail: "gil@example.com"),
                  by: "ann")
        let ids = try (0..<5).map { try f.schedule("2026-12-1\($0)T09:00:00Z", member: "jo@example.com") }
        // The coach's own changes do not count.
        _ = try f.mindbeat.reschedule(f.actor("ann"), id: ids[0], to: at("2026-12-20T09:00:00Z"), durationMinutes: nil)
        _ = try f.mindbeat.reschedule(f.actor("jo"), id: ids[1], to: at("2026-12-21T09:00:00Z"), durationMinutes: nil)
        _ = try f.mindbeat.cancel(f.actor("jo"), id: ids[2], reason: nil)
        #expect(try notices(f).filter { $0.kind == .flagged }.isEmpty)
        let third = try f.mindbeat.cancel(f.actor("jo"), id: ids[3], reason: nil)
        #expect(third.flagged && third.engagement?.isFlagged == true)
        let flagged = try notices(f).filter { $0.kind == .flagged }
        #expect(flagged.map(\.recipient.email).sorted() == ["ann@example.com", "hal@example.com"])
        #expect(flagged.allSatisfy { $0.sessionID == ids[3] && $0.status == .pending })
        let fourth = try f.mindbeat.cancel(f.actor("jo"), id: ids[4], reason: nil)
        #expect(!fourth.flagged && fourth.engagement?.changes == 4)
        #expect(try notices(f).filter { $0.kind == .flagged }.count == 2)
        // A new engagement starts the count again.
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "jo@example.com", sessions: 10)
        #expect(try engagement(f, "jo@example.com").changes == 0)
        #expect(try !engagement(f, "jo@example.com").isFlagged)
    }

    @Test func noticesOfTheLifeCycleGoToTheOtherPartyWithTheirInvitation() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.schedule("2026-12-05T09:00:00Z")
        var all = try notices(f)
        #expect(all.filter { $0.kind == .upcoming }.map(\.dueAt) == [
            at("2026-12-04T09:00:00Z"), at("2026-12-04T09:00:00Z"), at("2026-12-05T08:00:00Z"), at("2026-12-05T08:00:00Z"),
        ])
        let scheduled = all.filter { $0.kind == .scheduled }
        #expect(scheduled.map(\.recipient.email) == ["bo@example.com"])
        let uid = ICalendar.uid(sessionID: id, installID: f.mindbeat.store.installID)
        #expect(scheduled.first?.invitation?.contains("METHOD:REQUEST\r\n") == true)
        #expect(scheduled.first?.invitation?.contains("UID:\(uid)\r\n") == true)
        #expect(scheduled.first?.invitation?.contains("SEQUENCE:0\r\n") == true)

        _ = try f.mindbeat.reschedule(f.actor("bo"), id: id, to: at("2026-12-06T09:00:00Z"), durationMinutes: nil)
        all = try notices(f)
        // The old invitation and reminders are withdrawn, new ones queued.
        #expect(all.filter { $0.kind == .scheduled }.map(\.status) == [.withdrawn])
        #expect(all.filter { $0.kind == .upcoming && $0.status == .withdrawn }.count == 4)
        #expect(all.filter { $0.kind == .upcoming && $0.status == .pending }.map(\.dueAt).contains(at("2026-12-06T08:00:00Z")))
        let moved = all.filter { $0.kind == .rescheduled }
        #expect(moved.map(\.recipient.email) == ["ann@example.com"])
        #expect(moved.first?.invitation?.contains("SEQUENCE:1\r\n") == true)
        #expect(moved.first?.invitation?.contains("UID:\(uid)\r\n") == true)

        // An admin who is not a party cancels: both parties hear of it.
        let other = try f.mindbeat.schedule(f.actor("di"), startsAt: at("2026-12-07T09:00:00Z"), memberEmail: "ed@example.com",
                                            coachEmail: nil)
        _ = try f.mindbeat.cancel(f.actor("ann"), id: other, reason: try reason())
        all = try notices(f)
        let cancelled = all.filter { $0.kind == .cancelled }
        #expect(cancelled.map(\.recipient.email).sorted() == ["di@example.com", "ed@example.com"])
        #expect(cancelled.allSatisfy { $0.invitation?.contains("METHOD:CANCEL\r\n") == true })
        #expect(cancelled.allSatisfy { $0.invitation?.contains("STATUS:CANCELLED\r\n") == true })
        #expect(all.filter { $0.sessionID == other && $0.kind == .scheduled }.map(\.status) == [.withdrawn])
        // The reason never travels in a notice.
        #expect(!all.contains { $0.invitation?.contains("family") == true })
    }

    @Test func aContactReminderAndAnUnsentInvitationAreWithdrawnWhenTheSessionEnds() throws {
        let f = try Fixture(now: "2026-12-01T09:00:00Z")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        #expect(try notices(f).filter { $0.kind == .scheduled }.map(\.status) == [.pending])
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        f.clock.set("2026-12-01T09:05:00Z")
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .email, note: nil, waitingLine: { _ in "" })
        #expect(try notices(f).filter { $0.kind == .reminder }.map(\.status) == [.pending])
        f.clock.set("2026-12-01T09:15:00Z")
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .missed)
        #expect(try notices(f).filter { $0.kind == .reminder }.map(\.status) == [.withdrawn])
        // An invitation to a session that has taken place would bring a past
        // event into a calendar.
        #expect(try notices(f).filter { $0.kind == .scheduled }.map(\.status) == [.withdrawn])
    }

    @Test func aReminderThatASessionIsComingIsNeverSentOnceItHasBegun() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.schedule("2026-12-02T09:00:00Z")
        let other = try f.schedule("2026-12-03T09:00:00Z")
        let transport = RecordingTransport()
        // outbox send did not run until after the first session began.
        f.clock.set("2026-12-02T11:30:00Z")
        _ = try f.mindbeat.sendDueNotices(through: transport)
        #expect(!transport.delivered.contains { $0.notice.kind == .upcoming && $0.session?.id == id })
        #expect(try notices(f).filter { $0.kind == .upcoming && $0.sessionID == id }.allSatisfy { $0.status == .withdrawn })
        // The other session's reminders of the day before went out; its
        // reminders of the hour before wait.
        #expect(transport.delivered.filter { $0.notice.kind == .upcoming }.map(\.session?.id) == [other, other])
        #expect(try notices(f).filter { $0.kind == .upcoming && $0.sessionID == other && $0.status == .pending }.count == 2)
    }

    @Test func usersBankIsForAdminsAndMembers() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        #expect(throws: MindbeatError.forbidden(.needsAdmin(.setBank))) {
            try f.mindbeat.setBank(f.actor("di"), memberEmail: "bo@example.com", sessions: 3)
        }
        #expect(throws: MindbeatError.notFound(.account("nobody@example.com"))) {
            try f.mindbeat.setBank(f.actor("ann"), memberEmail: "nobody@example.com", sessions: 3)
        }
        #expect(throws: MindbeatError.refused(Refusal(.setBank(email: "di@example.com"), reasons: [.notAMember(email: "di@example.com")]))) {
            try f.mindbeat.setBank(f.actor("ann"), memberEmail: "di@example.com", sessions: 3)
        }
        let outcome = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "BO@example.com", sessions: 3)
        #expect(outcome.engagement.sessions == 3 && outcome.engagement.remaining == 3)
    }

    @Test func theCalendarShowsAManagerAttendanceOnly() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.schedule("2026-12-05T09:00:00Z")
        let coach = try f.mindbeat.calendar(f.actor("ann"), from: nil, to: nil)
        #expect(coach.events.map(\.uid) == [ICalendar.uid(sessionID: id, installID: f.mindbeat.store.installID)])
        #expect(coach.events.first?.description == "Session \(id)")
        let manager = try f.mindbeat.calendar(f.actor("cy"), from: nil, to: nil)
        #expect(manager.events.count == 1 && manager.events.first?.description == nil)
        #expect(try f.mindbeat.calendar(f.actor("di"), from: nil, to: nil).events.isEmpty)
        #expect(try f.mindbeat.calendar(f.actor("ann"), from: at("2026-12-06T00:00:00Z"), to: nil).events.isEmpty)
    }
}

/// What the attack on the first build of §9 found.
@Suite("The scheduling life cycle: edges")
struct SchedulingEdgeTests {
    @Test func aSessionHeldInTheSecondABankBeginsBelongsToTheEngagementBefore() throws {
        let f = try Fixture(now: "2026-12-01T07:00:00Z")
        let id = try f.schedule("2026-12-01T08:00:00Z")
        f.clock.set("2026-12-01T08:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        let bank = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 1)
        #expect(bank.engagement.used == 0 && bank.engagement.remaining == 1)
        // The bank of one is not used up by a session held before it began.
        _ = try f.schedule("2026-12-03T10:00:00Z")
        #expect(throws: MindbeatError.self) { try f.schedule("2026-12-04T10:00:00Z") }
    }

    @Test func aSessionEndedInTheSameSecondAfterTheBankIsUsedInIt() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.schedule("2026-12-01T08:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        _ = try f.mindbeat.setBank(f.actor("ann"), memberEmail: "bo@example.com", sessions: 2)
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        let memberID = try f.session(id).member.id
        let engagement = try f.mindbeat.store.read { tx in try tx.engagement(memberID: memberID) }
        #expect(engagement.used == 1 && engagement.scheduled == 0 && engagement.remaining == 1)
    }

    @Test func anAdminWhoIsNotAPartySeesTheAttendanceOfAnySession() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        let id = try f.mindbeat.schedule(f.actor("di"), startsAt: at("2026-12-02T09:00:00Z"), memberEmail: "ed@example.com",
                                         coachEmail: nil)
        let shown = try f.mindbeat.session(f.actor("ann"), id: id)
        #expect(shown.view.access == .lineManager && shown.contactAttempts.isEmpty)
        // Not an admin: it does not exist for them.
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.session(f.actor("bo"), id: id) }
        // Still no chat for the admin.
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.chat(f.actor("ann"), id: id) }
    }

    @Test func aLineManagerWithTheAdminRightCannotSetTheirReportsBank() throws {
        let f = try Fixture(now: "2026-12-01T08:00:00Z")
        try f.add("gil", NewAccount(role: .manager, name: "Gil Lead", email: "gil@example.com", isAdmin: true), by: "ann")
        try f.add("jo", NewAccount(role: .member, name: "Jo Member", email: "jo@example.com", managerEmail: "gil@example.com"),
                  by: "ann")
        #expect(throws: MindbeatError.forbidden(.lineManager(.setBank))) {
            try f.mindbeat.setBank(f.actor("gil"), memberEmail: "jo@example.com", sessions: 3)
        }
        #expect(try f.mindbeat.setBank(f.actor("gil"), memberEmail: "bo@example.com", sessions: 3).engagement.sessions == 3)
    }
}
