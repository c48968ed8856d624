/// What stops a PostgresInstance before anything is created or changed (pure): a major version
/// change (`MajorVersionChange`: `spec.postgresVersion` differs from the major running,
/// `status.postgresVersion`) and parameters or pg_hba lines the operator refuses
/// (`InvalidParameters`, from ``PostgresParameters/violations(of:)``), and values the operator
/// does not know or bounds broken by an object stored under an older schema (`InvalidSpec`), and
/// the namespace's Tenant policy (`PolicyViolation`, ``TenantEnforcement``), and a
/// `spec.synchronous.number` not smaller than `spec.instances` (`InvalidSynchronous`).
public enum PostgresInstanceValidation {
    public static func problems(
        of instance: PostgresInstance, tenant: TenantEnforcement = .unrestricted
    ) -> [PostgresInstanceProblem] {
        var problems: [PostgresInstanceProblem] = []
        let spec = instance.spec
        let violations = tenant.violations(of: spec.policySubject)
        if !violations.isEmpty {
            problems.append(
                PostgresInstanceProblem(
                    reason: .policyViolation,
                    message: "breaks the policy of tenant \(tenant.tenant ?? ""): " + TenantPolicyViolation.summary(violations)))
        }
        if let running = instance.status?.postgresVersion, running != spec.postgresVersion {
            problems.append(
                PostgresInstanceProblem(
                    reason: .majorVersionChange,
                    message: "spec.postgresVersion is \(spec.postgresVersion) but PostgreSQL \(running) runs; a major "
                        + "version upgrade is not supported: set postgresVersion back to \(running)"))
        }
        var invalid = spec.unrecognizedValues
        if !(1...PostgresInstanceSpec.maxInstances).contains(spec.instances) {
            invalid.append("spec.instances: \(spec.instances) is outside 1...\(PostgresInstanceSpec.maxInstances)")
        }
        if spec.pooler.enabled, !(1...PostgresInstanceSpec.maxInstances).contains(spec.pooler.instances) {
            invalid.append("spec.pooler.instances: \(spec.pooler.instances) is outside 1...\(PostgresInstanceSpec.maxInstances)")
        }
        if !PostgresInstanceSpec.failoverDelayBounds.contains(spec.failoverDelay) {
            invalid.append("spec.failoverDelay: \(spec.failoverDelay) is outside 2...300")
        }
        invalid += spec.storage.maxSizeViolations(field: "spec.storage")
        invalid += spec.walStorage?.maxSizeViolations(field: "spec.walStorage") ?? []
        invalid += PostgresBackupValidation.violations(of: spec)
        if !invalid.isEmpty {
            problems.append(PostgresInstanceProblem(reason: .invalidSpec, message: invalid.joined(separator: "; ")))
        }
        if let violation = spec.synchronous?.violation(instances: spec.instances) {
            problems.append(PostgresInstanceProblem(reason: .invalidSynchronous, message: violation))
        }
        let refused = PostgresParameters.violations(of: spec)
        if !refused.isEmpty {
            problems.append(PostgresInstanceProblem(reason: .invalidParameters, message: refused.joined(separator: "; ")))
        }
        return problems
    }
}
