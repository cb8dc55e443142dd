import Testing
@testable import MindbeatCLI
import MindbeatCore

/// `--remote` and `MINDBEAT_REMOTE` as the command line reads them (the
/// value's rules: RemoteDestinationTests in the core).
@Suite struct RemoteDestinationOptionTests {
    @Test func theMessageNamesWhereTheValueCameFrom() {
        do {
            _ = try RemoteDestination.parse("-x", from: "MINDBEAT_REMOTE")
            Issue.record("accepted -x")
        } catch {
            #expect(error.lines.first?.hasPrefix("MINDBEAT_REMOTE '-x' starts with -") == true)
        }
    }
}
