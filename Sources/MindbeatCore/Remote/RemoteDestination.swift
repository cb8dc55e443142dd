/// Where `--remote` / `MINDBEAT_REMOTE` points: `[USER@]HOST[:PORT]`.
public struct RemoteDestination: Equatable, Sendable {
    public let user: String?
    public let host: String
    public let port: Int?

    public init(user: String?, host: String, port: Int?) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// ssh's destination argument: `user@host`, or the host alone.
    public var sshDestination: String { user.map { $0 + "@" + host } ?? host }

    /// Reads `[USER@]HOST[:PORT]`; an IPv6 address goes in brackets
    /// (`[::1]:2222`). A host or user that starts with `-` would be read by
    /// ssh as an option (`-oProxyCommand=…`): refused, as are spaces and
    /// control characters, which ssh never needs.
    public static func parse(_ text: String) throws(InvalidValue) -> RemoteDestination {
        func refuse(_ problem: String) -> InvalidValue { InvalidValue(problem) }
        guard !text.isEmpty else { throw refuse("is empty") }
        guard !text.hasPrefix("-") else { throw refuse("starts with -, which ssh would read as an option") }
        guard !text.unicodeScalars.contains(where: { Values.isControl($0) || $0 == " " || $0 == "\t" }) else {
            throw refuse("holds a space or a control character")
        }
        var rest = Substring(text)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            guard let name = user, !name.isEmpty else { throw refuse("has an empty user name") }
            guard !name.hasPrefix("-") else { throw refuse("has a user name that starts with -") }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw refuse("has a [ that does not close") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw refuse("has text after ]") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw refuse("has no host") }
        guard !host.hasPrefix("-") else { throw refuse("starts with -, which ssh would read as an option") }
        var port: Int?
        if let portText {
            guard portText.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(portText), (1...65_535).contains(number) else {
                throw refuse("has a port that is not 1–65535")
            }
            port = number
        }
        return RemoteDestination(user: user, host: String(host), port: port)
    }
}

