#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

extension Commands {
    /// `status --watch` (SPEC §13): a live view on a terminal, else a line
    /// (or a JSON object) per change; ends when the session does.
    static func watchStatus(_ signedIn: SignedIn, id: Int64?, json: Bool) throws {
        let live = try LiveSession(signedIn)
        let context = signedIn.context
        guard let first = try live.mindbeat.status(signedIn.actor, id: id) else {
            if json { return context.out.line(JSON.null.line()) }
            return signedIn.out.line("No session in progress or coming up.")
        }
        if !json && context.stdoutIsTerminal && context.environment["TERM"] != "dumb" {
            return try watchOnTerminal(live, first: first)
        }
        let sessionID = first.view.session.id
        var report = first
        if json {
            context.out.line(live.render(at: report.at).json(report).line())
        } else {
            statusLines(report, render: live.render(at: report.at)).prefix(2).forEach(context.out.line)
        }
        try live.flush()
        while !report.view.session.status.isClosed {
            let wake = try live.sleep(seconds: 3600, orUntil: report.nextChange)
            let fresh = try reread(live, id: sessionID, after: wake, report)
            let events = LiveEvent.between(report, fresh)
            report = fresh
            guard !events.isEmpty else { continue }
            let render = live.render(at: fresh.at)
            if json {
                context.out.line(render.json(fresh).line())
            } else {
                for event in events { context.out.line(eventLine(event, report: fresh, render: render)) }
            }
            try live.flush()
        }
    }

    /// The report after a wake: read again when the database changed, else
    /// the same session decided again at the clock's new reading.
    static func reread(_ live: LiveSession, id: Int64, after wake: Wake, _ report: StatusReport) throws -> StatusReport {
        if wake == .changed, let fresh = try live.mindbeat.status(live.signedIn.actor, id: id) { return fresh }
        return report.at(live.clock.now())
    }

    /// One line of a watch off a terminal: the time, the session, what happened.
    static func eventLine(_ event: LiveEvent, report: StatusReport, render: Render) -> String {
        let session = report.view.session
        let coach = render.text(session.coach.firstName), member = render.text(session.member.firstName)
        var at = report.at
        let text: String
        switch event {
        case .coachJoined(let joined):
            at = joined
            text = "\(coach) joined; the counter started"
        case .memberJoined(let joined):
            at = joined
            text = "\(member) joined"
        case .contacted(let count):
            at = session.lastContactAt ?? at
            text = "\(coach) tried to reach \(member) (attempt \(count))"
        case .switched(let channel):
            switch channel {
            case .platform: text = "the session moved back to the platform"
            case .zoom: text = "the session moved to Zoom"
            case .phone: text = "the session moved to the phone"
            }
        case .moved(let startsAt):
            text = "the session was moved to \(render.span(session)) (starts \(render.zone.dateTime(startsAt)))"
        case .allowed(let action):
            text = "\(label(action)) is allowed now"
        case .closed(let status):
            at = session.endedAt ?? session.cancellation?.at ?? at
            text = status.isCancelled ? "the session was \(status.words)" : "the session ended: \(status.words)"
        }
        return render.zone.civil(at).isoTime(seconds: true) + "  session \(session.id): " + text
    }

    /// The live view on a terminal: a frame a second on the alternate screen,
    /// the bell for the other party's join and for ending becoming allowed,
    /// and the terminal as it was found on the way out.
    static func watchOnTerminal(_ live: LiveSession, first: StatusReport) throws {
        let context = live.signedIn.context
        let terminal = LiveTerminal(fd: context.stdoutFD)
        let sessionID = first.view.session.id
        let party = first.party ?? .coach
        LiveSignals.install()
        terminal.enter()
        var report = first
        var rang: Set<String> = []
        do {
            var previous = report
            while true {
                var bell = false
                for event in LiveEvent.between(previous, report) {
                    if let kind = event.bell(for: party), rang.insert(kind).inserted { bell = true }
                }
                previous = report
                terminal.draw(frame(report, render: live.render(at: report.at), width: terminal.size.columns), bell: bell)
                if report.view.session.status.isClosed { break }
                // To the next second of real time, so the counter ticks evenly.
                let system = SystemClock(), now = system.now()
                let tick = system.realSeconds(until: now.adding(seconds: 1) ?? now) ?? 1
                let wake = try live.sleep(seconds: tick, orUntil: report.nextChange)
                if LiveSignals.stop != 0 {
                    terminal.leave()
                    _ = context.out.flush()
                    Interrupt.endLive(by: LiveSignals.stop)
                }
                if LiveSignals.suspend != 0 {
                    LiveSignals.suspend = 0
                    terminal.leave()
                    signal(SIGTSTP, SIG_DFL)
                    raise(SIGTSTP)
                    // Continued (fg): take the terminal again.
                    LiveSignals.install()
                    terminal.enter()
                }
                LiveSignals.resized = 0
                report = try reread(live, id: sessionID, after: wake, report)
            }
        } catch {
            terminal.leave()
            LiveSignals.restore()
            throw error
        }
        terminal.leave()
        LiveSignals.restore()
        statusLines(report, render: live.render(at: report.at)).forEach(context.out.line)
    }

    /// One frame of the live view.
    static func frame(_ report: StatusReport, render: Render, width: Int) -> [String] {
        let session = report.view.session
        var lines = statusLines(report, render: render, countdown: true)
        let other = report.party == .member ? session.coach : session.member
        let joined = report.party == .member ? session.coachJoinedAt : session.memberJoinedAt
        let joinLine: String
        if let joined {
            joinLine = render.paint("● \(render.text(other.name)) joined at \(render.zone.civil(joined).isoTime(seconds: true))", "1;32")
        } else if session.status.isClosed {
            joinLine = "\(render.text(other.name)) did not join"
        } else {
            joinLine = "○ waiting for \(render.text(other.name)) to join"
        }
        lines.insert(joinLine, at: 2)
        lines.append("")
        lines.append(render.paint("\(render.zone.civil(report.at).isoTime(seconds: true)) · watching session \(session.id) · Ctrl-C to stop", "2"))
        return lines.map { Render.clip($0, to: max(width - 1, 10)) }
    }
}
