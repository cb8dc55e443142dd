import Testing
import TestSupport
@testable import MindbeatCore

/// SSH keys as logins (SPEC §11), under a fixed clock.
@Suite("SSH keys")
struct KeyTests {
    static let one = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFYTYWRF5PyvFAS2eWmCFJOX7u5g1fbzow7tDuh5FL+d one"
    static let two = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINPcUFZLRuUu3nkW0PyKg3Ann9nrg9B/wFaP/Op9MwFX two"

    func key(_ line: String) throws -> PublicKey { try PublicKey.parse(line: line) }

    @Test func aKeyIsALoginUntilItIsRemoved() throws {
        let f = try Fixture()
        let added = try f.mindbeat.addKey(f.actor("bo"), key(Self.one), for: nil)
        #expect(added.owner.email == "bo@example.com")
        #expect(try f.mindbeat.authorizedKeyID(key(Self.one)) == added.id)
        #expect(try f.mindbeat.authorizedKeyID(key(Self.two)) == nil)
        let viaKey = try f.mindbeat.authenticate(.key(added.id))
        #expect(viaKey.account.email == "bo@example.com")
        #expect(try f.mindbeat.whoami(viaKey).account.id == viaKey.account.id)
        _ = try f.mindbeat.removeKey(viaKey, fingerprint: added.fingerprint)
        #expect(throws: MindbeatError.keyRemoved) { try f.mindbeat.authenticate(.key(added.id)) }
        #expect(try f.mindbeat.authorizedKeyID(key(Self.one)) == nil)
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.authenticate(.key(9_999)) }
        // Registered again, it is a new key with a new id: the old id stays dead.
        let again = try f.mindbeat.addKey(f.actor("bo"), key(Self.one), for: nil)
        #expect(again.id != added.id)
        #expect(throws: MindbeatError.keyRemoved) { try f.mindbeat.authenticate(.key(added.id)) }
        // A reset of Bo's password does not touch the key: a separate credential.
        _ = try f.mindbeat.resetPassword(f.actor("ann"), email: "bo@example.com", oneTimePassword: "one-time-pw-1")
        #expect(try f.mindbeat.sessions(f.mindbeat.authenticate(.key(again.id)), scope: .upcoming).isEmpty)
    }

    @Test func theCallerOfAConnectionIsTheKeysAccountAndTheDatabaseSaysIfItIsASandbox() throws {
        let f = try Fixture()
        let added = try f.mindbeat.addKey(f.actor("bo"), key(Self.one), for: nil)
        let caller = try f.mindbeat.keyCaller(added.id)
        #expect(caller.actor.account.email == "bo@example.com")
        #expect(caller.actor.credential == .key(added.id))
        #expect(caller.sandbox == false)
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.keyCaller(added.id + 1) }
        _ = try f.mindbeat.removeKey(caller.actor, fingerprint: added.fingerprint)
        #expect(throws: MindbeatError.keyRemoved) { try f.mindbeat.keyCaller(added.id) }
    }

    @Test func anAdminWithAKeyResetsOthersPasswordsNeverTheirOwn() throws {
        let f = try Fixture()
        let ann = try f.mindbeat.addKey(f.actor("ann"), key(Self.one), for: nil)
        let viaKey = try f.mindbeat.authenticate(.key(ann.id))
        let before = try f.mindbeat.store.read { tx in try tx.passwordHash(accountID: viaKey.account.id) }
        #expect(throws: MindbeatError.forbidden(.ownResetWithKey)) {
            try f.mindbeat.resetPassword(viaKey, email: "ANN@example.com", oneTimePassword: "one-time-pw-1")
        }
        #expect(try f.mindbeat.store.read { tx in try tx.passwordHash(accountID: viaKey.account.id) } == before)
        // Asked ahead of the password, the same answer.
        #expect(throws: MindbeatError.forbidden(.ownResetWithKey)) { try f.mindbeat.checkReset(viaKey, email: "ann@example.com") }
        try f.mindbeat.checkReset(viaKey, email: "bo@example.com")
        // Someone else's, yes; and with a password login, their own too.
        #expect(try f.mindbeat.resetPassword(viaKey, email: "bo@example.com", oneTimePassword: "one-time-pw-1").mustChangePassword)
        #expect(try f.mindbeat.resetPassword(f.actor("ann"), email: "ann@example.com", oneTimePassword: "one-time-pw-2").mustChangePassword)
    }

    @Test func aSandboxIsMarkedWhenItIsMadeAndStaysOne() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let store = try Stores.create(directory + "/mindbeat.db")
        let mindbeat = Mindbeat(store: store, clock: FixedClock(at("2026-12-01T08:00:00Z")), zone: FixedOffsetZone.utc)
        #expect(try mindbeat.isSandbox() == false)
        _ = try mindbeat.initialise(name: "Ann Coach", email: "ann@example.com", passwordHash: "x", sandbox: true)
        #expect(try mindbeat.isSandbox())
        // A second init is refused and changes nothing.
        #expect(throws: MindbeatError.self) {
            try mindbeat.initialise(name: "Eve", email: "eve@example.com", passwordHash: "x", sandbox: false)
        }
        #expect(try mindbeat.isSandbox())
    }

    @Test func fingerprintsAreCheckedBeforeAnythingIsLookedUp() throws {
        let fingerprint = try key(Self.one).fingerprint
        #expect(try PublicKey.fingerprint(fingerprint) == fingerprint)
        for bad in ["", "SHA256:", "MD5:" + fingerprint.dropFirst(7), String(fingerprint.dropLast()), fingerprint + "=",
                    "SHA256:" + String(repeating: "-", count: 43), fingerprint.replacingOccurrences(of: "SHA256", with: "sha256")] {
            #expect(throws: InvalidValue.self, "\(bad)") { try PublicKey.fingerprint(bad) }
        }
    }

    @Test func aKeyRegisteredToAnyoneIsRefused() throws {
        let f = try Fixture()
        _ = try f.mindbeat.addKey(f.actor("bo"), key(Self.one), for: nil)
        let error = try f.expectUnchanged { _ = try f.mindbeat.addKey(f.actor("di"), key(Self.one), for: nil) }
        #expect(error?.reasonIDs == ["key_registered"])
    }

    @Test func anAdminAddsOnlyTheFirstKeyAndTheOwnerIsTold() throws {
        let f = try Fixture()
        var error = try f.expectUnchanged { _ = try f.mindbeat.addKey(f.actor("di"), key(Self.one), for: "bo@example.com") }
        #expect(error == .forbidden(.needsAdmin(.manageKeys)))
        error = try f.expectUnchanged { _ = try f.mindbeat.addKey(f.actor("di"), key(Self.one), for: "nobody@example.com") }
        #expect(error == .forbidden(.needsAdmin(.manageKeys)), "a non-admin learns nothing of which accounts exist")
        f.clock.set("2026-12-01T08:30:00Z")
        _ = try f.mindbeat.addKey(f.actor("ann"), key(Self.one), for: "bo@example.com")
        #expect(try f.mindbeat.whoami(f.actor("bo")).takeovers
                == [Takeover(at: at("2026-12-01T08:30:00Z"), by: Person(id: 1, email: "ann@example.com", name: "Ann Coach"), kind: .keyAdded)])
        #expect(try f.mindbeat.outbox(f.actor("ann")).map { "\($0.kind.rawValue) \($0.recipient.email)" } == ["account bo@example.com"])
        error = try f.expectUnchanged { _ = try f.mindbeat.addKey(f.actor("ann"), key(Self.two), for: "bo@example.com") }
        #expect(error == .forbidden(.firstKeyOnly))
        // Bo adds his own second key; nobody is told.
        _ = try f.mindbeat.addKey(f.actor("bo"), key(Self.two), for: nil)
        #expect(try f.mindbeat.outbox(f.actor("ann")).count == 1)
    }

    /// Found by attacking the binary: a reset and a key added by an admin
    /// each keep their own record and their own notice; one never hides the other.
    @Test func aResetAndAKeyEachTellTheirOwnStory() throws {
        let f = try Fixture()
        f.clock.set("2026-12-01T08:30:00Z")
        _ = try f.mindbeat.resetPassword(f.actor("ann"), email: "bo@example.com", oneTimePassword: "one-time-pw-1")
        f.clock.set("2026-12-01T08:40:00Z")
        let added = try f.mindbeat.addKey(f.actor("ann"), key(Self.one), for: "bo@example.com")
        let bo = try f.mindbeat.authenticate(.key(added.id))
        #expect(try f.mindbeat.whoami(bo).takeovers.map { "\($0.kind.rawValue) \($0.at.rfc3339)" }
                == ["password_reset 2026-12-01T08:30:00Z", "key_added 2026-12-01T08:40:00Z"])
        let transport = RecordingTransport()
        f.clock.set("2026-12-01T08:41:00Z")
        _ = try f.mindbeat.sendDueNotices(through: transport)
        #expect(transport.delivered.map { $0.takeover?.kind.rawValue ?? "none" } == ["password_reset", "key_added"])
        // The owner removed their only key: an admin may add one again, and the owner is told.
        _ = try f.mindbeat.removeKey(bo, fingerprint: added.fingerprint)
        _ = try f.mindbeat.addKey(f.actor("ann"), key(Self.two), for: "bo@example.com")
        #expect(try f.mindbeat.outbox(f.actor("ann")).filter { $0.kind == .account }.count == 3)
    }

    @Test func onlyTheOwnerOrAnAdminRemovesAKey() throws {
        let f = try Fixture()
        let added = try f.mindbeat.addKey(f.actor("bo"), key(Self.one), for: nil)
        let error = try f.expectUnchanged { _ = try f.mindbeat.removeKey(f.actor("di"), fingerprint: added.fingerprint) }
        #expect(error == .notFound(.key(added.fingerprint)))
        _ = try f.mindbeat.removeKey(f.actor("ann"), fingerprint: added.fingerprint)
        #expect(try f.mindbeat.keys(f.actor("bo"), of: nil).isEmpty)
    }
}
