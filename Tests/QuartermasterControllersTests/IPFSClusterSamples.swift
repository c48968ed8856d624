import Foundation
import KubeCore

/// Objects as served by a real v1.20 API server.
enum IPFSClusterSamples {
    /// The StatefulSet of examples/ipfs-cluster.yaml (20Gi + 1Gi, default class), server-side
    /// applied from the desired state, after kube-controller-manager created 3 pods that were
    /// then marked ready (containers and most metadata trimmed; the server defaulted
    /// `volumeMode` and `status` of the claim templates).
    static let readyStatefulSet = #"""
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"demo","namespace":"ipfs","generation":2,"uid":"6cfd7c3f-beed-49a0-8d2c-d210bb8c74f2","resourceVersion":"378"},"spec":{"replicas":3,"serviceName":"demo-peers","selector":{"matchLabels":{"app.kubernetes.io/instance":"demo","app.kubernetes.io/name":"ipfs-cluster"}},"podManagementPolicy":"Parallel","template":{"metadata":{"annotations":{"quartermaster.dev/config-hash":"115a242d208d320c31d419d82e7c022a0b37376db6ae5cc2e2efbdc625a08030"}},"spec":{"containers":[]}},"volumeClaimTemplates":[{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"creationTimestamp":null,"labels":{"app.kubernetes.io/component":"storage","app.kubernetes.io/instance":"demo","app.kubernetes.io/managed-by":"quartermaster","app.kubernetes.io/name":"ipfs-cluster","app.kubernetes.io/part-of":"quartermaster"},"name":"ipfs-data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"20Gi"}},"volumeMode":"Filesystem"},"status":{"phase":"Pending"}},{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"creationTimestamp":null,"labels":{"app.kubernetes.io/component":"storage","app.kubernetes.io/instance":"demo","app.kubernetes.io/managed-by":"quartermaster","app.kubernetes.io/name":"ipfs-cluster","app.kubernetes.io/part-of":"quartermaster"},"name":"cluster-data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}]},"status":{"collisionCount":0,"currentReplicas":3,"currentRevision":"demo-6976db7b5c","observedGeneration":2,"readyReplicas":3,"replicas":3,"updateRevision":"demo-6976db7b5c","updatedReplicas":3}}
        """#

    static func statefulSet() throws -> StatefulSet {
        try KubeJSON.decode(StatefulSet.self, from: Data(readyStatefulSet.utf8))
    }
}
