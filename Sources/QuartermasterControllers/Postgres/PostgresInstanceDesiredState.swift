import Foundation
import KubeCore

/// Spec + observation → the objects of a PostgresInstance, as a pure function. The reconciler
/// only observes, diffs, applies and reports; every object's shape is decided here and in the
/// extensions (`+Pods`, `+Networking`, `+Pooler`).
///
/// - Instances are pods with their own claims (one pod + data claim, + WAL claim, per serial),
///   not a StatefulSet; ``PostgresInstanceTopology`` decides which serials run.
/// - Pods carry ``podSpecHashAnnotation``, the hash of their spec: a pod whose annotation differs
///   from the desired one is replaced (deleted, then created again) by the reconciler.
/// - Role labels follow the instance managers' reports (`observation.reportedRoles`), else the
///   target primary; an instance in `status.fencedInstances` is labelled `fenced`.
/// - Suspended (`spec.suspended` or the namespace's Tenant): no pods and no pooler; claims,
///   Secrets and Services stay.
public enum PostgresInstanceDesiredState {
    /// The annotation holding a pod's spec hash.
    public static let podSpecHashAnnotation = "quartermaster.dev/pod-spec-hash"
    /// Where a pod's projected service-account volume is mounted.
    public static let serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
    public static let postgresPort = 5432
    public static let statusPort = InstanceStatusEndpoint.port
    public static let metricsPort = 9187
    /// The pooler's `/metrics` (PgBouncer's pools and stats): 9127, `pgbouncer_exporter`'s port.
    public static let poolerMetricsPort = 9127

    /// What the pods run and where the operator is.
    public struct Settings: Sendable, Hashable {
        /// The operator's image (the pods' `bootstrap` init container).
        public var operatorImage: String
        /// The operator's namespace (allowed to reach port 8000); `nil`: from anywhere.
        public var operatorNamespace: String?
        /// Whether the server serves `policy/v1` PodDisruptionBudgets.
        public var podDisruptionBudgetServed: Bool
        /// Namespaces admitted to the metrics port besides the instance's own (where Prometheus
        /// runs, ``WorkloadMonitoring/namespaces``). Default none.
        public var monitoringNamespaces: [String]

        public init(
            operatorImage: String, operatorNamespace: String? = nil, podDisruptionBudgetServed: Bool = true,
            monitoringNamespaces: [String] = []
        ) {
            self.monitoringNamespaces = monitoringNamespaces
            self.operatorImage = operatorImage
            self.operatorNamespace = operatorNamespace
            self.podDisruptionBudgetServed = podDisruptionBudgetServed
        }
    }

    /// The objects `instance` asks for, given what exists. `tenant`: the namespace's Tenant
    /// suspends the instance like `spec.suspended` and forces its node selector. Throws
    /// ``PostgresInstanceProblem`` (`InvalidSpec`) for a field that cannot be read.
    public static func compute(
        instance: PostgresInstance, observation: PostgresInstanceObservation, settings: Settings,
        tenant: TenantEnforcement = .unrestricted
    ) throws -> PostgresInstanceDesiredObjects {
        let context = try Context(instance: instance, settings: settings, tenant: tenant)
        let names = context.names
        var existing = Set(observation.claimSerials)
        existing.formUnion(observation.podNames.compactMap(names.serial(of:)))
        let target = instance.status?.targetPrimary.flatMap(names.serial(of:))
        let topology = PostgresInstanceTopology.plan(
            existing: existing, instances: context.instances, targetPrimary: target)
        let targetPrimary = names.pod(serial: topology.primary)

        let claims = topology.serials.flatMap { context.claims(serial: $0) }
        let roles = observation.reportedRoles
        let fenced = Set(instance.status?.fencedInstances ?? [])
        let pods: [Pod] =
            context.suspended
            ? []
            : topology.serials.map { serial -> Pod in
                let name = names.pod(serial: serial)
                let role: PostgresPodRole =
                    fenced.contains(name) ? .fenced : roles[name] ?? (name == targetPrimary ? .primary : .replica)
                return context.pod(serial: serial, role: role)
            }
        let removedClaims = topology.removed.flatMap { serial in
            [names.dataClaim(serial: serial), names.walClaim(serial: serial)]
        }
        var policies = [context.networkPolicy()]
        if context.pooler.enabled { policies.append(context.poolerNetworkPolicy()) }
        return PostgresInstanceDesiredObjects(
            topology: topology, targetPrimary: targetPrimary, claims: claims, pods: pods,
            removedPods: topology.removed.map { names.pod(serial: $0) }, removedClaims: removedClaims,
            services: context.services(), serviceAccount: context.serviceAccount(), role: context.role(),
            roleBinding: context.roleBinding(), networkPolicies: policies,
            poolerDeployment: context.pooler.enabled && !context.suspended ? context.poolerDeployment() : nil,
            podDisruptionBudget: context.podDisruptionBudget())
    }

    /// The hash of a pod spec (lower-case hex): what ``podSpecHashAnnotation`` holds.
    public static func hash(of spec: PodSpec) -> String {
        (try? JSONValue(encoding: spec).stableHash()) ?? ""
    }
}
