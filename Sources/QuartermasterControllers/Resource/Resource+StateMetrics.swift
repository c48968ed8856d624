import Foundation
import KubeCore
import KubeRuntime

extension Resource {
    /// The stage a Resource is at: the first stage not `Done` (in progress, failed or pending),
    /// or the last one when all are done; `nil` before the first status.
    public static func currentStage(_ status: ResourceStatus?) -> ResourceStage? {
        guard let stages = status?.stages, !stages.isEmpty else { return nil }
        return stages.first(where: { $0.state != .done }) ?? stages.last
    }

    /// The Resource kind's own state families:
    ///
    /// - `quartermaster_resources_by_stage{namespace,stage}`: Resources per current stage
    ///   (``currentStage(_:)``), every stage listed for each namespace (0 when none is there);
    /// - `quartermaster_resource_stage{namespace,name,template,stage,state}`: 1 per Resource,
    ///   naming its current stage and the stage's state (`Pending`, `InProgress`, `Done`, `Failed`);
    /// - `quartermaster_resource_stage_started_timestamp_seconds{namespace,name,stage}`: when the
    ///   current stage last started (absent when the status does not say);
    /// - `quartermaster_resource_progress_percent{namespace,name}`: `status.progress`.
    public static func stageFamilies(_ resources: [Resource]) -> [StateMetricFamily] {
        typealias Label = StateMetricFamily.Label
        let sorted = resources.sorted { $0.key < $1.key }
        var byStage: [String: [ResourceStageName: Int]] = [:]
        var stage: [StateMetricFamily.Sample] = [], started: [StateMetricFamily.Sample] = []
        var progress: [StateMetricFamily.Sample] = []
        for resource in sorted {
            let namespace = resource.metadata.namespace ?? "", name = resource.metadata.name ?? ""
            if byStage[namespace] == nil { byStage[namespace] = [:] }
            let identity = [Label("namespace", namespace), Label("name", name)]
            if let current = currentStage(resource.status) {
                byStage[namespace, default: [:]][current.name, default: 0] += 1
                stage.append(.init(
                    identity + [
                        Label("template", resource.spec.template), Label("stage", current.name.rawValue),
                        Label("state", current.state.rawValue),
                    ], 1))
                if let text = current.startedAt, let date = APITimestamp.parse(text) {
                    started.append(.init(identity + [Label("stage", current.name.rawValue)], date.timeIntervalSince1970))
                }
            }
            if let percent = resource.status?.progress { progress.append(.init(identity, Double(percent))) }
        }
        var counts: [StateMetricFamily.Sample] = []
        for namespace in byStage.keys.sorted() {
            for name in ResourceStageName.allCases {
                counts.append(.init(
                    [Label("namespace", namespace), Label("stage", name.rawValue)], Double(byStage[namespace]?[name] ?? 0)))
            }
        }
        return [
            StateMetricFamily(
                name: "quartermaster_resources_by_stage", help: "Resources per namespace and current provisioning stage.",
                samples: counts),
            StateMetricFamily(
                name: "quartermaster_resource_stage",
                help: "1 per Resource, labelled with its template, current stage and that stage's state.", samples: stage),
            StateMetricFamily(
                name: "quartermaster_resource_stage_started_timestamp_seconds",
                help: "When a Resource's current stage last started, in seconds since the Unix epoch.", samples: started),
            StateMetricFamily(
                name: "quartermaster_resource_progress_percent", help: "A Resource's provisioning progress, 0 to 100.",
                samples: progress),
        ]
    }
}
