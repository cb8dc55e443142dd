import Testing
@testable import MindbeatCore

/// A dictionary in a test: the command line's is the system's word lists.
struct ListedPasswords: CommonPasswords {
    let words: Set<String>
    func contains(_ password: String) -> Bool { words.contains(password.lowercased()) }
}

@Suite("The password policy")
struct PasswordPolicyTests {
    let common = ListedPasswords(words: ["password", "iloveyou", "trustno1", "sunshine"])

    func refusal(_ password: String) -> String? {
        do throws(InvalidValue) {
            try PasswordPolicy.check(password, common: common)
            return nil
        } catch {
            return error.problem
        }
    }

    func personalRefusal(_ password: String, name: String = "Ann Coach", email: String = "ann.smith@example.com") -> Bool {
        do throws(InvalidValue) {
            try PasswordPolicy.check(password, name: name, email: email)
            return false
        } catch {
            return true
        }
    }

    @Test func shortRepeatedAndRunsAreRefused() {
        #expect(refusal("short") == "is shorter than 8 characters")
        #expect(refusal("        ") == "is only spaces")
        for repeated in ["aaaaaaaa", "11111111", "ÄÄÄÄÄÄÄÄ"] {
            #expect(refusal(repeated) == "is one character repeated", "\(repeated.debugDescription)")
        }
        for run in ["12345678", "87654321", "abcdefgh", "ABCDEFGH", "hgfedcba", "1234567890", "0987654321", "34567890"] {
            #expect(refusal(run)?.hasPrefix("is a plain run") == true, "\(run)")
        }
        // Not a run: a step that is not one, or a run inside something else.
        for fine in ["12345679", "a1234567", "abcdefgh9", "aceg1357"] {
            #expect(refusal(fine) == nil, "\(fine)")
        }
    }

    /// Found by attacking the binary: spaces around a weak password, or a
    /// control character in it, got it past every rule.
    @Test func spacesAndControlsDoNotMakeAWeakPasswordStrong() {
        #expect(refusal("password ") == "is one of the most commonly used passwords")
        #expect(refusal("\tiloveyou") == "must not contain control characters")
        #expect(refusal(" 12345678")?.hasPrefix("is a plain run") == true)
        #expect(refusal("aaaaaaaa  ") == "is one character repeated")
        for control in ["password\u{0}", "football\u{1}", "12345678\u{7F}", "abc\u{1B}[2Jdefgh"] {
            #expect(refusal(control) == "must not contain control characters", "\(control.debugDescription)")
        }
        #expect(refusal("  a fine pass phrase  ") == nil)
        #expect(refusal("abc     ")?.hasPrefix("is shorter than 8 characters") == true)
    }

    @Test func commonPasswordsAreRefusedWhateverTheirCase() {
        for word in ["password", "PASSWORD", "ILoveYou", "trustno1"] {
            #expect(refusal(word) == "is one of the most commonly used passwords", "\(word)")
        }
        #expect(refusal("password-for-bo") == nil, "a longer password that contains a common one is not on the list")
    }

    @Test func theAccountsNameAndEmailPartsOfFourOrMoreAreRefused() {
        #expect(personalRefusal("coach-of-the-year"))
        #expect(personalRefusal("xxSMITHxx"))
        #expect(personalRefusal("ann.smith!"))
        // "Ann" and "ann" are 3 characters: too short to count.
        #expect(!personalRefusal("ann-was-here"))
        #expect(PasswordPolicy.personalParts(name: "Ann Coach", email: "ann.smith-jones@example.com")
                == ["ann.smith-jones", "coach", "smith", "jones"])
        #expect(PasswordPolicy.personalParts(name: "Zoë Ångström", email: "zoe@example.com") == ["ångström"])
        #expect(personalRefusal("my-ÅNGSTRÖM-pw", name: "Zoë Ångström", email: "zoe@example.com"))
    }
}
