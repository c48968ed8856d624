import Foundation
import KubeCore

/// A tenant's tier: a preset of quota and container limits.
///
/// Schema: string, enum `free`, `basic`, `pro`, `enterprise`, default `free`.
///
/// Quota presets (ResourceQuota `hard`: requests, and object counts of our kinds):
///
/// | tier | requests.cpu | requests.memory | requests.storage | persistentvolumeclaims | count/resources.quartermaster.dev | count/ipfsclusters.quartermaster.dev |
/// | --- | --- | --- | --- | --- | --- | --- |
/// | free | 2 | 4Gi | 20Gi | 10 | 5 | 5 |
/// | basic | 8 | 16Gi | 200Gi | 30 | 20 | 20 |
/// | pro | 32 | 64Gi | 1Ti | 100 | 100 | 100 |
/// | enterprise | — | — | — | — | — | — |
///
/// The `count/` keys cap how many Resources and IPFSClusters the namespace may hold. Each Resource creates at most one IPFSCluster, so
/// the IPFSCluster cap equals the Resource cap; it also bounds IPFSClusters owners create
/// directly. Every IPFSCluster needs at least one PersistentVolumeClaim, so the counts stay
/// within the PVC cap. Enterprise caps nothing unless `spec.quota` sets values. Container limits: see
/// `TenantContainerLimits`.
public enum TenantTier: String, Codable, Hashable, Sendable, CaseIterable {
    case free, basic, pro, enterprise

    /// The tier's quota preset.
    public var quota: TenantQuota {
        switch self {
        case .free:
            return TenantQuota(
                cpu: "2", memory: "4Gi", storage: "20Gi", persistentVolumeClaims: 10, resources: 5, ipfsClusters: 5)
        case .basic:
            return TenantQuota(
                cpu: "8", memory: "16Gi", storage: "200Gi", persistentVolumeClaims: 30, resources: 20, ipfsClusters: 20)
        case .pro:
            return TenantQuota(
                cpu: "32", memory: "64Gi", storage: "1Ti", persistentVolumeClaims: 100, resources: 100, ipfsClusters: 100)
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
}
