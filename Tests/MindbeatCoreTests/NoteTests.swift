import Testing
import TestSupport
@testable import MindbeatCore

/// Who sees a note, as the platform promises: private notes their author
/// alone; shared session notes the other party once the session has ended;
/// shared profile notes the member at once; a line manager, another coach or
/// an admin never.
@Suite("Notes and who sees them")
struct NoteTests {
    enum Place: String, CaseIterable { case sessionBeforeEnd, sessionAfterEnd, profile }
    enum Reader: String, CaseIterable { case author, otherParty, anotherCoach, lineManager, admin }

    /// Ann (coach) and Bo (member, line manager Cy) with one session; Di is
    /// another coach; Op holds the admin right and is party to nothing.
    static func fixture() throws -> (Fixture, Int64) {
        let f = try Fixture()
        try f.add("op", NewAccount(role: .coach, name: "Op Admin", email: "op@example.com", isAdmin: true), by: "ann")
        let id = try f.schedule("2026-12-01T09:00:00Z")
        return (f, id)
    }

    static func end(_ f: Fixture, _ id: Int64) throws {
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
    }

    func expected(_ reader: Reader, _ visibility: Visibility, _ place: Place) -> Bool {
        switch reader {
        case .author: return true
        case .otherParty: return visibility == .shared && place != .sessionBeforeEnd
        case .anotherCoach, .lineManager, .admin: return false
        }
    }

    func sees(_ f: Fixture, _ who: String, _ noteID: Int64) -> Bool {
        guard let notes = try? f.mindbeat.notes(f.actor(who)) else { return false }
        return notes.contains { $0.id == noteID }
    }

    @Test(arguments: Place.allCases, [Visibility.shared, .private])
    func theAccessMatrixForACoachsNote(place: Place, visibility: Visibility) throws {
        let (f, id) = try Self.fixture()
        if place == .sessionAfterEnd { try Self.end(f, id) }
        let notePlace: NotePlace = place == .profile ? .member("bo@example.com") : .session(id)
        let saved = try f.mindbeat.addNote(f.actor("ann"), place: notePlace, visibility: visibility, body: "about Bo")
        let note = saved.note
        #expect(saved.sharedWith?.email == (visibility == .shared ? "bo@example.com" : nil))
        #expect(saved.readableNow == expected(.otherParty, visibility, place), "what the author is told matches what Bo sees")
        let readers: [Reader: String] = [.author: "ann", .otherParty: "bo", .anotherCoach: "di", .lineManager: "cy", .admin: "op"]
        for reader in Reader.allCases {
            let who = readers[reader] ?? ""
            #expect(sees(f, who, note.id) == expected(reader, visibility, place), "\(reader) of a \(visibility) note, \(place)")
        }
    }

    @Test(arguments: [Place.sessionBeforeEnd, .sessionAfterEnd], [Visibility.shared, .private])
    func theAccessMatrixForAMembersNote(place: Place, visibility: Visibility) throws {
        let (f, id) = try Self.fixture()
        if place == .sessionAfterEnd { try Self.end(f, id) }
        let note = try f.mindbeat.addNote(f.actor("bo"), place: .session(id), visibility: visibility, body: "from Bo").note
        let readers: [Reader: String] = [.author: "bo", .otherParty: "ann", .anotherCoach: "di", .lineManager: "cy", .admin: "op"]
        for reader in Reader.allCases {
            #expect(sees(f, readers[reader] ?? "", note.id) == expected(reader, visibility, place), "\(reader) of \(visibility), \(place)")
        }
    }

    @Test func aSharedNoteBecomesVisibleTheMomentTheSessionEnds() throws {
        let (f, id) = try Self.fixture()
        let note = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: "see you").note
        #expect(!sees(f, "bo", note.id))
        try Self.end(f, id)
        #expect(sees(f, "bo", note.id))
    }

    @Test func theVisibilityDecisionItself() {
        let session = makeSession(status: .held, coachJoined: "2026-12-01T09:00:00Z")
        func note(by author: Int64, _ visibility: Visibility, session: Int64? = 12) -> Note {
            Note(id: 1, author: Person(id: author, email: "", name: ""), member: Person(id: 2, email: "", name: ""),
                 sessionID: session, visibility: visibility, body: "", createdAt: at("2026-12-01T09:00:00Z"))
        }
        #expect(NoteVisibility.canSee(note(by: 1, .shared), readerID: 2, session: session))
        #expect(!NoteVisibility.canSee(note(by: 1, .private), readerID: 2, session: session))
        #expect(!NoteVisibility.canSee(note(by: 1, .shared), readerID: 3, session: session), "the line manager")
        #expect(!NoteVisibility.canSee(note(by: 1, .shared), readerID: 2, session: makeSession(status: .inProgress)))
        #expect(!NoteVisibility.canSee(note(by: 1, .shared), readerID: 2, session: nil), "a session note without its session")
        #expect(NoteVisibility.canSee(note(by: 1, .shared, session: nil), readerID: 2, session: nil))
        #expect(!NoteVisibility.canSee(note(by: 1, .private, session: nil), readerID: 2, session: nil))
    }

    // MARK: writing

    @Test func whoMayWriteWhere() throws {
        let (f, id) = try Self.fixture()
        var error = try f.expectUnchanged { _ = try f.mindbeat.addNote(f.actor("di"), place: .session(id), visibility: .private, body: "x") }
        #expect(error?.isNotFound == true, "another coach: not found")
        error = try f.expectUnchanged { _ = try f.mindbeat.addNote(f.actor("cy"), place: .session(id), visibility: .private, body: "x") }
        #expect(error?.isForbidden == true, "the line manager: role")
        error = try f.expectUnchanged { _ = try f.mindbeat.addNote(f.actor("di"), place: .member("bo@example.com"), visibility: .private, body: "x") }
        #expect(error?.isNotFound == true, "another coach's member: not found, exactly as an unknown address")
        error = try f.expectUnchanged { _ = try f.mindbeat.addNote(f.actor("bo"), place: .member("bo@example.com"), visibility: .shared, body: "x") }
        #expect(error?.isForbidden == true, "members write on their sessions only")
        error = try f.expectUnchanged { _ = try f.mindbeat.addNote(f.actor("ann"), place: .member("nobody@example.com"), visibility: .shared, body: "x") }
        #expect(error?.isNotFound == true)
        _ = try f.mindbeat.addNote(f.actor("bo"), place: .session(id), visibility: .shared, body: "mine")
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .member("fay@example.com"), visibility: .private, body: "fay")
    }

    @Test func anotherCoachsMemberIsNotFoundLikeAnUnknownAddress() throws {
        let (f, _) = try Self.fixture()
        let unknown = try f.expectUnchanged { _ = try f.mindbeat.notes(f.actor("di"), memberEmail: "nobody@example.com") }
        let another = try f.expectUnchanged { _ = try f.mindbeat.notes(f.actor("di"), memberEmail: "bo@example.com") }
        #expect(unknown == .notFound(.member("nobody@example.com")))
        #expect(another == .notFound(.member("bo@example.com")))
        #expect(try f.mindbeat.notes(f.actor("di"), memberEmail: "ed@example.com").isEmpty)
    }

    @Test func lineManagersCannotListNotes() throws {
        let (f, id) = try Self.fixture()
        #expect(throws: MindbeatError.forbidden(.lineManager(.readNotes))) { try f.mindbeat.notes(f.actor("cy")) }
        #expect(throws: MindbeatError.self) { try f.mindbeat.notes(f.actor("cy"), sessionID: id) }
        #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.notes(f.actor("di"), sessionID: id) }
    }

    @Test func listingsAreOldestFirstAndFiltered() throws {
        let (f, id) = try Self.fixture()
        let other = try f.schedule("2026-12-02T09:00:00Z", member: "fay@example.com")
        let first = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .private, body: "1").note
        f.clock.set("2026-12-01T08:01:00Z")
        let second = try f.mindbeat.addNote(f.actor("ann"), place: .member("bo@example.com"), visibility: .shared, body: "2").note
        let third = try f.mindbeat.addNote(f.actor("ann"), place: .session(other), visibility: .private, body: "3").note
        #expect(try f.mindbeat.notes(f.actor("ann")).map(\.id) == [first.id, second.id, third.id])
        #expect(try f.mindbeat.notes(f.actor("ann"), memberEmail: "bo@example.com").map(\.id) == [first.id, second.id])
        #expect(try f.mindbeat.notes(f.actor("ann"), sessionID: other).map(\.id) == [third.id])
        #expect(try f.mindbeat.notes(f.actor("bo"), memberEmail: "bo@example.com").map(\.id) == [second.id])
        #expect(throws: MindbeatError.self) { try f.mindbeat.notes(f.actor("bo"), memberEmail: "fay@example.com") }
    }

    @Test func bodies() throws {
        #expect(try NoteBody("text\n", fromFile: true).text == "text")
        #expect(try NoteBody("text\r\n", fromFile: true).text == "text")
        #expect(try NoteBody("text\n\n", fromFile: true).text == "text\n")
        #expect(try NoteBody("text\n", fromFile: false).text == "text\n")
        #expect(throws: MindbeatError.badBody(.empty)) { try NoteBody(" \n\t ", fromFile: true) }
        #expect(throws: MindbeatError.badBody(.tooLarge(bytes: 65_537))) { try NoteBody(String(repeating: "x", count: 65_537), fromFile: false) }
        #expect(try NoteBody(String(repeating: "x", count: 65_536), fromFile: false).text.utf8.count == 65_536)
    }

    // MARK: notices

    func notices(_ f: Fixture) throws -> [(recipient: Int64, kind: String, due: Int64, status: String)] {
        try f.database.rows("SELECT recipient_id, kind, due_at, status FROM notices WHERE kind = 'shared_notes' ORDER BY id").map {
            ($0.integer(0) ?? 0, $0.text(1) ?? "", $0.integer(2) ?? 0, $0.text(3) ?? "")
        }
    }

    @Test func endingQueuesANoticeForEachPartyWithSharedNotesFromTheOther() throws {
        let (f, id) = try Self.fixture()
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: "for Bo")
        _ = try f.mindbeat.addNote(f.actor("bo"), place: .session(id), visibility: .private, body: "Bo's own")
        try Self.end(f, id)
        let queued = try notices(f)
        let bo = try #require(try f.mindbeat.store.read { try $0.account(email: "bo@example.com") }?.id)
        #expect(queued.count == 1)
        #expect(queued.first?.recipient == bo && queued.first?.kind == "shared_notes")
        #expect(queued.first?.due == at("2026-12-01T09:15:00Z").secondsSinceEpoch)
    }

    @Test func aSharedNoteAfterTheEndIsCoveredOrQueuesAnewOnce() throws {
        let (f, id) = try Self.fixture()
        try Self.end(f, id)
        #expect(try notices(f).isEmpty)
        f.clock.set("2026-12-01T09:05:00Z")
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: "late 1")
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: "late 2")
        #expect(try notices(f).map(\.due) == [at("2026-12-01T09:15:00Z").secondsSinceEpoch])
        try f.database.run("UPDATE notices SET status = 'sent'")
        f.clock.set("2026-12-01T11:00:00Z")
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .shared, body: "later")
        #expect(try notices(f).map(\.due) == [at("2026-12-01T09:15:00Z").secondsSinceEpoch, at("2026-12-01T11:00:00Z").secondsSinceEpoch])
        _ = try f.mindbeat.addNote(f.actor("ann"), place: .session(id), visibility: .private, body: "private")
        #expect(try notices(f).count == 2)
    }
}
