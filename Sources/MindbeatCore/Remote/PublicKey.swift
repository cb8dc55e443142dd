import CSodium

/// The OpenSSH public-key types mindbeat accepts (SPEC §11), named as a
/// `.pub` line and sshd's `%t` name them.
public enum KeyType: String, CaseIterable, Sendable {
    case ed25519 = "ssh-ed25519"
    case ecdsa256 = "ecdsa-sha2-nistp256"
    case ecdsa384 = "ecdsa-sha2-nistp384"
    case ecdsa521 = "ecdsa-sha2-nistp521"
    case rsa = "ssh-rsa"
}

/// An OpenSSH public key that mindbeat accepts: one of the `KeyType`s, its
/// wire-format blob checked field by field (RFC 4253 §6.6, RFC 5656,
/// RFC 8709), and RSA of at least `PublicKey.minimumRSABits`. Built only by
/// `parse`, so every value holds a key sshd would recognise as the same one.
public struct PublicKey: Equatable, Sendable {
    public let type: KeyType
    /// The decoded key blob.
    public let blob: [UInt8]
    /// The comment after the blob, trimmed; nil when absent.
    public let comment: String?
    /// The key size, read from the blob when it was parsed.
    private let keyBits: Int

    /// The shortest RSA modulus accepted.
    public static let minimumRSABits = 3072
    /// The longest RSA modulus accepted: OpenSSH's own limit.
    public static let maximumRSABits = 16384
    /// The longest `.pub` line read. A 16384-bit RSA key is about 2.8 KB of base64.
    public static let maximumLineBytes = 16384
    /// The longest comment kept, in characters.
    public static let maximumCommentCharacters = 200

    /// What every refusal of a type lists.
    static let acceptedTypes = "ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of at least \(minimumRSABits) bits"

    /// The blob as it appears in a `.pub` line or in `authorized_keys`:
    /// standard base64 with padding.
    public var base64: String { Base64.encode(blob, padded: true) }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256, exactly as
    /// `ssh-keygen -l -E sha256` prints it.
    public var fingerprint: String {
        _ = Secrets.ready
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        crypto_hash_sha256(&digest, blob, UInt64(blob.count))
        return "SHA256:" + Base64.encode(digest, padded: false)
    }

    /// 256 for ed25519 and nistp256, 384, 521, or the RSA modulus's bits.
    public var bits: Int { keyBits }

    /// A fingerprint as `fingerprint` writes it and `keys remove` takes it:
    /// `SHA256:` and the 43 characters of unpadded base64 of 32 bytes.
    public static func fingerprint(_ text: String) throws(InvalidValue) -> String {
        let digits = text.utf8.dropFirst(7)
        guard text.hasPrefix("SHA256:"), digits.count == 43,
              digits.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 43 || $0 == 47 })
        else { throw InvalidValue("is not a key fingerprint (SHA256:… as mindbeat keys list shows it)") }
        return text
    }

    /// A `.pub` line: "TYPE BLOB [COMMENT]" (leading/trailing whitespace and
    /// one trailing newline, `\n` or `\r\n`, allowed).
    public static func parse(line: String) throws(InvalidValue) -> PublicKey {
        var bytes = Array(line.utf8)
        guard bytes.count <= maximumLineBytes else {
            throw InvalidValue("is longer than \(maximumLineBytes) bytes")
        }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var index = 0
        func skipBlanks() { while index < bytes.count && isBlank(bytes[index]) { index += 1 } }
        func word() -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count && !isBlank(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        skipBlanks()
        let typeName = word()
        guard !typeName.isEmpty else { throw InvalidValue("is empty") }
        let type = try keyType(String(decoding: typeName, as: UTF8.self))
        skipBlanks()
        let encoded = word()
        guard !encoded.isEmpty else { throw InvalidValue("has no key data after its type") }
        let (blob, bits) = try decode(type, Array(encoded))
        skipBlanks()
        let comment = try Self.comment(String(decoding: bytes[index...], as: UTF8.self))
        return PublicKey(type: type, blob: blob, comment: comment, keyBits: bits)
    }

    /// sshd's %t and %k: the type and the base64 blob, as
    /// AuthorizedKeysCommand receives them.
    public static func parse(type: String, base64: String) throws(InvalidValue) -> PublicKey {
        let keyType = try keyType(type)
        let encoded = Array(base64.utf8)
        guard !encoded.isEmpty else { throw InvalidValue("has no key data") }
        guard encoded.count <= maximumLineBytes else {
            throw InvalidValue("is longer than \(maximumLineBytes) bytes")
        }
        let (blob, bits) = try decode(keyType, encoded)
        return PublicKey(type: keyType, blob: blob, comment: nil, keyBits: bits)
    }

    /// The type a name stands for, or a sentence on why it is refused. The
    /// name is echoed only when it is one of the known ones.
    static func keyType(_ name: String) throws(InvalidValue) -> KeyType {
        if let type = KeyType(rawValue: name) { return type }
        if name.hasSuffix("-cert-v01@openssh.com") {
            throw InvalidValue("is an OpenSSH certificate, not a plain public key; mindbeat accepts \(acceptedTypes)")
        }
        if name.hasPrefix("sk-") {
            throw InvalidValue("is a security-key (sk-) type, which mindbeat does not accept; it accepts \(acceptedTypes)")
        }
        if name == "ssh-dss" {
            throw InvalidValue("is a DSA key (ssh-dss), which mindbeat does not accept; it accepts \(acceptedTypes)")
        }
        throw InvalidValue("is not a type mindbeat accepts (\(acceptedTypes))")
    }

    /// The comment, trimmed (nil when there is none), or why it is refused.
    static func comment(_ text: String) throws(InvalidValue) -> String? {
        let trimmed = Values.trimWhitespace(text)
        guard !trimmed.isEmpty else { return nil }
        guard !trimmed.unicodeScalars.contains(where: Values.isUnprintable) else {
            throw InvalidValue("has a comment with a control character or a bidirectional control in it")
        }
        guard trimmed.count <= maximumCommentCharacters else {
            throw InvalidValue("has a comment longer than \(maximumCommentCharacters) characters")
        }
        return trimmed
    }

    /// The blob in `encoded` and the key's size, after checking every field
    /// against `type`.
    static func decode(_ type: KeyType, _ encoded: [UInt8]) throws(InvalidValue) -> (blob: [UInt8], bits: Int) {
        guard let blob = Base64.decode(encoded) else {
            throw InvalidValue("has data that is not valid base64 (the standard alphabet, padded with '=' as ssh-keygen writes it)")
        }
        var reader = WireReader(blob)
        let name = try reader.string()
        guard name.elementsEqual(type.rawValue.utf8) else {
            if let inner = KeyType(rawValue: String(decoding: name, as: UTF8.self)) {
                throw InvalidValue("is labelled \(type.rawValue) but its data is an \(inner.rawValue) key")
            }
            throw InvalidValue("is labelled \(type.rawValue) but its data does not name that type")
        }
        let bits: Int
        switch type {
        case .ed25519:
            let point = try reader.string()
            guard point.count == 32 else {
                throw InvalidValue("has an ed25519 public key of \(point.count) bytes, not 32")
            }
            bits = 256
        case .ecdsa256, .ecdsa384, .ecdsa521:
            let (curve, size, pointBytes) = type == .ecdsa256 ? ("nistp256", 256, 65)
                : type == .ecdsa384 ? ("nistp384", 384, 97) : ("nistp521", 521, 133)
            let identifier = try reader.string()
            guard identifier.elementsEqual(curve.utf8) else {
                throw InvalidValue("is labelled \(type.rawValue) but its data names another curve")
            }
            let point = try reader.string()
            guard point.count == pointBytes, point.first == 0x04 else {
                throw InvalidValue("has an ecdsa point that is not an uncompressed \(curve) point (\(pointBytes) bytes starting with 04)")
            }
            bits = size
        case .rsa:
            let exponent = try reader.positiveInteger()
            let modulus = try reader.positiveInteger()
            guard exponent > 0, modulus > 0 else {
                throw InvalidValue("has an RSA exponent or modulus of zero")
            }
            guard modulus >= minimumRSABits else {
                throw InvalidValue("is an RSA key of \(modulus) bits, too short; mindbeat needs at least \(minimumRSABits)")
            }
            guard modulus <= maximumRSABits else {
                throw InvalidValue("is an RSA key of \(modulus) bits, longer than the \(maximumRSABits) OpenSSH accepts")
            }
            bits = modulus
        }
        guard reader.atEnd else { throw InvalidValue("has data with extra bytes after the key") }
        return (blob, bits)
    }
}

// Nested, so that these names cannot clash with others in the core.
extension PublicKey {
    /// Reads SSH wire-format fields (RFC 4251 §5) from a blob without ever
    /// reading past its end: every length is checked against what is left.
    fileprivate struct WireReader {
        private let bytes: [UInt8]
        private var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { offset == bytes.count }

        /// A uint32-length-prefixed string.
        mutating func string() throws(InvalidValue) -> ArraySlice<UInt8> {
            let truncated = InvalidValue("has data that ends too early (a truncated or damaged key)")
            guard bytes.count - offset >= 4 else { throw truncated }
            var declared: UInt32 = 0
            for byte in bytes[offset..<offset + 4] { declared = declared << 8 | UInt32(byte) }
            offset += 4
            // Compared as UInt64, so that no length can wrap on any platform.
            guard UInt64(declared) <= UInt64(bytes.count - offset) else { throw truncated }
            let length = Int(declared)
            let field = bytes[offset..<offset + length]
            offset += length
            return field
        }

        /// An mpint that must not be negative, as its bit length (leading zero
        /// bytes ignored; 0 for zero).
        mutating func positiveInteger() throws(InvalidValue) -> Int {
            let field = try string()
            guard field.count <= PublicKey.maximumRSABits / 8 + 1 else {
                throw InvalidValue("has an RSA number longer than \(PublicKey.maximumRSABits) bits")
            }
            if let first = field.first, first & 0x80 != 0 {
                throw InvalidValue("has a negative RSA number")
            }
            guard let top = field.firstIndex(where: { $0 != 0 }) else { return 0 }
            let significant = field.endIndex - top
            return (significant - 1) * 8 + (8 - field[top].leadingZeroBitCount)
        }
    }

    /// Standard base64 through libsodium.
    fileprivate enum Base64 {
        static func encode(_ bytes: [UInt8], padded: Bool) -> String {
            _ = Secrets.ready
            let variant = Int32(padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
            var output = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
            _ = sodium_bin2base64(&output, output.count, bytes, bytes.count, variant)
            return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// The bytes of strict, padded standard base64, or nil: any character
        /// outside the alphabet, missing or extra padding, or non-zero bits after
        /// the last whole byte is refused.
        static func decode(_ text: [UInt8]) -> [UInt8]? {
            guard Secrets.ready else { return nil }
            guard text.count % 4 == 0 else { return nil }
            var output = [UInt8](repeating: 0, count: text.count / 4 * 3)
            var length = 0
            let rc = text.withUnsafeBufferPointer { input -> Int32 in
                input.withMemoryRebound(to: CChar.self) { chars in
                    // With no end pointer, libsodium fails unless all of the input is valid.
                    sodium_base642bin(&output, output.count, chars.baseAddress, chars.count, nil, &length, nil,
                                      Int32(sodium_base64_VARIANT_ORIGINAL))
                }
            }
            guard rc == 0, length <= output.count else { return nil }
            return Array(output[0..<length])
        }
    }
}
