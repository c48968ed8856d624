import Foundation
import KubeCore

/// Whether a Tenant may manage the namespace it names (pure). The operator never adopts a
/// namespace it did not create: one that exists without the `quartermaster.dev/tenant` label
/// of this tenant (such as `default`, or another tenant's) is a conflict, reported as
/// `Stalled=True`, reason `NamespaceConflict`, and left untouched.
public enum TenantNamespaceClaim: Hashable, Sendable {
    /// The namespace does not exist: create it.
    case absent
    /// The namespace carries this tenant's label: keep it as desired.
    case owned
    /// The namespace exists and belongs to someone else; the message says whom.
    case foreign(String)

    public init(observed: Namespace?, tenant: String) {
        guard let observed else {
            self = .absent
            return
        }
        let name = observed.metadata.name ?? ""
        switch observed.metadata.labels?[TenantLabels.tenant] {
        case tenant?: self = .owned
        case let other?: self = .foreign("namespace \(name) belongs to tenant \(other)")
        case nil: self = .foreign("namespace \(name) exists and was not created by Quartermaster; choose another spec.namespace")
        }
    }
}
