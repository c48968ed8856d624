/// Label names that other objects put on themselves to relate to an IPFSCluster. The single
/// place these names are decided.
public enum IPFSClusterLabels {
    /// Pod label `quartermaster.dev/ipfs-client: <IPFSCluster name>`: pods carrying it in the
    /// IPFSCluster's own namespace are admitted by the cluster's NetworkPolicy on kubo's RPC
    /// API port (5001, ``IPFSConfigFiles/kuboAPIPort``), which they reach through the
    /// `<name>-api` Service. Applications bound to the cluster (`Deployment` `spec.ipfs.cluster`)
    /// carry it. Pods of other namespaces are never admitted by it, whatever their labels.
    public static let ipfsClient = "quartermaster.dev/ipfs-client"
}
