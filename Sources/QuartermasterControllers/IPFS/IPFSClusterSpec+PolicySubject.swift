import KubeCore

extension IPFSClusterSpec {
    /// What this spec asks for that tenant policy rules on (``TenantPolicy/violations(of:)``):
    /// - images `spec.images.kubo` and `spec.images.cluster`;
    /// - volumes `spec.storage.ipfs` and `spec.storage.cluster` with their StorageClasses;
    /// - exposures: the API and gateway Services (`ClusterIP`, or `LoadBalancer`) or Ingresses
    ///   (`spec.exposure.api.type`, `spec.exposure.gateway.type`), and with a swarm exposed as
    ///   `LoadBalancer` one LoadBalancer Service per peer (`spec.exposure.swarm.type`, ×
    ///   `replicas`); the headless peer Service is internal and not counted;
    /// - an Ingress route per endpoint exposed as `Ingress`, with its class and host;
    /// - `spec.nodeSelector` and `spec.tolerations`.
    public var policySubject: WorkloadPolicySubject {
        var exposures: [WorkloadPolicySubject.Exposure] = []
        var ingresses: [WorkloadPolicySubject.IngressRoute] = []
        for (name, http) in [("api", exposure.api), ("gateway", exposure.gateway)] {
            let field = "spec.exposure.\(name)"
            exposures.append(.init(field: "\(field).type", type: http.type.rawValue))
            if http.type == .ingress {
                ingresses.append(.init(field: field, className: http.ingressClassName, host: http.host))
            }
        }
        if exposure.swarm.type == .loadBalancer {
            exposures.append(.init(field: "spec.exposure.swarm.type", type: "LoadBalancer", count: replicas))
        }
        return WorkloadPolicySubject(
            images: [
                .init(field: "spec.images.kubo", reference: images.kubo),
                .init(field: "spec.images.cluster", reference: images.cluster),
            ],
            volumes: [
                .init(field: "spec.storage.ipfs", storageClassName: storage.ipfs.storageClassName),
                .init(field: "spec.storage.cluster", storageClassName: storage.cluster.storageClassName),
            ],
            exposures: exposures, ingresses: ingresses, nodeSelector: nodeSelector ?? [:],
            nodeSelectorField: "spec.nodeSelector",
            tolerations: (tolerations ?? []).map(TenantPolicyToleration.init(json:)), tolerationsField: "spec.tolerations")
    }
}
