import Testing

@testable import QuartermasterControllers

/// `IPFSClusterNames`'s doc table, row by row, for an IPFSCluster named `demo`.
@Suite struct IPFSClusterNamesTests {
    static let rows: [(object: String, name: @Sendable (IPFSClusterNames) -> [String], expected: [String])] = [
        ("StatefulSet (pods <name>-<i>)", { [$0.statefulSet, $0.pod(0), $0.pod(2)] }, ["demo", "demo-0", "demo-2"]),
        ("headless governing Service", { [$0.headlessService] }, ["demo-peers"]),
        ("REST API Service (9094)", { [$0.apiService] }, ["demo-api"]),
        ("gateway Service (8080)", { [$0.gatewayService] }, ["demo-gateway"]),
        ("Ingress of the API / gateway", { [$0.apiIngress, $0.gatewayIngress] }, ["demo-api", "demo-gateway"]),
        ("swarm LoadBalancer Service of peer i", { [$0.swarmService(0), $0.swarmService(11)] }, ["demo-swarm-0", "demo-swarm-11"]),
        ("Secret", { [$0.secret] }, ["demo-identities"]),
        ("ConfigMap", { [$0.configMap] }, ["demo-config"]),
        ("NetworkPolicy", { [$0.networkPolicy] }, ["demo"]),
        ("PodDisruptionBudget", { [$0.podDisruptionBudget] }, ["demo"]),
        (
            "claims of peer i",
            { n in
                [IPFSClusterNames.ipfsDataVolume, IPFSClusterNames.clusterDataVolume].map { "\($0)-\(n.pod(1))" }
            },
            ["ipfs-data-demo-1", "cluster-data-demo-1"]
        ),
    ]

    @Test(arguments: rows)
    func names(object: String, name: @Sendable (IPFSClusterNames) -> [String], expected: [String]) {
        #expect(name(IPFSClusterNames(instance: "demo")) == expected, "\(object)")
    }

}
