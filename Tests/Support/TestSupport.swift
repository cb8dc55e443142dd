#if canImport(Glibc)
import Glibc
#endif
import Testing
import MindbeatCore

/// A clock the test moves by hand. Each fixture owns one; tests do not share it.
public final class TestClock: Clock, @unchecked Sendable {
    public var instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
    public func realSeconds(until instant: Instant) -> Double? { instant <= self.instant ? 0 : nil }
    public func set(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        instant = at(text, sourceLocation: sourceLocation)
    }
}

/// `2026-12-01T09:00:00Z` as an instant. A malformed time fails the test that
/// wrote it (it never falls back to some other instant silently): the issue
/// is recorded at the caller, and the instant returned is the far end of the
/// supported range, which no rule treats as ordinary.
public func at(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Instant {
    do {
        return try TimeInput.parseRFC3339(text)
    } catch {
        Issue.record("malformed time in a test: \(text) \(error.problem)", sourceLocation: sourceLocation)
        return Instant(secondsSinceEpoch: Instant.validRange.upperBound)
    }
}

/// A zone one hour ahead of UTC in winter and two in summer, changing at
/// 01:00 UTC on the last Sundays of March and October 2026, as central
/// Europe does.
public struct CentralEuropeanZone: LocalZone {
    static let spring = Instant(secondsSinceEpoch: 1_774_746_000)  // 2026-03-29T01:00:00Z
    static let autumn = Instant(secondsSinceEpoch: 1_792_890_000)  // 2026-10-25T01:00:00Z

    public init() {}

    public func offset(at instant: Instant) -> Int64 {
        instant >= Self.spring && instant < Self.autumn ? 7200 : 3600
    }
}

/// A new private temporary directory, removed by `removeTree`.
public func temporaryDirectory(sourceLocation: SourceLocation = #_sourceLocation) -> String {
    var template = Array("/tmp/mindbeat-test-XXXXXX".utf8CString)
    let made: String? = template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
        return String(cString: base)
    }
    guard let made else {
        Issue.record("cannot create a temporary directory", sourceLocation: sourceLocation)
        return "/tmp/mindbeat-test-unavailable"
    }
    return made
}

/// Removes a directory made by `temporaryDirectory`, and nothing else.
public func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/mindbeat-test-") else { return }
    _ = system("rm -rf '\(path)'")
}

/// A whole file's bytes, or nothing.
public func fileBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// A whole file as text, or nil when it cannot be opened.
public func readText(_ path: String) -> String? {
    guard access(path, R_OK) == 0 else { return nil }
    return String(decoding: fileBytes(path), as: UTF8.self)
}

public func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
}

/// The package's root directory, from this file's path.
public let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// SplitMix64: small, fast and the same everywhere, so that a printed seed
/// replays a fuzz or property run.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
