import Foundation
import KubeCore

/// The `quartermaster-tenant-build-reader` ClusterRole: what a Tenant's owners may do in the
/// tenant's build namespace, namely read the build Jobs, their pods and the pods' logs
/// (`quartermaster logs --build`). Generated next to ``TenantOwnerRole`` into
/// `config/rbac/tenant_owner_role.yaml` and the chart's `templates/clusterrole-tenant-owner.yaml`
/// (``GeneratedManifests``); the installer applies it.
///
/// Guarantees:
/// - Granted only through the RoleBinding `builds` in a build namespace
///   (``TenantBuildDesiredState/roleBinding``), so it confers nothing elsewhere.
/// - Read only: owners cannot start, change or delete builds, and cannot read the Secrets in
///   the build namespace (the copies of git and push credentials).
/// - The operator binds it with `bind` limited to this name, and does not hold it itself:
///   Kubernetes lets a writer bind a role that grants more than the writer has only with `bind`
///   (RBAC escalation prevention), so the manager needs no `pods/log` access of its own.
public enum TenantBuildReaderRole {
    /// `quartermaster-tenant-build-reader`.
    public static let name = "quartermaster-tenant-build-reader"

    /// The rules, each with the reason it is needed: pods and Jobs get/list/watch, pods/log get.
    public static let documentedRules: [DocumentedPolicyRule] = [
        DocumentedPolicyRule(
            "Build pods, to find the one of a build Job (label job-name) and see why it failed.",
            PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"])),
        DocumentedPolicyRule(
            "Build logs (quartermaster logs --build reads the pod log API).",
            PolicyRule(apiGroups: [""], resources: ["pods/log"], verbs: ["get"])),
        DocumentedPolicyRule(
            "The analyse, poll and build Jobs of the tenant's Deployments.",
            PolicyRule(apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch"])),
    ]

    /// The ClusterRole; the installer applies it (see ``GeneratedManifests``).
    public static var clusterRole: ClusterRole {
        ClusterRole(metadata: ObjectMeta(name: name, labels: TenantOwnerRole.labels), rules: documentedRules.map(\.rule))
    }
}
