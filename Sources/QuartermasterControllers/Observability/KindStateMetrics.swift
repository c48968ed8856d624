import Foundation
import KubeCore
import KubeRuntime

/// The state metrics of one kind, computed from its informer's store at each scrape (see
/// ``StateMetricFamily``):
///
/// - `quartermaster_objects{kind,namespace,phase}`: objects per phase (`Unknown` before the
///   first status; a cluster-scoped kind's namespace is empty);
/// - `quartermaster_object_phase{kind,namespace,name,phase}`: 1 per object, naming its phase;
/// - `quartermaster_object_condition{kind,namespace,name,condition}`: 1 while the condition is
///   `True`, 0 otherwise: `Ready`, `Reconciling` and `Stalled` always (0 while missing), then
///   every other condition type the status has (e.g. `ContinuousArchiving`), by name;
/// - `quartermaster_object_created_timestamp_seconds{kind,namespace,name}`;
/// - and the kind's own families (``extraFamilies``), e.g. Resource stages or Tenant quotas.
///
/// The families are pure functions of the objects (``families(kind:objects:)``); the source
/// only reads the store, which the kind's controller shares (no list or watch of its own).
public struct KindStateMetrics<Spec: CustomResourceSpec, Status: PhasedStatus>: StateMetricsSource {
    public typealias Object = CustomResource<Spec, Status>

    /// The `kind` label, e.g. `IPFSCluster`.
    public let kind: String
    public let store: Store<Object>
    /// Families only this kind has, from the same objects. Default: none.
    public let extraFamilies: @Sendable ([Object]) -> [StateMetricFamily]

    /// The condition types `quartermaster_object_condition` reports for every object.
    public static var reportedConditions: [String] { ["Ready", "Reconciling", "Stalled"] }

    public init(
        kind: String, store: Store<Object>,
        extraFamilies: @escaping @Sendable ([Object]) -> [StateMetricFamily] = { _ in [] }
    ) {
        self.kind = kind
        self.store = store
        self.extraFamilies = extraFamilies
    }

    public func stateMetricFamilies() async -> [StateMetricFamily] {
        let objects = store.list()
        return Self.families(kind: kind, objects: objects) + extraFamilies(objects)
    }

    /// The common families for `objects` of `kind`, samples sorted by namespace and name.
    public static func families(kind: String, objects: [Object]) -> [StateMetricFamily] {
        typealias Label = StateMetricFamily.Label
        let sorted = objects.sorted { $0.key < $1.key }
        var counts: [String: [String: Int]] = [:]
        var phasesByObject: [StateMetricFamily.Sample] = []
        var conditions: [StateMetricFamily.Sample] = []
        var created: [StateMetricFamily.Sample] = []
        for object in sorted {
            let namespace = object.metadata.namespace ?? "", name = object.metadata.name ?? ""
            let phase = object.status?.phaseName ?? "Unknown"
            counts[namespace, default: [:]][phase, default: 0] += 1
            let identity = [Label("kind", kind), Label("namespace", namespace), Label("name", name)]
            phasesByObject.append(.init(identity + [Label("phase", phase)], 1))
            let present = object.status?.conditions ?? []
            let others = Set(present.map(\.type)).subtracting(reportedConditions).sorted()
            for type in reportedConditions + others {
                let isTrue = present.first(where: { $0.type == type })?.status == .true
                conditions.append(.init(identity + [Label("condition", type)], isTrue ? 1 : 0))
            }
            if let text = object.metadata.creationTimestamp, let date = APITimestamp.parse(text) {
                created.append(.init(identity, date.timeIntervalSince1970))
            }
        }
        var phases: [StateMetricFamily.Sample] = []
        for namespace in counts.keys.sorted() {
            for (phase, count) in (counts[namespace] ?? [:]).sorted(by: { $0.key < $1.key }) {
                phases.append(.init([Label("kind", kind), Label("namespace", namespace), Label("phase", phase)], Double(count)))
            }
        }
        return [
            StateMetricFamily(
                name: "quartermaster_objects", help: "Quartermaster objects per kind, namespace and status.phase.",
                samples: phases),
            StateMetricFamily(
                name: "quartermaster_object_phase", help: "1 per object, labelled with its status.phase.",
                samples: phasesByObject),
            StateMetricFamily(
                name: "quartermaster_object_condition",
                help: "1 while the object's condition is True, else 0 (also while Ready, Reconciling or Stalled is missing).",
                samples: conditions),
            StateMetricFamily(
                name: "quartermaster_object_created_timestamp_seconds",
                help: "When the object was created, in seconds since the Unix epoch.", samples: created),
        ]
    }
}

extension KindStateMetrics {
    /// The factory of a kind whose controller's primary informer is `settings.reflectorOptions()`
    /// (every namespaced kind's), so the metrics share it; `kind` is `Object.resource.kind`.
    public static func sharingControllerInformer(
        extraFamilies: @escaping @Sendable ([Object]) -> [StateMetricFamily] = { _ in [] }
    ) -> KindDeclaration.StateMetricsFactory {
        { cache, settings in
            KindStateMetrics(
                kind: Object.resource.kind, store: cache.informer(Object.self, options: settings.reflectorOptions()).store,
                extraFamilies: extraFamilies)
        }
    }
}
