import KubeCore

extension Tenant {
    /// Refused at admission: every ``TenantSpecError`` (invalid or reserved namespace, unknown
    /// enum values, empty owner names, network peers, negative quotas, contradicting limits).
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            var tenant = try input.decode(Tenant.self)
            if tenant.metadata.name == nil || tenant.metadata.name == "" { tenant.metadata.name = input.name }
            // The server sets the uid before validating admission; a placeholder only keeps
            // `missingIdentity` from standing for a spec problem.
            if tenant.metadata.uid == nil { tenant.metadata.uid = "admission" }
            do { _ = try TenantDesiredState.compute(tenant: tenant, operatorNamespace: input.operatorNamespace) } catch let error
                as TenantSpecError
            {
                return [error.description]
            }
            return []
        })
    }
}
