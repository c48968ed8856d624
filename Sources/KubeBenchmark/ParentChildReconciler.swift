import Foundation
import KubeCore
import KubeRuntime

/// The benchmark's controller logic: for every parent ConfigMap, a child ConfigMap
/// `<parent>-child` with the parent's `data`, owned by the parent, applied with
/// `DesiredStateApplier` (so nothing is sent when the cached child already matches).
public struct ParentChildReconciler: Reconciler {
    public typealias Object = ConfigMap

    public let applier: DesiredStateApplier
    /// The cache of children its controller declared.
    public let children: Store<BenchChildConfigMap>
    public let probe: ReconcileProbe

    public init(applier: DesiredStateApplier, children: Store<BenchChildConfigMap>, probe: ReconcileProbe) {
        self.applier = applier
        self.children = children
        self.probe = probe
    }

    /// The child `parent` should have, labelled as managed by `identity`; `nil` when the parent
    /// has no name or UID.
    public static func desiredChild(of parent: ConfigMap, identity: OperatorIdentity) -> BenchChildConfigMap? {
        guard let name = parent.metadata.name, let owner = parent.ownerReference() else { return nil }
        return BenchChildConfigMap(
            metadata: ObjectMeta(
                name: "\(name)-child", namespace: parent.metadata.namespace,
                labels: identity.managedByLabel.merging([BenchmarkObjects.roleLabel: "child"]) { $1 },
                ownerReferences: [owner]),
            data: parent.data)
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<ConfigMap>) async throws
        -> ReconcileResult
    {
        defer { probe.reconciled() }
        guard let parent = context.store.get(request.key),
            let desired = Self.desiredChild(of: parent, identity: applier.identity)
        else {
            return .done
        }
        let observed = children.get(
            name: desired.metadata.name ?? "", namespace: desired.metadata.namespace)
        let outcome = try await applier.apply(desired, observed: observed)
        if outcome.wasApplied {
            probe.applied(parent: request.name, value: parent.data?["value"] ?? "", at: .now)
        }
        return .done
    }
}
