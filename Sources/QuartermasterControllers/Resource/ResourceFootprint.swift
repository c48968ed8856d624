import Foundation
import KubeCore

/// What a set of objects asks of a namespace's ResourceQuotas once they exist and their pods
/// run, keyed by quota resource name: the figures `QuotaCheck` compares with the headroom.
///
/// Computed from the objects themselves, by the rules of the API server's quota evaluators:
///
/// | object | counts |
/// | --- | --- |
/// | every object | `count/<plural>.<group>` (`count/<plural>` in the core group), and the legacy name (`secrets`, `configmaps`, ...) of core kinds that have one |
/// | pods (of a Pod, or `replicas` × the pod template of a StatefulSet or Deployment) | `pods`; per resource name R of the pod's requests: `requests.R` (plus `cpu`, `memory`, `ephemeral-storage` for those); per R of its limits: `limits.R` |
/// | PersistentVolumeClaims (claims, and `replicas` × a StatefulSet's `volumeClaimTemplates`) | `persistentvolumeclaims`, `requests.storage`; with a storage class C also `C.storageclass.storage.k8s.io/requests.storage` and `.../persistentvolumeclaims` |
/// | Services | `services`; type `LoadBalancer`: `services.loadbalancers`; types `NodePort` and `LoadBalancer`: `services.nodeports` += their number of ports |
///
/// A pod's request of R is the larger of its containers' sum and its largest init container;
/// a container that sets a limit but no request requests its limit (the API server's
/// defaulting). Defaults a LimitRange would add are not known here and not counted.
///
/// Sums keep the notation of the first amount (`360m`, `2064Mi`), so messages read naturally.
public struct ResourceFootprint: Hashable, Sendable {
    /// Amounts by ResourceQuota resource name; resources not listed need nothing.
    public private(set) var quotaUsage: [String: Quantity]

    /// Nothing.
    public init() { quotaUsage = [:] }

    /// The footprint of `objects`, each counted as above.
    public init(objects: [any KubeResource]) {
        self.init()
        for object in objects { add(object) }
    }

    /// `requests.cpu`.
    public var cpu: Quantity { quotaUsage[Key.requestsCPU] ?? 0 }
    /// `requests.memory`.
    public var memory: Quantity { quotaUsage[Key.requestsMemory] ?? 0 }
    /// `limits.cpu`.
    public var limitsCPU: Quantity { quotaUsage[Key.limitsCPU] ?? 0 }
    /// `limits.memory`.
    public var limitsMemory: Quantity { quotaUsage[Key.limitsMemory] ?? 0 }
    /// `requests.storage`.
    public var storage: Quantity { quotaUsage[Key.requestsStorage] ?? 0 }
    /// `persistentvolumeclaims`.
    public var persistentVolumeClaims: Int { count(Key.persistentVolumeClaims) }
    /// `pods`.
    public var pods: Int { count(Key.pods) }
    /// `services`.
    public var services: Int { count(Key.services) }
    /// `services.loadbalancers`.
    public var loadBalancers: Int { count(Key.loadBalancers) }
    /// `services.nodeports`.
    public var nodePorts: Int { count(Key.nodePorts) }

    /// The object count of `kind` (`count/<plural>.<group>`).
    public func objectCount(_ kind: ResourceDescriptor) -> Int { count(Self.objectCountKey(kind)) }

    /// `count/<plural>.<group>`, or `count/<plural>` in the core group.
    public static func objectCountKey(_ kind: ResourceDescriptor) -> String {
        kind.group.isEmpty ? "count/\(kind.plural)" : "count/\(kind.plural).\(kind.group)"
    }

    /// Adds one object (and, for workloads, the pods and claims it makes).
    public mutating func add(_ object: any KubeResource) {
        switch object {
        case let pod as Pod:
            addPods(pod.spec ?? PodSpec(containers: []), count: 1)
        case let claim as PersistentVolumeClaim:
            addClaims(claim.spec ?? PersistentVolumeClaimSpec(), count: 1)
        case let set as StatefulSet:
            addObjects(StatefulSet.resource, count: 1)
            guard let spec = set.spec else { break }
            let replicas = spec.replicas ?? 1
            if let pod = spec.template.spec { addPods(pod, count: replicas) }
            for claim in spec.volumeClaimTemplates ?? [] {
                addClaims(claim.spec ?? PersistentVolumeClaimSpec(), count: replicas)
            }
        case let deployment as Deployment:
            addObjects(Deployment.resource, count: 1)
            guard let spec = deployment.spec, let pod = spec.template.spec else { break }
            addPods(pod, count: spec.replicas ?? 1)
        case let service as Service:
            addObjects(Service.resource, count: 1)
            addService(service.spec)
        default:
            addObjects(type(of: object).resource, count: 1)
        }
    }

    /// Adds the pods (and a StatefulSet's claims) of `object`'s replicas beyond the first
    /// `created`, for a StatefulSet or Deployment; nothing for other objects or when every
    /// replica is created.
    public mutating func addMissingReplicas(of object: any KubeResource, created: Int) {
        switch object {
        case let set as StatefulSet:
            guard let spec = set.spec else { return }
            let missing = (spec.replicas ?? 1) - max(0, created)
            guard missing > 0 else { return }
            if let pod = spec.template.spec { addPods(pod, count: missing) }
            for claim in spec.volumeClaimTemplates ?? [] {
                addClaims(claim.spec ?? PersistentVolumeClaimSpec(), count: missing)
            }
        case let deployment as Deployment:
            guard let spec = deployment.spec, let pod = spec.template.spec else { return }
            addPods(pod, count: (spec.replicas ?? 1) - max(0, created))
        default:
            return
        }
    }

    /// Adds `count` objects of `kind` to its object count (and the legacy name, if any).
    public mutating func addObjects(_ kind: ResourceDescriptor, count: Int) {
        guard count > 0 else { return }
        add(Self.objectCountKey(kind), Self.quantity(count))
        if kind.group.isEmpty, Self.legacyCountedCoreKinds.contains(kind.plural) {
            add(kind.plural, Self.quantity(count))
        }
    }

    /// Adds `count` pods of `spec`: their number and their requests and limits.
    public mutating func addPods(_ spec: PodSpec, count: Int) {
        guard count > 0 else { return }
        addObjects(Pod.resource, count: count)
        func effective(_ c: Container) -> (requests: [String: Quantity], limits: [String: Quantity]) {
            let limits = c.resources?.limits ?? [:]
            return (limits.merging(c.resources?.requests ?? [:]) { _, request in request }, limits)
        }
        let containers = spec.containers.map(effective)
        let initContainers = (spec.initContainers ?? []).map(effective)
        func pod(_ part: KeyPath<(requests: [String: Quantity], limits: [String: Quantity]), [String: Quantity]>)
            -> [String: Quantity]
        {
            var total: [String: Quantity] = [:]
            for c in containers {
                for (name, q) in c[keyPath: part] { total[name] = total[name].map { $0 + q } ?? q }
            }
            for c in initContainers {
                for (name, q) in c[keyPath: part] where q > (total[name] ?? 0) { total[name] = q }
            }
            return total
        }
        for (name, q) in pod(\.requests) {
            add("requests.\(name)", q * count)
            if Self.legacyRequestNames.contains(name) { add(name, q * count) }
        }
        for (name, q) in pod(\.limits) { add("limits.\(name)", q * count) }
    }

    /// Adds `count` claims of `spec`: their number and their storage.
    public mutating func addClaims(_ spec: PersistentVolumeClaimSpec, count: Int) {
        guard count > 0 else { return }
        addObjects(PersistentVolumeClaim.resource, count: count)
        let storage = spec.resources?.requests?["storage"]
        if let storage { add(Key.requestsStorage, storage * count) }
        if let storageClass = spec.storageClassName, !storageClass.isEmpty {
            let prefix = "\(storageClass).storageclass.storage.k8s.io/"
            add(prefix + Key.persistentVolumeClaims, Self.quantity(count))
            if let storage { add(prefix + Key.requestsStorage, storage * count) }
        }
    }

    /// Adds what a Service of `spec` counts besides being an object.
    mutating func addService(_ spec: ServiceSpec?) {
        switch spec?.type {
        case "LoadBalancer"?:
            add(Key.loadBalancers, 1)
            add(Key.nodePorts, Self.quantity(spec?.ports?.count ?? 0))
        case "NodePort"?:
            add(Key.nodePorts, Self.quantity(spec?.ports?.count ?? 0))
        default:
            break
        }
    }

    /// The sum of two footprints.
    public static func + (a: ResourceFootprint, b: ResourceFootprint) -> ResourceFootprint {
        var sum = a
        for (key, q) in b.quotaUsage { sum.add(key, q) }
        return sum
    }

    private mutating func add(_ key: String, _ amount: Quantity) {
        guard !amount.isZero else { return }
        quotaUsage[key] = quotaUsage[key].map { $0 + amount } ?? amount
    }

    private func count(_ key: String) -> Int { quotaUsage[key]?.integerValue.map { Int($0) } ?? 0 }

    private static func quantity(_ n: Int) -> Quantity { Quantity(Decimal(n)) }

    /// Core kinds whose object count is also quota-able by their plain plural name.
    static let legacyCountedCoreKinds: Set<String> = [
        "pods", "services", "secrets", "configmaps", "persistentvolumeclaims", "replicationcontrollers", "resourcequotas",
    ]
    /// Resource names whose requests are also quota-able without the `requests.` prefix.
    static let legacyRequestNames: Set<String> = ["cpu", "memory", "ephemeral-storage"]

    /// ResourceQuota resource names used above.
    enum Key {
        static let requestsCPU = "requests.cpu"
        static let requestsMemory = "requests.memory"
        static let limitsCPU = "limits.cpu"
        static let limitsMemory = "limits.memory"
        static let requestsStorage = "requests.storage"
        static let persistentVolumeClaims = "persistentvolumeclaims"
        static let pods = "pods"
        static let services = "services"
        static let loadBalancers = "services.loadbalancers"
        static let nodePorts = "services.nodeports"
    }
}
