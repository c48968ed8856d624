import KubeCore

extension AppDeployment {
    /// Refused at admission, with the reason the reconciler would stall on:
    /// - `InvalidSpec`: ``AppDeploymentValidation/violations(of:allowFileSources:)`` (exactly one
    ///   of image and source, the source's URL, ref and paths — `file://` only when the operator
    ///   runs with `--allow-file-sources`, ``AdmissionInput/allowFileSources`` — the
    ///   ReadWriteOnce volume rule, autoscaling bounds, reserved env names, the image reference,
    ///   `rollbackTo.revision` ≥ 1, bounds again and unknown enum values);
    /// - `PolicyViolation`: the tenant's policy (``TenantEnforcement``) judging
    ///   ``AppDeploymentSpec/policySubject``, as the reconciler does.
    ///
    /// Reserved object names are judged for every kind by ``QuartermasterAdmission``; whether a
    /// `rollbackTo` revision is kept, host conflicts and quota need observed state and are the
    /// reconciler's.
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            let deployment = try input.decode(AppDeployment.self)
            return AppDeploymentValidation.violations(of: deployment.spec, allowFileSources: input.allowFileSources).map {
                "InvalidSpec: \($0)"
            }
        }, tenantPolicy: { input, tenant in
            let deployment = try input.decode(AppDeployment.self)
            return TenantEnforcement(tenant).violations(of: deployment.spec.policySubject).map {
                "PolicyViolation: \($0.description)"
            }
        })
    }
}
