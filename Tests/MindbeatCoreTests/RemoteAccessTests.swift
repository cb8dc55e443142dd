import Testing
@testable import MindbeatCore

/// What a command sent over SSH may do (SPEC §11).
@Suite struct RemoteAccessTests {
    @Test func commandsThatNeverRunOverSSH() {
        for path in [["init"], ["login"], ["logout"], ["passwd"], ["outbox", "send"], ["serve", "ssh"],
                     ["serve", "authorized-keys"], ["db", "copy"], ["completions"]] {
            #expect(RemoteAccess.refusal(path: path) != nil, "\(path)")
        }
        for path in [["sessions", "list"], ["outbox"], ["users", "add"], ["users", "reset"], ["keys", "add"],
                     ["notes", "add"], ["whoami"], ["help"], ["__complete"]] {
            #expect(RemoteAccess.refusal(path: path) == nil, "\(path)")
        }
        #expect(RemoteAccess.refusal(path: ["outbox", "send"]) == .mailDelivery)
    }

    @Test func globalOptionsThatReachPastTheServersDatabase() {
        #expect(RemoteAccess.refusal(globalOption: "db") == .otherDatabase)
        #expect(RemoteAccess.refusal(globalOption: "remote") == .otherServer)
        #expect(RemoteAccess.refusal(globalOption: "tz") == nil)
    }

    @Test func zoneNames() throws {
        for name in ["Europe/Berlin", "UTC", "Etc/GMT+1", "Etc/GMT-14", "America/Argentina/Buenos_Aires", "EST5EDT"] {
            #expect(try RemoteAccess.zoneName(name) == name)
        }
        for name in ["", "../../etc/passwd", "/etc/passwd", "Europe/../../etc/passwd", "Europe//Berlin", "Europe/",
                     "Europe/Berlin ", "Europe/Berlin;id", "$(id)", "~root", "Europe\\Berlin", "Eur\u{0}ope",
                     String(repeating: "A", count: 65)] {
            #expect(throws: InvalidValue.self, "\(name)") { try RemoteAccess.zoneName(name) }
        }
    }
}
