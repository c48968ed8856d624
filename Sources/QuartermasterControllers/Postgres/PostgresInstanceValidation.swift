/// What stops a PostgresInstance before anything is created or changed (pure): a major version
/// change (`MajorVersionChange`: `spec.postgresVersion` differs from the major running,
/// `status.postgresVersion`) and parameters or pg_hba lines the operator refuses
/// (`InvalidParameters`, from ``PostgresParameters/violations(of:)``), and values the operator
/// does not know or bounds broken by an object stored under an older schema (`InvalidSpec`).
public enum PostgresInstanceValidation {
    public static func problems(of instance: PostgresInstance) -> [PostgresInstanceProblem] {
        var problems: [PostgresInstanceProblem] = []
        let spec = instance.spec
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
        if !invalid.isEmpty {
            problems.append(PostgresInstanceProblem(reason: .invalidSpec, message: invalid.joined(separator: "; ")))
        }
        let violations = PostgresParameters.violations(of: spec)
        if !violations.isEmpty {
            problems.append(PostgresInstanceProblem(reason: .invalidParameters, message: violations.joined(separator: "; ")))
        }
        return problems
    }
}
