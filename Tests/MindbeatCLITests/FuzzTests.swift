#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCLI
@testable import MindbeatCore


/// Hostile command lines, generated from the command table and mutated, run in
/// this process against a real database: nothing may trap, and every failure
/// must be a documented exit status with a message.
@Suite("Fuzzing the command line", .serialized)
struct FuzzTests {
    static let documented: Set<Int32> = [0, 1, 64, 65, 66, 73, 74, 75, 77]

    /// A database with Ann (admin coach), Bo (member) and a session, and Ann's token.
    final class World {
        let directory: String
        let environment: [String: String]
        let outFD: Int32
        let errFD: Int32
        let inFD: Int32

        init() {
            directory = temporaryDirectory()
            var env = [
                "MINDBEAT_DB": directory + "/mindbeat.db", "XDG_STATE_HOME": directory + "/state", "HOME": directory,
                "MINDBEAT_NOW": "2026-12-01T09:00:00Z", "MINDBEAT_SENDMAIL": "/bin/true", "TMPDIR": directory,
            ]
            let out = open(directory + "/out", O_RDWR | O_CREAT | O_TRUNC, 0o600)
            let err = open(directory + "/err", O_RDWR | O_CREAT | O_TRUNC, 0o600)
            outFD = out
            errFD = err
            inFD = open("/dev/null", O_RDONLY)
            let password = open(directory + "/password", O_RDWR | O_CREAT | O_TRUNC, 0o600)
            _ = "fuzz-password\nfuzz-password\n".withCString { write(password, $0, strlen($0)) }
            func feed(_ arguments: [String]) {
                lseek(password, 0, SEEK_SET)
                _ = run(arguments: arguments, environment: env, stdin: password, stdout: out, stderr: err)
            }
            feed(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"])
            feed(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com", "--phone", "+1 555 0100", "--password-stdin"])
            feed(["sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com"])
            feed(["attend", "1"])
            close(password)
            let stateDirectory = directory + "/state/mindbeat"
            if let dir = opendir(stateDirectory) {
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name.hasSuffix(".token"), let token = readText(stateDirectory + "/" + name) {
                        env["MINDBEAT_TOKEN"] = token.trimmingCharacters()
                    }
                }
                closedir(dir)
            }
            environment = env
        }

        deinit {
            close(outFD); close(errFD); close(inFD)
            removeTree(directory)
        }

        /// Runs one command line; returns the status and stderr.
        func attempt(_ arguments: [String]) -> (Int32, String) {
            ftruncate(outFD, 0); lseek(outFD, 0, SEEK_SET)
            ftruncate(errFD, 0); lseek(errFD, 0, SEEK_SET)
            let status = run(arguments: arguments, environment: environment, stdin: inFD, stdout: outFD, stderr: errFD)
            return (status, readText(directory + "/err") ?? "")
        }
    }

    static let hostile: [String] = [
        "", " ", "-", "--", "---", "-h", "\u{0}", "\u{1B}[2J", "\u{202E}gnirts", "\u{FFFD}\u{FFFD}", "a\r\nb", "\t",
        String(repeating: "x", count: 100_000), String(repeating: "9", count: 30), "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "0", "1", "2", "999", "1e9", "0x1F", "١", "+99999999999999999999d", "+9223372036854775807m",
        "2026-02-30", "2026-02-29", "2028-02-29T12:00:00Z", "2026-03-29 02:30", "2026-10-25 02:30", "9999-12-31T23:59:59Z",
        "0000-01-01", "now", "+1d", "-1h", "2026-12-01T10:00:00+24:00", "bo@example.com", "BO@EXAMPLE.COM", "-bo@example.com",
        "ann@example.com", "nobody@example.com", "a@b\r\nBcc: c@d", "https://zoom.us/j/1", "javascript:alert(1)", "+1 555 0100",
        "coach", "member", "manager", "email", "phone", "chat", "bash", "zsh", "fish", "tcsh", "sessions", "members",
        "--held", "--missed", "--json", "--db", "--db=", "--help", "--version", "--bogus", "--at", "--via", "--rating",
    ]

    static func value(for kind: ValueKind?, _ random: inout SeededGenerator) -> String {
        if Int.random(in: 0..<3, using: &random) == 0 { return hostile.randomElement(using: &random) ?? "" }
        switch kind {
        case .sessionID?: return ["1", "2", "999", "0"].randomElement(using: &random) ?? "1"
        case .email?: return ["bo@example.com", "ann@example.com", "nobody@example.com"].randomElement(using: &random) ?? ""
        case .name?: return ["Cy Lead", "Zoë Ångström", "x"].randomElement(using: &random) ?? ""
        case .phone?: return "+1 555 0199"
        case .url?: return "https://zoom.us/j/42"
        case .minutes?: return ["30", "60", "1440", "1441"].randomElement(using: &random) ?? ""
        case .rating?: return ["1", "5", "6"].randomElement(using: &random) ?? ""
        case .seriesCount?: return ["1", "2", "52", "53"].randomElement(using: &random) ?? ""
        case .bankSessions?: return ["0", "1", "1000", "1001"].randomElement(using: &random) ?? ""
        case .time?: return ["+1d", "+2h", "2026-12-02 10:00", "2026-12-01T09:00:00Z", "now"].randomElement(using: &random) ?? ""
        case .duration?: return ["0s", "1s", "15m", "1h30m", "99x", "32d"].randomElement(using: &random) ?? ""
        case .text?: return ["hello", "a note", "-"].randomElement(using: &random) ?? ""
        case .choice(let words)?: return words.randomElement(using: &random) ?? ""
        case .path?: return "/tmp/mindbeat-fuzz-nowhere/db"
        case .commandName?: return ["end", "sessions", "notes"].randomElement(using: &random) ?? ""
        case .publicKey?: return ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x", "-", "ssh-rsa AAAA"].randomElement(using: &random) ?? ""
        case .fingerprint?: return ["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "SHA256:x", "MD5:aa"].randomElement(using: &random) ?? ""
        case .word?: return ["mindbeat", "ssh-ed25519", "AAAA"].randomElement(using: &random) ?? ""
        case nil: return ""
        }
    }

    /// One command line: a command of the table with options and arguments,
    /// then mutated.
    static func commandLine(_ random: inout SeededGenerator) -> [String] {
        let commands = Commands.table.filter { !["logout", "__generate"].contains($0.name) }
        guard let command = commands.randomElement(using: &random) else { return [] }
        var words = command.path
        for positional in command.positionals where Bool.random(using: &random) || !positional.optional {
            words.append(value(for: positional.kind, &random))
        }
        for option in command.options where option.required || Int.random(in: 0..<3, using: &random) == 0 {
            if let kind = option.value {
                if Bool.random(using: &random) {
                    words += [option.spelled, value(for: kind, &random)]
                } else {
                    words.append(option.spelled + "=" + value(for: kind, &random))
                }
            } else {
                words.append(option.spelled)
            }
        }
        // Mutations.
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            guard !words.isEmpty else { break }
            let index = Int.random(in: 0..<words.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: words.remove(at: index)
            case 1: words.insert(hostile.randomElement(using: &random) ?? "", at: index)
            case 2: words.append(words[index])
            case 3: words[index] = hostile.randomElement(using: &random) ?? ""
            case 4: words.swapAt(index, Int.random(in: 0..<words.count, using: &random))
            case 5: words.append(command.options.randomElement(using: &random)?.spelled ?? "--")
            default: words.insert("--", at: index)
            }
        }
        // The live commands block until a session changes, and the world's
        // clock stands still: they are fuzzed with the one thing that makes
        // them return, and the live flags are left out.
        words.removeAll { $0.hasPrefix("--watch") || $0.hasPrefix("--follow") }
        if words.contains("wait") { words.append("--timeout=0s") }
        // NUL cannot be in an argument of a real process.
        return words.map { $0.replacing("\u{0}", with: "") }
    }

    /// The line with every file it would write (`report --svg FILE`, `db
    /// copy --to DEST`) moved into the world's directory: a hostile word
    /// such as `١` is a fine file name, and the fuzz must not leave files
    /// where the tests run.
    static func confined(_ words: [String], to directory: String) -> [String] {
        var out = words
        for index in out.indices {
            for (option, file) in [("--svg", "fuzz.svg"), ("--to", "fuzz.db")] {
                if out[index] == option, index + 1 < out.count, out[index + 1] != "-" {
                    out[index + 1] = directory + "/" + file
                } else if out[index].hasPrefix(option + "="), out[index] != option + "=-" {
                    out[index] = option + "=" + directory + "/" + file
                }
            }
        }
        return out
    }

    static func fuzz(seed: UInt64, cases: Int) {
        let world = World()
        var random = SeededGenerator(state: seed)
        var seen: [Int32: Int] = [:]
        for number in 0..<cases {
            let arguments = confined(commandLine(&random), to: world.directory)
            let (status, stderr) = world.attempt(arguments)
            seen[status, default: 0] += 1
            let shown = arguments.map { String($0.prefix(40)).debugDescription }.joined(separator: " ")
            #expect(documented.contains(status), "seed \(seed), case \(number): exit \(status) for \(shown): \(stderr)")
            if status != 0 {
                #expect(!stderr.isEmpty, "seed \(seed), case \(number): exit \(status) without a message for \(shown)")
            }
            for line in stderr.split(separator: "\n") where !line.hasPrefix("mindbeat: ") {
                Issue.record("seed \(seed), case \(number): unprefixed stderr line \(line.prefix(80).debugDescription) for \(shown)")
            }
        }
        print("fuzz seed \(seed): exit statuses \(seen.sorted { $0.key < $1.key })")
        #expect((seen[64] ?? 0) > cases / 10, "the generator should reach usage errors: \(seen)")
        #expect((seen[0] ?? 0) > cases / 50, "the generator should reach successes: \(seen)")
    }

    @Test func tenThousandCasesFromAFixedSeed() {
        FuzzTests.fuzz(seed: 0x6D69_6E64_6265_6174, cases: 10_000)
    }

    @Test func casesFromARandomSeed() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("fuzz seed: \(seed)")
        FuzzTests.fuzz(seed: seed, cases: 2_000)
    }
}

extension String {
    func trimmingCharacters() -> String { Values.trimWhitespace(self) }
}
