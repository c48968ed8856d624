import Foundation
import KubeCore

/// Namespace-wide caps, as written into the tenant's ResourceQuota `spec.hard`.
///
/// Every field is optional: `nil` means "not capped" in a preset and "keep the tier's value"
/// in `Tenant.spec.quota`. Keys written (only for fields that are set):
///
/// | field | ResourceQuota key |
/// | --- | --- |
/// | `cpu` | `requests.cpu` |
/// | `memory` | `requests.memory` |
/// | `storage` | `requests.storage` |
/// | `persistentVolumeClaims` | `persistentvolumeclaims` |
/// | `limitsCPU` | `limits.cpu` |
/// | `limitsMemory` | `limits.memory` |
/// | `resources` | `count/resources.quartermaster.dev` |
/// | `ipfsClusters` | `count/ipfsclusters.quartermaster.dev` |
/// | `loadBalancers` | `services.loadbalancers` |
/// | `nodePorts` | `services.nodeports` |
/// | `ingresses` | `count/ingresses.networking.k8s.io` |
///
/// The `count/` keys are object count quota: the API server refuses to create the
/// (N+1)-th object of that kind in the namespace (`403 Forbidden`, "exceeded quota").
/// `services.loadbalancers` counts Services of type `LoadBalancer`; `services.nodeports` counts
/// the node ports Services of type `NodePort` and `LoadBalancer` allocate (one per port). These
/// three cap the tenant's exposure outside the cluster.
///
/// No tier sets `limitsCPU`/`limitsMemory`: presets cap requests only, so bursting up to the
/// per-container maximum stays possible. Setting them in `spec.quota` adds the caps; every
/// container then needs limits, which the tenant's LimitRange defaults supply.
///
/// Schema: object; description "Namespace-wide caps; each field overrides the tier's."
/// `cpu`, `memory`, `storage`, `limitsCPU`, `limitsMemory`: int-or-string
/// (`x-kubernetes-int-or-string`) with the quantity pattern; `persistentVolumeClaims`:
/// integer, minimum 0; `resources`, `ipfsClusters`, `loadBalancers`, `nodePorts`, `ingresses`:
/// integer, minimum 0, maximum 10000.
public struct TenantQuota: Codable, Hashable, Sendable {
    /// Description: "Total CPU requests (requests.cpu), e.g. 8 or 500m."
    public var cpu: Quantity?
    /// Description: "Total memory requests (requests.memory), e.g. 16Gi."
    public var memory: Quantity?
    /// Description: "Total storage requested by PersistentVolumeClaims (requests.storage)."
    public var storage: Quantity?
    /// Description: "Number of PersistentVolumeClaims (persistentvolumeclaims)."
    public var persistentVolumeClaims: Int?
    /// Description: "Total CPU limits (limits.cpu); not capped by any tier."
    public var limitsCPU: Quantity?
    /// Description: "Total memory limits (limits.memory); not capped by any tier."
    public var limitsMemory: Quantity?
    /// Description: "Number of Resources (count/resources.quartermaster.dev)."
    public var resources: Int?
    /// Description: "Number of IPFSClusters (count/ipfsclusters.quartermaster.dev)."
    public var ipfsClusters: Int?
    /// Description: "Number of Services of type LoadBalancer (services.loadbalancers)."
    public var loadBalancers: Int?
    /// Description: "Number of node ports Services of type NodePort and LoadBalancer allocate
    /// (services.nodeports)."
    public var nodePorts: Int?
    /// Description: "Number of Ingresses (count/ingresses.networking.k8s.io)."
    public var ingresses: Int?

    public init(
        cpu: Quantity? = nil, memory: Quantity? = nil, storage: Quantity? = nil, persistentVolumeClaims: Int? = nil,
        limitsCPU: Quantity? = nil, limitsMemory: Quantity? = nil, resources: Int? = nil, ipfsClusters: Int? = nil,
        loadBalancers: Int? = nil, nodePorts: Int? = nil, ingresses: Int? = nil
    ) {
        self.cpu = cpu
        self.memory = memory
        self.storage = storage
        self.persistentVolumeClaims = persistentVolumeClaims
        self.limitsCPU = limitsCPU
        self.limitsMemory = limitsMemory
        self.resources = resources
        self.ipfsClusters = ipfsClusters
        self.loadBalancers = loadBalancers
        self.nodePorts = nodePorts
        self.ingresses = ingresses
    }

    /// ResourceQuota keys.
    public enum Key {
        public static let requestsCPU = "requests.cpu"
        public static let requestsMemory = "requests.memory"
        public static let requestsStorage = "requests.storage"
        public static let persistentVolumeClaims = "persistentvolumeclaims"
        public static let limitsCPU = "limits.cpu"
        public static let limitsMemory = "limits.memory"
        /// `count/resources.quartermaster.dev`.
        public static let resources = objectCount(Resource.resource)
        /// `count/ipfsclusters.quartermaster.dev`.
        public static let ipfsClusters = objectCount(IPFSCluster.resource)
        /// `services.loadbalancers`.
        public static let loadBalancers = "services.loadbalancers"
        /// `services.nodeports`.
        public static let nodePorts = "services.nodeports"
        /// `count/ingresses.networking.k8s.io`.
        public static let ingresses = "count/ingresses.networking.k8s.io"

        /// `count/<plural>.<group>`: the object count quota key of a kind in a named group.
        public static func objectCount(_ resource: ResourceDescriptor) -> String {
            "count/\(resource.plural).\(resource.group)"
        }
    }

    /// This quota with every field `other` sets replaced by `other`'s value.
    public func overridden(by other: TenantQuota?) -> TenantQuota {
        guard let other else { return self }
        return TenantQuota(
            cpu: other.cpu ?? cpu, memory: other.memory ?? memory, storage: other.storage ?? storage,
            persistentVolumeClaims: other.persistentVolumeClaims ?? persistentVolumeClaims,
            limitsCPU: other.limitsCPU ?? limitsCPU, limitsMemory: other.limitsMemory ?? limitsMemory,
            resources: other.resources ?? resources, ipfsClusters: other.ipfsClusters ?? ipfsClusters,
            loadBalancers: other.loadBalancers ?? loadBalancers, nodePorts: other.nodePorts ?? nodePorts,
            ingresses: other.ingresses ?? ingresses)
    }

    /// The ResourceQuota `spec.hard` map: one key per field that is set.
    public var hard: [String: Quantity] {
        var h: [String: Quantity] = [:]
        h[Key.requestsCPU] = cpu
        h[Key.requestsMemory] = memory
        h[Key.requestsStorage] = storage
        h[Key.persistentVolumeClaims] = persistentVolumeClaims.map { Quantity(Decimal($0)) }
        h[Key.limitsCPU] = limitsCPU
        h[Key.limitsMemory] = limitsMemory
        h[Key.resources] = resources.map { Quantity(Decimal($0)) }
        h[Key.ipfsClusters] = ipfsClusters.map { Quantity(Decimal($0)) }
        h[Key.loadBalancers] = loadBalancers.map { Quantity(Decimal($0)) }
        h[Key.nodePorts] = nodePorts.map { Quantity(Decimal($0)) }
        h[Key.ingresses] = ingresses.map { Quantity(Decimal($0)) }
        return h
    }
}
