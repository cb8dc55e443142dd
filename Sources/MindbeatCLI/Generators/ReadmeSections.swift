import MindbeatCore

/// The parts of README.md that are made from `Policy`, so that the README
/// cannot state a number the rules do not use. `make generate` rewrites the
/// text between the markers; a test fails when the committed README differs.
enum ReadmeSections {
    static let begin = "<!-- The protocol in numbers: generated from Policy by make generate; do not edit. -->"
    static let end = "<!-- End of the generated table. -->"

    /// The table of the protocol's numbers.
    static func numbers() -> String {
        let rows: [(String, String)] = [
            ("Either party may attend from", "\(Policy.earlyJoinMinutes) minutes before the start"),
            ("The coach waits for a member who has not joined", "\(Policy.waitMinutes) minutes, from the later of the start and their own join"),
            ("A contact attempt counts towards a no-show from", "\(Policy.contactAfterMinutes) minutes after the start"),
            ("Parties are emailed that shared notes wait", "\(Policy.notesNoticeDelayMinutes) minutes after the session ends"),
            ("A note body holds at most", "\(Policy.noteLimitKiB) KiB"),
            ("A chat message holds at most", "\(Policy.chatLimitBytes) bytes"),
            ("A login lasts", "\(Policy.loginLifetimeDays) days"),
            ("A session lasts, unless told otherwise", "\(Policy.defaultDurationMinutes) minutes (1 to \(Policy.longestDurationMinutes))"),
            ("A password has at least", "\(Policy.minimumPasswordLength) characters"),
            ("A member cancels or reschedules without using their bank", "at least \(Policy.noticeHours) hours before the start"),
            ("A member is flagged at their", "\(NoticeMessage.ordinal(Policy.flaggedChange)) cancellation or reschedule in an engagement"),
            ("Both parties are reminded of a session", Phrases.upcomingHours + " before it"),
            ("A series has", "\(Policy.seriesCounts.lowerBound) to \(Policy.seriesCounts.upperBound) sessions"),
            ("A bank holds", "\(Policy.bankSizes.lowerBound) to \(Policy.bankSizes.upperBound) sessions"),
            ("`calendar` starts, unless told otherwise", "\(Policy.calendarPastDays) days ago"),
            ("`report` starts, unless told otherwise", "on the 1st of the month \(Policy.reportPastMonths) months before this one"),
            ("`report` covers at most", "\(Policy.longestReportPeriods) weeks or months"),
        ]
        var lines = [begin, "| rule | number |", "|---|---|"]
        lines += rows.map { "| \($0.0) | \($0.1) |" }
        lines.append(end)
        return lines.joined(separator: "\n")
    }

    /// `readme` with its generated section made current; nil when the
    /// markers are missing.
    static func apply(to readme: String) -> String? {
        guard let numbered = replace(in: readme, from: begin, to: end, with: numbers()) else { return nil }
        return replace(in: numbered, from: ReportExample.begin, to: ReportExample.end, with: ReportExample.section())
    }

    /// `text` with what lies between the markers (included) replaced.
    static func replace(in text: String, from begin: String, to end: String, with section: String) -> String? {
        guard let start = text.firstRange(of: begin), let stop = text.firstRange(of: end), start.lowerBound < stop.upperBound else {
            return nil
        }
        return String(text[..<start.lowerBound]) + section + String(text[stop.upperBound...])
    }
}
