/// How the CLI's reports are decorated.
public enum ReportStyle: Sendable, Equatable {
    /// No escape sequences (a pipe, a file, CI).
    case plain
    /// SGR bold and colours (an interactive terminal).
    case terminal
}

/// Aligned text tables and colour for the CLI's reports (`status`, `tenant`, `resources`,
/// `why`): columns padded before colour is added, so ``ReportStyle/plain`` and
/// ``ReportStyle/terminal`` show the same characters in the same columns.
enum ReportTable {
    enum Colour: String { case red = "31", green = "32", yellow = "33" }

    struct Cell {
        var text: String
        var colour: Colour?
        init(_ text: String, colour: Colour? = nil) {
            self.text = text
            self.colour = colour
        }
    }

    struct Painter {
        var style: ReportStyle
        func bold(_ s: String) -> String { style == .terminal ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func paint(_ s: String, _ colour: Colour?) -> String {
            guard style == .terminal, let colour, !s.isEmpty else { return s }
            return "\u{1B}[\(colour.rawValue)m\(s)\u{1B}[0m"
        }
    }

    /// Columns padded to their widest cell (in characters) and two spaces apart; colour is added
    /// after padding so it never shifts a column; trailing spaces removed.
    static func table(header: [String]?, rows: [[Cell]], indent: String, paint: Painter) -> [String] {
        let all = (header.map { [$0.map { Cell($0) }] } ?? []) + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { i in all.map { $0.indices.contains(i) ? $0[i].text.count : 0 }.max() ?? 0 }
        func line(_ cells: [Cell], bold: Bool) -> String {
            var out = indent
            for (i, cell) in cells.enumerated() {
                let padding = i == cells.count - 1 ? "" : String(repeating: " ", count: widths[i] - cell.text.count + 2)
                let text = bold ? paint.bold(cell.text) : paint.paint(cell.text, cell.colour)
                out += text + padding
            }
            return trimmed(out)
        }
        var lines: [String] = []
        if let header { lines.append(line(header.map { Cell($0) }, bold: true)) }
        lines.append(contentsOf: rows.map { line($0, bold: false) })
        return lines
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - s.count))
    }

    static func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
