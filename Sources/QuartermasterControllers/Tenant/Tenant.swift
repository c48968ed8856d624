import Foundation
import KubeCore

/// A tenant (`quartermaster.dev/v1alpha1`, kind `Tenant`, plural `tenants`, cluster-scoped):
/// one namespace with a quota, limits, network isolation and owner access, kept by the operator.
/// A missing `spec` means every default (`TenantSpec()`); see ``CustomResource`` for decoding
/// and encoding.
///
/// CRD schema notes (for the schema DSL):
/// - `spec` — object, required. Description: "What the tenant is entitled to and who owns it."
/// - `status` — object, status subresource. Description: "What the operator last observed."
/// - Printer columns: `Tier` = `.spec.tier` (string), `Namespace` = `.status.namespace`
///   (string), `Resources` = `.status.resources.total` (integer), `Ready` =
///   `.status.conditions[?(@.type=="Ready")].status` (string), `Age` =
///   `.metadata.creationTimestamp` (date).
public typealias Tenant = CustomResource<TenantSpec, TenantStatus>

extension TenantSpec: DefaultedCustomResourceSpec {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Tenant", plural: "tenants", namespaced: false)

    /// Every field unset: the tier's defaults (the memberwise initialiser with no arguments).
    public init() { self.init(owners: nil) }
}

extension Tenant {
    /// The finalizer the operator puts on every Tenant: the Tenant goes only once its namespace
    /// holds no Resources and has been deleted.
    public static var finalizer: String { "quartermaster.dev/tenant-protection" }

    /// The name of the tenant's namespace: `spec.namespace`, or the tenant's own name.
    public var namespaceName: String { spec.namespace ?? metadata.name ?? "" }
}
