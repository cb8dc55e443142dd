#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Buffered standard output that notices when a write fails, so that
/// `mindbeat … > /dev/full` exits 74 instead of pretending to succeed.
final class Output {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private(set) var failure: Int32?

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(16_384)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 65_536 { flush() }
    }

    /// Bytes as they are: a file format mindbeat wrote (a calendar).
    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 65_536 { flush() }
    }

    func line(_ text: String = "") {
        write(text)
        buffer.append(10)
    }

    /// Writes out what is buffered; false once any write has failed.
    @discardableResult
    func flush() -> Bool {
        guard failure == nil else {
            buffer.removeAll(keepingCapacity: true)
            return false
        }
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress, raw.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
        return failure == nil
    }
}

/// Standard error, unbuffered, every line prefixed with `mindbeat: `. Every
/// line goes through the display filter: a refusal names people, and a name
/// written into the database by another program must not drive the terminal.
struct Diagnostics {
    let fd: Int32

    func line(_ text: String) {
        let bytes = Array(("mindbeat: " + Render.printable(text) + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress, raw.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Raw text, for prompts.
    func prompt(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress, raw.count) }
    }
}
