import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Claims and releases hosts for the objects that serve them (``HostClaim``: one create-only
/// Lease per host in the operator's namespace; the first claimant wins).
///
/// - ``claim(_:for:logger:)``: for each host, a claim the cache shows held by the claimant
///   costs nothing (a converged reconcile writes nothing). Otherwise the claim is created with
///   POST (first read from the API server when the cache shows another's claim, so a claimant
///   in conflict does not send a doomed POST at every reconcile): `201` → held; `409` → the
///   claim is read from the API server and decided
///   (``HostClaimDecision``), its holder read from the API server too: held; held by another
///   that still asks for the host → a conflict; stale → deleted with a UID and
///   resource-version precondition, and the POST is tried again.
/// - ``release(keeping:for:logger:)``: deletes the claims the cache shows held by the object
///   for hosts it no longer asks for; ``releaseAll(for:logger:)``: every claim the API server
///   lists for it, when it is deleted. A claim already gone, or since taken by another, is
///   left alone: releasing never fails for it.
public struct HostClaims: Sendable {
    public let client: KubeClient
    /// Where the claims are: the operator's namespace.
    public let namespace: String
    /// The claims as cached (``HostClaim/selector``, in ``namespace``): a hint, never the
    /// ground for a conflict or a delete.
    public let cache: Store<Lease>
    /// The kinds that hold claims, to read a claim's holder.
    public let holderKinds: [HostClaimHolderKind]

    /// How many times a host's claim is tried in one call before giving up (the caller
    /// requeues): each retry follows a stale claim's deletion or a claim that vanished between
    /// the POST and the read. 3.
    public static let attempts = 3

    public init(client: KubeClient, namespace: String, cache: Store<Lease>, holderKinds: [HostClaimHolderKind]) {
        self.client = client
        self.namespace = namespace
        self.cache = cache
        self.holderKinds = holderKinds
    }

    /// The outcome of ``claim(_:for:logger:)``.
    public struct Outcome: Sendable, Equatable {
        /// Hosts the claimant holds.
        public var held: [HostName] = []
        /// Hosts another object holds, with that holder.
        public var conflicts: [HostName: HostClaimHolder] = [:]
        public init() {}
    }

    /// Lost races on one host more than ``HostClaims/attempts`` times; reconcile again.
    public struct Contended: Error, CustomStringConvertible {
        public var host: HostName
        public var description: String { "the claim on host \(host) changed under every attempt; retrying" }
    }

    /// Claims every host of `hosts` for `holder`; see the type's description.
    public func claim(_ hosts: [HostName], for holder: HostClaimHolder, logger: Logger) async throws -> Outcome {
        var outcome = Outcome()
        for host in hosts {
            if let conflict = try await claim(host, for: holder, logger: logger) {
                outcome.conflicts[host] = conflict
            } else {
                outcome.held.append(host)
            }
        }
        return outcome
    }

    /// `nil` when held, the holder when another holds it.
    private func claim(_ host: HostName, for holder: HostClaimHolder, logger: Logger) async throws -> HostClaimHolder? {
        let name = HostClaim.name(for: host)
        let cached = cache.get(ObjectKey(namespace: namespace, name: name))
        if let cached, HostClaim.isHeld(cached, host: host, byUID: holder.uid) { return nil }
        var create = cached == nil
        for _ in 0..<Self.attempts {
            if create {
                do {
                    _ = try await client.create(HostClaim.object(host: host, holder: holder, namespace: namespace))
                    logger.info("claimed a host", metadata: ["host": "\(host)", "claim": "\(name)"])
                    return nil
                } catch KubeAPIError.alreadyExists, KubeAPIError.conflict {}
            }
            create = true
            guard let existing = try await client.getIfExists(Lease.self, name: name, namespace: namespace) else {
                continue  // released in between: create again
            }
            var state: HostClaimHolderState?
            if let other = HostClaimDecision.holderToCheck(claim: existing, host: host, claimant: holder) {
                state = try await HostClaimHolderKind.state(of: other, kinds: holderKinds, client: client)
            }
            switch HostClaimDecision.decide(claim: existing, host: host, claimant: holder, holderState: state) {
            case .held: return nil
            case .conflict(let other): return other
            case .stale:
                logger.info(
                    "deleting a stale host claim",
                    metadata: ["host": "\(host)", "claim": "\(name)", "holder": "\(existing.spec?.holderIdentity ?? "")"])
                do {
                    try await deleteGuarded(existing)
                } catch KubeAPIError.conflict {}  // changed since read: decide again
            }
        }
        throw Contended(host: host)
    }

    /// Deletes the claims the cache shows held by `holder` for hosts not in `keeping`.
    /// Returns the hosts released.
    @discardableResult
    public func release(keeping: Set<HostName>, for holder: HostClaimHolder, logger: Logger) async throws -> [String] {
        let kept = Set(keeping.map(HostClaim.name(for:)))
        var released: [String] = []
        for claim in cache.list(namespace: namespace)
        where claim.metadata.labels?[HostClaim.holderUIDLabel] == holder.uid && !kept.contains(claim.metadata.name ?? "")
            && claim.metadata.deletionTimestamp == nil
        {
            try await releaseClaim(claim, holderUID: holder.uid)
            let host = HostClaim.host(of: claim) ?? claim.metadata.name ?? ""
            logger.info("released a host", metadata: ["host": "\(host)"])
            released.append(host)
        }
        return released
    }

    /// Deletes every claim the API server lists for `holder` (its object is being deleted).
    public func releaseAll(for holder: HostClaimHolder, logger: Logger) async throws {
        let claims = try await client.listAll(
            Lease.self, namespace: namespace, options: ListOptions(labelSelector: HostClaim.selector(holderUID: holder.uid))
        ).items
        for claim in claims where claim.metadata.deletionTimestamp == nil {
            try await releaseClaim(claim, holderUID: holder.uid)
            logger.info("released a host", metadata: ["host": "\(HostClaim.host(of: claim) ?? claim.metadata.name ?? "")"])
        }
    }

    /// Deletes `claim` if it is still the one `holderUID` holds: guarded by its UID and
    /// resource version; when the guard fails, read again and retry while it is still held
    /// by `holderUID`.
    private func releaseClaim(_ claim: Lease, holderUID: String) async throws {
        var current: Lease? = claim
        for _ in 0..<Self.attempts {
            guard let c = current, c.metadata.labels?[HostClaim.holderUIDLabel] == holderUID else { return }
            do {
                try await deleteGuarded(c)
                return
            } catch KubeAPIError.conflict {
                current = try await client.getIfExists(Lease.self, name: c.metadata.name ?? "", namespace: namespace)
            }
        }
    }

    /// DELETE with preconditions on `claim`'s UID and resource version; a claim already gone
    /// is fine. Throws `conflict` when the claim changed since it was read.
    private func deleteGuarded(_ claim: Lease) async throws {
        do {
            try await client.delete(
                Lease.self, name: claim.metadata.name ?? "", namespace: namespace,
                options: DeleteOptions(
                    preconditions: .init(uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion)))
        } catch KubeAPIError.notFound {}
    }
}
