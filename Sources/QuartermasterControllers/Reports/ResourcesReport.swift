import Foundation
import KubeCore

/// What `quartermaster resources` prints: every Resource with its tenant, template, phase,
/// progress, current stage and age, as one aligned table sorted by tenant, namespace and name.
/// Pure: the objects in, the lines out.
public enum ResourcesReport {
    /// The lines for `resources`; a Resource's tenant is the Tenant whose namespace it is in
    /// (`-` when none of `tenants` is).
    public static func render(resources: [Resource], tenants: [Tenant], now: Date, style: ReportStyle) -> [String] {
        guard !resources.isEmpty else { return ["No resources found."] }
        let paint = ReportTable.Painter(style: style)
        var tenantOf: [String: String] = [:]
        for tenant in tenants { tenantOf[tenant.namespaceName] = tenant.metadata.name ?? "" }
        let rows = resources.map { resource -> (key: [String], cells: [ReportTable.Cell]) in
            let namespace = resource.metadata.namespace ?? "", name = resource.metadata.name ?? ""
            let tenant = tenantOf[namespace] ?? "-"
            let phase = resource.status?.phase
            let stage = Resource.currentStage(resource.status)
            let stageText = stage.map { $0.state == .done || $0.state == .inProgress ? $0.name.rawValue : "\($0.name.rawValue) (\($0.state.rawValue))" }
            return (
                [tenant, namespace, name],
                [
                    .init(tenant), .init(namespace), .init(name), .init(resource.spec.template),
                    .init(phase?.rawValue ?? "Unknown", colour: colour(of: phase)),
                    .init(resource.status?.progress.map { "\($0)%" } ?? ""), .init(stageText ?? ""),
                    .init(ReportAge.age(of: resource.metadata.creationTimestamp, now: now)),
                ]
            )
        }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        return ReportTable.table(
            header: ["TENANT", "NAMESPACE", "NAME", "TEMPLATE", "PHASE", "PROGRESS", "STAGE", "AGE"],
            rows: rows.map(\.cells), indent: "", paint: paint)
    }

    /// Green when Ready, red when Failed or Degraded, yellow otherwise.
    static func colour(of phase: ResourcePhase?) -> ReportTable.Colour? {
        switch phase {
        case .ready: .green
        case .failed, .degraded: .red
        case .pending, .provisioning, .deleting, .none: .yellow
        case .suspended: nil
        }
    }
}
