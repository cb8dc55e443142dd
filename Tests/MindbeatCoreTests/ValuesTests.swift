import Testing
import TestSupport
@testable import MindbeatCore

@Suite("Values typed by people")
struct ValuesTests {
    func refuses(_ body: () throws(InvalidValue) -> Any) -> Bool {
        do {
            _ = try body()
            return false
        } catch {
            return true
        }
    }

    @Test func emails() throws {
        #expect(try Values.email("ann@example.com") == "ann@example.com")
        #expect(try Values.email("Ann.O+tag@Example.CO") == "Ann.O+tag@Example.CO")
        for bad in ["", "ann", "@example.com", "ann@", "-ann@example.com", "ann@exa mple.com", "ann@example.com\r\nBcc: x@y",
                    "änn@example.com", "a@b@c", "ann<x>@example.com", String(repeating: "a", count: 250) + "@b.co", "ann@\u{7f}x"] {
            #expect(refuses { () throws(InvalidValue) in try Values.email(bad) }, "\(bad) should be refused")
        }
    }

    @Test func names() throws {
        #expect(try Values.name("  Bo Member ") == "Bo Member")
        #expect(try Values.name("Zoë Ångström") == "Zoë Ångström")
        for bad in ["", "   ", "Bo\nMember", "Bo\r", "Bo\u{85}", "Bo\u{2028}x", "Bo\u{2029}", "Bo\u{1B}[31m", String(repeating: "x", count: 201)] {
            #expect(refuses { () throws(InvalidValue) in try Values.name(bad) }, "\(bad.debugDescription) should be refused")
        }
        #expect((try? Values.name(String(repeating: "x", count: 200))) != nil)
    }

    /// A name or a link with a bidirectional control displays as something it
    /// is not ("Bo \u{202E}nimda" shows as "Bo admin"): refused, every one of them.
    @Test func oneLineValuesRefuseEveryBidiControl() throws {
        let controls: [UInt32] = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
        for value in controls {
            let control = String(Character(try #require(Unicode.Scalar(value))))
            #expect(refuses { () throws(InvalidValue) in try Values.name("Bo " + control + "nimda") })
            #expect(refuses { () throws(InvalidValue) in try Values.url("https://zoom.us/j/1" + control + "gpj.exe") })
            #expect(refuses { () throws(InvalidValue) in try Values.email("bo" + control + "@example.com") })
        }
        // Right-to-left text itself is a name like any other.
        #expect(try Values.name("שלום עולם") == "שלום עולם")
        #expect(try Values.name("مرحبا") == "مرحبا")
    }

    @Test func phoneNumbers() throws {
        #expect(try Values.phone("+49 (170) 123-4567") == "+49 (170) 123-4567")
        for bad in ["1234", "+49 170\n123", "call me", String(repeating: "1", count: 33), "-----"] {
            #expect(refuses { () throws(InvalidValue) in try Values.phone(bad) }, "\(bad) should be refused")
        }
    }

    @Test func links() throws {
        #expect(try Values.url("https://zoom.us/j/123?pwd=x") == "https://zoom.us/j/123?pwd=x")
        for bad in ["zoom.us/j/1", "ftp://x", "https://", "https://zoom.us/j/1 x", "https://zoom.us/\r\nX: y", "https://" + String(repeating: "a", count: 2041)] {
            #expect(refuses { () throws(InvalidValue) in try Values.url(bad) }, "\(bad) should be refused")
        }
    }

    @Test func integersOverflowIntoErrorsNotTraps() throws {
        #expect(try Values.sessionID("9223372036854775807") == Int64.max)
        for bad in ["0", "-1", "9223372036854775808", "99999999999999999999999", "1e3", "12a", "", " 1", "+1", "١٢"] {
            #expect(refuses { () throws(InvalidValue) in try Values.sessionID(bad) }, "\(bad) should be refused")
        }
        #expect(try Values.minutes("1440") == 1440)
        #expect(refuses { () throws(InvalidValue) in try Values.minutes("1441") })
        #expect(refuses { () throws(InvalidValue) in try Values.minutes("0") })
        #expect(try Values.rating("5") == 5)
        #expect(refuses { () throws(InvalidValue) in try Values.rating("6") })
    }
}

@Suite("What never reaches a terminal raw")
struct UnprintableTests {
    @Test func controlsAndBidiControlsAreUnprintableAndNothingElse() {
        for value: UInt32 in [0x00, 0x07, 0x0A, 0x1B, 0x7F, 0x85, 0x9B, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069] {
            let scalar = Unicode.Scalar(value) ?? " "
            #expect(Values.isUnprintable(scalar), "U+\(String(value, radix: 16)) should be unprintable")
        }
        for text in ["a", " ", "é", "€", "ß", "日", "🙂", "\u{05D0}", "\u{200D}"] {
            for scalar in text.unicodeScalars { #expect(!Values.isUnprintable(scalar), "\(text) is printable") }
        }
    }
}

@Suite("Chat text")
struct ChatTextTests {
    @Test func messagesAreOneTo4096Bytes() throws {
        #expect(try ChatText("hi\n", fromStdin: true).text == "hi")
        #expect(try ChatText("hi\n").text == "hi\n")
        #expect(try ChatText(String(repeating: "é", count: Policy.chatLimitBytes / 2)).text.utf8.count == Policy.chatLimitBytes)
        #expect(throws: InvalidValue.self) { try ChatText(String(repeating: "é", count: Policy.chatLimitBytes / 2 + 1)) }
        #expect(throws: InvalidValue.self) { try ChatText(" \n") }
    }
}
