import Foundation
import Testing
import TestSupport

/// A password prompt on a real terminal (a pty), ended by a key that sends a
/// signal: the terminal must echo again afterwards, and mindbeat must end by
/// that signal, with no crash report.
@Suite("Password prompts on a terminal")
struct PasswordPromptTests {
    static let driver = """
        import os, pty, signal, sys, termios, time
        binary, key = sys.argv[1], bytes([int(sys.argv[2])])
        pid, fd = pty.fork()
        if pid == 0:
            # Cores allowed, as a developer's shell may allow them: mindbeat must
            # still leave none (it would hold the password being typed).
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            # As a login shell starts a command: no signal blocked or ignored
            # (the test runner may have blocked some).
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, signal.SIG_DFL)
            os.execv(binary, [binary] + sys.argv[3:])
        seen = b''
        deadline = time.time() + 20
        while b'assword: ' not in seen and time.time() < deadline:
            seen += os.read(fd, 1024)
        time.sleep(0.3)
        os.write(fd, key)
        _, status = os.waitpid(pid, 0)
        echo = termios.tcgetattr(fd)[3] & termios.ECHO
        try:
            while True:
                chunk = os.read(fd, 4096)
                if not chunk: break
                seen += chunk
        except OSError:
            pass
        print('echo' if echo else 'noecho')
        print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else 'exit %d' % os.WEXITSTATUS(status))
        print('core' if os.WIFSIGNALED(status) and os.WCOREDUMP(status) else 'no core')
        print(repr(seen))
        """

    @Test(arguments: [(3, "2"), (28, "3")])
    func aSignalAtThePromptLeavesTheTerminalEchoing(key: Int, signal: String) throws {
        let box = try Sandbox()
        try box.seed()
        let before = box.dump()
        let script = box.root.appendingPathComponent("prompt.py").path
        try Self.driver.write(toFile: script, atomically: true, encoding: .utf8)
        for words in [["login", "bo@example.com"], ["passwd"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [script, binary, String(key)] + words
            var environment = box.environment
            environment["MINDBEAT_NOW"] = box.now
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first == "echo", "\(words): \(output)")
            #expect(lines.dropFirst().first == signal, "\(words) did not end by signal \(signal): \(output)")
            #expect(lines.dropFirst(2).first == "no core", "\(words) dumped core: \(output)")
            #expect(!output.contains("Crash") && !output.contains("Backtrace") && !output.contains("debug"), "\(output)")
        }
        #expect(box.dump() == before)
    }
}
