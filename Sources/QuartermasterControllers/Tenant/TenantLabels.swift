import Foundation

/// Label keys and values the tenant machinery writes and selects on.
public enum TenantLabels {
    /// `quartermaster.dev/tenant`: the name of the owning Tenant, on the namespace and on every
    /// object the operator creates for the tenant.
    public static let tenant = "quartermaster.dev/tenant"
    /// `quartermaster.dev/suspended`: `"true"` on the namespace of a suspended tenant; absent
    /// otherwise. Resource reconcilers read it to scale workloads to zero.
    public static let suspended = "quartermaster.dev/suspended"
    /// `quartermaster.dev/tenant-uid`: annotation on a namespace the operator created, holding
    /// the UID of the Tenant it was created for. The operator manages, and ever deletes, only a
    /// namespace whose marker is the UID of the Tenant at hand: a namespace with the right name
    /// or label but no such marker is never adopted.
    public static let tenantUID = "quartermaster.dev/tenant-uid"
    /// `app.kubernetes.io/managed-by`.
    public static let managedBy = QuartermasterLabels.managedByKey
    /// The value of `managedBy` on everything Quartermaster creates
    /// (`QuartermasterLabels.managedByValue`).
    public static let managedByValue = QuartermasterLabels.managedByValue
    /// `kubernetes.io/metadata.name`: the namespace's own name. Set automatically from
    /// Kubernetes 1.21 only; on v1.20 the operator sets it on the namespaces it creates.
    public static let namespaceName = "kubernetes.io/metadata.name"

    /// Pod Security Standards labels: `restricted`, at the `latest` version, enforced, audited
    /// and warned.
    public static let podSecurityRestricted: [String: String] = [
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
    ]

    /// The labels on every object the operator creates for tenant `name`.
    public static func common(tenant name: String) -> [String: String] {
        [tenant: name, managedBy: managedByValue]
    }
}
