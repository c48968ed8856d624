import Foundation
import KubeCore

/// The `quartermaster-tenant-owner` ClusterRole. The operator grants it to each tenant's
/// owners through a RoleBinding in the tenant's namespace only, so every permission here
/// applies to that namespace and nothing cluster-wide.
///
/// Rules: every verb on `resources.quartermaster.dev` and the concrete kinds templates create
/// (`ipfsclusters.quartermaster.dev`); read-only on their `status` subresources; read-only on
/// `secrets` (to fetch credentials) and `services` (to find endpoints).
public enum TenantOwnerRole {
    /// `quartermaster-tenant-owner`.
    public static let name = "quartermaster-tenant-owner"

    /// The plural names of the kinds owners manage in group `quartermaster.dev`.
    public static let managedKinds = ["resources", "ipfsclusters"]

    /// The ClusterRole, labelled as managed by Quartermaster; the operator's installer applies it.
    public static var clusterRole: ClusterRole {
        ClusterRole(
            metadata: ObjectMeta(name: name, labels: [TenantLabels.managedBy: TenantLabels.managedByValue]),
            rules: [
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: managedKinds,
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]),
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: managedKinds.map { "\($0)/status" },
                    verbs: ["get", "list", "watch"]),
                PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get", "list", "watch"]),
            ])
    }
}
