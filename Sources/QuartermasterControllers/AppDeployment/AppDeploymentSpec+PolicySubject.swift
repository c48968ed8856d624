import KubeCore

extension AppDeploymentSpec {
    /// What this spec asks for that tenant policy rules on (``TenantPolicy/violations(of:)``):
    /// - the image `spec.image` (its registry);
    /// - the volume `spec.volume` with its StorageClass, when set;
    /// - the Service of type `spec.expose.serviceType` (`ClusterIP`, `NodePort`,
    ///   `LoadBalancer`), and with `spec.expose.host` an exposure of type `Ingress` and an
    ///   Ingress route with its class (`spec.expose.ingressClassName`) and host (host suffixes).
    ///
    /// The pods have no node selector or tolerations of their own (the tenant may force one).
    /// The database Resource is judged as its own workload by the Resource controller.
    public var policySubject: WorkloadPolicySubject {
        var exposures = [WorkloadPolicySubject.Exposure(field: "spec.expose.serviceType", type: expose.serviceType.rawValue)]
        var ingresses: [WorkloadPolicySubject.IngressRoute] = []
        if let host = expose.host {
            exposures.append(.init(field: "spec.expose.host", type: "Ingress"))
            ingresses.append(.init(field: "spec.expose", className: expose.ingressClassName, host: host))
        }
        return WorkloadPolicySubject(
            images: [.init(field: "spec.image", reference: image)],
            volumes: volume.map { [.init(field: "spec.volume", storageClassName: $0.storageClassName)] } ?? [],
            exposures: exposures, ingresses: ingresses)
    }
}
