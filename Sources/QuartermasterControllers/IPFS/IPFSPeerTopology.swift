/// Names and DNS addresses of the peers of one IPFSCluster (StatefulSet pods behind a headless
/// Service).
public struct IPFSPeerTopology: Sendable, Equatable {
    /// StatefulSet name; pods are `<statefulSetName>-<ordinal>`.
    public var statefulSetName: String
    /// Headless Service governing the StatefulSet.
    public var headlessServiceName: String
    public var namespace: String
    /// Kubernetes cluster DNS domain. Default `cluster.local`.
    public var clusterDomain: String
    public var replicas: Int

    public init(
        statefulSetName: String, headlessServiceName: String, namespace: String, clusterDomain: String = "cluster.local",
        replicas: Int
    ) {
        self.statefulSetName = statefulSetName
        self.headlessServiceName = headlessServiceName
        self.namespace = namespace
        self.clusterDomain = clusterDomain
        self.replicas = replicas
    }

    public func podName(_ ordinal: Int) -> String { "\(statefulSetName)-\(ordinal)" }

    /// Stable DNS name of a pod: `<pod>.<svc>.<ns>.svc.<domain>`.
    public func podDNSName(_ ordinal: Int) -> String {
        "\(podName(ordinal)).\(headlessServiceName).\(namespace).svc.\(clusterDomain)"
    }
}
