#if canImport(Glibc)
import Glibc
#endif
import Testing
@_exported import TestSupport
@testable import MindbeatCLI
@testable import MindbeatCore

/// What an in-process run printed.
struct Captured {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the command line in this process with stdout and stderr captured in
/// temporary files, under a fixed clock and an empty database path.
func capture(_ arguments: [String], environment extra: [String: String] = [:]) -> Captured {
    func temporary() -> (Int32, String) {
        var template = Array("/tmp/mindbeat-cli-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        return (fd, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    let (outFD, outPath) = temporary()
    let (errFD, errPath) = temporary()
    let inFD = open("/dev/null", O_RDONLY)
    defer {
        close(outFD); close(errFD); close(inFD)
        unlink(outPath); unlink(errPath)
    }
    var environment = [
        "MINDBEAT_NOW": "2026-12-01T08:00:00Z", "MINDBEAT_DB": "/nonexistent/mindbeat-cli-tests/mindbeat.db",
        "HOME": "/nonexistent", "TZ": "UTC",
    ]
    for (key, value) in extra { environment[key] = value }
    let status = run(arguments: arguments, environment: environment, stdin: inFD, stdout: outFD, stderr: errFD)
    return Captured(status: status, stdout: readText(outPath) ?? "", stderr: readText(errPath) ?? "")
}


/// Runs the command line in this process with the given clock and standard
/// input from a file; stdout and stderr captured.
func captureRun(_ arguments: [String], environment: [String: String], stdinPath: String, clock: any Clock) -> Captured {
    let directory = temporaryDirectory()
    defer { removeTree(directory) }
    let outFD = open(directory + "/out", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let errFD = open(directory + "/err", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let inFD = open(stdinPath, O_RDONLY)
    defer { close(outFD); close(errFD); close(inFD) }
    let status = run(arguments: arguments, environment: environment, stdin: inFD, stdout: outFD, stderr: errFD, clock: clock)
    return Captured(status: status, stdout: readText(directory + "/out") ?? "", stderr: readText(directory + "/err") ?? "")
}
