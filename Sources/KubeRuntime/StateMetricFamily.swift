/// A gauge family computed when Prometheus scrapes, from what the caches hold (the
/// kube-state-metrics way): nothing to update on each change, and a deleted object's series
/// disappear with it.
///
/// ``MetricsServer`` renders the families of its ``StateMetricsSource``s after the registry's
/// metrics; a family's name must not be one the registry also has.
public struct StateMetricFamily: Hashable, Sendable {
    /// One sample: label pairs in the order given, and the value.
    public struct Sample: Hashable, Sendable {
        public var labels: [Label]
        public var value: Double

        public init(_ labels: [Label], _ value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    /// A label name and value. Names must match `[a-zA-Z_][a-zA-Z0-9_]*`; values may hold anything
    /// (escaped when rendered).
    public struct Label: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The metric name, e.g. `widgets_by_phase`.
    public var name: String
    /// The `# HELP` text (one line).
    public var help: String
    public var samples: [Sample]

    public init(name: String, help: String, samples: [Sample]) {
        self.name = name
        self.help = help
        self.samples = samples
    }

    /// The family in the Prometheus text format 0.0.4, as a gauge: `# HELP`, `# TYPE`, then one
    /// line per sample. A family without samples renders its two header lines only.
    public var text: String {
        var out = "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) gauge\n"
        for sample in samples {
            out += name
            if !sample.labels.isEmpty {
                out += "{"
                out += sample.labels.map { "\($0.name)=\"\(Self.escapedLabelValue($0.value))\"" }.joined(separator: ",")
                out += "}"
            }
            out += " \(Self.formatted(sample.value))\n"
        }
        return out
    }

    /// `families` with those of one name joined into the first of them (its help text, the
    /// samples of all in order), in the order the names first appear. The text format allows a
    /// name's samples in one group only, so sources that share a name (one per kind) are merged.
    public static func merged(_ families: [StateMetricFamily]) -> [StateMetricFamily] {
        var order: [String] = []
        var byName: [String: StateMetricFamily] = [:]
        for family in families {
            if byName[family.name] == nil {
                order.append(family.name)
                byName[family.name] = family
            } else {
                byName[family.name]?.samples += family.samples
            }
        }
        return order.compactMap { byName[$0] }
    }

    /// `\` and newline escaped, as the format asks of help text.
    static func escapedHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `\`, `"` and newline escaped, as the format asks of label values.
    static func escapedLabelValue(_ text: String) -> String {
        escapedHelp(text).replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// Integers without a fraction; `NaN`, `+Inf`, `-Inf` as the format spells them.
    static func formatted(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// Something that computes ``StateMetricFamily``s at scrape time (from informer caches).
public protocol StateMetricsSource: Sendable {
    /// The families as of now. Called once per scrape; must not block on the network.
    func stateMetricFamilies() async -> [StateMetricFamily]
}
