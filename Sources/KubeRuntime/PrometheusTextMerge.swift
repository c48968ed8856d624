import Foundation

/// Merges several Prometheus text-format (0.0.4) expositions into one, as a metrics proxy in
/// front of several processes of one pod serves them.
///
/// Guarantees:
/// - Every family appears once: a family named by an earlier exposition wins, and the later
///   exposition's lines of that family (its `# HELP`, `# TYPE` and samples) are dropped. Two
///   processes written in Go both export `go_*` and `process_*`; the first upstream's are kept.
/// - Lines are copied byte for byte, in their order; nothing is parsed beyond the metric name,
///   so labels and values are never rewritten.
/// - A line that is neither a comment nor a sample with a valid metric name is dropped (a
///   broken upstream cannot make the whole scrape unparsable).
/// - Then one gauge family, `upName`, with one sample per upstream (1 when its exposition was
///   read, 0 when not), so a scrape shows which process did not answer.
public enum PrometheusTextMerge {
    /// One upstream's answer: its name (the `upstream` label) and its exposition, `nil` when it
    /// could not be read.
    public struct Part: Sendable, Hashable {
        public var upstream: String
        public var text: String?

        public init(upstream: String, text: String?) {
            self.upstream = upstream
            self.text = text
        }
    }

    /// The merged exposition, ending with the `upName` family.
    public static func merge(_ parts: [Part], upName: String) -> String {
        var seen = Set<String>()
        var out = ""
        for part in parts {
            guard let text = part.text else { continue }
            var declared = Set<String>()
            var current: String?
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
                let family: String
                if line.hasPrefix("#") {
                    let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
                    guard fields.count >= 3, fields[1] == "HELP" || fields[1] == "TYPE",
                        isMetricName(fields[2])
                    else { continue }  // other comments carry nothing
                    family = String(fields[2])
                    current = family
                } else {
                    guard let name = sampleName(line) else { continue }
                    if let current, belongs(name, to: current) {
                        family = current
                    } else {
                        family = name
                        current = nil
                    }
                }
                if seen.contains(family) && !declared.contains(family) { continue }
                declared.insert(family)
                out += line
                out += "\n"
            }
            seen.formUnion(declared)
        }
        out += "# HELP \(upName) Whether the metrics proxy read the upstream's metrics at this scrape (1) or not (0).\n"
        out += "# TYPE \(upName) gauge\n"
        for part in parts {
            out += "\(upName){upstream=\"\(escapeLabelValue(part.upstream))\"} \(part.text == nil ? 0 : 1)\n"
        }
        return out
    }

    /// A sample of family `family`: the name itself, or the name with a suffix the text format
    /// gives histograms, summaries and counters.
    static func belongs(_ name: String, to family: String) -> Bool {
        guard name.hasPrefix(family) else { return false }
        let suffix = name.dropFirst(family.count)
        return suffix.isEmpty || ["_bucket", "_sum", "_count", "_total", "_created", "_info"].contains(suffix)
    }

    /// The metric name of a well-formed sample line (`name{labels} value [timestamp]`), else `nil`.
    static func sampleName(_ line: Substring) -> String? {
        guard let end = line.firstIndex(where: { $0 == "{" || $0 == " " || $0 == "\t" }) else { return nil }
        let name = line[..<end]
        guard isMetricName(name) else { return nil }
        var rest = line[end...]
        if rest.first == "{" {
            // Skip the label set: quoted values may hold `}` and escaped quotes.
            var inQuotes = false, escaped = false
            var close: Substring.Index?
            for i in rest.indices.dropFirst() {
                let c = rest[i]
                if escaped { escaped = false } else if c == "\\" { escaped = inQuotes } else if c == "\"" {
                    inQuotes.toggle()
                } else if c == "}" && !inQuotes {
                    close = i
                    break
                }
            }
            guard let close else { return nil }
            rest = rest[rest.index(after: close)...]
        }
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard (1...2).contains(fields.count), Double(fields[0]) != nil, fields.count == 1 || Int64(fields[1]) != nil
        else { return nil }
        return String(name)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isMetricName(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c == ":"
        }
        guard letter(first) else { return false }
        return s.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }

    static func escapeLabelValue(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
