/// The checks on every value a person types, made once at input so that no
/// name, address, number or link can later add a mail header or an argument.
public enum Values {
    /// `local@domain`, ASCII, at most 254 characters, no whitespace or control
    /// characters, not starting with `-`.
    public static func email(_ text: String) throws(InvalidValue) -> String {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw InvalidValue("is empty; give an address such as ann@example.com") }
        guard bytes.count <= 254 else { throw InvalidValue("is longer than 254 characters") }
        guard bytes[0] != UInt8(ascii: "-") else { throw InvalidValue("must not start with '-'") }
        for byte in bytes {
            guard byte < 0x80 else { throw InvalidValue("must be ASCII") }
            guard byte > 0x20, byte != 0x7f else {
                throw InvalidValue("must not contain spaces or control characters")
            }
            guard !"<>()[]\\,;:\"".utf8.contains(byte) else {
                throw InvalidValue("must not contain \(Character(Unicode.Scalar(byte)))")
            }
        }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw InvalidValue("is not an email address (local@domain)")
        }
        guard !parts[1].starts(with: [UInt8(ascii: ".")]), !parts[1].contains(where: { $0 == UInt8(ascii: "@") }) else {
            throw InvalidValue("is not an email address (local@domain)")
        }
        return text
    }

    /// Whether two email addresses are the same account's: compared
    /// case-insensitively (ASCII), as the database compares them.
    public static func sameEmail(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    static func lower(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

    /// 1 to 200 characters after trimming, no control characters (Cc, U+0085,
    /// U+2028, U+2029).
    public static func name(_ text: String) throws(InvalidValue) -> String {
        for scalar in text.unicodeScalars where isControl(scalar) {
            throw InvalidValue("must not contain control characters or line breaks")
        }
        try refuseBidiControls(text)
        let trimmed = trimWhitespace(text)
        guard !trimmed.isEmpty else { throw InvalidValue("is empty") }
        guard trimmed.count <= 200 else { throw InvalidValue("is longer than 200 characters") }
        return trimmed
    }

    /// `+`, digits, spaces, `-`, `(`, `)`; 5 to 32 characters.
    public static func phone(_ text: String) throws(InvalidValue) -> String {
        let allowed = Set("+0123456789 -()".utf8)
        for byte in text.utf8 where !allowed.contains(byte) {
            throw InvalidValue("may hold only digits, spaces, '+', '-', '(' and ')'")
        }
        guard (5...32).contains(text.utf8.count) else { throw InvalidValue("must be 5 to 32 characters long") }
        guard text.utf8.contains(where: { (48...57).contains($0) }) else { throw InvalidValue("has no digits") }
        return text
    }

    /// `https://` or `http://`, no whitespace or control characters, at most
    /// 2048 characters.
    public static func url(_ text: String) throws(InvalidValue) -> String {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
            throw InvalidValue("must start with https:// or http://")
        }
        guard text.utf8.count <= 2048 else { throw InvalidValue("is longer than 2048 characters") }
        for scalar in text.unicodeScalars where isControl(scalar) || scalar.properties.isWhitespace {
            throw InvalidValue("must not contain spaces or control characters")
        }
        try refuseBidiControls(text)
        guard text.utf8.count > (text.hasPrefix("https://") ? 8 : 7) else { throw InvalidValue("has no host") }
        return text
    }

    /// A session id: a decimal integer from 1 to 2⁶³−1.
    public static func sessionID(_ text: String) throws(InvalidValue) -> Int64 {
        try integer(text, in: 1...Int64.max, what: "a session id (a whole number from 1)")
    }

    /// A session length in minutes, 1 to 1440.
    public static func minutes(_ text: String) throws(InvalidValue) -> Int64 {
        try integer(text, in: 1...1440, what: "a number of minutes from 1 to 1440")
    }

    /// A feedback rating, 1 to 5.
    public static func rating(_ text: String) throws(InvalidValue) -> Int64 {
        try integer(text, in: 1...5, what: "a rating from 1 to 5")
    }

    /// How many sessions a series has (`--count`), 2 to 52.
    public static func seriesCount(_ text: String) throws(InvalidValue) -> Int64 {
        try integer(text, in: Policy.seriesCounts,
                    what: "a number of sessions from \(Policy.seriesCounts.lowerBound) to \(Policy.seriesCounts.upperBound)")
    }

    /// How many sessions a bank holds (`users bank --sessions`), 1 to 1000.
    public static func bankSessions(_ text: String) throws(InvalidValue) -> Int64 {
        try integer(text, in: Policy.bankSizes,
                    what: "a number of sessions from \(Policy.bankSizes.lowerBound) to \(Policy.bankSizes.upperBound)")
    }

    static func integer(_ text: String, in range: ClosedRange<Int64>, what: String) throws(InvalidValue) -> Int64 {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (48...57).contains($0) }) else {
            throw InvalidValue("is not \(what)")
        }
        var value: Int64 = 0
        for byte in bytes {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(byte - 48))
            guard !o1, !o2 else { throw InvalidValue("is out of range: it must be \(what)") }
            value = sum
        }
        guard range.contains(value) else { throw InvalidValue("is out of range: it must be \(what)") }
        return value
    }

    /// Unicode Cc, U+0085, U+2028 and U+2029.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.value == 0x85
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Whether a character must never reach a terminal raw (SPEC §6): a
    /// control character (`isControl`) or a bidirectional control (U+061C,
    /// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can make text
    /// display as something it is not. The display filter, the completion
    /// candidates and the echo of command-line values all ask this.
    public static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || scalar.properties.isBidiControl
    }

    /// Refuses the Unicode bidirectional controls in a one-line value (SPEC
    /// §6): they let a name or a link display as something it is not.
    static func refuseBidiControls(_ text: String) throws(InvalidValue) {
        for scalar in text.unicodeScalars where scalar.properties.isBidiControl {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            throw InvalidValue("must not contain the bidirectional control U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)")
        }
    }

    /// `text` without leading and trailing whitespace.
    public static func trimWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
