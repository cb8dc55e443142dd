import MindbeatCore

/// A report as `report` prints it: JSON, CSV, a table with a bar chart, or
/// an SVG image — the same numbers in each (SPEC §14).
struct ReportRender {
    let report: Report
    let zone: any LocalZone
    let color: Bool

    static let columns = ["period_start", "period_end", "coach", "member", "scheduled", "held", "missed", "cancelled",
                          "late_cancelled", "attendance_rate"]

    // MARK: JSON and CSV

    func json() -> JSON {
        .array(report.rows.map { row in
            .object([
                ("period_start", .string(row.period.start.rfc3339)),
                ("period_end", .string(row.period.end.rfc3339)),
                ("coach", .string(row.coach.email)),
                ("member", .optional(row.member?.email)),
                ("scheduled", .int(row.counts.scheduled)),
                ("held", .int(row.counts.held)),
                ("missed", .int(row.counts.missed)),
                ("cancelled", .int(row.counts.cancelled)),
                ("late_cancelled", .int(row.counts.lateCancelled)),
                ("attendance_rate", row.counts.attendanceRate.map { .decimal($0.description) } ?? .null),
            ])
        })
    }

    /// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a
    /// comma, a quote or a line break; a null rate is an empty field.
    func csv() -> String {
        var lines = [ReportRender.columns.joined(separator: ",")]
        for row in report.rows {
            let fields = [
                row.period.start.rfc3339, row.period.end.rfc3339, row.coach.email, row.member?.email ?? "",
                String(row.counts.scheduled), String(row.counts.held), String(row.counts.missed),
                String(row.counts.cancelled), String(row.counts.lateCancelled),
                row.counts.attendanceRate?.description ?? "",
            ]
            lines.append(fields.map(ReportRender.csvField).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func csvField(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    // MARK: Text

    /// `2026-06` for a month, `2026-06-01` (its Monday) for a week.
    func label(_ period: ReportPeriod) -> String {
        let civil = zone.civil(period.start)
        switch report.interval {
        case .month: return String(civil.isoDate.prefix(7))
        case .week: return civil.isoDate
        }
    }

    /// The heading: what is counted, from when to when.
    func heading(scope: String) -> String { title(scope: scope) + ": " + range }

    func title(scope: String) -> String { "Attendance by \(report.interval.rawValue) of \(scope)" }

    var range: String { "sessions starting from \(zone.dateTime(report.from)), before \(zone.dateTime(report.to))" }

    /// The table of rows, then the chart. `scope` says whose sessions.
    func text(scope: String, width: Int = 80) -> [String] {
        var lines = [title(scope: scope), "S" + range.dropFirst(), ""]
        guard !report.rows.isEmpty else {
            lines.append("No sessions started in this range.")
            return lines
        }
        let coaches = Set(report.rows.map(\.coach.id))
        let showCoach = report.perCoach || coaches.count > 1
        var header = [report.interval.rawValue]
        if showCoach { header.append("coach") }
        if !report.perCoach { header.append("member") }
        let numbers = ["scheduled", "held", "missed", "cancelled", "late", "rate"]
        var table: [[String]] = [header + numbers]
        var previous: ReportPeriod?
        for row in report.rows {
            var cells = [row.period == previous ? "" : label(row.period)]
            previous = row.period
            if showCoach { cells.append(Render.printable(row.coach.email)) }
            if let member = row.member { cells.append(Render.printable(member.email)) }
            let counts = row.counts
            cells += [String(counts.scheduled), String(counts.held), String(counts.missed), String(counts.cancelled),
                      String(counts.lateCancelled), counts.attendanceRate?.percent ?? "–"]
            table.append(cells)
        }
        lines += ReportRender.aligned(table, rightFrom: header.count)
        lines.append("")
        lines += chart(width: width)
        return lines
    }

    /// Columns padded to their widest cell, those from `rightFrom` on
    /// aligned right.
    static func aligned(_ rows: [[String]], rightFrom: Int) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Render.visibleWidth(cell))
            }
        }
        return rows.map { row in
            var cells: [String] = []
            for (index, cell) in row.enumerated() where index < widths.count {
                let padding = String(repeating: " ", count: widths[index] - Render.visibleWidth(cell))
                cells.append(index >= rightFrom ? padding + cell : (index == row.count - 1 ? cell : cell + padding))
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The blocks of the chart: distinct shapes, so that it reads without
    /// colour too.
    static let segments: [(name: String, block: Character, color: String)] = [
        ("held", "█", "32"), ("missed", "▓", "31"), ("late cancelled", "░", "33"),
    ]

    /// One bar per period, stacked held / missed / late-cancelled, scaled to
    /// the busiest period, within `width` columns.
    func chart(width: Int) -> [String] {
        let totals = report.totals
        let labels = totals.map { label($0.period) }
        let labelWidth = labels.map(\.count).max() ?? 0
        let suffixes = totals.map { total -> String in
            let counts = total.counts
            guard counts.held + counts.missed + counts.lateCancelled > 0 else {
                // Nothing to draw: what there is, cancelled in good time or not ended yet.
                let open = counts.scheduled - counts.cancelled
                let parts = (counts.cancelled > 0 ? ["\(counts.cancelled) cancelled"] : []) + (open > 0 ? ["\(open) open"] : [])
                return parts.isEmpty ? "no sessions" : parts.joined(separator: ", ")
            }
            return "\(counts.held)/\(counts.missed)/\(counts.lateCancelled)"
                + (counts.attendanceRate.map { "  \($0.percent)" } ?? "")
        }
        let suffixWidth = suffixes.map(\.count).max() ?? 0
        let barWidth = max(10, width - labelWidth - suffixWidth - 4)
        let busiest = totals.map { $0.counts.held + $0.counts.missed + $0.counts.lateCancelled }.max() ?? 0
        let legend = ReportRender.segments.map { paint(String(repeating: $0.block, count: 2), $0.color) + " " + $0.name }
        var lines = [String(repeating: " ", count: labelWidth + 2) + legend.joined(separator: "   ")
                     + "   (held/missed/late, rate)"]
        for (index, total) in totals.enumerated() {
            let counts = total.counts
            let cells = ReportRender.cells([counts.held, counts.missed, counts.lateCancelled], of: busiest, width: barWidth)
            var bar = ""
            for (segment, count) in zip(ReportRender.segments, cells) where count > 0 {
                bar += paint(String(repeating: segment.block, count: count), segment.color)
            }
            let drawn = cells.reduce(0, +)
            let label = labels[index] + String(repeating: " ", count: labelWidth - labels[index].count)
            lines.append(label + "  " + bar + String(repeating: " ", count: barWidth - drawn) + "  " + suffixes[index])
        }
        return lines.map { line in
            var trimmed = line
            while trimmed.hasSuffix(" ") { trimmed.removeLast() }
            return trimmed
        }
    }

    /// How many cells each count gets out of `width`, `busiest` filling it:
    /// any count above zero gets at least one, and the bar never overflows.
    static func cells(_ counts: [Int64], of busiest: Int64, width: Int) -> [Int] {
        guard busiest > 0 else { return counts.map { _ in 0 } }
        let nonzero = counts.filter { $0 > 0 }.count
        let scale = Int64(max(width - nonzero, 1))
        return counts.map { count in
            count == 0 ? 0 : max(1, Int((count * scale + busiest / 2) / busiest))
        }
    }

    func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    // MARK: SVG

    static let svgColors = ["#2e7d32", "#c62828", "#f9a825"]

    /// A standalone SVG image of the chart: axes, labels, a legend, one
    /// stacked bar per period, and each segment's count as its tooltip.
    func svg(scope: String) -> String {
        let title = self.title(scope: scope)
        let totals = report.totals
        let count = max(totals.count, 1)
        let slot = report.interval == .week ? 30 : 56
        let left = 56, right = 24, top = 84, plotHeight = 260
        let rotate = report.interval == .week || count > 12
        let bottom = rotate ? 86 : 48
        let plotWidth = max(count * slot, 420)
        let width = left + plotWidth + right
        let height = top + plotHeight + bottom
        let busiest = totals.map { $0.counts.held + $0.counts.missed + $0.counts.lateCancelled }.max() ?? 0
        let (axisMax, step) = ReportRender.axis(busiest)
        func y(_ value: Int64) -> Int { top + plotHeight - Int(value * Int64(plotHeight) / axisMax) }

        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">
            <title>\(ReportRender.xml(heading(scope: scope)))</title>
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="16" y="24" font-size="15" font-weight="bold" fill="#222222">\(ReportRender.xml(title))</text>
            <text x="16" y="42" fill="#444444">\(ReportRender.xml(range))</text>

            """
        // Legend.
        var legendX = 16
        for (index, segment) in ReportRender.segments.enumerated() {
            out += "<rect x=\"\(legendX)\" y=\"54\" width=\"12\" height=\"12\" fill=\"\(ReportRender.svgColors[index])\"/>"
            out += "<text x=\"\(legendX + 17)\" y=\"64\" fill=\"#222222\">\(segment.name)</text>\n"
            legendX += 17 + segment.name.count * 7 + 22
        }
        // Grid lines and the y axis's numbers.
        var tick: Int64 = 0
        while tick <= axisMax {
            let lineY = y(tick)
            out += "<line x1=\"\(left)\" y1=\"\(lineY)\" x2=\"\(left + plotWidth)\" y2=\"\(lineY)\" stroke=\"#dddddd\"/>"
            out += "<text x=\"\(left - 8)\" y=\"\(lineY + 4)\" text-anchor=\"end\" fill=\"#444444\">\(tick)</text>\n"
            tick += step
        }
        out += "<text x=\"16\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" fill=\"#444444\" "
            + "transform=\"rotate(-90 16 \(top + plotHeight / 2))\">sessions</text>\n"
        // Bars.
        for (index, total) in totals.enumerated() {
            let counts = total.counts
            let x = left + index * plotWidth / count + max(2, slot / 6)
            let barWidth = max(plotWidth / count - 2 * max(2, slot / 6), 4)
            var base: Int64 = 0
            let name = label(total.period)
            for (segment, value) in [counts.held, counts.missed, counts.lateCancelled].enumerated() where value > 0 {
                let upper = y(base + value), lower = y(base)
                out += "<rect x=\"\(x)\" y=\"\(upper)\" width=\"\(barWidth)\" height=\"\(lower - upper)\" "
                    + "fill=\"\(ReportRender.svgColors[segment])\"><title>\(name): \(value) "
                    + "\(ReportRender.segments[segment].name)</title></rect>\n"
                base += value
            }
            if let rate = counts.attendanceRate {
                out += "<text x=\"\(x + barWidth / 2)\" y=\"\(y(base) - 5)\" text-anchor=\"middle\" font-size=\"10\" "
                    + "fill=\"#222222\">\(rate.percent)</text>\n"
            }
            let labelX = x + barWidth / 2, labelY = top + plotHeight + 16
            if rotate {
                out += "<text x=\"\(labelX)\" y=\"\(labelY)\" text-anchor=\"end\" fill=\"#444444\" "
                    + "transform=\"rotate(-45 \(labelX) \(labelY))\">\(name)</text>\n"
            } else {
                out += "<text x=\"\(labelX)\" y=\"\(labelY)\" text-anchor=\"middle\" fill=\"#444444\">\(name)</text>\n"
            }
        }
        if totals.isEmpty || busiest == 0 {
            out += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" "
                + "fill=\"#888888\">no held, missed or late-cancelled sessions</text>\n"
        }
        // Axes.
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#444444\"/>"
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" "
            + "stroke=\"#444444\"/>\n"
        out += "</svg>\n"
        return out
    }

    /// The top of the y axis and the step between its numbers: 1, 2 or 5
    /// times a power of ten, at most six steps.
    /// The busiest bar stays below the top, leaving room for its rate.
    static func axis(_ busiest: Int64) -> (Int64, Int64) {
        guard busiest > 0 else { return (1, 1) }
        var power: Int64 = 1
        while true {
            for factor: Int64 in [1, 2, 5] {
                let step = factor * power
                let steps = busiest / step + 1
                if steps <= 6 { return (steps * step, step) }
            }
            power *= 10
        }
    }

    /// Text made safe inside XML: markup characters escaped, and the
    /// characters XML 1.0 does not allow (controls) left out.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || Values.isUnprintable(scalar) {
                    out += "?"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
