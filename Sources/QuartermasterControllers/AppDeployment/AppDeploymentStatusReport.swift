import KubeCore

/// What `quartermaster status NAME` prints for a `Deployment` (``AppDeployment``): the phase,
/// served revision, URL, IP, image and digest, the conditions worth a look, and the history as
/// an aligned table. Pure (no I/O), so the wording is pinned by table tests.
///
/// ``Style/plain`` output contains no escape sequence; ``Style/terminal`` adds SGR bold to the
/// headings and colour to the phase, outcomes and condition statuses, after padding, so both
/// styles show the same characters in the same columns.
public enum AppDeploymentStatusReport {
    /// How the text is decorated: ``ReportStyle``.
    public typealias Style = ReportStyle

    /// The lines to print for `deployment`, without trailing spaces.
    public static func render(_ deployment: AppDeployment, style: Style) -> [String] {
        let paint = Painter(style: style)
        let namespace = deployment.metadata.namespace ?? "default"
        let name = deployment.metadata.name ?? ""
        var lines = [paint.bold("Deployment \(namespace)/\(name)")]
        guard let status = deployment.status else {
            let fields = [("phase", "(no status yet: the operator has not reconciled it)")] + specNotes(deployment.spec)
            lines.append(contentsOf: aligned(fields))
            return lines
        }
        var fields: [(String, String)] = []
        let phase = status.phase.map { paint.phase($0) } ?? "(none yet)"
        fields.append(("phase", phase + generationNote(deployment.metadata.generation, status.observedGeneration)))
        fields.append(("revision", status.revision.map(String.init) ?? "(none yet)"))
        fields.append(("url", status.url ?? "(none yet)"))
        if let ip = status.ip { fields.append(("ip", ip)) }
        fields.append(("image", status.image?.reference ?? deployment.spec.image))
        fields.append(("digest", status.image?.digest ?? "(not resolved yet)"))
        if let source = status.source {
            let commit = source.commit.map { " at \(String($0.prefix(12)))" } ?? ""
            let subPath = source.subPath.map { " (\($0))" } ?? ""
            fields.append(("source", "\(source.url)\(subPath), \(source.ref)\(commit)"))
            if let polledAt = source.polledAt { fields.append(("polled at", polledAt)) }
        }
        if let build = status.build {
            let outcome = paint.paint(build.phase.rawValue, build.phase == .failed ? .red : nil)
            let why = [build.reason?.rawValue, build.message].compactMap { $0 }.joined(separator: ": ")
            fields.append(("build", "\(outcome) \(build.namespace)/\(build.job)" + (why.isEmpty ? "" : " (\(why))")))
        }
        if let replicas = status.replicas {
            fields.append(("replicas", "\(status.availableReplicas ?? 0)/\(replicas) available"))
        }
        if let database = status.database {
            let secret = database.secretName.map { ", Secret \($0)" } ?? ""
            fields.append(("database", "Resource \(database.resource)\(secret), \(database.ready ? "ready" : "not ready")"))
        }
        lines.append(contentsOf: aligned(fields + specNotes(deployment.spec)))

        let conditions = (status.conditions ?? []).filter(worthShowing)
        if !conditions.isEmpty {
            lines.append("")
            lines.append(paint.bold("Conditions:"))
            let rows = conditions.map { c in
                [
                    Cell(c.type), Cell(c.status.rawValue, colour: healthy(c) ? nil : .red),
                    Cell(c.reason ?? ""), Cell(c.message ?? ""),
                ]
            }
            lines.append(contentsOf: table(header: nil, rows: rows, indent: "  ", paint: paint))
        }

        lines.append("")
        let history = status.history ?? []
        if history.isEmpty {
            lines.append(paint.bold("History:") + " (empty)")
        } else {
            lines.append(paint.bold("History:"))
            // Source builds: a COMMIT column (the first 12 hex digits), only when an entry has one.
            let withCommits = history.contains { $0.commit != nil }
            let rows = history.map { entry in
                [Cell(entry.revision == status.revision ? "\(entry.revision)*" : "\(entry.revision)")]
                    + (withCommits ? [Cell(entry.commit.map { String($0.prefix(12)) } ?? "")] : [])
                    + [
                        Cell(shortDigest(entry.digest)), Cell(entry.deployedAt ?? ""),
                        Cell(entry.outcome.rawValue, colour: colour(of: entry.outcome)), Cell(entry.reason ?? ""),
                    ]
            }
            let header = ["REVISION"] + (withCommits ? ["COMMIT"] : []) + ["DIGEST", "DEPLOYED AT", "OUTCOME", "REASON"]
            lines.append(contentsOf: table(header: header, rows: rows, indent: "  ", paint: paint))
            if let served = status.revision, history.contains(where: { $0.revision == served }) {
                lines.append("  * served")
            }
        }
        return lines
    }

    /// `sha256:` and the first 12 hex digits (what `docker images` shows); other text unchanged.
    public static func shortDigest(_ digest: String) -> String {
        let prefix = "sha256:"
        guard digest.hasPrefix(prefix) else { return digest }
        return prefix + String(digest.dropFirst(prefix.count).prefix(12))
    }

    /// `Ready` always; `Reconciling`, `Stalled` and `RolledBack` when True; the others when not True.
    static func worthShowing(_ condition: Condition) -> Bool {
        switch condition.type {
        case "Ready": return true
        case "Reconciling", "Stalled", AppDeploymentStatus.ConditionType.rolledBack: return condition.status == .true
        default: return condition.status != .true
        }
    }

    /// Whether the condition is in its good state (its status is not painted red).
    static func healthy(_ condition: Condition) -> Bool {
        switch condition.type {
        case "Reconciling", "Stalled", AppDeploymentStatus.ConditionType.rolledBack: return condition.status == .false
        default: return condition.status == .true
        }
    }

    static func generationNote(_ generation: Int64?, _ observed: Int64?) -> String {
        guard let generation, let observed, observed < generation else { return "" }
        return " (status of generation \(observed); the spec is at \(generation), not yet observed)"
    }

    /// Spec fields that change what is served: a manual rollback, suspension.
    static func specNotes(_ spec: AppDeploymentSpec) -> [(String, String)] {
        var notes: [(String, String)] = []
        if let target = spec.rollbackTo?.revision {
            notes.append(("rollback", "spec.rollbackTo.revision \(target) (remove it to serve spec.image again)"))
        }
        if spec.suspended { notes.append(("suspended", "spec.suspended is true (scaled to zero)")) }
        return notes
    }

    /// `  label:  value` lines, the values in one column.
    static func aligned(_ fields: [(String, String)]) -> [String] {
        let width = fields.map { $0.0.count }.max() ?? 0
        return fields.map { label, value in trimmed("  \(pad(label + ":", width + 1)) \(value)") }
    }

    static func colour(of outcome: AppDeploymentStatus.HistoryEntry.Outcome) -> Colour? {
        switch outcome {
        case .healthy: .green
        case .deploying: .yellow
        case .failed, .rolledBack: .red
        case .superseded: nil
        }
    }

    typealias Colour = ReportTable.Colour
    typealias Cell = ReportTable.Cell
    typealias Painter = ReportTable.Painter

    static func table(header: [String]?, rows: [[Cell]], indent: String, paint: Painter) -> [String] {
        ReportTable.table(header: header, rows: rows, indent: indent, paint: paint)
    }
    static func pad(_ s: String, _ width: Int) -> String { ReportTable.pad(s, width) }
    static func trimmed(_ s: String) -> String { ReportTable.trimmed(s) }
}

extension ReportTable.Painter {
    func phase(_ phase: AppDeploymentStatus.Phase) -> String {
        switch phase {
        case .exposed, .healthy: paint(phase.rawValue, .green)
        case .failed, .rollingBack: paint(phase.rawValue, .red)
        case .queued, .analyzing, .building, .provisioning, .deploying: paint(phase.rawValue, .yellow)
        }
    }
}
