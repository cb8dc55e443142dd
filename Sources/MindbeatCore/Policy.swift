/// The numbers of the Mindbeat protocol and of mindbeat's limits, each written
/// once. Rules, messages, help, man pages and the README's table read them
/// from here; a test fails when a document states another number.
public enum Policy {
    /// How early either party may join, before the start.
    public static let earlyJoinMinutes: Int64 = 30
    /// How long the coach waits for a member who has not joined before the
    /// session may be ended as missed.
    public static let waitMinutes: Int64 = 15
    /// How long after the start a contact attempt counts towards a no-show.
    public static let contactAfterMinutes: Int64 = 5
    /// How long after a session ends its parties hear of shared notes.
    public static let notesNoticeDelayMinutes: Int64 = 15
    /// The largest note body, in KiB of UTF-8.
    public static let noteLimitKiB = 64
    /// The largest chat message (and contact note), in bytes of UTF-8.
    public static let chatLimitBytes = 4096
    /// The largest feedback comment, in bytes of UTF-8.
    public static let commentLimitBytes = 4096
    /// How long a login lasts.
    public static let loginLifetimeDays: Int64 = 30
    /// The shortest password.
    public static let minimumPasswordLength = 8
    /// A session's length when none is given, and the longest one.
    public static let defaultDurationMinutes: Int64 = 60
    public static let longestDurationMinutes: Int64 = 1440
    /// How long a claim on a notice holds before another `outbox send` may take it over.
    public static let claimLeaseMinutes: Int64 = 10
    /// How long the mail command may take before it is killed.
    public static let mailTimeoutSeconds = 60
    /// How long before the start a member may cancel or reschedule without
    /// it being charged to their bank (SPEC §9).
    public static let noticeHours: Int64 = 24
    /// The member's own change, in one engagement, that flags them.
    public static let flaggedChange = 3
    /// How many sessions a series has, at least and at most.
    public static let seriesCounts: ClosedRange<Int64> = 2...52
    /// How many sessions `users bank` may give one engagement.
    public static let bankSizes: ClosedRange<Int64> = 1...1000
    /// How long before a session its parties are reminded of it, in hours.
    public static let upcomingNoticeHours: [Int64] = [24, 1]
    /// How far back `calendar` reaches when no --from is given.
    public static let calendarPastDays: Int64 = 90
    /// How long a command waits for another process's write lock.
    public static let busyTimeoutSeconds = 5
}

extension Policy {
    /// The longest `wait --timeout`: a month.
    public static let longestWaitSeconds: Int64 = 31 * 86_400
    /// How often a command that watches a SQLite database asks whether
    /// another process changed it (`PRAGMA data_version`), in milliseconds.
    public static let changePollMilliseconds = 100
    /// How many whole months before the current one a report starts by default.
    public static let reportPastMonths: Int64 = 5
    /// The most periods one report may have (1,000 weeks is 19 years).
    public static let longestReportPeriods = 1000
}
