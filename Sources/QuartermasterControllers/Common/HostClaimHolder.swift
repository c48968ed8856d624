import KubeCore

/// The object that holds a host claim (``HostClaim``): its kind (with group), namespace, name
/// and UID. The UID tells a claim of this object from one of an earlier object of the same
/// name.
public struct HostClaimHolder: Hashable, Sendable, CustomStringConvertible {
    /// API group of the holder's kind, such as `quartermaster.dev`.
    public var group: String
    /// The holder's kind, such as `IPFSCluster`.
    public var kind: String
    public var namespace: String
    public var name: String
    public var uid: String

    public init(group: String, kind: String, namespace: String, name: String, uid: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    /// The holder for `object`; `nil` when it has no namespace, name or UID yet.
    public init?<T: KubeResource>(_ object: T) {
        guard let namespace = object.metadata.namespace, let name = object.metadata.name,
            let uid = object.metadata.uid, !uid.isEmpty
        else { return nil }
        self.init(group: T.resource.group, kind: T.resource.kind, namespace: namespace, name: name, uid: uid)
    }

    /// `<Kind>.<group>`, as `kubectl` names a kind: `IPFSCluster.quartermaster.dev`.
    public var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }

    /// `<Kind>.<group>/<namespace>/<name>`: the claim's `spec.holderIdentity`.
    public var description: String { "\(qualifiedKind)/\(namespace)/\(name)" }
}
