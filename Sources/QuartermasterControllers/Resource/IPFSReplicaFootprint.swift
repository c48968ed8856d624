import Foundation
import KubeCore

/// What one IPFS node (one replica of an IPFSCluster: an IPFS daemon container and an
/// ipfs-cluster peer container, each with its own volume) asks of the cluster. Templates
/// compute their quota needs from it; the IPFSCluster defaults should use the same numbers
/// so that the quota check predicts what the pods will really request.
///
/// | container | requests | limits | volume |
/// | --- | --- | --- | --- |
/// | ipfs | 250m CPU, 512Mi | 1 CPU, 1Gi | the template's size |
/// | cluster | 100m CPU, 128Mi | 500m CPU, 256Mi | 1Gi |
///
/// Every limit is within the smallest tier's per-container maximum (free: 1 CPU, 2Gi).
public enum IPFSReplicaFootprint {
    public static let ipfsRequests = TenantCPUMemory(cpu: "250m", memory: "512Mi")
    public static let ipfsLimits = TenantCPUMemory(cpu: "1", memory: "1Gi")
    public static let clusterRequests = TenantCPUMemory(cpu: "100m", memory: "128Mi")
    public static let clusterLimits = TenantCPUMemory(cpu: "500m", memory: "256Mi")
    /// The cluster peer's state volume: 1Gi.
    public static let clusterStorage: Quantity = "1Gi"
    /// Volumes (PersistentVolumeClaims) per replica: 2.
    public static let volumesPerReplica = 2

    /// The quota needs of `replicas` nodes whose IPFS volume is `ipfsStorage` each.
    public static func requests(replicas: Int, ipfsStorage: Quantity) -> ResourceRequests {
        func sum(_ a: Quantity?, _ b: Quantity?) -> Quantity { (a ?? 0) + (b ?? 0) }
        return ResourceRequests(
            cpu: sum(ipfsRequests.cpu, clusterRequests.cpu) * replicas,
            memory: sum(ipfsRequests.memory, clusterRequests.memory) * replicas,
            storage: (ipfsStorage + clusterStorage) * replicas,
            persistentVolumeClaims: volumesPerReplica * replicas,
            pods: replicas,
            limitsCPU: sum(ipfsLimits.cpu, clusterLimits.cpu) * replicas,
            limitsMemory: sum(ipfsLimits.memory, clusterLimits.memory) * replicas)
    }
}
