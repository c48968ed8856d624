import KubeCore

/// The operator's ClusterRole, `quartermaster-manager-role`, generated from the kinds: for every
/// kind its ``ownKindRules(_:)`` and its ``KindDeclaration/managerRules(offerings:)`` (with the
/// offerings of the same kinds, so offering a kind as a Resource grants the Resource
/// controller what it needs on it), merged with
/// ``DocumentedPolicyRule/merged(_:)`` (so a permission several kinds need is granted once, and
/// the role grants exactly the union of what the kinds ask for). No wildcards.
public enum ManagerRole {
    /// `quartermaster-manager-role`.
    public static let name = "quartermaster-manager-role"

    /// `app.kubernetes.io/name: quartermaster`, `app.kubernetes.io/component: controller-manager`.
    public static let labels = [
        "app.kubernetes.io/name": "quartermaster", "app.kubernetes.io/component": "controller-manager",
    ]

    /// Events the controllers record on the objects they reconcile; every controller needs it.
    public static let recordEvents = DocumentedPolicyRule(
        "Events the controllers record on the objects they reconcile.",
        PolicyRule(apiGroups: [""], resources: ["events"], verbs: ["create", "patch"]))

    /// What every controller needs on its own kind: to cache the objects, to write their status
    /// (replaced with update), and to set owner references that block the owner's deletion.
    /// Nothing more: no controller reads its kind outside the cache or updates the objects;
    /// patching them (finalizers) is declared by the kinds that do it.
    public static func ownKindRules(_ resource: ResourceDescriptor) -> [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                "Our own kinds: watched into the caches (a kind whose controller writes a finalizer declares patch).",
                PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["list", "watch"])),
            DocumentedPolicyRule(
                "status is a subresource: reconcile results (phase, conditions, observedGeneration), replaced with update.",
                PolicyRule(
                    apiGroups: [resource.group], resources: ["\(resource.plural)/status"],
                    verbs: ["update"])),
            DocumentedPolicyRule(
                """
                Objects we create carry ownerReferences with blockOwnerDeletion, which needs update on the
                owner's finalizers subresource (OwnerReferencesPermissionEnforcement).
                """,
                PolicyRule(apiGroups: [resource.group], resources: ["\(resource.plural)/finalizers"], verbs: ["update"])),
        ]
    }

    /// What the controllers need on a kind whose objects hold host claims
    /// (``KindDeclaration/hostClaims``): `get`, as a claim's holder is read from the API server
    /// before a claimant decides it holds the host (``HostClaims``). The claims themselves are
    /// Leases in the operator's namespace, granted by the namespaced Role of
    /// `config/rbac/leader_election_role.yaml`, not by this ClusterRole. One rule per kind (its
    /// reason names the kind), so a kind whose `get` another rule already grants is left out
    /// instead of being joined with the others into a rule that makes that one redundant.
    public static func hostClaimHolderRules(_ kind: KindDeclaration) -> [DocumentedPolicyRule] {
        guard kind.hostClaims != nil else { return [] }
        let resource = kind.resource
        return [
            DocumentedPolicyRule(
                "A host claim's holder (\(resource.kind).\(resource.group)), read from the API server before a host conflict is decided (HostClaims).",
                PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["get"]))
        ]
    }

    /// Every rule of the role, with its reason, for `kinds` (and the kinds among them offered
    /// as Resources).
    public static func documentedRules(for kinds: [KindDeclaration]) -> [DocumentedPolicyRule] {
        let offerings = ResourceOffering.offerings(of: kinds)
        return DocumentedPolicyRule.merged(
            kinds.flatMap {
                ownKindRules($0.resource) + $0.managerRules(offerings: offerings) + hostClaimHolderRules($0)
            })
    }

    /// The role as a manifest, the reasons as comments.
    public static func manifest(for kinds: [KindDeclaration], header: [String]) -> ClusterRoleManifest {
        ClusterRoleManifest(name: name, labels: labels, rules: documentedRules(for: kinds), header: header)
    }
}
