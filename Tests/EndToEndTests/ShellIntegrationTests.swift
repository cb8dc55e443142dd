import Foundation
import Testing

/// Runs a shell command line, returning its status and output.
func shell(_ script: String, environment: [String: String] = [:]) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The checks .ci/run installs the tools for: mandoc lints every page, zsh and
/// fish parse their scripts, bash completes for real.
@Suite("Man pages and completion scripts in real tools")
struct ShellIntegrationTests {
    @Test func everyManPagePassesMandocLint() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: root + "/man").filter { $0.hasSuffix(".1") }
        #expect(pages.count > 10)
        for page in pages {
            let lint = try shell("mandoc -Tlint -Wwarning '\(root)/man/\(page)'")
            #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(page): \(lint.stdout)\(lint.stderr)")
        }
    }

    @Test func zshAndFishParseTheirScripts() throws {
        let zsh = try shell("zsh -n '\(root)/completions/_mindbeat'")
        #expect(zsh.status == 0, "\(zsh.stderr)")
        let fish = try shell("fish -n '\(root)/completions/mindbeat.fish'")
        #expect(fish.status == 0, "\(fish.stderr)")
        let bash = try shell("bash -n '\(root)/completions/mindbeat.bash'")
        #expect(bash.status == 0, "\(bash.stderr)")
    }

    @Test func bashCompletesCommandsOptionsValuesAndSessionIDs() throws {
        let box = try Sandbox()
        try box.seed()
        _ = try box.schedule("2026-12-01T09:00:00Z")
        _ = try box.schedule("2026-12-02T09:00:00Z")
        let bin = box.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("mindbeat").path, withDestinationPath: binary)
        let script = """
            source /usr/share/bash-completion/bash_completion 2>/dev/null || true
            source '\(root)/completions/mindbeat.bash'
            complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _mindbeat; echo "${COMPREPLY[*]}"; }
            complete_line mindbeat ses
            complete_line mindbeat end 12 --
            complete_line mindbeat contact 1 --via ''
            complete_line mindbeat end ''
            complete_line mindbeat sessions ''
            complete_line mindbeat sessions list --member ''
            """
        var env = box.environment
        env["MINDBEAT_NOW"] = box.now
        env["PATH"] = bin.path + ":/usr/bin:/bin"
        let result = try shell(script, environment: env)
        #expect(result.lines.prefix(6) == ["sessions", "--held --missed --help --db", "email phone chat", "1 2", "list show add", "bo@example.com"],
                "\(result.stdout)\(result.stderr)")
    }

    @Test func makeInstallAndUninstallIntoAPrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("mindbeat-prefix-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let install = try shell("make -s -C '\(root)' install PREFIX='\(prefix)' INSTALL_BIN='\(binary)'")
        #expect(install.status == 0, "\(install.stderr)")
        for path in ["bin/mindbeat", "share/man/man1/mindbeat.1", "share/man/man1/mindbeat-end.1",
                     "share/bash-completion/completions/mindbeat", "share/zsh/site-functions/_mindbeat",
                     "share/fish/vendor_completions.d/mindbeat.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + path), "\(path) not installed")
        }
        let man = try shell("MANWIDTH=80 man -l '\(prefix)/share/man/man1/mindbeat-end.1' | cat")
        #expect(man.status == 0)
        #expect(man.stdout.contains("mindbeat end ID (--held | --missed)"))
        let version = try shell("'\(prefix)/bin/mindbeat' --version")
        #expect(version.stdout.hasPrefix("mindbeat "))
        let uninstall = try shell("make -s -C '\(root)' uninstall PREFIX='\(prefix)'")
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let left = try shell("find '\(prefix)' -type f")
        #expect(left.stdout.isEmpty, "left behind: \(left.stdout)")
    }
}
