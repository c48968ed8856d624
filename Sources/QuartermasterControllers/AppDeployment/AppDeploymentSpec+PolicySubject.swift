import KubeCore

extension AppDeploymentSpec {
    /// What this spec asks for that tenant policy rules on (``TenantPolicy/violations(of:)``):
    /// - the image `spec.image` (its registry), when set;
    /// - with `spec.source`: the repository the build pushes to, `spec.build.output.repository`
    ///   (its registry, like an image's), and the builder image override
    ///   `spec.build.builderImage`, when set. Without a repository the Tenant's own
    ///   `builds.repositoryPrefix` is used, which the Tenant's administrator chose;
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
        var images: [WorkloadPolicySubject.Image] = []
        if !image.isEmpty || source == nil { images.append(.init(field: "spec.image", reference: image)) }
        if let repository = build?.output.repository {
            images.append(.init(field: "spec.build.output.repository", reference: repository))
        }
        if let builderImage = build?.builderImage {
            images.append(.init(field: "spec.build.builderImage", reference: builderImage))
        }
        return WorkloadPolicySubject(
            images: images,
            volumes: volume.map { [.init(field: "spec.volume", storageClassName: $0.storageClassName)] } ?? [],
            exposures: exposures, ingresses: ingresses)
    }
}
