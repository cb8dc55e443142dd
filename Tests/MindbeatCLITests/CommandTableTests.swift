import Testing
@testable import MindbeatCLI
@testable import MindbeatCore

/// Tests that walk the whole command table, as git's t0012-help does.
@Suite("The command table")
struct CommandTableTests {
    static let visible = Commands.table.filter { !$0.hidden }

    @Test(arguments: visible.map(\.path))
    func everyCommandAnswersHelp(path: [String]) {
        for flag in ["-h", "--help"] {
            let result = capture(path + [flag])
            #expect(result.status == 0, "\(path) \(flag): \(result.stderr)")
            #expect(result.stdout.hasPrefix("usage: mindbeat \(path.joined(separator: " "))"))
            #expect(result.stderr.isEmpty)
        }
        #expect(capture(["help"] + path).stdout == capture(path + ["--help"]).stdout)
    }

    @Test func noTwoOptionsOfACommandShareAName() {
        for command in Commands.table {
            let names = command.options.map(\.name) + ["help", "db"]
            #expect(Set(names).count == names.count, "\(command.name) repeats an option")
        }
    }

    @Test func commandPathsAreUnique() {
        let paths = Commands.table.map(\.name)
        #expect(Set(paths).count == paths.count)
    }

    @Test func everyOneOfNamesRealOptions() {
        for command in Commands.table {
            for group in command.oneOf {
                for name in group.names {
                    #expect(command.option(named: name) != nil, "\(command.name): --\(name) in a group is not an option")
                }
            }
        }
    }

    @Test func everyCommandHasAnExampleThatParses() {
        for command in Self.visible {
            #expect(!command.examples.isEmpty, "\(command.name) has no example")
            for example in command.examples where example.command.hasPrefix("mindbeat ") && !example.command.contains("$") {
                let words = shellWords(String(example.command.dropFirst("mindbeat ".count)))
                let parser = Parser(table: Commands.table) { text throws(InvalidValue) in
                    try TimeInput.parse(text, now: at("2026-11-30T08:00:00Z"), zone: FixedOffsetZone.utc)
                }
                #expect(throws: Never.self, "example of \(command.name): \(example.command)") { _ = try parser.parse(words) }
            }
        }
    }

    @Test func theReadmeNamesEveryCommand() throws {
        let readme = try #require(readText(packageRoot + "/README.md"))
        for command in Self.visible where command.name != "help" {
            #expect(readme.contains("`\(command.name)"), "README.md does not mention \(command.name)")
        }
    }

    @Test func helpListsEveryCommandGrouped() {
        let overview = capture(["--help"]).stdout
        for command in Self.visible {
            // (A long name stands on a line of its own, its summary below.)
            #expect(overview.contains("  " + command.name + " ") || overview.contains("  " + command.name + "\n"),
                    "--help does not list \(command.name)")
        }
        for group in CommandGroup.allCases where Self.visible.contains(where: { $0.group == group }) {
            #expect(overview.contains(group.rawValue + ":"))
        }
    }

    @Test func helpIsWrappedAtEightyColumnsInAPipe() {
        for line in capture(["--help"]).stdout.split(separator: "\n") {
            #expect(line.count <= 80, "--help: \(line)")
        }
        for command in Self.visible {
            for line in capture(command.path + ["--help"]).stdout.split(separator: "\n") where !line.hasPrefix("  $ ") {
                #expect(line.count <= 80, "\(command.name): \(line)")
            }
        }
    }
}

func at(_ text: String) -> Instant {
    (try? TimeInput.parseRFC3339(text)) ?? Instant(secondsSinceEpoch: 0)
}

/// Splits an example command line the way a shell would, for the quotes the
/// examples use.
func shellWords(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var inWord = false
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "'" || character == "\"" {
            quote = character
            inWord = true
        } else if character == " " {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else if character == "<" || character == "|" || character == ">" {
            break
        } else {
            current.append(character)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}
