import KubeCore

extension PostgresInstanceSpec {
    /// What this spec asks for that tenant policy rules on (``TenantPolicy/violations(of:)``):
    /// - images: the PostgreSQL image every instance runs (``effectiveImage``, at `spec.image`)
    ///   and, with the pooler, PgBouncer's (``PostgresImage/pgbouncer``, at
    ///   `spec.pooler.enabled`); the operator's own image (the instances' init container) is
    ///   the platform's, not the tenant's, and is not judged;
    /// - volumes `spec.storage` and, when set, `spec.walStorage`, with their StorageClasses;
    /// - exposure: the read-write Service `<name>-rw` (`spec.exposure.type`); the others
    ///   (`-ro`, `-r`, headless, pooler) are always ClusterIP and not counted;
    /// - `spec.nodeSelector` and `spec.tolerations`.
    public var policySubject: WorkloadPolicySubject {
        var images: [WorkloadPolicySubject.Image] = [.init(field: "spec.image", reference: effectiveImage)]
        if pooler.enabled { images.append(.init(field: "spec.pooler.enabled", reference: PostgresImage.pgbouncer)) }
        var volumes: [WorkloadPolicySubject.Volume] = [
            .init(field: "spec.storage", storageClassName: storage.storageClassName)
        ]
        if let walStorage { volumes.append(.init(field: "spec.walStorage", storageClassName: walStorage.storageClassName)) }
        return WorkloadPolicySubject(
            images: images, volumes: volumes,
            exposures: [.init(field: "spec.exposure.type", type: exposure.type.rawValue)],
            nodeSelector: nodeSelector ?? [:], nodeSelectorField: "spec.nodeSelector",
            tolerations: (tolerations ?? []).map(TenantPolicyToleration.init(json:)), tolerationsField: "spec.tolerations")
    }
}
