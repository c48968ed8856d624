import Foundation
import KubeCore

extension ResourceOffering {
    /// IPFSClusters offered as Resources.
    ///
    /// - Status: endpoint `status.endpoints.api`, else `status.endpoints.gateway`; credentials
    ///   Secret `status.credentialsSecretRef.name`; progress `<status.readyReplicas>/<spec.replicas>
    ///   nodes ready`; pods created: `status.replicas` (the StatefulSet's).
    /// - Footprint: the objects ``IPFSClusterDesiredState/compute(cluster:existingSecretData:clusterDomain:)``
    ///   (the function the IPFSCluster reconciler applies) renders for the spec: the
    ///   StatefulSet's pod template × `replicas`, its claim templates × `replicas`, the Services
    ///   by type, and one of each other object.
    /// - Policy: ``IPFSClusterSpec/policySubject``, what the IPFSCluster controller judges.
    public static let ipfsCluster = ResourceOffering(
        IPFSCluster.self,
        statusPaths: ResourceChildStatusPaths(
            endpoints: ["/status/endpoints/api", "/status/endpoints/gateway"],
            credentialsSecretName: "/status/credentialsSecretRef/name",
            progress: .init(
                ready: "/status/readyReplicas", desired: "/spec/replicas", unit: "nodes", created: "/status/replicas")),
        desiredObjects: { cluster in
            try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil).all
        },
        policySubject: { cluster in cluster.spec.policySubject })
}
