import Foundation
import Testing
import TestSupport
@testable import MindbeatCore

/// OpenSSH public keys as `keys add` and `serve authorized-keys` read them
/// (SPEC §11): real keys from ssh-keygen are accepted with ssh-keygen's own
/// fingerprint, and everything else is refused with a sentence, never a trap.
@Suite("OpenSSH public keys")
struct PublicKeyTests {
    // MARK: - Helpers

    /// The refusal's sentence, or nil when `body` did not refuse.
    func refusal(_ body: () throws(InvalidValue) -> PublicKey) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.problem
        }
    }

    func refusal(line: String) -> String? { refusal { () throws(InvalidValue) in try PublicKey.parse(line: line) } }

    func refusal(type: String, base64: String) -> String? {
        refusal { () throws(InvalidValue) in try PublicKey.parse(type: type, base64: base64) }
    }

    /// Runs a program to its end; its standard output and exit status.
    static func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    static let sshKeygen = "/usr/bin/ssh-keygen"

    /// A new key made by ssh-keygen in `directory`: its `.pub` line.
    static func generate(_ options: [String], in directory: String, name: String = "k",
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = directory + "/" + name
        let made = try run([sshKeygen, "-q"] + options + ["-N", "", "-f", path, "-C", "comment"])
        try #require(made.status == 0, "ssh-keygen \(options) failed", sourceLocation: sourceLocation)
        return try #require(readText(path + ".pub"), sourceLocation: sourceLocation)
    }

    /// `ssh-keygen -l -E sha256` on a `.pub` file: its bits and fingerprint fields.
    static func listed(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (bits: String, fingerprint: String) {
        let listed = try run([sshKeygen, "-l", "-E", "sha256", "-f", path])
        try #require(listed.status == 0, "ssh-keygen -l failed on \(path)", sourceLocation: sourceLocation)
        let fields = listed.output.split(separator: " ")
        try #require(fields.count >= 2, "unexpected ssh-keygen -l output \(listed.output)", sourceLocation: sourceLocation)
        return (String(fields[0]), String(fields[1]))
    }

    /// SSH wire format: a uint32-length-prefixed string.
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let count = UInt32(bytes.count)
        return [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)] + bytes
    }

    static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// Well-formed blobs, built by hand (a random but correctly shaped key of
    /// each type), so that damage to them can be tested without ssh-keygen.
    static func ed25519Blob(_ key: [UInt8] = Array(repeating: 7, count: 32)) -> [UInt8] {
        string("ssh-ed25519") + string(key)
    }

    static func ecdsaBlob(_ curve: String, pointBytes: Int) -> [UInt8] {
        string("ecdsa-sha2-" + curve) + string(curve) + string([0x04] + Array(repeating: 0x5a, count: pointBytes - 1))
    }

    /// An RSA blob whose modulus has exactly `bits` bits (with the leading
    /// zero byte an mpint needs when the top bit is set).
    static func rsaBlob(bits: Int, exponent: [UInt8] = [0x01, 0x00, 0x01]) -> [UInt8] {
        var modulus = [UInt8](repeating: 0xab, count: (bits + 7) / 8)
        let topBits = bits % 8 == 0 ? 8 : bits % 8
        modulus[0] = UInt8(1 << (topBits - 1))
        if modulus[0] & 0x80 != 0 { modulus.insert(0, at: 0) }
        return string("ssh-rsa") + string(exponent) + string(modulus)
    }

    static let wellFormed: [(KeyType, [UInt8])] = [
        (.ed25519, ed25519Blob()),
        (.ecdsa256, ecdsaBlob("nistp256", pointBytes: 65)),
        (.ecdsa384, ecdsaBlob("nistp384", pointBytes: 97)),
        (.ecdsa521, ecdsaBlob("nistp521", pointBytes: 133)),
        (.rsa, rsaBlob(bits: 3072)),
    ]

    // MARK: - Real keys

    /// Every accepted type, made by ssh-keygen: parsed from its `.pub` line,
    /// with ssh-keygen's own fingerprint and bits, the comment, and the same
    /// key again from sshd's %t and %k.
    struct Generated: Sendable, CustomTestStringConvertible {
        let options: [String]
        let type: KeyType
        let bits: Int
        var testDescription: String { options.joined(separator: " ") }
    }

    @Test(arguments: [
        Generated(options: ["-t", "ed25519"], type: .ed25519, bits: 256),
        Generated(options: ["-t", "ecdsa", "-b", "256"], type: .ecdsa256, bits: 256),
        Generated(options: ["-t", "ecdsa", "-b", "384"], type: .ecdsa384, bits: 384),
        Generated(options: ["-t", "ecdsa", "-b", "521"], type: .ecdsa521, bits: 521),
        Generated(options: ["-t", "rsa", "-b", "3072"], type: .rsa, bits: 3072),
        Generated(options: ["-t", "rsa", "-b", "4096"], type: .rsa, bits: 4096),
    ])
    func realKeysMatchSshKeygen(_ generated: Generated) throws {
        let (options, type, bits) = (generated.options, generated.type, generated.bits)
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let line = try Self.generate(options, in: directory)
        let key = try PublicKey.parse(line: line)
        let expected = try Self.listed(directory + "/k.pub")
        #expect(key.fingerprint == expected.fingerprint)
        #expect(key.fingerprint.hasPrefix("SHA256:") && !key.fingerprint.hasSuffix("="))
        #expect(key.type == type)
        #expect(key.bits == bits)
        #expect(String(key.bits) == expected.bits)
        #expect(key.comment == "comment")
        let fields = line.split(separator: " ")
        #expect(fields.count == 3 && fields[0] == type.rawValue && String(fields[1]) == key.base64)
        #expect(key.blob == Array(Data(base64Encoded: String(fields[1])) ?? Data()))

        let fromSshd = try PublicKey.parse(type: String(fields[0]), base64: String(fields[1]))
        #expect(fromSshd.type == key.type && fromSshd.blob == key.blob && fromSshd.comment == nil)
        #expect(fromSshd.fingerprint == expected.fingerprint)
    }

    /// A hand-built ed25519 blob gets the fingerprint ssh-keygen gives it, so
    /// the fingerprint is checked on more than the keys above.
    @Test func fingerprintOfHandBuiltKeysMatchesSshKeygen() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        var random = SeededGenerator(state: 42)
        for index in 0..<5 {
            let blob = Self.ed25519Blob((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
            let line = "ssh-ed25519 \(Self.base64(blob)) hand \(index)\n"
            writeFile(directory + "/h.pub", Array(line.utf8))
            let key = try PublicKey.parse(line: line)
            #expect(key.fingerprint == (try Self.listed(directory + "/h.pub")).fingerprint)
            #expect(key.comment == "hand \(index)")
        }
    }

    @Test func rsa2048IsRefusedAsTooShort() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let line = try Self.generate(["-t", "rsa", "-b", "2048"], in: directory)
        let problem = refusal(line: line)
        #expect(problem == "is an RSA key of 2048 bits, too short; mindbeat needs at least 3072")
        let fields = line.split(separator: " ")
        #expect(refusal(type: "ssh-rsa", base64: String(fields[1])) == problem)
    }

    /// The modulus's bit length ignores the mpint's leading zero byte and
    /// counts the top byte's bits exactly.
    @Test func rsaBitsAreTheModulussBits() throws {
        for bits in [3072, 3073, 3079, 3080, 4095, 4096, 8192, 16384] {
            let key = try PublicKey.parse(type: "ssh-rsa", base64: Self.base64(Self.rsaBlob(bits: bits)))
            #expect(key.bits == bits)
        }
        for bits in [1024, 2048, 3065, 3071] {
            #expect(refusal(type: "ssh-rsa", base64: Self.base64(Self.rsaBlob(bits: bits)))
                    == "is an RSA key of \(bits) bits, too short; mindbeat needs at least 3072")
        }
        #expect(refusal(type: "ssh-rsa", base64: Self.base64(Self.rsaBlob(bits: 16385))) != nil)
        // A 2048-bit number padded with zero bytes to 3072 bits is still 2048 bits.
        let padded = Self.string("ssh-rsa") + Self.string([1, 0, 1])
            + Self.string([UInt8](repeating: 0, count: 129) + [0x80] + [UInt8](repeating: 1, count: 255))
        #expect(refusal(type: "ssh-rsa", base64: Self.base64(padded))?.contains("2048 bits") == true)
    }

    @Test func rsaNumbersMustBePositive() {
        let negativeModulus = Self.string("ssh-rsa") + Self.string([1, 0, 1])
            + Self.string([0x80] + [UInt8](repeating: 1, count: 383))
        let zeroExponent = Self.rsaBlob(bits: 3072, exponent: [])
        let zeroExponentBytes = Self.rsaBlob(bits: 3072, exponent: [0, 0])
        let negativeExponent = Self.rsaBlob(bits: 3072, exponent: [0xff])
        for blob in [negativeModulus, zeroExponent, zeroExponentBytes, negativeExponent] {
            #expect(refusal(type: "ssh-rsa", base64: Self.base64(blob)) != nil)
        }
    }

    // MARK: - Refusals

    /// Each hand-built blob is accepted as it is, so that the refusals below
    /// come from the damage done to it.
    @Test func handBuiltBlobsAreAccepted() throws {
        for (type, blob) in Self.wellFormed {
            let key = try PublicKey.parse(line: "\(type.rawValue) \(Self.base64(blob))")
            #expect(key.type == type && key.blob == blob && key.comment == nil)
            #expect(key.base64 == Self.base64(blob))
        }
    }

    @Test func aBlobLabelledWithAnotherTypeIsRefused() {
        for (type, blob) in Self.wellFormed {
            for other in KeyType.allCases where other != type {
                let problem = refusal(line: "\(other.rawValue) \(Self.base64(blob)) c")
                #expect(problem?.hasPrefix("is labelled \(other.rawValue) but its data") == true, "\(type) as \(other)")
            }
        }
        #expect(refusal(line: "ssh-rsa \(Self.base64(Self.ed25519Blob()))")
                == "is labelled ssh-rsa but its data is an ssh-ed25519 key")
        // The name inside matches but the curve does not.
        let mixed = Self.string("ecdsa-sha2-nistp256") + Self.string("nistp384") + Self.string([0x04] + [UInt8](repeating: 1, count: 64))
        #expect(refusal(type: "ecdsa-sha2-nistp256", base64: Self.base64(mixed)) != nil)
    }

    @Test func everyTruncationIsRefused() {
        for (type, blob) in Self.wellFormed {
            for length in 0..<blob.count {
                let cut = Array(blob[0..<length])
                #expect(refusal(type: type.rawValue, base64: Self.base64(cut)) != nil, "\(type) cut to \(length)")
                #expect(refusal(line: "\(type.rawValue) \(Self.base64(cut)) c") != nil, "\(type) cut to \(length)")
            }
        }
    }

    @Test func anExtraTrailingByteIsRefused() {
        for (type, blob) in Self.wellFormed {
            for extra: [UInt8] in [[0], [0xff], Self.string("")] {
                #expect(refusal(type: type.rawValue, base64: Self.base64(blob + extra))
                        == "has data with extra bytes after the key", "\(type) + \(extra)")
            }
        }
    }

    @Test func lengthsThatPointPastTheEndAreRefused() {
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff]
        let blobs: [(String, [UInt8])] = [
            ("ssh-ed25519", huge + Array("ssh-ed25519".utf8)),
            ("ssh-ed25519", Self.string("ssh-ed25519") + huge + [UInt8](repeating: 1, count: 32)),
            ("ssh-ed25519", Self.string("ssh-ed25519") + [0x80, 0, 0, 0] + [UInt8](repeating: 1, count: 32)),
            ("ssh-rsa", Self.string("ssh-rsa") + Self.string([1, 0, 1]) + [0x7f, 0xff, 0xff, 0xff] + [1, 2, 3]),
            ("ecdsa-sha2-nistp521", Self.string("ecdsa-sha2-nistp521") + huge),
        ]
        for (type, blob) in blobs {
            #expect(refusal(type: type, base64: Self.base64(blob)) != nil)
        }
    }

    @Test func wrongKeySizesAreRefused() {
        for count in [0, 31, 33, 64] {
            #expect(refusal(type: "ssh-ed25519", base64: Self.base64(Self.ed25519Blob([UInt8](repeating: 1, count: count))))
                    == "has an ed25519 public key of \(count) bytes, not 32")
        }
        // Compressed, hybrid or short points, and one of another curve's size.
        let points: [[UInt8]] = [[0x02] + [UInt8](repeating: 1, count: 32), [0x06] + [UInt8](repeating: 1, count: 64),
                                 [0x04] + [UInt8](repeating: 1, count: 63), [0x04] + [UInt8](repeating: 1, count: 96), []]
        for point in points {
            let blob = Self.string("ecdsa-sha2-nistp256") + Self.string("nistp256") + Self.string(point)
            #expect(refusal(type: "ecdsa-sha2-nistp256", base64: Self.base64(blob))?.contains("uncompressed nistp256 point") == true)
        }
    }

    @Test func badBase64IsRefused() {
        let good = Self.base64(Self.ed25519Blob())  // 51 bytes: 68 characters, no padding
        let padded = Self.base64(Self.ed25519Blob() + [1])  // 52 bytes: "==" at the end
        #expect(padded.hasSuffix("=="))
        let sentence = "has data that is not valid base64 (the standard alphabet, padded with '=' as ssh-keygen writes it)"
        var bad: [String] = [
            String(padded.dropLast(2)),  // padding left out
            String(padded.dropLast()),  // half the padding
            padded + "==",  // padding twice
            good + "=",
            good + "====",
            "=" + String(good.dropFirst()),
            String(good.dropLast()) + "!",
            String(good.dropLast()) + "\u{e9}",
            good.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") + "AAA-",  // URL alphabet
            String(good.prefix(40)) + "\t" + String(good.dropFirst(40)),
            String(good.prefix(40)) + "\n" + String(good.dropFirst(40)),
            String(good.prefix(40)) + "\u{0}" + String(good.dropFirst(40)),
            "AAAA=AAA",
            "A",
            "AB==",  // the low bits of B are not zero: not what an encoder writes
        ]
        // The last character's unused bits set: decodes, but is not canonical.
        let last = padded.dropLast(2).last ?? "A"
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        if let position = alphabet.firstIndex(of: last) {
            bad.append(String(padded.dropLast(3)) + String(alphabet[position | 1]) + "==")
        }
        for text in bad {
            let problem = refusal(type: "ssh-ed25519", base64: text)
            #expect(problem != nil, "\(text.debugDescription) should be refused")
            if !text.contains("\t") && !text.contains("\n") && text.count % 4 == 0 {
                #expect(problem == sentence || problem?.hasPrefix("has data") == true, "\(text.debugDescription): \(problem ?? "")")
            }
            #expect(refusal(line: "ssh-ed25519 \(text) c") != nil, "\(text.debugDescription) in a line should be refused")
        }
        #expect(refusal(type: "ssh-ed25519", base64: "") != nil)
    }

    @Test func typesMindbeatDoesNotAcceptAreRefused() {
        let blob = Self.base64(Self.ed25519Blob())
        let cases: [(String, String)] = [
            ("ssh-ed25519-cert-v01@openssh.com", "is an OpenSSH certificate"),
            ("ssh-rsa-cert-v01@openssh.com", "is an OpenSSH certificate"),
            ("ecdsa-sha2-nistp256-cert-v01@openssh.com", "is an OpenSSH certificate"),
            ("sk-ssh-ed25519@openssh.com", "is a security-key (sk-) type"),
            ("sk-ecdsa-sha2-nistp256@openssh.com", "is a security-key (sk-) type"),
            ("ssh-dss", "is a DSA key (ssh-dss)"),
            ("ssh-ed448", "is not a type mindbeat accepts"),
            ("SSH-ED25519", "is not a type mindbeat accepts"),
            ("rsa-sha2-256", "is not a type mindbeat accepts"),
            ("restrict", "is not a type mindbeat accepts"),
        ]
        for (type, start) in cases {
            let fromLine = refusal(line: "\(type) \(blob) comment")
            #expect(fromLine?.hasPrefix(start) == true, "\(type): \(fromLine ?? "accepted")")
            #expect(fromLine?.contains("ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of at least 3072 bits") == true)
            #expect(refusal(type: type, base64: blob) == fromLine)
        }
        // A name from outside is never echoed back.
        #expect(refusal(line: "ssh-\u{1b}[31m \(blob)")?.contains("\u{1b}") == false)
    }

    @Test func commentsAreTrimmedAndChecked() throws {
        let blob = Self.base64(Self.ed25519Blob())
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob)").comment == nil)
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob)   \t").comment == nil)
        #expect(try PublicKey.parse(line: "  \tssh-ed25519\t \(blob)  ann@laptop  \n").comment == "ann@laptop")
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob) ann's  key (work)\r\n").comment == "ann's  key (work)")
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob) Zoë Ångström").comment == "Zoë Ångström")
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob) " + String(repeating: "é", count: 200)).comment?.count == 200)
        for bad in ["a\u{1b}[31mred", "bo \u{202E}nimda", "a\u{7f}", "a\u{85}b", "a\u{2028}b", "a\u{2066}b", "a\u{0}b", "a\rb", "a\nb", "a\tb",
                    String(repeating: "x", count: 201)] {
            #expect(refusal(line: "ssh-ed25519 \(blob) \(bad)") != nil, "\(bad.debugDescription) should be refused")
        }
        #expect(refusal(line: "ssh-ed25519 \(blob) bo \u{202E}nimda")
                == "has a comment with a control character or a bidirectional control in it")
    }

    @Test func emptyAndMalformedLinesAreRefused() throws {
        let blob = Self.base64(Self.ed25519Blob())
        #expect(refusal(line: "") == "is empty")
        #expect(refusal(line: "\n") == "is empty")
        #expect(refusal(line: "   \t ") == "is empty")
        #expect(refusal(line: "ssh-ed25519") == "has no key data after its type")
        #expect(refusal(line: "ssh-ed25519   \n") == "has no key data after its type")
        #expect(refusal(line: "ssh-ed25519 \(blob)\n\n") != nil)
        #expect(refusal(line: "\nssh-ed25519 \(blob)") != nil)
        #expect(try PublicKey.parse(line: "ssh-ed25519 \(blob)\n").comment == nil)
    }

    @Test func overLongLinesAreRefused() throws {
        let blob = Self.base64(Self.ed25519Blob())
        let line = "ssh-ed25519 \(blob) "
        let filler = PublicKey.maximumLineBytes - line.utf8.count
        #expect(refusal(line: line + String(repeating: "x", count: filler + 1)) == "is longer than 16384 bytes")
        #expect(refusal(line: line + String(repeating: "é", count: 20_000)) == "is longer than 16384 bytes")
        #expect(refusal(line: "ssh-rsa " + String(repeating: "A", count: 1 << 20)) == "is longer than 16384 bytes")
        #expect(refusal(type: "ssh-rsa", base64: String(repeating: "A", count: 1 << 20)) == "is longer than 16384 bytes")
        // The longest RSA key OpenSSH makes fits, with a comment.
        let biggest = "ssh-rsa \(Self.base64(Self.rsaBlob(bits: 16384))) a comment\n"
        #expect(biggest.utf8.count < PublicKey.maximumLineBytes)
        #expect(try PublicKey.parse(line: biggest).bits == 16384)
    }

    // MARK: - Fuzzing

    /// Random and damaged blobs, for every type, through both entry points:
    /// nothing traps, and whatever is accepted is self-consistent.
    static func fuzz(seed: UInt64, cases: Int) {
        var random = SeededGenerator(state: seed)
        var accepted = 0
        let types = KeyType.allCases.map(\.rawValue) + ["ssh-dss", "sk-ssh-ed25519@openssh.com", ""]
        for number in 0..<cases {
            var blob: [UInt8]
            switch Int.random(in: 0..<4, using: &random) {
            case 0:  // noise
                blob = (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1:  // a well-formed blob with a few bytes changed
                blob = wellFormed[Int.random(in: 0..<wellFormed.count, using: &random)].1
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    blob[Int.random(in: 0..<blob.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            case 2:  // a well-formed blob cut or grown
                blob = wellFormed[Int.random(in: 0..<wellFormed.count, using: &random)].1
                if Bool.random(using: &random) {
                    blob = Array(blob.prefix(Int.random(in: 0...blob.count, using: &random)))
                } else {
                    blob += (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
            default:  // wire strings with extreme lengths
                blob = []
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let lengths: [UInt32] = [0, 1, 32, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, UInt32.random(in: 0...400, using: &random)]
                    let length = lengths[Int.random(in: 0..<lengths.count, using: &random)]
                    blob += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
                    blob += Array(types[Int.random(in: 0..<types.count, using: &random)].utf8).prefix(Int(min(length, 64)))
                }
            }
            let type = types[Int.random(in: 0..<types.count, using: &random)]
            var text = base64(blob)
            if Int.random(in: 0..<8, using: &random) == 0, !text.isEmpty {  // damage the text itself
                var scalars = Array(text.unicodeScalars)
                scalars[Int.random(in: 0..<scalars.count, using: &random)] = Unicode.Scalar(UInt8.random(in: 0...127, using: &random))
                text = String(String.UnicodeScalarView(scalars))
            }
            for key in [try? PublicKey.parse(type: type, base64: text), try? PublicKey.parse(line: type + " " + text + " fuzz \(number)")] {
                guard let key else { continue }
                accepted += 1
                #expect(key.type.rawValue == type && key.base64 == text, "seed \(seed), case \(number)")
                #expect([256, 384, 521].contains(key.bits) || key.bits >= 3072, "seed \(seed), case \(number)")
            }
        }
        print("PublicKey fuzz seed \(seed): \(cases) cases, \(accepted) accepted")
    }

    @Test func fuzzWithAFixedSeed() { Self.fuzz(seed: 0x6B65_7973, cases: 5_000) }

    @Test func fuzzWithARandomSeed() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("PublicKey fuzz seed: \(seed)")
        Self.fuzz(seed: seed, cases: 5_000)
    }
}

