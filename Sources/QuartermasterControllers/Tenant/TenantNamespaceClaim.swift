import Foundation
import KubeCore

/// Whether a Tenant may manage the namespace it names (pure). The operator never adopts a
/// namespace it did not create for this very Tenant: the namespace must carry the label
/// `quartermaster.dev/tenant=<name>` and the annotation `quartermaster.dev/tenant-uid=<uid>`
/// that the operator set when it created it. Any other existing namespace (`payroll`, another
/// tenant's, one left by a deleted Tenant of the same name) is a conflict, reported as
/// `Stalled=True`, reason `NamespaceConflict`, and nothing is written to it or deleted.
///
/// A build namespace (``TenantBuildNamespace``) is judged the same way, and must also carry
/// `quartermaster.dev/build-namespace=true`; a tenant's namespace must not. So neither is ever
/// taken for the other (a Tenant whose `spec.namespace` becomes another's build namespace name
/// is refused). A foreign build namespace is reported as `BuildNamespaceConflict`.
public enum TenantNamespaceClaim: Hashable, Sendable {
    /// The namespace does not exist: create it (with POST, never by apply).
    case absent
    /// The namespace was created by the operator for this Tenant: keep it as desired.
    case owned
    /// The namespace exists and is not this Tenant's; the message says why.
    case foreign(String)

    /// Judges `observed` (`nil`: it does not exist) for the Tenant named `tenant` with UID
    /// `uid`, as its namespace, or with `build` as its build namespace.
    public init(observed: Namespace?, tenant: String, uid: String?, build: Bool = false) {
        guard let observed else {
            self = .absent
            return
        }
        let name = observed.metadata.name ?? ""
        let marker = observed.metadata.annotations?[TenantLabels.tenantUID]
        switch (observed.metadata.labels?[TenantLabels.tenant], marker) {
        case (tenant?, let marker?) where marker == uid && uid != nil:
            let isBuild = observed.metadata.labels?[TenantBuildNamespace.label] == "true"
            switch (isBuild, build) {
            case (true, false):
                self = .foreign("namespace \(name) is the build namespace of tenant \(tenant), not a tenant namespace")
            case (false, true):
                self = .foreign("namespace \(name) is the namespace of tenant \(tenant), not its build namespace")
            default:
                self = .owned
            }
        case (tenant?, _):
            self = .foreign(
                "namespace \(name) carries the label of tenant \(tenant) but was not created by Quartermaster for this Tenant (uid \(uid ?? "unknown")); it is left alone. To hand it over, annotate it \(TenantLabels.tenantUID)=\(uid ?? "<uid>")")
        case (let other?, _):
            self = .foreign("namespace \(name) belongs to tenant \(other)")
        case (nil, _):
            self = .foreign(
                "namespace \(name) exists and was not created by Quartermaster for this Tenant; it is left alone: choose another spec.namespace")
        }
    }

    /// Judges `observed` for `tenant`: as its namespace, or with `build` as its build namespace.
    public init(observed: Namespace?, tenant: Tenant, build: Bool = false) {
        self.init(observed: observed, tenant: tenant.metadata.name ?? "", uid: tenant.metadata.uid, build: build)
    }
}
