import Testing
@testable import MindbeatCLI

/// man/ and completions/ are generated from the command table and committed;
/// these tests regenerate them in memory, as swift-format checks its own
/// generated files.
@Suite("Generated files")
struct GeneratedFilesTests {
    @Test(arguments: Commands.generatedFiles().map(\.0))
    func committedFileIsCurrent(path: String) {
        let expected = Commands.generatedFiles().first { $0.0 == path }?.1 ?? ""
        let committed = readText(packageRoot + "/" + path)
        #expect(committed == expected, "\(path) is out of date — run `make generate`")
    }

    @Test func theReadmeTableOfNumbersIsCurrent() throws {
        let readme = try #require(readText(packageRoot + "/README.md"))
        #expect(readme.contains(ReadmeSections.numbers()), "README.md's table of numbers is out of date — run `make generate`")
        #expect(ReadmeSections.apply(to: readme) == readme)
    }

    @Test func everyOptionAppearsInItsManPageAndIsCompleted() {
        let pages = ManPages(table: Commands.table)
        let completer = Completer(table: Commands.table)
        for command in Commands.table where !command.hidden {
            let page = pages.page(for: command)
            let offered = completer.complete(command.path + ["--"]) { _ in NoSource() }.candidates
            for option in command.options {
                #expect(page.contains(ManPages.escape(option.spelled)), "\(option.spelled) missing from \(command.manName)(1)")
                #expect(offered.contains(option.spelled), "\(option.spelled) of \(command.name) is not completed")
            }
            let path = completer.complete(Array(command.path.dropLast()) + [command.path.last ?? ""]) { _ in FakeSource() }
            #expect(path.candidates.contains(command.path.last ?? ""), "\(command.name) is not completed")
        }
    }

    /// The scripts are stubs: nothing of the command table is written in
    /// them, so they cannot drift from it, and no candidate is evaluated.
    @Test(arguments: CompletionScripts.Shell.allCases)
    func completionScriptsAreStubs(shell: CompletionScripts.Shell) {
        let script = CompletionScripts.script(for: shell)
        for command in Commands.table where !command.hidden {
            for option in command.options {
                #expect(!script.contains(option.spelled), "\(option.spelled) is written in the \(shell) script")
            }
        }
        #expect(script.contains("mindbeat __complete -- "))
        #expect(!script.contains("eval "))
        #expect(!script.contains("compgen -W"))
        #expect(script.split(separator: "\n").count < 90, "the \(shell) script is more than a stub")
    }

    @Test func theOverviewPageDocumentsEveryExitStatusAndVariable() {
        let page = ManPages(table: Commands.table).overview()
        for status in ExitStatus.allCases {
            #expect(page.contains(".B \(status.rawValue)\n" + ManPages.escape(status.meaning)))
        }
        for variable in ["MINDBEAT_DB", "MINDBEAT_NOW", "MINDBEAT_TOKEN", "TZ", "NO_COLOR", "XDG_STATE_HOME", "MINDBEAT_REMOTE", "MINDBEAT_SSH"] {
            #expect(page.contains(ManPages.escape(variable)))
        }
        for command in Commands.table where !command.hidden {
            #expect(page.contains(".BR \(command.manName) (1)"))
        }
    }

    /// `man mindbeat-keys` finds a page for every group of commands that has
    /// no command of its own (`keys add`, `keys list`, but no `keys`).
    @Test func everyGroupWithoutACommandOfItsOwnHasAPage() throws {
        let pages = ManPages(table: Commands.table)
        #expect(pages.groups == ["sessions", "notes", "users", "keys", "serve", "db"])
        let files = Commands.generatedFiles().map(\.0)
        for word in pages.groups {
            #expect(files.contains("man/mindbeat-\(word).1"))
            let prose = try #require(Manual.group(word), "no prose for mindbeat-\(word)(1) in Manual.group")
            let page = pages.groupPage(word)
            #expect(page.contains("\(ManPages.escape("mindbeat-" + word)) \\- \(ManPages.escape(prose.summary))"))
            for command in Commands.table where !command.hidden && command.path.first == word {
                #expect(page.contains(".B \(ManPages.escape(command.usage))"), "mindbeat-\(word)(1) does not list \(command.name)")
                #expect(page.contains(".BR \(command.manName) (1)"))
                #expect(pages.page(for: command).contains(".BR mindbeat-\(word) (1)"), "\(command.manName)(1) does not point to mindbeat-\(word)(1)")
            }
            #expect(pages.overview().contains(".BR mindbeat-\(word) (1)"))
        }
        // outbox, feedback and help are commands of their own, with a page
        // of their own already.
        for word in ["outbox", "feedback", "help"] {
            #expect(!pages.groups.contains(word))
        }
    }

    /// mindbeat-serve(1) and the README give the same server set-up: each
    /// command and sshd_config line of `TeamServer` is in both, as it is.
    @Test func theReadmeAndTheServePageGiveTheSameServerSetUp() throws {
        let readme = try #require(readText(packageRoot + "/README.md"))
        let page = ManPages(table: Commands.table).groupPage("serve")
        for line in TeamServer.lines {
            #expect(readme.contains(line), "README.md does not show: \(line)")
            #expect(page.contains("\n" + ManPages.escape(line) + "\n"), "mindbeat-serve(1) does not show: \(line)")
        }
        for word in ["SSH_ORIGINAL_COMMAND", "MINDBEAT_SSH", "ControlPersist", "SetEnv", "init \\-\\-sandbox"] {
            #expect(page.contains(word), "mindbeat-serve(1) does not mention \(word)")
        }
    }

    @Test func pagesCarryAFixedDate() {
        for (_, text) in ManPages(table: Commands.table).pages() {
            #expect(text.contains(".TH ") && text.contains(" \(Manual.date) "))
        }
    }

    @Test func completionsCommandPrintsTheCommittedScripts() {
        for shell in CompletionScripts.Shell.allCases {
            let printed = capture(["completions", shell.rawValue]).stdout
            #expect(printed == readText(packageRoot + "/completions/" + shell.fileName))
        }
        #expect(capture(["completions", "tcsh"]).status == 64)
    }

    @Test func roffEscaping() {
        #expect(ManPages.escape("--held") == "\\-\\-held")
        #expect(ManPages.escape(".starts with a dot") == "\\&.starts with a dot")
        #expect(ManPages.escape("back\\slash") == "back\\eslash")
    }
}
