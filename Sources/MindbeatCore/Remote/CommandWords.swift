/// The words of a command line sent over SSH (SPEC §11), in both directions.
///
/// OpenSSH hands a forced command the client's command as one string,
/// `SSH_ORIGINAL_COMMAND`. The server splits it by this fixed grammar — never
/// by a shell — and the client quotes each word so that the split gives back
/// exactly its words:
///
/// - spaces and tabs separate words; nothing else does;
/// - `'…'` is literal: no escapes inside;
/// - in `"…"` only `\"` and `\\` are escapes; any other backslash inside
///   double quotes is a literal backslash;
/// - outside quotes, `\` escapes the next character, whatever it is;
/// - quotes may touch other text within one word (`a'b c'd` is `ab cd`), and
///   an empty `''` or `""` is an empty word;
/// - nothing is expanded: `$`, `` ` ``, `*`, `?`, `~`, `;`, `|`, `&`, `<`,
///   `>`, `(`, `)`, `#`, `{`, `}` and every other character are ordinary.
///
/// A line is refused, whole, when it holds a NUL, a line break (LF or CR,
/// even quoted or escaped), a quote that does not close, a lone backslash at
/// its end, more than ``limitBytes`` bytes, or bytes that are not UTF-8.
///
/// The grammar works on UTF-8 bytes; every character it gives meaning to is
/// ASCII, so a multi-byte character is always ordinary text and a word is
/// always cut between whole characters.
public enum CommandWords {
    /// The longest command line, in bytes of UTF-8, that the server splits and
    /// the client sends.
    public static let limitBytes = 65_536

    // MARK: Splitting (the server)

    /// The words of `line`, or why it is refused.
    ///
    /// A Swift string is always valid UTF-8; the server, which reads raw
    /// bytes from its environment, calls ``split(bytes:)`` instead.
    public static func split(_ line: String) throws(InvalidValue) -> [String] {
        try split(bytes: Array(line.utf8))
    }

    /// The words of a command line given as raw bytes, or why it is refused.
    ///
    /// Every mindbeat value is text, so bytes that are not valid UTF-8
    /// (including overlong forms and encoded surrogates) are refused rather
    /// than repaired: a repair would silently hand a command other words than
    /// the ones that were sent. The checks run in a fixed order — length, NUL,
    /// line break, UTF-8, then the grammar — so one line always gets the same
    /// refusal.
    public static func split(bytes: [UInt8]) throws(InvalidValue) -> [String] {
        guard bytes.count <= limitBytes else {
            throw InvalidValue("is longer than \(grouped(limitBytes)) bytes")
        }
        if bytes.contains(0) { throw InvalidValue("contains a NUL byte") }
        if bytes.contains(where: isLineBreak) { throw InvalidValue("contains a line break") }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw InvalidValue("is not valid UTF-8")
        }

        var words: [String] = []
        var word: [UInt8] = []
        // A word has begun even when it is still empty (after `''`).
        var inWord = false
        var index = 0
        func finish() {
            // Whole characters only reach a word (see above), so decoding
            // cannot repair anything here.
            words.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
            inWord = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case space, tab:
                if inWord { finish() }
            case singleQuote:
                inWord = true
                guard let close = bytes[index...].firstIndex(of: singleQuote) else {
                    throw InvalidValue("has a quote that does not close")
                }
                word.append(contentsOf: bytes[index..<close])
                index = close + 1
            case doubleQuote:
                inWord = true
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    index += 1
                    if inner == doubleQuote {
                        closed = true
                        break
                    }
                    if inner == backslash, index < bytes.count,
                       bytes[index] == doubleQuote || bytes[index] == backslash {
                        word.append(bytes[index])
                        index += 1
                    } else {
                        word.append(inner)
                    }
                }
                guard closed else { throw InvalidValue("has a quote that does not close") }
            case backslash:
                guard index < bytes.count else { throw InvalidValue("ends with a lone backslash") }
                inWord = true
                word.append(bytes[index])
                index += 1
            default:
                inWord = true
                word.append(byte)
            }
        }
        if inWord { finish() }
        return words
    }

    /// The words after a leading `mindbeat`, which is dropped (once), so that
    /// `ssh HOST mindbeat sessions list` and `ssh HOST sessions list` run the
    /// same command.
    public static func dropLeadingMindbeat(_ words: [String]) -> [String] {
        guard let first = words.first, isProgramName(first) else { return words }
        return Array(words.dropFirst())
    }

    // MARK: Quoting (the client)

    /// Whether `word` can travel in a command line at all: it holds no NUL
    /// and no line break (LF or CR), which the server refuses wherever they
    /// stand. The client refuses such a word before connecting.
    public static func canSend(_ word: String) -> Bool {
        !word.utf8.contains { $0 == 0 || isLineBreak($0) }
    }

    /// One command line that ``split(_:)`` turns back into exactly `words`.
    ///
    /// Requires ``canSend(_:)`` of every word; a word that cannot be sent is
    /// still quoted, and the server refuses the whole line. The length limit
    /// is the caller's to check on the result, against ``limitBytes``.
    public static func quote(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// One word, quoted for ``split(_:)``: bare when it holds only letters,
    /// digits and `-_./:=@+,%` (all ASCII); otherwise in single quotes, with
    /// each `'` inside written `'\''` (close, an escaped quote, reopen); an
    /// empty word is `''`.
    ///
    /// The output is also read the same way by a POSIX shell, so a line that
    /// reaches a shell by mistake runs nothing it was not meant to.
    /// Requires ``canSend(_:)``, as ``quote(_:)`` does.
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        if word.utf8.allSatisfy(isBare) { return word }
        var quoted = "'"
        for character in word.unicodeScalars {
            if character == "'" {
                quoted += "'\\''"
            } else {
                quoted.unicodeScalars.append(character)
            }
        }
        quoted += "'"
        return quoted
    }

    // MARK: The bytes the grammar gives meaning to

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let singleQuote = UInt8(ascii: "'")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    private static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// A byte a word may hold and still be sent without quotes.
    private static func isBare(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-_./:=@+,%".utf8.contains(byte)
        }
    }

    private static func isProgramName(_ word: String) -> Bool {
        // Bytes, not `==`: a string compare would also accept a canonically
        // equivalent spelling.
        word.utf8.elementsEqual("mindbeat".utf8)
    }

    /// `65536` as `65,536`, as a person writes it.
    private static func grouped(_ number: Int) -> String {
        var digits = String(number)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}
