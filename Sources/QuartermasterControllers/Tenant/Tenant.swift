import Foundation
import KubeCore

/// A tenant (`quartermaster.dev/v1alpha1`, kind `Tenant`, plural `tenants`, cluster-scoped):
/// one namespace with a quota, limits, network isolation and owner access, kept by the operator.
///
/// CRD schema notes (for the schema DSL):
/// - `spec` — object, required. Description: "What the tenant is entitled to and who owns it."
/// - `status` — object, status subresource. Description: "What the operator last observed."
/// - Printer columns: `Tier` = `.spec.tier` (string), `Namespace` = `.status.namespace`
///   (string), `Resources` = `.status.resources.total` (integer), `Ready` =
///   `.status.conditions[?(@.type=="Ready")].status` (string), `Age` =
///   `.metadata.creationTimestamp` (date).
public struct Tenant: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Tenant", plural: "tenants", namespaced: false)

    /// The finalizer the operator puts on every Tenant: the Tenant goes only once its namespace
    /// holds no Resources and has been deleted.
    public static let finalizer = "quartermaster.dev/tenant-protection"

    /// Always encoded; defaults to `quartermaster.dev/v1alpha1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Tenant`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: TenantSpec
    public var status: TenantStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: TenantSpec = TenantSpec(), status: TenantStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Self.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decodeIfPresent(TenantSpec.self, forKey: .spec) ?? TenantSpec()
        // Status is the operator's own and always recomputed: one it cannot read (written by another
        // version) reads as none and is rewritten whole, rather than making the object unreadable.
        status = (try? c.decodeIfPresent(TenantStatus.self, forKey: .status)) ?? nil
    }

    /// The name of the tenant's namespace: `spec.namespace`, or the tenant's own name.
    public var namespaceName: String { spec.namespace ?? metadata.name ?? "" }
}
