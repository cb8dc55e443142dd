import MindbeatCore

/// The email a notice becomes. It says what is waiting and the command to see
/// it, and never contains note text, chat or feedback: it is made from the
/// notice, its session's time and the people's names alone.
enum NoticeMessage {
    /// An RFC 5322 message with the headers the contract lists: plain text,
    /// or, for a notice that carries a calendar invitation, a
    /// `multipart/alternative` of the text and the `text/calendar` part
    /// (iMIP, RFC 6047) built when the notice was queued.
    static func compose(
        _ notice: Notice, session: Session?, takeover: Takeover? = nil, from: String, date: Instant, messageID: String,
        zone: any LocalZone
    ) -> String {
        let (subject, body) = text(notice, session: session, takeover: takeover, zone: zone, sentAt: date)
        var headers = [
            "Date: " + rfc5322Date(date),
            "From: mindbeat <\(from)>",
            "To: " + mailbox(notice.recipient.name, notice.recipient.email),
            "Subject: " + encodedWord(subject),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        let plain = crlf(body)
        guard let invitation = notice.invitation else {
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + plain
        }
        let method = notice.kind == .cancelled ? CalendarMethod.cancel : .request
        // Neither part can hold this line: the text is mindbeat's words and
        // checked names, the calendar lines start with a property name.
        let boundary = "=_mindbeat_\(notice.id)_" + messageID.prefix(while: { $0 != "@" }).filter { $0 != "." }
        headers += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\""]
        let parts = [
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            plain,
            "--\(boundary)",
            "Content-Type: text/calendar; charset=utf-8; method=\(method.rawValue)",
            "Content-Transfer-Encoding: 8bit",
            "",
            // The calendar ends in CRLF already ("\r\n" is one Character).
            invitation.hasSuffix("\r\n") ? String(invitation.dropLast()) : invitation,
            "--\(boundary)--",
            "",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined(separator: "\r\n")
    }

    /// Lines joined with CRLF, as mail wants them.
    static func crlf(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    /// The subject and body; `sentAt` is when it goes out (an `upcoming`
    /// notice says how soon from then, not from when it was due).
    static func text(
        _ notice: Notice, session: Session?, takeover: Takeover? = nil, zone: any LocalZone, sentAt: Instant? = nil
    ) -> (String, String) {
        let hello = "Hello \(notice.recipient.name),\n\n"
        let signature = "\n\n-- \nmindbeat\n"
        switch notice.kind {
        case .sharedNotes:
            guard let session else {
                return ("Notes are waiting for you", hello + "There are notes for you to see:\n\n    mindbeat notes list" + signature)
            }
            let other = session.coach.id == notice.recipient.id ? session.member : session.coach
            let when = zone.dateTime(session.startsAt)
            return (
                "Notes from your session with \(other.name)",
                hello + "\(other.name) shared notes with you from your session on \(when).\nTo read them:\n\n    mindbeat notes list --session \(session.id)" + signature
            )
        case .reminder:
            guard let session else {
                return ("Your coach is waiting", hello + "Your coach is waiting for you.\n\n    mindbeat attend" + signature)
            }
            let when = zone.dateTime(session.startsAt)
            return (
                "\(session.coach.name) is waiting for you",
                hello + "\(session.coach.name) is waiting for you in your session of \(when).\nJoin it with:\n\n    mindbeat attend \(session.id)" + signature
            )
        case .upcoming:
            guard let session else { return ("A session is coming up", hello + "A session of yours is coming up.\n\n    mindbeat sessions list" + signature) }
            let other = otherParty(session, for: notice.recipient)
            // A run of outbox send may come late: how soon, from when it is sent.
            let minutes = max(1, (session.startsAt.secondsSinceEpoch - (sentAt ?? notice.dueAt).secondsSinceEpoch) / 60)
            let hours = (minutes + 30) / 60
            let soon = minutes < 45 ? "in \(minutes) minutes" : hours == 1 ? "in an hour" : "in \(hours) hours"
            return (
                "Your session with \(other.name) is \(soon)",
                hello + "Your session with \(other.name) starts \(soon), at \(zone.dateTime(session.startsAt)).\n"
                    + "Join it then with:\n\n    mindbeat attend \(session.id)" + signature
            )
        case .scheduled, .rescheduled, .cancelled:
            guard let session else {
                return ("Your sessions changed", hello + "Your sessions changed.\n\n    mindbeat sessions list" + signature)
            }
            let other = otherParty(session, for: notice.recipient)
            let span = zone.dateTime(session.startsAt) + "–" + zone.civil(session.endsAt).isoTime(seconds: false)
            let invitation = "\n\nThe calendar invitation in this message updates your calendar."
            switch notice.kind {
            case .scheduled:
                return (
                    "New session with \(other.name): \(zone.dateTime(session.startsAt))",
                    hello + "A coaching session with \(other.name) is booked for \(span) (session \(session.id)).\n"
                        + "Join it then with:\n\n    mindbeat attend \(session.id)" + invitation + signature
                )
            case .rescheduled:
                return (
                    "Session with \(other.name) moved to \(zone.dateTime(session.startsAt))",
                    hello + "Your coaching session with \(other.name) (session \(session.id)) was moved: it is now \(span).\n"
                        + "Join it then with:\n\n    mindbeat attend \(session.id)" + invitation + signature
                )
            default:
                let late = session.status == .lateCancelled ? ", less than \(Policy.noticeHours) hours before its start" : ""
                return (
                    "Session with \(other.name) cancelled: \(zone.dateTime(session.startsAt))",
                    hello + "Your coaching session with \(other.name) of \(span) (session \(session.id)) was cancelled\(late).\n"
                        + "To see it:\n\n    mindbeat sessions show \(session.id)" + invitation + signature
                )
            }
        case .flagged:
            guard let session else { return ("A member was flagged", hello + "A member was flagged.\n\n    mindbeat members" + signature) }
            // Made when it is sent: the session may have moved since, so only
            // its id, which never changes, is named.
            let coach = session.coach.id == notice.recipient.id
            let whose = coach ? "" : " (coached by \(session.coach.name))"
            let see = coach ? "To see their bank and changes:\n\n    mindbeat members"
                            : "To see the session:\n\n    mindbeat sessions show \(session.id)"
            return (
                "\(session.member.name) changed a session for the \(ordinal(Policy.flaggedChange)) time",
                hello + "\(session.member.name)\(whose) has cancelled or rescheduled \(Policy.flaggedChange) sessions in this "
                    + "engagement; the \(ordinal(Policy.flaggedChange)) change was to session \(session.id).\n"
                    + "Mindbeat's policy flags this. \(see)" + signature
            )
        case .account:
            let what = takeover.map { Phrases.takeover($0, zone: zone) } ?? "An administrator changed how your account logs in."
            if takeover?.kind == .keyAdded {
                return (
                    "An SSH key was added to your mindbeat account",
                    hello + what + "\nThat key now logs in as you. To see your keys:\n\n    mindbeat keys list\n\n"
                        + "If you did not ask for this, tell them at once." + signature
                )
            }
            return (
                "Your mindbeat password was reset",
                hello + what + "\nYour logins were revoked. Log in with the one-time password they give you, then choose\n"
                    + "your own with:\n\n    mindbeat passwd\n\nIf you did not ask for this, tell them at once: anyone holding that\n"
                    + "one-time password can log in as you until you change it." + signature
            )
        }
    }

    /// The party of a session who is not `recipient` (the member, for anyone
    /// else).
    static func otherParty(_ session: Session, for recipient: Person) -> Person {
        session.member.id == recipient.id ? session.coach : session.member
    }

    static func ordinal(_ number: Int) -> String {
        switch number {
        case 1: return "first"
        case 2: return "second"
        case 3: return "third"
        default: return "\(number)th"
        }
    }

    /// `Tue, 01 Dec 2026 09:15:00 +0000`.
    static func rfc5322Date(_ instant: Instant) -> String {
        let civil = CivilDateTime(utcSeconds: instant.secondsSinceEpoch)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[civil.weekday]), \((civil.day < 10 ? "0" : "") + String(civil.day)) \(months[Int(civil.month) - 1]) \(civil.year) \(civil.isoTime(seconds: true)) +0000"
    }

    /// `"Name" <email>`, or an encoded word for a name beyond plain ASCII.
    /// Names and emails were checked at input: no line breaks or controls.
    static func mailbox(_ name: String, _ email: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f }
        let display: String
        if plain {
            display = "\"" + name.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        } else {
            display = encodedWord(name)
        }
        return display + " <" + email + ">"
    }

    /// The text itself if it is printable ASCII, else an RFC 2047 encoded word
    /// (UTF-8, base64) — never a raw line break.
    static func encodedWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f }
        if plain { return text }
        // Split so that each encoded word stays under 76 characters.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?" + base64(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + base64(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Hands notices to the mail command: `MINDBEAT_SENDMAIL`, split on spaces and
/// run without a shell, with the message on its standard input. Addresses
/// never reach its command line (`-t` reads them from the headers).
struct SendmailTransport: NoticeDelivery {
    static let defaultCommand = "/usr/sbin/sendmail -t -i"

    let command: [String]
    let from: String
    let zone: any LocalZone
    /// The mail command's environment: mindbeat's, without its own variables.
    let environment: [String: String]

    init(environment: [String: String], from: String, zone: any LocalZone) {
        let configured = environment["MINDBEAT_SENDMAIL"].flatMap { Values.trimWhitespace($0).isEmpty ? nil : $0 }
        command = (configured ?? SendmailTransport.defaultCommand).split(separator: " ").map(String.init)
        self.from = from
        self.zone = zone
        self.environment = ChildProcess.environment(from: environment)
    }

    func deliver(_ outgoing: OutgoingNotice) -> DeliveryResult {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let messageID = "notice-\(outgoing.notice.id).\(outgoing.attempt).\(outgoing.installID.prefix(16))@\(domain)"
        let message = NoticeMessage.compose(
            outgoing.notice, session: outgoing.session, takeover: outgoing.takeover, from: from, date: outgoing.date,
            messageID: messageID, zone: zone)
        let child = ChildProcess(arguments: command, environment: environment, input: Array(message.utf8),
                                 timeout: Policy.mailTimeoutSeconds, ownProcessGroup: true)
        do {
            let result = try child.run()
            if result.ending.succeeded { return .delivered }
            let said = Render.printable(String(decoding: result.errorOutput.prefix(300), as: UTF8.self))
                .split(separator: "\n").first.map { ": " + $0 } ?? ""
            return .failed("\(command.first ?? "the mail command") \(result.ending.description)\(said)")
        } catch let failure as ChildProcess.SpawnFailure {
            return .failed(failure.message)
        } catch {
            return .failed("\(error)")
        }
    }
}
