import KubeCore

extension PostgresInstance {
    /// Refused at admission, with the reason the reconciler would stall on:
    /// - `InvalidSpec`: ``PostgresInstanceSpec/boundViolations`` (bounds again, unknown enum
    ///   values and versions);
    /// - `InvalidParameters`: ``PostgresParameters/violations(of:)`` (operator-controlled
    ///   parameters, `trust` and include lines, identifiers and reserved database and owner
    ///   names);
    /// - `InvalidSynchronous`: ``PostgresSynchronous/violation(instances:)``;
    /// - `MajorVersionChange`: on UPDATE, a `spec.postgresVersion` other than the major the
    ///   stored object's status says is running (``PostgresInstanceStatus/postgresVersion``);
    ///   before an instance has run, the version may change;
    /// - `PolicyViolation`: the tenant's policy (``TenantEnforcement``) judging
    ///   ``PostgresInstanceSpec/policySubject``, as the reconciler does.
    ///
    /// Reserved object names are judged for every kind by ``QuartermasterAdmission``; StorageClasses
    /// need observed objects and are the reconciler's.
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            let instance = try input.decode(PostgresInstance.self)
            var problems = instance.spec.boundViolations.map { "InvalidSpec: \($0)" }
            problems += PostgresBackupValidation.violations(of: instance.spec).map { "InvalidSpec: \($0)" }
            problems += PostgresParameters.violations(of: instance.spec).map { "InvalidParameters: \($0)" }
            if let violation = instance.spec.synchronous?.violation(instances: instance.spec.instances) {
                problems.append("InvalidSynchronous: \(violation)")
            }
            if input.operation == .update, let old = input.oldObject {
                let stored = try KubeJSON.decode(PostgresInstance.self, from: KubeJSON.encode(old))
                if let running = stored.status?.postgresVersion, running != instance.spec.postgresVersion {
                    problems.append(
                        "MajorVersionChange: spec.postgresVersion \(instance.spec.postgresVersion) differs from the running major version \(running); changing the major version is not supported yet")
                }
            }
            return problems
        }, tenantPolicy: { input, tenant in
            let instance = try input.decode(PostgresInstance.self)
            return TenantEnforcement(tenant).violations(of: instance.spec.policySubject).map {
                "PolicyViolation: \($0.description)"
            }
        })
    }
}
