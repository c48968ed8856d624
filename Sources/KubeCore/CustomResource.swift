import Foundation

/// The `spec` of a custom resource kind: it names the kind, and says what an object stored
/// without a `spec` decodes as.
///
/// A kind is declared once, as `CustomResource<TheSpec, TheStatus>`; the descriptor given here
/// is that type's ``KubeResource/resource``.
public protocol CustomResourceSpec: Codable, Sendable {
    /// Where the kind whose spec this is lives in the API.
    static var resource: ResourceDescriptor { get }
    /// The spec of an object stored without `spec`. The default, `nil`, makes `spec` required:
    /// decoding such an object fails with `DecodingError.keyNotFound` for `spec`.
    /// ``DefaultedCustomResourceSpec`` makes it `Self()`.
    static var specWhenAbsent: Self? { get }
}

extension CustomResourceSpec {
    /// `nil`: `spec` is required.
    public static var specWhenAbsent: Self? { nil }
}

/// A spec every field of which has a default: an object stored without `spec` decodes with
/// `Self()`, and the kind can be built without giving one (``CustomResource/init(metadata:status:)``).
public protocol DefaultedCustomResourceSpec: CustomResourceSpec {
    /// The spec with every field at its default.
    init()
}

extension DefaultedCustomResourceSpec {
    /// `Self()`: a missing `spec` means every default.
    public static var specWhenAbsent: Self? { Self() }
}

/// A custom resource: `apiVersion`, `kind`, `metadata`, a `spec` and a `status` the operator
/// owns. One type for every kind; a kind is `CustomResource<ItsSpec, ItsStatus>`, and its own
/// members live in extensions constrained to that spec.
///
/// Decoding:
/// - `apiVersion` and `kind` default to the descriptor's (`Spec.resource`) when absent;
///   `metadata` defaults to an empty `ObjectMeta`.
/// - An absent `spec` decodes as `Spec.specWhenAbsent`, or fails (`keyNotFound` for `spec`)
///   when that is `nil`. A `spec` that is present but malformed always fails.
/// - A `status` that does not decode as `Status` (written by another version of the operator)
///   decodes as `nil`, so the object stays readable and the status is rewritten whole; the
///   status is the operator's own and always recomputed.
///
/// Encoding writes `apiVersion`, `kind`, `metadata`, `spec`, and `status` only when it is set.
public struct CustomResource<Spec: CustomResourceSpec, Status: Codable & Sendable>: KubeResource {
    /// The kind's API location: `Spec.resource`.
    public static var resource: ResourceDescriptor { Spec.resource }

    /// Always encoded; defaults to the descriptor's `group/version`.
    public var apiVersion: String
    /// Always encoded; defaults to the descriptor's kind.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: Spec
    /// What the operator last wrote; `nil` before it wrote any (or when it cannot read it).
    public var status: Status?

    /// An object of this kind with the descriptor's `apiVersion` and `kind`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: Spec, status: Status? = nil) {
        self.apiVersion = Spec.resource.apiVersion
        self.kind = Spec.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Spec.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Spec.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        if let absent = Spec.specWhenAbsent {
            spec = try c.decodeIfPresent(Spec.self, forKey: .spec) ?? absent
        } else {
            spec = try c.decode(Spec.self, forKey: .spec)
        }
        status = (try? c.decodeIfPresent(Status.self, forKey: .status)) ?? nil
    }
}

extension CustomResource where Spec: DefaultedCustomResourceSpec {
    /// An object of this kind with every spec field at its default.
    public init(metadata: ObjectMeta = ObjectMeta(), status: Status? = nil) {
        self.init(metadata: metadata, spec: Spec(), status: status)
    }
}

extension CustomResource: Equatable where Spec: Equatable, Status: Equatable {}
extension CustomResource: Hashable where Spec: Hashable, Status: Hashable {}
