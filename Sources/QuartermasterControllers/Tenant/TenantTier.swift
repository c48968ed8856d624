import Foundation
import KubeCore

/// A tenant's tier: a preset of quota and container limits.
///
/// Schema: string, enum `free`, `basic`, `pro`, `enterprise`, default `free`.
///
/// Quota presets (ResourceQuota `hard`: requests, object counts of our kinds, and exposure):
///
/// | tier | requests.cpu | requests.memory | requests.storage | persistentvolumeclaims | count/resources.quartermaster.dev | count/ipfsclusters.quartermaster.dev | services.loadbalancers | services.nodeports | count/ingresses.networking.k8s.io |
/// | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
/// | free | 2 | 4Gi | 20Gi | 10 | 5 | 5 | 0 | 0 | 1 |
/// | basic | 8 | 16Gi | 200Gi | 30 | 20 | 20 | 1 | 2 | 5 |
/// | pro | 32 | 64Gi | 1Ti | 100 | 100 | 100 | 5 | 10 | 20 |
/// | enterprise | — | — | — | — | — | — | — | — | — |
///
/// The last three cap exposure outside the cluster: a free tenant reaches the world only
/// through one Ingress (the shared ingress controller), never through a LoadBalancer or a node
/// port; a Resource whose template needs a LoadBalancer Service on a free tenant is
/// `QuotaExceeded` before anything is created (`ResourceFootprint` counts Services by type).
/// The quota counts one node port per port of every NodePort *and* LoadBalancer Service, so
/// each tier's node ports cover its LoadBalancers (basic: one LoadBalancer of up to two ports,
/// or one NodePort Service of two).
///
/// The `count/` keys cap how many Resources and IPFSClusters the namespace may hold. Each Resource creates at most one IPFSCluster, so
/// the IPFSCluster cap equals the Resource cap; it also bounds IPFSClusters owners create
/// directly. Every IPFSCluster needs at least one PersistentVolumeClaim, so the counts stay
/// within the PVC cap. Enterprise caps nothing unless `spec.quota` sets values. Container limits: see
/// `TenantContainerLimits`. Policy defaults (exposure types, LoadBalancers per workload): ``policy``.
public enum TenantTier: String, Codable, Hashable, Sendable, CaseIterable {
    case free, basic, pro, enterprise

    /// The tier's quota preset.
    public var quota: TenantQuota {
        switch self {
        case .free:
            return TenantQuota(
                cpu: "2", memory: "4Gi", storage: "20Gi", persistentVolumeClaims: 10, resources: 5, ipfsClusters: 5,
                loadBalancers: 0, nodePorts: 0, ingresses: 1)
        case .basic:
            return TenantQuota(
                cpu: "8", memory: "16Gi", storage: "200Gi", persistentVolumeClaims: 30, resources: 20, ipfsClusters: 20,
                loadBalancers: 1, nodePorts: 2, ingresses: 5)
        case .pro:
            return TenantQuota(
                cpu: "32", memory: "64Gi", storage: "1Ti", persistentVolumeClaims: 100, resources: 100,
                ipfsClusters: 100, loadBalancers: 5, nodePorts: 10, ingresses: 20)
        case .enterprise: return TenantQuota()
        }
    }

    /// The tier's per-container defaults and maxima.
    public var limits: TenantContainerLimits {
        switch self {
        case .free:
            return TenantContainerLimits(
                defaultRequest: TenantCPUMemory(cpu: "100m", memory: "128Mi"),
                defaultLimit: TenantCPUMemory(cpu: "500m", memory: "512Mi"),
                max: TenantCPUMemory(cpu: "1", memory: "2Gi"))
        case .basic:
            return TenantContainerLimits(
                defaultRequest: TenantCPUMemory(cpu: "100m", memory: "128Mi"),
                defaultLimit: TenantCPUMemory(cpu: "1", memory: "1Gi"),
                max: TenantCPUMemory(cpu: "4", memory: "8Gi"))
        case .pro:
            return TenantContainerLimits(
                defaultRequest: TenantCPUMemory(cpu: "250m", memory: "256Mi"),
                defaultLimit: TenantCPUMemory(cpu: "2", memory: "2Gi"),
                max: TenantCPUMemory(cpu: "16", memory: "32Gi"))
        case .enterprise:
            return TenantContainerLimits(
                defaultRequest: TenantCPUMemory(cpu: "250m", memory: "256Mi"),
                defaultLimit: TenantCPUMemory(cpu: "2", memory: "2Gi"))
        }
    }

    /// The tier's policy defaults: exposure only. Free: `ClusterIP` and `Ingress`, no
    /// LoadBalancer per workload; basic: `LoadBalancer` too, at most 1 per workload; pro: at
    /// most 5; enterprise: no cap of its own. Every other field keeps the default written on
    /// ``TenantPolicy``.
    public var policy: TenantPolicy {
        let withLoadBalancers = ["ClusterIP", "Ingress", "LoadBalancer"]
        switch self {
        case .free: return TenantPolicy(exposureTypes: TenantPolicy.defaultExposureTypes, maxLoadBalancersPerWorkload: 0)
        case .basic: return TenantPolicy(exposureTypes: withLoadBalancers, maxLoadBalancersPerWorkload: 1)
        case .pro: return TenantPolicy(exposureTypes: withLoadBalancers, maxLoadBalancersPerWorkload: 5)
        case .enterprise: return TenantPolicy(exposureTypes: withLoadBalancers)
        }
    }
}
