#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MindbeatCLI
import MindbeatCore

/// The one helper that runs other programs (the mail command, `$EDITOR`).
@Suite("Child processes")
struct ChildProcessTests {
    @Test func exitStatusAndStandardErrorAreReported() throws {
        let ok = try ChildProcess(arguments: ["/bin/sh", "-c", "exit 0"], input: []).run()
        #expect(ok.ending == .exited(0) && ok.ending.succeeded)
        let failed = try ChildProcess(arguments: ["/bin/sh", "-c", "echo 'no route' >&2; exit 69"], input: []).run()
        #expect(failed.ending == .exited(69))
        #expect(String(decoding: failed.errorOutput, as: UTF8.self) == "no route\n")
    }

    @Test func inputReachesTheChildWhole() throws {
        let message = Array(String(repeating: "line of a message\n", count: 20_000).utf8)
        let result = try ChildProcess(arguments: ["/bin/sh", "-c", "wc -c >&2"], input: message).run()
        #expect(result.ending == .exited(0))
        #expect(String(decoding: result.errorOutput, as: UTF8.self).trimmingCharacters() == "\(message.count)")
    }

    @Test func aChildThatIgnoresItsInputDoesNotHang() throws {
        let big = [UInt8](repeating: 65, count: 1 << 20)
        let result = try ChildProcess(arguments: ["/bin/sh", "-c", "exit 3"], input: big, timeout: 10).run()
        #expect(result.ending == .exited(3))
    }

    @Test func aHangingChildAndEverythingItStartedIsKilledAtTheDeadline() throws {
        let marker = "/tmp/mindbeat-child-\(getpid())"
        let start = monotonicSeconds()
        let result = try ChildProcess(
            arguments: ["/bin/sh", "-c", "sleep 30 & echo $! > \(marker); wait"], input: [], timeout: 1, ownProcessGroup: true
        ).run()
        #expect(result.ending == .timedOut)
        #expect(monotonicSeconds() - start < 5)
        let grandchild = Int32((readText(marker) ?? "").trimmingCharacters()) ?? 0
        unlink(marker)
        usleep(100_000)
        // Gone, or a zombie waiting to be reaped by init: either way not running.
        let state = (readText("/proc/\(grandchild)/stat") ?? "").split(separator: ")").last?.split(separator: " ").first
        #expect(grandchild > 0 && (state == nil || state == "Z"), "the grandchild outlived the deadline: \(String(describing: state))")
    }

    @Test func signalsAreResetToTheirDefaultsInTheChild() throws {
        // A child that writes to a closed pipe dies of SIGPIPE, as it would from a shell.
        let result = try ChildProcess(arguments: ["/bin/sh", "-c", "yes | head -c 1 >/dev/null; kill -PIPE $$"], input: []).run()
        #expect(result.ending == .signalled(SIGPIPE))
    }

    @Test func childrenSeeNoMindbeatVariables() throws {
        let parent = ["MINDBEAT_TOKEN": "mbt_secret", "MINDBEAT_DB": "/x.db", "HOME": "/home/ann", "PATH": "/usr/bin:/bin"]
        #expect(ChildProcess.environment(from: parent) == ["HOME": "/home/ann", "PATH": "/usr/bin:/bin"])
        let given = try ChildProcess(arguments: ["/bin/sh", "-c", "env >&2"], environment: ChildProcess.environment(from: parent), input: []).run()
        #expect(!String(decoding: given.errorOutput, as: UTF8.self).contains("MINDBEAT_"))
        // Without an environment given, mindbeat's own, filtered the same way.
        setenv("MINDBEAT_CHILD_PROCESS_TEST", "leaked", 1)
        let inherited = try ChildProcess(arguments: ["/bin/sh", "-c", "env >&2"], input: []).run()
        let seen = String(decoding: inherited.errorOutput, as: UTF8.self)
        #expect(!seen.contains("MINDBEAT_"), "\(seen)")
        #expect(seen.contains("PATH="))
    }

    @Test func aMissingProgramIsAnErrorNotACrash() {
        #expect(throws: ChildProcess.SpawnFailure.self) {
            try ChildProcess(arguments: ["/nonexistent/program"], input: []).run()
        }
        #expect(throws: ChildProcess.SpawnFailure.self) { try ChildProcess(arguments: [], input: []).run() }
    }
}
