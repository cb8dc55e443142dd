import MindbeatCore

/// How things look on stdout, as text and as JSON (SPEC §6).
struct Render {
    let zone: any LocalZone
    let now: Instant
    let color: Bool

    // MARK: JSON

    func json(_ instant: Instant?) -> JSON { instant.map { .string($0.rfc3339) } ?? .null }

    /// A session object; a line manager gets the attendance fields only.
    func json(_ view: SessionView) -> JSON {
        let session = view.session
        var fields: [(String, JSON)] = [
            ("id", .int(session.id)),
            ("coach", .string(session.coach.email)),
            ("coach_name", .string(session.coach.name)),
            ("member", .string(session.member.email)),
            ("member_name", .string(session.member.name)),
            ("starts_at", json(session.startsAt)),
            ("ends_at", json(session.endsAt)),
            ("duration_minutes", .int(session.durationMinutes)),
            ("status", .string(session.status.rawValue)),
        ]
        guard case .party = view.access else { return .object(fields) }
        fields += [
            ("coach_joined_at", json(session.coachJoinedAt)),
            ("member_joined_at", json(session.memberJoinedAt)),
            ("ended_at", json(session.endedAt)),
            ("channel", .string(session.channel.rawValue)),
            ("contact_attempts", .int(Int64(session.contactAttempts))),
            ("elapsed_seconds", .optional(session.elapsedSeconds(now: now))),
            ("overdue", .bool(session.isOverdue(now: now))),
            ("sequence", .int(session.sequence)),
            ("cancelled_at", json(session.cancellation?.at)),
            ("cancelled_by", .optional(session.cancellation?.by.email)),
            ("cancel_reason", .optional(session.cancellation?.reason)),
            ("series", .optional(session.seriesID)),
        ]
        return .object(fields)
    }

    func accountFields(_ account: Account) -> [(String, JSON)] {
        [
            ("email", .string(account.email)),
            ("name", .string(account.name)),
            ("role", .string(account.role.rawValue)),
            ("admin", .bool(account.isAdmin)),
            ("phone", .optional(account.phone)),
            ("zoom", .optional(account.zoom)),
        ]
    }

    func json(_ account: Account) -> JSON { .object(accountFields(account)) }

    func json(_ summary: MemberSummary) -> JSON {
        var fields = accountFields(summary.account) + [
            ("next_session", summary.nextSession.map(json) ?? .null),
            ("held", .int(summary.held)),
            ("missed", .int(summary.missed)),
        ]
        // A line manager sees attendance only: no bank, changes or flag.
        if let engagement = summary.engagement {
            fields += [
                ("bank", json(bank: engagement)),
                ("changes", .int(engagement.changes)),
                ("flagged", .bool(engagement.isFlagged)),
            ]
        }
        return .object(fields)
    }

    /// `{sessions, used, scheduled, remaining}`, or null for an unlimited bank.
    func json(bank engagement: Engagement) -> JSON {
        guard let sessions = engagement.sessions, let remaining = engagement.remaining else { return .null }
        return .object([
            ("sessions", .int(sessions)),
            ("used", .int(engagement.used)),
            ("scheduled", .int(engagement.scheduled)),
            ("remaining", .int(remaining)),
        ])
    }

    func json(_ report: StatusReport) -> JSON {
        guard case .object(var fields) = json(report.view) else { return .null }
        fields.append(("next", .array(report.next.map { step in
            .object([
                ("action", .string(step.action.rawValue)),
                ("allowed", .bool(step.decision.isAllowed)),
                ("reasons", .array(step.decision.reasons.map { reason in
                    .object([("id", .string(reason.identifier)),
                             ("message", .string(Phrases.unmet(reason, zone: zone, now: now)))])
                })),
                ("allowed_from", json(step.decision.allowedFrom)),
            ])
        })))
        return .object(fields)
    }

    func json(_ note: Note) -> JSON {
        .object([
            ("id", .int(note.id)),
            ("session", .optional(note.sessionID)),
            ("member", .string(note.member.email)),
            ("author", .string(note.author.email)),
            ("visibility", .string(note.visibility.rawValue)),
            ("body", .string(note.body)),
            ("created_at", json(note.createdAt)),
        ])
    }

    func json(_ feedback: Feedback) -> JSON {
        .object([
            ("session", .int(feedback.sessionID)),
            ("author", .string(feedback.author.email)),
            ("rating", .int(feedback.rating)),
            ("comment", .optional(feedback.comment)),
            ("created_at", json(feedback.createdAt)),
        ])
    }

    /// A key as `keys list --json` shows it (SPEC §11).
    func json(_ key: RegisteredKey) -> JSON {
        .object([
            ("fingerprint", .string(key.fingerprint)),
            ("type", .string(key.type.rawValue)),
            ("comment", .optional(key.comment)),
            ("added_at", json(key.addedAt)),
            ("user", .string(key.owner.email)),
        ])
    }

    func json(_ notice: Notice) -> JSON {
        .object([
            ("id", .int(notice.id)),
            ("recipient", .string(notice.recipient.email)),
            ("session", .optional(notice.sessionID)),
            ("kind", .string(notice.kind.rawValue)),
            ("due_at", json(notice.dueAt)),
            ("status", .string(notice.status.rawValue)),
            ("attempts", .int(notice.attempts)),
            ("sent_at", json(notice.sentAt)),
            ("last_error", .optional(notice.lastError)),
        ])
    }

    /// An event of a session's log (SPEC §14).
    func json(_ event: SessionEvent) -> JSON {
        .object([
            ("at", json(event.at)),
            ("session", .int(event.sessionID)),
            ("actor", .optional(event.actor?.email)),
            ("kind", .string(event.kind.rawValue)),
            ("detail", .optional(event.detail)),
            ("via", .optional(event.via)),
            ("reconstructed", .bool(event.reconstructed)),
        ])
    }

    func json(_ message: ChatMessage) -> JSON {
        .object([("at", json(message.at)), ("author", .string(message.authorEmail)), ("text", .string(message.text))])
    }

    // MARK: Text

    /// An unmet condition in words, at this render's instant, as the
    /// terminal may show it (it names people).
    func reason(_ unmet: Unmet) -> String { text(Phrases.unmet(unmet, zone: zone, now: now)) }

    /// Text from the database made safe for a terminal (SPEC §6, Display):
    /// control characters (escape sequences among them), line and paragraph
    /// separators and bidirectional controls are shown as `?`; a tab stays.
    func text(_ value: String) -> String { Render.printable(value) }

    static func printable(_ text: String) -> String {
        // Most text is printable ASCII, which needs no Unicode look-ups.
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x09 }) { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let unsafe = scalar != "\t" && Values.isUnprintable(scalar)
            out.unicodeScalars.append(unsafe ? "?" : scalar)
        }
        return out
    }

    func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func statusWords(_ session: Session) -> String {
        let words = session.status.words + (session.isOverdue(now: now) ? ", overdue" : "")
        switch session.status {
        case .scheduled: return words
        case .inProgress: return paint(words, session.isOverdue(now: now) ? "33" : "32")
        case .held: return paint(words, "2")
        case .missed: return paint(words, "31")
        case .cancelled, .lateCancelled: return paint(words, "2;9")
        }
    }

    /// `2026-12-01 10:00–11:00`.
    func span(_ session: Session) -> String {
        let start = zone.civil(session.startsAt)
        let end = zone.civil(session.endsAt)
        let sameDay = start.year == end.year && start.month == end.month && start.day == end.day
        return zone.dateTime(session.startsAt) + "–" + (sameDay ? end.isoTime(seconds: false) : zone.dateTime(session.endsAt))
    }

    /// `00:22:04`.
    static func counter(_ seconds: Int64) -> String {
        let hours = seconds / 3600
        return (hours < 10 ? "0" : "") + "\(hours):" + pad2((seconds % 3600) / 60) + ":" + pad2(seconds % 60)
    }

    /// Time left, `MM:SS`, or `H:MM:SS` from an hour.
    static func countdown(_ seconds: Int64) -> String {
        let left = max(0, seconds)
        let minutes = pad2((left % 3600) / 60) + ":" + pad2(left % 60)
        return left >= 3600 ? "\(left / 3600):" + minutes : minutes
    }

    static func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], visibleWidth(cell))
            }
        }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 {
                    line += String(repeating: " ", count: widths[index] - visibleWidth(cell) + 2)
                }
            }
            return line
        }
    }

    /// Characters shown, leaving out colour escapes.
    static func visibleWidth(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }

    /// `text` cut to `width` characters shown, its colour escapes kept (and
    /// closed, when the cut falls inside a coloured part).
    static func clip(_ text: String, to width: Int) -> String {
        guard visibleWidth(text) > width else { return text }
        var out = ""
        var count = 0
        var inEscape = false
        var coloured = false
        for scalar in text.unicodeScalars {
            if inEscape {
                out.unicodeScalars.append(scalar)
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
                coloured = true
                out.unicodeScalars.append(scalar)
            } else if count < width {
                count += 1
                out.unicodeScalars.append(scalar)
            }
        }
        return coloured ? out + "\u{1B}[0m" : out
    }

    func sessionRows(_ views: [SessionView]) -> [String] {
        var rows = [["ID", "WHEN", "LENGTH", "STATUS", "COACH", "MEMBER"]]
        for view in views {
            let session = view.session
            rows.append([
                String(session.id), span(session), "\(session.durationMinutes) min", statusWords(session),
                text(session.coach.name), text(session.member.name),
            ])
        }
        return Render.table(rows)
    }

    /// One line on where the session stands: `in progress · counter 00:22:04 · …`.
    func standing(_ report: StatusReport) -> String {
        let session = report.view.session
        var parts = [statusWords(session)]
        if let elapsed = session.elapsedSeconds(now: now) {
            parts.append("counter " + Render.counter(elapsed))
        } else if !session.status.isClosed {
            parts.append("counter not started")
        }
        if session.memberJoinedAt != nil && !session.status.isClosed {
            parts.append("\(text(session.member.firstName)) has joined")
        }
        if let step = report.next.first(where: { $0.action == .endMissed }), session.memberJoinedAt == nil {
            let decision = step.decision
            if decision.isAllowed {
                parts.append("missed allowed now")
            } else if let from = decision.allowedFrom {
                var hint = "missed allowed from " + zone.shortTime(max(from, now), now: now)
                if decision.reasons.contains(where: { $0.kind == .noContactAttempt }) {
                    hint += " after you contact \(text(session.member.firstName)) (mindbeat contact \(session.id) --via email)"
                }
                if session.coachJoinedAt == nil { hint += ", once you attend" }
                parts.append(hint)
            }
        }
        return parts.joined(separator: " · ")
    }
}
