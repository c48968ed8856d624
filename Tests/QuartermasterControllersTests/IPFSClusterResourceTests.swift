import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct IPFSClusterResourceTests {
    /// An object as returned by a v1.20 API server after the generated CRD defaulted it and
    /// the status subresource was patched (metadata trimmed).
    static let served = #"""
        {"apiVersion": "quartermaster.dev/v1alpha1", "kind": "IPFSCluster", "metadata": {"creationTimestamp": "2026-11-23T15:21:08Z", "generation": 2, "name": "demo", "namespace": "default", "resourceVersion": "213", "uid": "31f67051-0849-4bd0-9a32-e0cca1e0cb89"}, "spec": {"allowedNamespaces": [], "exposure": {"api": {"host": "api.example.com", "type": "Ingress"}, "gateway": {"type": "ClusterIP"}, "swarm": {"type": "None"}}, "imagePullSecrets": [], "images": {"cluster": "docker.io/ipfs/ipfs-cluster:v1.1.6", "kubo": "docker.io/ipfs/kubo:v0.43.1"}, "metrics": {"enabled": true}, "privateSwarm": false, "pvcRetention": "Retain", "replicas": 5, "replication": {"max": -1, "min": -1}, "resources": {"kubo": {"requests": {"cpu": 1, "memory": "1Gi"}}}, "storage": {"cluster": {"size": "1Gi"}, "ipfs": {"size": "20Gi"}}, "tolerations": [{"key": "a", "operator": "Exists"}], "trustedPeers": []}, "status": {"conditions": [{"lastTransitionTime": "2026-11-23T15:00:00Z", "message": "2/3", "observedGeneration": 2, "reason": "PeersNotReady", "status": "False", "type": "Ready"}], "credentialsSecretRef": {"name": "demo-credentials"}, "endpoints": {"api": "http://demo-api.default.svc:9094"}, "observedGeneration": 2, "peers": [{"peerID": "12D3KooWSaVKfwJcALcX59YhnkQzpWTcqoSoUePonnYCMFZcrpsm", "pod": "demo-0"}], "phase": "Degraded", "readyReplicas": 2, "replicas": 3, "selector": "app.kubernetes.io/instance=demo"}}
        """#

    @Test func decodesServedObject() throws {
        let c = try KubeJSON.decode(IPFSCluster.self, from: Data(Self.served.utf8))
        #expect(c.spec.replicas == 5)
        #expect(c.spec.exposure.api == .init(type: .ingress, host: "api.example.com"))
        #expect(c.spec.resources?.kubo?.requests == ["cpu": "1", "memory": "1Gi"])
        #expect(c.status?.phase == .degraded)
        #expect(c.status?.conditions?.first?.status == .false)
        #expect(c.status?.peers?.first?.peerID == "12D3KooWSaVKfwJcALcX59YhnkQzpWTcqoSoUePonnYCMFZcrpsm")
        #expect(c.metadata.generation != nil)
        // Encoding keeps apiVersion/kind (server-side apply needs them) and round-trips.
        let again = try KubeJSON.decode(IPFSCluster.self, from: KubeJSON.encode(c))
        #expect(again == c)
        #expect(IPFSCluster.resource.path(namespace: "default", name: "demo", subresource: "status")
            == "/apis/quartermaster.dev/v1alpha1/namespaces/default/ipfsclusters/demo/status")
    }
}
