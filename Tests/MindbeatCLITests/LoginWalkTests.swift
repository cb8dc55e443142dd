#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MindbeatCLI
@testable import MindbeatCore

/// Walks the command table: a command marked as needing a login exits 77
/// without one; the others never ask for one.
@Suite("Logins, across the table")
struct LoginWalkTests {
    /// A command line that passes the parser: its required arguments and
    /// options, with valid values.
    static func minimalLine(_ command: Command) -> [String] {
        func valid(_ kind: ValueKind) -> String {
            switch kind {
            case .sessionID: return "1"
            case .email: return "bo@example.com"
            case .name: return "Some Name"
            case .phone: return "+1 555 0100"
            case .url: return "https://zoom.us/j/1"
            case .minutes: return "30"
            case .rating: return "5"
            case .seriesCount: return "2"
            case .bankSessions: return "10"
            case .time: return "+1d"
            case .duration: return "0s"
            case .text: return "hello"
            case .choice(let words): return words.first ?? ""
            case .path: return "/tmp/mindbeat-login-walk"
            case .commandName: return "end"
            case .publicKey: return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl walk"
            case .fingerprint: return "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
            case .word: return "ssh-ed25519"
            }
        }
        var words = command.path
        // Free text and a key are given even where optional: without them, notes
        // add wants a terminal and keys add reads standard input.
        for positional in command.positionals where !positional.optional || positional.kind == .text || positional.kind == .publicKey {
            words.append(valid(positional.kind))
        }
        for option in command.options where option.required {
            words += [option.spelled] + (option.value.map { [valid($0)] } ?? [])
        }
        for group in command.oneOf where group.required {
            if let option = group.names.first.flatMap(command.option(named:)) {
                words += [option.spelled] + (option.value.map { [valid($0)] } ?? [])
            }
        }
        if command.option(named: "password-stdin") != nil { words.append("--password-stdin") }
        return words
    }

    @Test func commandsNeedALoginExactlyWhenTheTableSaysSo() {
        let world = FuzzTests.World()
        var environment = world.environment
        environment["MINDBEAT_TOKEN"] = nil
        environment["XDG_STATE_HOME"] = world.directory + "/no-logins"
        let passwordFile = world.directory + "/walk-password"
        let file = fopen(passwordFile, "w")
        // Two lines: passwd reads the current password, then the new one.
        fputs("a-password\nanother-pass-9\n", file)
        fclose(file)
        for command in Commands.table where !command.hidden {
            let line = Self.minimalLine(command)
            let input = open(passwordFile, O_RDONLY)
            ftruncate(world.errFD, 0); lseek(world.errFD, 0, SEEK_SET)
            let status = run(arguments: line, environment: environment, stdin: input, stdout: world.outFD, stderr: world.errFD)
            close(input)
            let stderr = readText(world.directory + "/err") ?? ""
            if command.needsLogin {
                #expect(status == 77 && stderr.contains("not logged in"), "\(line): exit \(status) \(stderr)")
            } else {
                #expect(!stderr.contains("not logged in"), "\(line) asked for a login: \(stderr)")
            }
        }
    }
}
