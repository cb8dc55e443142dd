import Testing
@testable import MindbeatCore

/// `--remote [USER@]HOST[:PORT]` (SPEC §11), read before anything connects.
@Suite struct RemoteDestinationTests {
    @Test(arguments: [
        ("team.example.com", nil, "team.example.com", nil),
        ("mindbeat@team.example.com", "mindbeat", "team.example.com", nil),
        ("mindbeat@team.example.com:2222", "mindbeat", "team.example.com", 2222),
        ("127.0.0.1:22", nil, "127.0.0.1", 22),
        ("[::1]:2222", nil, "::1", 2222),
        ("ann@[2001:db8::1]", "ann", "2001:db8::1", nil),
        ("a.b@c@host", "a.b@c", "host", nil),
    ] as [(String, String?, String, Int?)])
    func readsUserHostAndPort(text: String, user: String?, host: String, port: Int?) throws {
        let destination = try RemoteDestination.parse(text)
        #expect(destination == RemoteDestination(user: user, host: host, port: port))
        #expect(destination.sshDestination == (user.map { $0 + "@" + host } ?? host))
    }

    @Test(arguments: [
        "", "-oProxyCommand=touch /tmp/x", "ann@-oProxyCommand=x", "-ann@host", "@host", "host:", "host:0",
        "host:65536", "host:22x", "host:-1", "host:+22", "[::1", "[::1]x", "team example.com", "host\n", "host\t", ":22",
        "ann@", "host:２２",
    ])
    func refusesWhatSshWouldMisreadOrCannotUse(text: String) {
        #expect(throws: InvalidValue.self, "\(text)") { try RemoteDestination.parse(text) }
    }
}
