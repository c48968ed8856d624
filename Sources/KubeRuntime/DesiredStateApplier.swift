import Foundation
import KubeClient
import KubeCore
import Logging

/// What `DesiredStateApplier.apply` did.
public enum ApplyOutcome<T: KubeResource>: Sendable {
    /// The observed object already matched: nothing was sent.
    case unchanged(T)
    /// The object was sent with server-side apply; the server's answer.
    case applied(T)

    /// The object as it now is (observed or returned).
    public var object: T {
        switch self {
        case .unchanged(let o), .applied(let o): return o
        }
    }

    /// `true` when a request was sent.
    public var wasApplied: Bool { if case .applied = self { return true } else { return false } }
}

/// Applies desired objects with server-side apply, but only when they differ from what the
/// cache observed: a converged reconcile sends no request.
///
/// Two checks decide, both on the fields we set:
/// - containment: every field of the desired object holds the same value in the observed one
///   (catches drift: someone edited a field we own);
/// - the identity's `appliedHashAnnotation`, a hash of the desired object that is stamped on
///   every apply (catches fields we stopped setting, which server-side apply then removes).
///
/// Applies and creates are sent with the identity's `fieldManager`, whatever the client's is:
/// an object created by one manager and applied by another would keep the fields the second
/// stops setting.
///
/// Desired objects must not carry `status`, `resourceVersion` or other server-owned fields.
///
/// An object found to hold the desired state (by the checks, or as the answer to our apply) is
/// remembered by its `resourceVersion` and hash: seen again at that same version with that same
/// hash, it is known to match without comparing its JSON again (a version changes with every
/// write, by anyone). The memory is per applier, bounded by ``VerifiedVersions/capacity``.
///
/// A write the API server refuses (403, quota, 413, 422, 400) is thrown as ``RefusedWrite``,
/// naming the object and keeping the server's message; other errors are thrown as they are. A
/// ConfigMap or Secret whose data passes the API server's 1 MiB (``DataSizeLimit``) is refused
/// the same way without being sent.
public struct DesiredStateApplier: Sendable {
    public let client: KubeClient
    /// Who applies: the field manager and the hash annotation's key come from it.
    public let identity: OperatorIdentity
    /// Objects known to hold a desired state, by version.
    private let verified = VerifiedVersions()

    /// Field manager for server-side apply and create: `identity.fieldManager`.
    public var fieldManager: String { identity.fieldManager }
    /// The annotation holding the hash of the last applied desired state:
    /// `identity.appliedHashAnnotation`.
    public var hashAnnotation: String { identity.appliedHashAnnotation }

    /// There is no default identity: an operator must say who it is.
    public init(client: KubeClient, identity: OperatorIdentity) {
        self.client = client
        self.identity = identity
    }

    /// `desired` with the hash annotation set to the hash of `desired` (without it).
    public func stamped<T: KubeResource>(_ desired: T) throws -> T {
        var copy = desired
        copy.metadata.annotations?[hashAnnotation] = nil
        if copy.metadata.annotations?.isEmpty == true { copy.metadata.annotations = nil }
        // One encoding: the same bytes (sorted keys) as the JSONValue's, so the same hash.
        let hash = JSONValue.stableHash(ofEncoded: try KubeJSON.encode(copy))
        var stamped = desired
        stamped.metadata.annotations = (desired.metadata.annotations ?? [:]).merging([hashAnnotation: hash]) { $1 }
        return stamped
    }

    /// `true` when `desired` must be sent because `observed` is missing or differs.
    public func needsApply<T: KubeResource>(desired: T, observed: T?) throws -> Bool {
        guard let observed else { return true }
        return try differs(stamped: stamped(desired), observed: observed)
    }

    /// `true` when `observed` lacks a field of `stampedDesired` or carries another hash.
    private func differs<T: KubeResource>(stamped stampedDesired: T, observed: T) throws -> Bool {
        let hash = stampedDesired.metadata.annotations?[hashAnnotation] ?? ""
        guard observed.metadata.annotations?[hashAnnotation] == hash else { return true }
        let key = VerifiedVersions.key(of: observed)
        if let version = observed.metadata.resourceVersion, verified.holds(key, version: version, hash: hash) {
            return false
        }
        var want = try JSONValue(encoding: stampedDesired)
        // Identity fields are compared by the cache key; the rest must be contained.
        want["apiVersion"] = nil
        want["kind"] = nil
        guard want.isContained(in: try JSONValue(encoding: observed)) else { return true }
        if let version = observed.metadata.resourceVersion { verified.record(key, version: version, hash: hash) }
        return false
    }

    /// Creates `desired` with POST, stamped like an apply (so the next `apply` of the same
    /// desired state sends nothing). Create-only: throws `KubeAPIError.alreadyExists` when the
    /// name is taken, and never touches what exists. For objects whose creation must not
    /// overwrite anything (namespaces, key material).
    public func create<T: KubeResource>(_ desired: T) async throws -> T {
        if let refusal = DataSizeLimit.refusal("create", of: desired) { throw refusal }
        let stamped = try self.stamped(desired)
        return try await RefusedWrite.guarding(
            "create", kind: T.resource.kind, namespace: desired.metadata.namespace, name: desired.metadata.name ?? ""
        ) { try await client.create(stamped, fieldManager: fieldManager) }
    }

    /// Sends `desired` with server-side apply (force) unless `observed` already matches.
    public func apply<T: KubeResource>(_ desired: T, observed: T?) async throws -> ApplyOutcome<T> {
        let stamped = try self.stamped(desired)  // hashed once, whether sent or not
        if let observed, try !differs(stamped: stamped, observed: observed) {
            return .unchanged(observed)
        }
        if let refusal = DataSizeLimit.refusal("apply", of: desired) { throw refusal }
        let result = try await RefusedWrite.guarding(
            "apply", kind: T.resource.kind, namespace: desired.metadata.namespace, name: desired.metadata.name ?? ""
        ) { try await client.apply(stamped, fieldManager: fieldManager, force: true) }
        if let version = result.metadata.resourceVersion, let hash = stamped.metadata.annotations?[hashAnnotation] {
            verified.record(VerifiedVersions.key(of: result), version: version, hash: hash)
        }
        return .applied(result)
    }
}
