import KubeCore

/// What the instances' Role `<name>-instance` grants their ServiceAccount: the one place these
/// rules are stated. The operator's own ClusterRole holds the same rules without resource
/// names (``managerRules``), since RBAC lets it create a Role only with permissions it holds.
///
/// - `get` on the instance's own PostgresInstance (the instance manager reads its spec and
///   status);
/// - `get`, `update` on the Lease `<name>-primary` (the primary lease, contract: duration
///   `spec.failoverDelay`), and `create` on leases (create cannot be limited by name).
public enum PostgresInstanceRoleRules {
    static let leaseGroup = Lease.resource.group
    static let leasePlural = Lease.resource.plural

    /// The rules of `<instance>-instance`.
    public static func rules(instance: String) -> [PolicyRule] {
        [
            PolicyRule(
                apiGroups: [PostgresInstance.resource.group], resources: [PostgresInstance.resource.plural], verbs: ["get"],
                resourceNames: [instance]),
            PolicyRule(
                apiGroups: [leaseGroup], resources: [leasePlural], verbs: ["get", "update"],
                resourceNames: [PostgresInstanceNames(instance: instance).primaryLease]),
            PolicyRule(apiGroups: [leaseGroup], resources: [leasePlural], verbs: ["create"]),
        ]
    }

    /// The operator's rules that let it grant ``rules(instance:)`` (every name).
    static var managerRules: [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                """
                The instances' Role grants get on their own PostgresInstance (resourceNames), and RBAC lets
                the operator create a Role only with permissions it holds itself (no escalate or bind needed).
                """,
                PolicyRule(apiGroups: [PostgresInstance.resource.group], resources: [PostgresInstance.resource.plural], verbs: ["get"])),
            DocumentedPolicyRule(
                """
                The instances' Role grants get and update on their primary Lease <name>-primary and create on
                leases (the primary lease, held by the instance manager of the primary); the operator must hold
                them to grant them.
                """,
                PolicyRule(apiGroups: [leaseGroup], resources: [leasePlural], verbs: ["get", "update", "create"])),
        ]
    }
}
