import Foundation
import KubeCore

/// A Resource (`quartermaster.dev/v1alpha1`, kind `Resource`, plural `resources`, namespaced):
/// a request for something built from a versioned template, such as `small-storage`.
///
/// CRD schema notes (for the schema DSL):
/// - `spec` — object, required. Description: "Which template to build and how."
/// - `status` — object, status subresource. Description: "How far provisioning has got."
/// - Printer columns: `Template` = `.spec.template` (string), `Phase` = `.status.phase`
///   (string), `Progress` = `.status.progressText` (string, e.g. `60%`), `Endpoint` =
///   `.status.endpoint` (string), `Age` = `.metadata.creationTimestamp` (date).
public struct Resource: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Resource", plural: "resources", namespaced: true)

    /// Always encoded; defaults to `quartermaster.dev/v1alpha1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Resource`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ResourceSpec
    public var status: ResourceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ResourceSpec, status: ResourceStatus? = nil) {
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
        spec = try c.decode(ResourceSpec.self, forKey: .spec)
        // Status is the operator's own and always recomputed: one it cannot read (written by another
        // version) reads as none and is rewritten whole, rather than making the object unreadable.
        status = (try? c.decodeIfPresent(ResourceStatus.self, forKey: .status)) ?? nil
    }
}
