#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where "now" comes from. Every rule and every timestamp reads it, never the
/// system clock directly, so a fixed clock makes a whole run deterministic.
public protocol Clock: Sendable {
    func now() -> Instant
    /// How many seconds of real time pass before this clock reads `instant`
    /// (zero or less once it has): what a command that waits for a time
    /// sleeps. Nil for a clock that stands still, which never gets there.
    func realSeconds(until instant: Instant) -> Double?
}

/// A clock stopped at one instant: `MINDBEAT_NOW`, and every test.
public struct FixedClock: Clock {
    public let instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
    public func realSeconds(until instant: Instant) -> Double? {
        instant <= self.instant ? 0 : nil
    }
}

/// Another clock set forward (or back) by whole seconds: the system clock
/// moved to a database server's (SPEC §12: now is the server's `now()`).
public struct OffsetClock: Clock {
    public let base: any Clock
    public let seconds: Int64
    public init(_ base: any Clock, seconds: Int64) {
        self.base = base
        self.seconds = seconds
    }
    public func now() -> Instant {
        let base = base.now().secondsSinceEpoch
        let moved = base.addingReportingOverflow(seconds)
        guard !moved.overflow, Instant.validRange.contains(moved.partialValue) else { return Instant(secondsSinceEpoch: base) }
        return Instant(secondsSinceEpoch: moved.partialValue)
    }
    public func realSeconds(until instant: Instant) -> Double? {
        base.realSeconds(until: Instant(secondsSinceEpoch: instant.secondsSinceEpoch &- seconds))
    }
}

/// A test clock that runs (SPEC §8, `MINDBEAT_CLOCK_RATE`): it reads `start`
/// when the process starts and moves `rate` times as fast as real time, so a
/// fifteen-minute wait can be tested in a second and a half.
public struct RunningClock: Clock {
    public let start: Instant
    public let rate: Double
    /// Real seconds since the clock started, from a monotonic source.
    let elapsed: @Sendable () -> Double

    public init(start: Instant, rate: Double, elapsed: @escaping @Sendable () -> Double) {
        self.start = start
        self.rate = rate
        self.elapsed = elapsed
    }

    /// Seconds since `start` on this clock, with their fraction.
    private func reading() -> Double { max(0, elapsed()) * rate }

    public func now() -> Instant {
        let seconds = reading().rounded(.down)
        // The last instant mindbeat supports, however long the clock runs.
        let limit = Double(Instant.validRange.upperBound - start.secondsSinceEpoch)
        return Instant(secondsSinceEpoch: start.secondsSinceEpoch + Int64(min(seconds, limit)))
    }

    public func realSeconds(until instant: Instant) -> Double? {
        (Double(instant.seconds(since: start)) - reading()) / rate
    }

    /// `MINDBEAT_CLOCK_RATE`: a positive decimal number (`60`, `0.5`), at
    /// most a million — a clock that passes a year in thirty seconds.
    public static func rate(_ text: String) throws(InvalidValue) -> Double {
        let bytes = Array(text.utf8)
        let digit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(dot ?? bytes.endIndex)]
        let fraction = dot.map { bytes[($0 + 1)...] } ?? []
        guard !whole.isEmpty, whole.allSatisfy(digit), fraction.allSatisfy(digit), dot == nil || !fraction.isEmpty
        else { throw InvalidValue("is not a rate: give a positive number such as 60 (the clock then runs 60 times as fast)") }
        guard whole.count <= 7 else { throw InvalidValue("is more than 1000000") }
        guard fraction.count <= 9 else { throw InvalidValue("has more than 9 digits after the point") }
        var value = 0.0
        for byte in whole { value = value * 10 + Double(byte - 48) }
        var scale = 0.1
        for byte in fraction {
            value += Double(byte - 48) * scale
            scale /= 10
        }
        guard value > 0 else { throw InvalidValue("is not a rate: it must be more than 0") }
        guard value <= 1_000_000 else { throw InvalidValue("is more than 1000000") }
        return value
    }
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

/// Real seconds on the monotonic clock: what timeouts, sleeps and the running
/// test clock count, whatever anyone does to the system's time.
public func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
