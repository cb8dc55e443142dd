#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The report in the README and docs/report.svg, made by `make generate` from
/// a demo database: half a year of one coach's weekly sessions with three
/// members, played through the service under a fixed clock, in a temporary
/// directory that is removed afterwards.
enum ReportExample {
    /// When the demo's report is made: a Saturday, so that every session of
    /// the week has ended.
    static let now = Instant(secondsSinceEpoch: 1_795_867_200) // 2026-11-28T12:00:00Z
    static let command = "mindbeat report"

    /// The text and the SVG, made once per process; an error in their words.
    static let made: (text: String, svg: String) = {
        do { return try make() } catch { return ("the report example failed: \(error)", "<!-- failed: \(error) -->\n") }
    }()

    static func make() throws -> (text: String, svg: String) {
        var template = Array("/tmp/mindbeat-report-example-XXXXXX".utf8CString)
        let created: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let directory = created else { throw CommandFailure.io("cannot create a temporary directory") }
        let path = directory + "/demo.db"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            rmdir(directory)
        }
        try Stores.create(path) { store in try play(store) }
        let store = try Stores.open(path)
        let mindbeat = Mindbeat(store: store, clock: FixedClock(now), zone: FixedOffsetZone.utc)
        let ann = try mindbeat.authenticate(.token(annToken))
        let report = try mindbeat.report(ann, from: nil, to: nil, by: .month, coachEmail: nil, memberEmail: nil)
        let render = ReportRender(report: report, zone: FixedOffsetZone.utc, color: false)
        let scope = Commands.reportScope(ann.account, coach: nil, member: nil)
        return (render.text(scope: scope).joined(separator: "\n"), render.svg(scope: scope))
    }

    static let annToken = "report-example-ann"

    /// Ada (the admin) adds Ann, a coach, and her members Bo, Cy and Di; Ann
    /// meets each of them weekly from June, and each session is held, missed
    /// (after a reminder), cancelled late or in good time, by a fixed pattern.
    static func play(_ store: any Store) throws {
        let june = Instant(secondsSinceEpoch: 1_780_272_000) // Monday 2026-06-01T00:00:00Z
        func at(_ instant: Instant) -> Mindbeat { Mindbeat(store: store, clock: FixedClock(instant), zone: FixedOffsetZone.utc) }
        let setup = at(june.plus(minutes: -14 * 24 * 60))
        let (_, adminToken) = try setup.initialise(name: "Ada Admin", email: "ada@example.com", passwordHash: "!")
        let ada = try setup.authenticate(.token(adminToken))
        let annAccount = try setup.addAccount(ada, NewAccount(role: .coach, name: "Ann Coach", email: "ann@example.com"),
                                              passwordHash: "!")
        let members = [("Bo Member", "bo@example.com"), ("Cy Member", "cy@example.com"), ("Di Member", "di@example.com")]
        for (name, email) in members {
            _ = try setup.addAccount(ada, NewAccount(role: .member, name: name, email: email, coachEmail: annAccount.email),
                                     passwordHash: "!")
        }
        try store.write { tx in
            try tx.insertToken(hash: Secrets.tokenHash(annToken), accountID: annAccount.id, at: june,
                               expiresAt: now.plus(minutes: 24 * 60))
        }
        let ann = try setup.authenticate(.token(annToken))
        let reason = try ChatText("Ann is away")
        var week: Int64 = 0
        while true {
            for (index, member) in members.enumerated() {
                let start = june.plus(minutes: week * 7 * 24 * 60 + 9 * 60 + Int64(index) * 120)
                guard start.plus(minutes: 60) < now else { return }
                let id = try at(start.plus(minutes: -7 * 24 * 60)).schedule(
                    ann, startsAt: start, memberEmail: member.1, coachEmail: nil)
                switch (week * 7 + Int64(index) * 5 + week / 8) % 13 {
                case 0, 6:
                    _ = try at(start).attend(ann, id: id)
                    _ = try at(start.plus(minutes: 6)).contact(ann, id: id, via: .email, note: nil) { _ in "" }
                    _ = try at(start.plus(minutes: 16)).end(ann, id: id, as: .missed)
                case 3:
                    _ = try at(start.plus(minutes: -180)).cancel(ann, id: id, reason: reason)
                case 9:
                    _ = try at(start.plus(minutes: -3 * 24 * 60)).cancel(ann, id: id, reason: reason)
                default:
                    _ = try at(start).attend(ann, id: id)
                    _ = try at(start.plus(minutes: 50)).end(ann, id: id, as: .held)
                }
            }
            week += 1
        }
    }

    // MARK: In the README

    static let begin = "<!-- The report example: generated from a demo database by make generate; do not edit. -->"
    static let end = "<!-- End of the report example. -->"

    static func section() -> String {
        [begin, "```", "$ " + command, made.text, "```", "", "![The same report as an SVG chart](docs/report.svg)", end]
            .joined(separator: "\n")
    }
}
