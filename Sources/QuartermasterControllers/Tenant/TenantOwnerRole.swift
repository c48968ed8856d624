import Foundation
import KubeCore

/// The `quartermaster-tenant-owner` ClusterRole: what a Tenant's owners may do in the tenant's
/// namespace. This type is the single source of the role: `config/rbac/tenant_owner_role.yaml`
/// and the Helm chart's `templates/clusterrole-tenant-owner.yaml` are generated from it
/// (`hack/generate.sh`, which runs `quartermaster roles --root .`; see `GeneratedRBACManifests`),
/// and a unit test fails when either committed file differs.
///
/// Guarantees:
/// - The operator grants the role only through a RoleBinding in the tenant's namespace
///   (`TenantDesiredState.roleBinding`), so every rule applies to that namespace and nothing
///   cluster-wide. The operator holds `bind` on exactly this name.
/// - No wildcards; no `deletecollection`; no write access to any `status` subresource (only
///   the operator writes status).
/// - Owners may read Secrets and Services in their namespace, where the operator publishes
///   their Resources' credentials and endpoints; they may not write them.
/// - No aggregation labels: aggregating this role into the built-in `admin`/`edit`/`view` roles
///   would hand Secret reads to every `view` holder in every namespace. People outside tenants
///   get the aggregated `quartermaster-admin`/`-editor`/`-viewer` roles instead.
public enum TenantOwnerRole {
    /// `quartermaster-tenant-owner`.
    public static let name = "quartermaster-tenant-owner"

    /// The plural names of the kinds owners manage in group `quartermaster.dev`: Resources and
    /// the concrete kinds templates create (IPFSClusters).
    public static let managedKinds = [Resource.resource.plural, IPFSCluster.resource.plural]

    /// The `<plural>/scale` subresources owners may use (`kubectl scale`): those of the managed
    /// kinds whose CRD has a scale subresource (`CRDGenerator`).
    public static var scaleSubresources: [String] {
        CRDGenerator.allModels
            .filter { $0.scale != nil && managedKinds.contains($0.resource.plural) }
            .map { "\($0.resource.plural)/scale" }
    }

    /// `app.kubernetes.io/name: quartermaster`, like every other object of the install (so
    /// `-l app.kubernetes.io/name=quartermaster` finds it). Not `app.kubernetes.io/managed-by:
    /// quartermaster`: the installer (kustomize or Helm) applies this role, not the operator.
    public static let labels = ["app.kubernetes.io/name": "quartermaster"]

    /// Every rule, with the reason it is needed (written as a comment into the generated YAML).
    public static var documentedRules: [(reason: String, rule: PolicyRule)] {
        let group = IPFSCluster.resource.group
        return [
            (
                "The tenant's own workloads: Resources, and the concrete kinds templates create.",
                PolicyRule(
                    apiGroups: [group], resources: managedKinds,
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])
            ),
            (
                "Their status, read-only: only the operator writes status.",
                PolicyRule(apiGroups: [group], resources: managedKinds.map { "\($0)/status" }, verbs: ["get"])
            ),
            (
                "kubectl scale (the scale subresource sets spec.replicas).",
                PolicyRule(apiGroups: [group], resources: scaleSubresources, verbs: ["get", "update", "patch"])
            ),
            (
                "Connection details the operator publishes: credentials (Secrets) and endpoints (Services).",
                PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get", "list", "watch"])
            ),
        ]
    }

    /// The ClusterRole; the installer applies it (see `GeneratedRBACManifests`).
    public static var clusterRole: ClusterRole {
        ClusterRole(metadata: ObjectMeta(name: name, labels: labels), rules: documentedRules.map(\.rule))
    }
}
