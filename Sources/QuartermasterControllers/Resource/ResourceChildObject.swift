import Foundation
import KubeCore

/// A child of a Resource as observed (in the cache, or as the API server answered an apply),
/// whatever its kind: the whole object as JSON, to read its status generically, and the typed
/// value it came from, to compare a desired object with.
public struct ResourceChildObject: Sendable {
    /// The child's kind.
    public let kind: ResourceDescriptor
    /// The object as JSON (`/metadata/...`, `/spec/...`, `/status/...`).
    public let json: JSONValue
    /// The typed object.
    let typed: any KubeResource

    /// Wraps `typed`.
    ///
    /// - Throws: an `EncodingError` if it does not encode (never for the project's models).
    public init<Kind: KubeResource>(_ typed: Kind) throws {
        kind = Kind.resource
        json = try JSONValue(encoding: typed)
        self.typed = typed
    }

    /// `metadata` of the child.
    public var metadata: ObjectMeta { typed.metadata }
}
