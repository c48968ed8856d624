import KubeClient
import KubeCore

/// A spec that asks for hosts (Ingress rules): what its object claims (``HostClaim``).
public protocol HostClaimingSpec: CustomResourceSpec {
    /// The valid hosts the spec asks to be served on, each once. A host that is missing or
    /// invalid is not in the list (validation reports it, and nothing is claimed or served
    /// for it).
    var claimedHosts: [HostName] { get }
}

/// A kind whose objects hold host claims, and how to read one of them from the API server:
/// the input ``HostClaimDecision`` needs about a claim's holder. Declared by the kind
/// (``KindDeclaration/hostClaims``); ``HostClaims`` reads the holders of every declared kind.
public struct HostClaimHolderKind: Sendable {
    public var group: String
    public var kind: String
    /// Reads the holder `(namespace, name)` from the API server (a GET, never a cache).
    public var read: @Sendable (_ client: KubeClient, _ namespace: String, _ name: String) async throws -> HostClaimHolderState

    public init(
        group: String, kind: String,
        read: @escaping @Sendable (_ client: KubeClient, _ namespace: String, _ name: String) async throws
            -> HostClaimHolderState
    ) {
        self.group = group
        self.kind = kind
        self.read = read
    }

    /// The kind of `CustomResource<Spec, Status>`: a GET of the object, its UID and
    /// ``HostClaimingSpec/claimedHosts``.
    public static func of<Spec: HostClaimingSpec, Status>(_ type: CustomResource<Spec, Status>.Type)
        -> HostClaimHolderKind
    {
        let resource = type.resource
        return HostClaimHolderKind(group: resource.group, kind: resource.kind) { client, namespace, name in
            guard let object = try await client.getIfExists(type, name: name, namespace: namespace),
                let uid = object.metadata.uid
            else { return .gone }
            return .present(uid: uid, hosts: Set(object.spec.claimedHosts))
        }
    }

    /// The state of `holder`: read when its kind is one of `kinds`, ``HostClaimHolderState/unknownKind`` otherwise.
    public static func state(
        of holder: HostClaimHolder, kinds: [HostClaimHolderKind], client: KubeClient
    ) async throws -> HostClaimHolderState {
        guard let kind = kinds.first(where: { $0.kind == holder.kind && $0.group == holder.group }) else {
            return .unknownKind
        }
        return try await kind.read(client, holder.namespace, holder.name)
    }
}
