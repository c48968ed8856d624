import Foundation
import KubeCore

/// The `quartermaster-tenant-owner` ClusterRole: what a Tenant's owners may do in the tenant's
/// namespace, generated from the kinds' ``KindDeclaration/tenantOwners``:
/// `config/rbac/tenant_owner_role.yaml` and the Helm chart's
/// `templates/clusterrole-tenant-owner.yaml` are written from it by `hack/generate.sh`
/// (`quartermaster manifests`, see ``GeneratedManifests``), and a unit test fails when either
/// committed file differs.
///
/// Guarantees:
/// - The operator grants the role only through a RoleBinding in the tenant's namespace
///   (`TenantDesiredState.roleBinding`), so every rule applies to that namespace and nothing
///   cluster-wide. The operator holds `bind` on exactly this name.
/// - No wildcards; no `deletecollection`; no write access to any `status` subresource (only
///   the operator writes status).
/// - Owners may read Secrets and Services in their namespace, where the operator publishes
///   their Resources' credentials and endpoints; they may not write them.
/// - Owners may see and delete PersistentVolumeClaims in their namespace (`get`, `list`,
///   `watch`, `delete`): claims kept by `pvcRetention: Retain` outlive their IPFSCluster and
///   block the Tenant's deletion until someone frees them. They may not create or change claims
///   (the StatefulSets the operator renders do).
/// - No aggregation labels: aggregating this role into the built-in `admin`/`edit`/`view` roles
///   would hand Secret reads to every `view` holder in every namespace. People outside tenants
///   get the aggregated `quartermaster-admin`/`-editor`/`-viewer` roles instead.
public enum TenantOwnerRole {
    /// `quartermaster-tenant-owner`.
    public static let name = "quartermaster-tenant-owner"

    /// `app.kubernetes.io/name: quartermaster`, like every other object of the install (so
    /// `-l app.kubernetes.io/name=quartermaster` finds it). Not `app.kubernetes.io/managed-by:
    /// quartermaster`: the installer (kustomize or Helm) applies this role, not the operator.
    public static let labels = ["app.kubernetes.io/name": "quartermaster"]

    /// Every rule for `kinds`, with the reason it is needed (written as a comment into the
    /// generated YAML): for each kind whose ``KindDeclaration/tenantOwners`` is `.manage`, every
    /// verb but `deletecollection`, `status` read-only and `scale` when its CRD has one; then
    /// read access to the Secrets and Services where the operator publishes connection details;
    /// then reading and deleting PersistentVolumeClaims.
    public static func documentedRules(for kinds: [KindDeclaration]) -> [DocumentedPolicyRule] {
        let managed = kinds.filter { $0.tenantOwners == .manage }
        var rules: [DocumentedPolicyRule] = []
        for kind in managed {
            let resource = kind.resource
            rules.append(
                DocumentedPolicyRule(
                    "The tenant's own workloads: Resources, and the concrete kinds templates create.",
                    PolicyRule(
                        apiGroups: [resource.group], resources: [resource.plural],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])))
            rules.append(
                DocumentedPolicyRule(
                    "Their status, read-only: only the operator writes status.",
                    PolicyRule(apiGroups: [resource.group], resources: ["\(resource.plural)/status"], verbs: ["get"])))
            if kind.crd.scale != nil {
                rules.append(
                    DocumentedPolicyRule(
                        "kubectl scale (the scale subresource sets spec.replicas).",
                        PolicyRule(
                            apiGroups: [resource.group], resources: ["\(resource.plural)/scale"],
                            verbs: ["get", "update", "patch"])))
            }
        }
        rules.append(
            DocumentedPolicyRule(
                "Connection details the operator publishes: credentials (Secrets) and endpoints (Services).",
                PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get", "list", "watch"])))
        rules.append(
            DocumentedPolicyRule(
                "The namespace's data: see and free PersistentVolumeClaims, such as those kept by pvcRetention: Retain.",
                PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "delete"])))
        return DocumentedPolicyRule.merged(rules)
    }

    /// ``documentedRules(for:)`` of every kind (``QuartermasterKinds/all``).
    public static var documentedRules: [DocumentedPolicyRule] { documentedRules(for: QuartermasterKinds.all) }

    /// The ClusterRole; the installer applies it (see ``GeneratedManifests``).
    public static var clusterRole: ClusterRole {
        ClusterRole(metadata: ObjectMeta(name: name, labels: labels), rules: documentedRules.map(\.rule))
    }
}
