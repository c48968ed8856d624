import KubeCore

extension IPFSCluster {
    /// Refused at admission: everything ``IPFSClusterValidation/validate(cluster:storageClassNames:existingStatefulSet:)``
    /// finds without observed facts (name, bounds of stored-under-an-older-schema values,
    /// unknown enum values, two Ingresses for one host), and what the desired state cannot be
    /// built from. StorageClasses and volume changes need observed objects: the reconciler
    /// reports those in status. The tenant's policy (``TenantEnforcement``) judges the spec as
    /// the reconciler does (`PolicyViolation`); the tenant's suspension refuses nothing (the
    /// reconciler keeps such a cluster at zero peers).
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            var cluster = try input.decode(IPFSCluster.self)
            if cluster.metadata.name == nil || cluster.metadata.name == "" { cluster.metadata.name = input.name }
            if cluster.metadata.namespace == nil { cluster.metadata.namespace = input.namespace }
            // The server sets the uid before validating admission; a placeholder keeps
            // `notPersisted` from standing for a spec problem.
            if cluster.metadata.uid == nil { cluster.metadata.uid = "admission" }
            // Reserved names are judged for every kind by QuartermasterAdmission; not twice.
            let problems = IPFSClusterValidation.validate(cluster: cluster, storageClassNames: nil, existingStatefulSet: nil)
                .filter { $0.reason != .reservedName }
            guard problems.isEmpty else { return problems.map { "\($0.reason.rawValue): \($0.message)" } }
            do { _ = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil) } catch let error
                as IPFSClusterDesiredStateError
            {
                let problem = IPFSClusterValidation.problem(for: error)
                if problem.reason == .invalidSpec { return ["\(problem.reason.rawValue): \(problem.message)"] }
            }
            return []
        }, tenantPolicy: { input, tenant in
            let cluster = try input.decode(IPFSCluster.self)
            return TenantEnforcement(tenant).violations(of: cluster.spec.policySubject).map {
                "PolicyViolation: \($0.description)"
            }
        })
    }
}
