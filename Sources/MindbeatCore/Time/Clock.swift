/// Where "now" comes from. Every rule and every timestamp reads it, never the
/// system clock directly, so a fixed clock makes a whole run deterministic.
public protocol Clock: Sendable {
    func now() -> Instant
}

/// A clock stopped at one instant: `MINDBEAT_NOW`, and every test.
public struct FixedClock: Clock {
    public let instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
}

/// A time zone as the rules need it: the offset from UTC in force at an instant.
///
/// The live zone (`$TZ`) is supplied by the command line; tests use fixed zones
/// and zones with a daylight-saving change they define themselves.
public protocol LocalZone: Sendable {
    /// Seconds east of UTC in force at `instant`.
    func offset(at instant: Instant) -> Int64
}

/// A zone with one offset all year.
public struct FixedOffsetZone: LocalZone {
    public let seconds: Int64
    public init(seconds: Int64) { self.seconds = seconds }
    public static let utc = FixedOffsetZone(seconds: 0)
    public func offset(at instant: Instant) -> Int64 { seconds }
}

extension LocalZone {
    /// The civil date and time of `instant` in this zone.
    public func civil(_ instant: Instant) -> CivilDateTime {
        CivilDateTime(utcSeconds: instant.secondsSinceEpoch &+ offset(at: instant))
    }

    /// Every instant whose wall-clock reading here is `civil`: none inside a
    /// daylight-saving gap, two inside an overlap, one otherwise.
    public func instants(for civil: CivilDateTime) -> [Instant] {
        let local = civil.utcSeconds
        // Real zones change offset at most once within a day either side, and
        // offsets lie within ±14 hours: the offsets in force around `local`
        // are the only candidates.
        var candidates: [Int64] = []
        for probe in [local - 50_400, local, local + 50_400] {
            let offset = self.offset(at: Instant(secondsSinceEpoch: probe))
            if !candidates.contains(offset) { candidates.append(offset) }
        }
        var found: [Instant] = []
        for offset in candidates {
            let instant = Instant(secondsSinceEpoch: local - offset)
            if self.offset(at: instant) == offset, !found.contains(instant) {
                found.append(instant)
            }
        }
        return found.sorted()
    }

    /// `HH:MM`, preceded by the date when it is not the same local day as `now`.
    public func shortTime(_ instant: Instant, now: Instant) -> String {
        let civil = self.civil(instant)
        let today = self.civil(now)
        let time = civil.isoTime(seconds: false)
        if civil.year == today.year && civil.month == today.month && civil.day == today.day {
            return time
        }
        return civil.isoDate + " " + time
    }

    /// `YYYY-MM-DD HH:MM` in this zone.
    public func dateTime(_ instant: Instant) -> String {
        let civil = self.civil(instant)
        return civil.isoDate + " " + civil.isoTime(seconds: false)
    }
}
