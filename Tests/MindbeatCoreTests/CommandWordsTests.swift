#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

/// The §11 word grammar: what the server makes of `SSH_ORIGINAL_COMMAND`, and
/// the client's quoting, which must give back exactly the client's words.
@Suite("Command words over SSH")
struct CommandWordsTests {
    /// The words of `line`, or nil when it is refused.
    static func words(_ line: String) -> [String]? {
        try? CommandWords.split(line)
    }

    /// Why `bytes` is refused, or nil when it is split.
    static func problem(_ bytes: [UInt8]) -> String? {
        do {
            _ = try CommandWords.split(bytes: bytes)
            return nil
        } catch {
            return error.problem
        }
    }

    static func problem(_ line: String) -> String? { problem(Array(line.utf8)) }

    /// Strings compared as bytes: `==` on String would call "é" and
    /// "e\u{301}" equal, and the grammar must not change one into the other.
    static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    // MARK: Splitting

    /// Each rule of the grammar, with the words it must give.
    static let splitCases: [(line: String, words: [String])] = [
        // Spaces and tabs separate; nothing else does.
        ("", []),
        ("   \t  ", []),
        ("sessions list", ["sessions", "list"]),
        ("  a\t\tb  ", ["a", "b"]),
        ("a\u{B}b a\u{C}b", ["a\u{B}b", "a\u{C}b"]),
        ("a\u{A0}b a\u{2028}b", ["a\u{A0}b", "a\u{2028}b"]),
        // Single quotes: literal, no escapes.
        ("'a b'", ["a b"]),
        ("'a\\b'", ["a\\b"]),
        ("'a\"b'", ["a\"b"]),
        ("'$HOME `id` \\'", ["$HOME `id` \\"]),
        // Double quotes: only \" and \\ are escapes.
        ("\"a b\"", ["a b"]),
        ("\"a\\\"b\"", ["a\"b"]),
        ("\"a\\\\b\"", ["a\\b"]),
        ("\"\\\\\"", ["\\"]),
        ("\"a\\b\"", ["a\\b"]),
        ("\"a\\$b\"", ["a\\$b"]),
        ("\"a\\'b\"", ["a\\'b"]),
        ("\"a\\ b\"", ["a\\ b"]),
        ("\"it's\"", ["it's"]),
        ("\"\\\\\\\"\"", ["\\\""]),
        // Outside quotes a backslash escapes any next character.
        ("a\\ b", ["a b"]),
        ("a\\\tb", ["a\tb"]),
        ("\\'", ["'"]),
        ("\\\"", ["\""]),
        ("\\\\", ["\\"]),
        ("\\a\\b", ["ab"]),
        ("\\é", ["é"]),
        ("\\ ", [" "]),
        // Quotes touch other text within one word; empty quotes are a word.
        ("a'b c'd", ["ab cd"]),
        ("a\"b c\"d", ["ab cd"]),
        ("'a'\"b\"\\ c", ["ab c"]),
        ("'it'\\''s'", ["it's"]),
        ("''", [""]),
        ("\"\"", [""]),
        ("''\"\"", [""]),
        ("a '' b", ["a", "", "b"]),
        ("'' ''", ["", ""]),
        ("a''", ["a"]),
        // Text that is not ASCII is ordinary text.
        ("é 'ü x' \"日本\" 👩‍💻", ["é", "ü x", "日本", "👩‍💻"]),
        ("e\u{301}", ["e\u{301}"]),
        // Nothing is expanded: the hostile lines of the issue.
        ("sessions list; rm -rf ~", ["sessions", "list;", "rm", "-rf", "~"]),
        ("a;b", ["a;b"]),
        ("a&&b", ["a&&b"]),
        ("a && b || c", ["a", "&&", "b", "||", "c"]),
        ("a|b", ["a|b"]),
        ("a & b", ["a", "&", "b"]),
        ("$(id)", ["$(id)"]),
        ("\"$(id)\"", ["$(id)"]),
        ("$HOME ${HOME} $1 $$", ["$HOME", "${HOME}", "$1", "$$"]),
        ("`id`", ["`id`"]),
        ("\"`id`\"", ["`id`"]),
        ("* ? [a-z] ~ ~root", ["*", "?", "[a-z]", "~", "~root"]),
        ("a>b <c >>d 2>&1", ["a>b", "<c", ">>d", "2>&1"]),
        ("(x) {y} #z a#b", ["(x)", "{y}", "#z", "a#b"]),
        ("{a,b} !1 %1", ["{a,b}", "!1", "%1"]),
        ("mindbeat notes add 3 'a; b'", ["mindbeat", "notes", "add", "3", "a; b"]),
    ]

    @Test(arguments: splitCases)
    func splits(_ line: String, _ expected: [String]) throws {
        let words = try CommandWords.split(line)
        #expect(Self.bytes(words) == Self.bytes(expected), "\(line.debugDescription) → \(words)")
    }

    /// Each refusal, with the sentence that says why.
    static let refusalCases: [(line: [UInt8], problem: String)] = [
        (Array("a\u{0}b".utf8), "contains a NUL byte"),
        (Array("'a\u{0}'".utf8), "contains a NUL byte"),
        (Array("\"a\u{0}\"".utf8), "contains a NUL byte"),
        (Array("a\\\u{0}".utf8), "contains a NUL byte"),
        (Array("a\nb".utf8), "contains a line break"),
        (Array("sessions list\n".utf8), "contains a line break"),
        (Array("a\rb".utf8), "contains a line break"),
        (Array("'a\nb'".utf8), "contains a line break"),
        (Array("\"a\r\nb\"".utf8), "contains a line break"),
        (Array("a\\\nb".utf8), "contains a line break"),
        (Array("a\\\r".utf8), "contains a line break"),
        (Array("'abc".utf8), "has a quote that does not close"),
        (Array("\"abc".utf8), "has a quote that does not close"),
        (Array("a'".utf8), "has a quote that does not close"),
        (Array("'".utf8), "has a quote that does not close"),
        (Array("\"".utf8), "has a quote that does not close"),
        (Array("\"\\\"".utf8), "has a quote that does not close"),
        (Array("\"a\\".utf8), "has a quote that does not close"),
        (Array("'it\\'s'".utf8), "has a quote that does not close"),
        (Array("\"a\" 'b".utf8), "has a quote that does not close"),
        (Array("abc\\".utf8), "ends with a lone backslash"),
        (Array("\\".utf8), "ends with a lone backslash"),
        (Array("a \\\\\\".utf8), "ends with a lone backslash"),
        ([0xFF], "is not valid UTF-8"),
        ([0x61, 0x80, 0x62], "is not valid UTF-8"),
        ([0xC0, 0xAF], "is not valid UTF-8"),
        ([0xED, 0xA0, 0x80], "is not valid UTF-8"),
        ([0xE2, 0x82], "is not valid UTF-8"),
        ([0xF4, 0x90, 0x80, 0x80], "is not valid UTF-8"),
        ([0x27, 0xFE, 0x27], "is not valid UTF-8"),
        ([0x5C, 0xC3], "is not valid UTF-8"),
    ]

    @Test(arguments: refusalCases)
    func refuses(_ line: [UInt8], _ expected: String) {
        #expect(Self.problem(line) == expected, "\(String(decoding: line.prefix(40), as: UTF8.self).debugDescription)")
    }

    /// The limit is on bytes, not characters, and a line of exactly the limit
    /// is split. (Not in the table above: a test case prints its arguments.)
    @Test func theLimitIsInBytesAndInclusive() throws {
        #expect(Self.problem(Array(repeating: 0x61, count: 65_537)) == "is longer than 65,536 bytes")
        #expect(Self.problem(Array(repeating: 0x20, count: 65_537)) == "is longer than 65,536 bytes")
        #expect(Self.problem("'" + String(repeating: "a", count: 65_535) + "'") == "is longer than 65,536 bytes")
        let atLimit = String(repeating: "a", count: CommandWords.limitBytes)
        #expect(try CommandWords.split(atLimit) == [atLimit])
        let spaced = String(repeating: "ab ", count: CommandWords.limitBytes / 3) + "a"
        #expect(spaced.utf8.count == CommandWords.limitBytes)
        #expect(try CommandWords.split(spaced).count == CommandWords.limitBytes / 3 + 1)
        // 21,846 characters of two bytes each: fewer than 65,536 characters, too many bytes.
        let wide = String(repeating: "é", count: CommandWords.limitBytes / 2 + 1)
        #expect(Self.problem(wide) == "is longer than 65,536 bytes")
    }

    /// One line always gets one refusal: length, then NUL, then a line break,
    /// then UTF-8, then the grammar.
    @Test func refusalsComeInAFixedOrder() {
        #expect(Self.problem(Array(repeating: 0, count: 65_537)) == "is longer than 65,536 bytes")
        #expect(Self.problem([0x27, 0x0A, 0x00]) == "contains a NUL byte")
        #expect(Self.problem([0x27, 0xFF, 0x0A]) == "contains a line break")
        #expect(Self.problem([0x27, 0xFF, 0x5C]) == "is not valid UTF-8")
    }

    /// The server reads raw bytes; valid ones split the same as the string.
    @Test func bytesAndStringsSplitAlike() throws {
        for (line, expected) in Self.splitCases {
            let words = try CommandWords.split(bytes: Array(line.utf8))
            #expect(Self.bytes(words) == Self.bytes(expected))
        }
    }

    // MARK: The leading program name

    @Test func aLeadingMindbeatIsDroppedOnce() throws {
        #expect(CommandWords.dropLeadingMindbeat(["mindbeat", "sessions", "list"]) == ["sessions", "list"])
        #expect(CommandWords.dropLeadingMindbeat(["sessions", "list"]) == ["sessions", "list"])
        #expect(CommandWords.dropLeadingMindbeat(["mindbeat"]) == [])
        #expect(CommandWords.dropLeadingMindbeat(["mindbeat", "mindbeat", "whoami"]) == ["mindbeat", "whoami"])
        #expect(CommandWords.dropLeadingMindbeat([]) == [])
        for kept in [["Mindbeat", "whoami"], ["/usr/bin/mindbeat", "whoami"], ["mindbeat ", "whoami"],
                     ["", "mindbeat"], ["whoami", "mindbeat"]] {
            #expect(CommandWords.dropLeadingMindbeat(kept) == kept)
        }
        // The word after splitting counts, however it was quoted.
        #expect(CommandWords.dropLeadingMindbeat(try CommandWords.split("'mindbeat' whoami")) == ["whoami"])
        #expect(CommandWords.dropLeadingMindbeat(try CommandWords.split("'mindbeat whoami'")) == ["mindbeat whoami"])
    }

    // MARK: Quoting

    @Test func quotesReadably() {
        #expect(CommandWords.quote([]) == "")
        #expect(CommandWords.quote(["sessions", "list"]) == "sessions list")
        #expect(CommandWords.quote(["--tz", "Europe/Berlin", "ann@example.com", "a=b,c%d+e:f_g.h", "-"])
                == "--tz Europe/Berlin ann@example.com a=b,c%d+e:f_g.h -")
        #expect(CommandWords.quote([""]) == "''")
        #expect(CommandWords.quote(["a", "", "b"]) == "a '' b")
        #expect(CommandWords.quote(["a b"]) == "'a b'")
        #expect(CommandWords.quote(["it's"]) == "'it'\\''s'")
        #expect(CommandWords.quote(["'"]) == "''\\'''")
        #expect(CommandWords.quote(["a\\b"]) == "'a\\b'")
        #expect(CommandWords.quote(["say \"hi\""]) == "'say \"hi\"'")
        #expect(CommandWords.quote(["$(id)", "`id`", "*", "~", "a;b", "a|b", "a&b"])
                == "'$(id)' '`id`' '*' '~' 'a;b' 'a|b' 'a&b'")
        #expect(CommandWords.quote(["é", "a\tb"]) == "'é' 'a\tb'")
        // A quote that a combining mark joins into one Character is still a quote byte.
        #expect(CommandWords.quote(["'\u{301}"]) == "''\\''\u{301}'")
        #expect(CommandWords.quote("plain") == "plain")
        #expect(CommandWords.quote("two words") == "'two words'")
    }

    @Test func whatCanBeSent() {
        for word in ["", "a", "a b", "\t", "'\"\\", "é", "\u{2028}", "\u{85}", "\u{1B}[31m"] {
            #expect(CommandWords.canSend(word), "\(word.debugDescription)")
        }
        for word in ["\u{0}", "a\u{0}", "\n", "a\nb", "\r", "a\r\nb"] {
            #expect(!CommandWords.canSend(word), "\(word.debugDescription)")
        }
    }

    /// A word that cannot be sent still quotes to something; the server
    /// refuses that line whole, it never reads other words from it.
    @Test func aWordThatCannotBeSentMakesALineTheServerRefuses() {
        #expect(Self.problem(CommandWords.quote(["whoami", "a\nb"])) == "contains a line break")
        #expect(Self.problem(CommandWords.quote(["whoami", "a\u{0}b"])) == "contains a NUL byte")
    }

    // MARK: Round trips, from a seed

    /// The pieces hostile words are made of: every character the grammar or a
    /// shell gives meaning to, text that is not ASCII, controls, and pieces of
    /// quoting itself.
    static let alphabet: [String] = [
        "a", "Z", "0", "9", "-", "_", ".", "/", ":", "=", "@", "+", ",", "%",
        " ", "  ", "\t", "'", "\"", "\\", "\\\\", "''", "'\\''", "\"\"", "\\\"",
        "$", "$(", ")", "`", "*", "?", "~", ";", "|", "&", "<", ">", "(", "#", "{", "}", "[", "]", "!", "^",
        "é", "e\u{301}", "\u{301}", "日本", "👩‍💻", "\u{A0}", "\u{2028}", "\u{85}", "\u{1B}", "\u{7F}", "\u{B}", "\u{C}",
        "mindbeat", "--tz", "-",
    ]

    static func randomWords(_ random: inout SeededGenerator) -> [String] {
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in
            // One word in six is empty: the case that is easiest to lose.
            if Int.random(in: 0..<6, using: &random) == 0 { return "" }
            let pieces = Int.random(in: 1...12, using: &random)
            return (0..<pieces).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }.joined()
        }
    }

    static func roundTrips(seed: UInt64, cases: Int) {
        print("CommandWords round-trip seed: \(seed) (replay with MINDBEAT_TEST_SEED=\(seed))")
        var random = SeededGenerator(state: seed)
        var failures = 0
        for number in 0..<cases {
            // A broken quoting fails nearly every case; twenty say enough.
            guard failures < 20 else { break }
            let words = randomWords(&random)
            let line = CommandWords.quote(words)
            let back: [String]
            do {
                back = try CommandWords.split(line)
            } catch {
                Issue.record("seed \(seed), case \(number): \(words) quoted as \(line.debugDescription) is refused: \(error.problem)")
                failures += 1
                continue
            }
            if bytes(back) != bytes(words) { failures += 1 }
            #expect(bytes(back) == bytes(words), "seed \(seed), case \(number): \(words) → \(line.debugDescription) → \(back)")
            for word in words {
                #expect(bytes((try? CommandWords.split(CommandWords.quote(word))) ?? []) == bytes([word]),
                        "seed \(seed), case \(number): \(word.debugDescription)")
            }
        }
    }

    @Test func quotingRoundTripsFromAFixedSeed() {
        Self.roundTrips(seed: Self.seed(default: 0x776F_7264_7321), cases: 5_000)
    }

    @Test func quotingRoundTripsFromARandomSeed() {
        Self.roundTrips(seed: Self.seed(default: UInt64.random(in: 0...UInt64.max)), cases: 2_000)
    }

    /// The quoting is also what a POSIX shell reads, so a line that reaches a
    /// shell by mistake (a host without the forced command) runs no other
    /// words than the ones sent.
    @Test func aPOSIXShellReadsTheSameWords() throws {
        var random = SeededGenerator(state: 0x7368_656C_6C)
        for _ in 0..<100 {
            let words = Self.randomWords(&random)
            guard !words.isEmpty else { continue }
            let command = "printf '%s\\n' " + CommandWords.quote(words)
            let pipe = try #require(popen(command, "r"))
            var output: [UInt8] = []
            while true {
                let byte = getc(pipe)
                if byte == EOF { break }
                output.append(UInt8(truncatingIfNeeded: byte))
            }
            #expect(pclose(pipe) == 0)
            let lines = output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
            #expect(lines == Self.bytes(words), "\(command.debugDescription)")
        }
    }

    // MARK: Fuzzing the server's side

    /// Random bytes, mostly the ones the grammar gives meaning to: `split`
    /// never traps; it refuses with one of its sentences, or gives words that
    /// can be sent and that quote back to themselves.
    static func fuzz(seed: UInt64, cases: Int) {
        print("CommandWords fuzz seed: \(seed) (replay with MINDBEAT_TEST_SEED=\(seed))")
        let known: Set<String> = ["contains a NUL byte", "contains a line break", "has a quote that does not close",
                                  "ends with a lone backslash", "is longer than 65,536 bytes", "is not valid UTF-8"]
        let meaningful: [UInt8] = Array(" \t'\"\\\n\r\0ab$;|`*".utf8)
        let snippets: [[UInt8]] = [Array("é".utf8), Array("日".utf8), Array("👩‍💻".utf8), [0xC3], [0x80], [0xFF], [0xED, 0xA0, 0x80]]
        var random = SeededGenerator(state: seed)
        var seen: [String: Int] = [:]
        for number in 0..<cases {
            var line: [UInt8] = []
            let length = Int.random(in: 0...48, using: &random)
            while line.count < length {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6: line.append(meaningful[Int.random(in: 0..<meaningful.count, using: &random)])
                case 6..<9: line.append(UInt8.random(in: 0...255, using: &random))
                default: line += snippets[Int.random(in: 0..<snippets.count, using: &random)]
                }
            }
            let shown = String(decoding: line, as: UTF8.self).debugDescription
            do {
                let words = try CommandWords.split(bytes: line)
                seen["words", default: 0] += 1
                #expect(words.allSatisfy(CommandWords.canSend), "seed \(seed), case \(number): \(shown)")
                #expect(words.reduce(0) { $0 + $1.utf8.count } <= line.count, "seed \(seed), case \(number): \(shown)")
                let again = try? CommandWords.split(CommandWords.quote(words))
                #expect(again.map(bytes) == bytes(words), "seed \(seed), case \(number): \(shown)")
                // Without quotes or backslashes, the words are the line cut at spaces and tabs.
                if !line.contains(where: { $0 == 0x27 || $0 == 0x22 || $0 == 0x5C }) {
                    let cut = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map(Array.init)
                    #expect(bytes(words) == cut, "seed \(seed), case \(number): \(shown)")
                }
            } catch {
                seen[error.problem, default: 0] += 1
                #expect(known.contains(error.problem), "seed \(seed), case \(number): \(shown): \(error.problem)")
            }
        }
        print("CommandWords fuzz seed \(seed): \(seen.sorted { $0.key < $1.key })")
        // The generator must reach both outcomes, or the test proves little.
        #expect((seen["words"] ?? 0) > cases / 50, "\(seen)")
        #expect(seen.count >= 5, "\(seen)")
    }

    @Test func fuzzingFromAFixedSeed() {
        Self.fuzz(seed: Self.seed(default: 0x6675_7A7A), cases: 10_000)
    }

    @Test func fuzzingFromARandomSeed() {
        Self.fuzz(seed: Self.seed(default: UInt64.random(in: 0...UInt64.max)), cases: 5_000)
    }

    /// `MINDBEAT_TEST_SEED` replays a run; otherwise the given seed.
    static func seed(default seed: UInt64) -> UInt64 {
        guard let text = getenv("MINDBEAT_TEST_SEED"), let replay = UInt64(String(cString: text)) else { return seed }
        return replay
    }
}

