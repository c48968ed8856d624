import Foundation
import KubeCore

/// What `quartermaster tenant NAME` prints: the Tenant as a tree of its conditions, its quota
/// (used of hard, and the share), its Resources (phase, progress, stage) and its newest Events.
/// Pure: the objects in, the lines out.
public enum TenantReport {
    /// How many Events are shown, newest first.
    public static let eventLimit = 8

    public static func render(
        tenant: Tenant, resources: [Resource], events: [Event], now: Date, style: ReportStyle
    ) -> [String] {
        let paint = ReportTable.Painter(style: style)
        let ready = tenant.status?.conditions?.first { $0.type == "Ready" }
        let state = ready.map { $0.status == .true ? paint.paint("Ready", .green) : paint.paint("Not ready", .red) } ?? "no status yet"
        var header = "\(paint.bold("Tenant \(tenant.metadata.name ?? "")")): \(state) (namespace \(tenant.namespaceName)"
        if let tier = tenant.spec.tier { header += ", tier \(tier.rawValue)" }
        if tenant.spec.isSuspended { header += ", suspended" }
        var sections: [(String, [String])] = []

        let conditions = (tenant.status?.conditions ?? []).map { c in
            [
                ReportTable.Cell(c.type),
                .init(c.status.rawValue, colour: healthy(c) ? nil : .red), .init(c.reason ?? ""), .init(c.message ?? ""),
            ]
        }
        sections.append(("Conditions", ReportTable.table(header: nil, rows: conditions, indent: "", paint: paint)))

        let hard = tenant.status?.quota?.hard ?? [:], used = tenant.status?.quota?.used ?? [:]
        let quotaRows = hard.keys.sorted().map { key -> [ReportTable.Cell] in
            let cap = hard[key] ?? 0, use = used[key] ?? 0
            let share = cap.isZero ? nil : use.doubleValue / cap.doubleValue
            let colour: ReportTable.Colour? = share.map { $0 >= 0.9 ? .red : $0 >= 0.75 ? .yellow : nil } ?? nil
            return [
                .init(key), .init("\(use) / \(cap)"),
                .init(share.map { "\(Int(($0 * 100).rounded()))%" } ?? "-", colour: colour),
            ]
        }
        sections.append(("Quota", quotaRows.isEmpty ? ["not counted yet"] : ReportTable.table(header: nil, rows: quotaRows, indent: "", paint: paint)))

        let resourceRows = resources.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }.map { r -> [ReportTable.Cell] in
            let stage = Resource.currentStage(r.status)
            let stageText = stage.map { s in
                s.state == .done ? s.name.rawValue : "\(s.name.rawValue): \(s.message ?? s.state.rawValue)"
            }
            return [
                .init(r.metadata.name ?? ""), .init(r.spec.template),
                .init(r.status?.phase?.rawValue ?? "Unknown", colour: ResourcesReport.colour(of: r.status?.phase)),
                .init(r.status?.progress.map { "\($0)%" } ?? ""), .init(stageText ?? ""),
            ]
        }
        sections.append(
            ("Resources (\(resources.count))",
             resourceRows.isEmpty ? ["none"] : ReportTable.table(header: nil, rows: resourceRows, indent: "", paint: paint)))

        let newest = events.sorted { eventTime($0) > eventTime($1) }.prefix(eventLimit)
        let eventRows = newest.map { e -> [ReportTable.Cell] in
            [
                .init(ReportAge.age(of: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp, now: now)),
                .init(e.type ?? "", colour: e.type == "Warning" ? .yellow : nil), .init(e.reason ?? ""),
                .init("\(e.involvedObject.kind ?? "") \(e.involvedObject.name ?? "")"), .init(e.message ?? ""),
            ]
        }
        sections.append(
            ("Events (newest \(eventLimit))",
             eventRows.isEmpty ? ["none"] : ReportTable.table(header: nil, rows: eventRows, indent: "", paint: paint)))

        var lines = [header + ")"]
        for (index, section) in sections.enumerated() {
            let last = index == sections.count - 1
            lines.append((last ? "└─ " : "├─ ") + paint.bold(section.0))
            for (row, text) in section.1.enumerated() {
                let branch = row == section.1.count - 1 ? "└─ " : "├─ "
                lines.append((last ? "   " : "│  ") + branch + text)
            }
        }
        return lines.map(ReportTable.trimmed)
    }

    static func healthy(_ condition: Condition) -> Bool {
        condition.type == "Ready" ? condition.status == .true : condition.status != .true
    }

    static func eventTime(_ event: Event) -> Date {
        (event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp).flatMap(APITimestamp.parse) ?? .distantPast
    }
}
