import KubeCore

/// What an existing claim (``HostClaim``) means to an object asking for its host, decided from
/// the claim and its holder as read from the API server (pure).
public enum HostClaimDecision: Hashable, Sendable {
    /// The claimant holds the host.
    case held
    /// Another object holds the host and still asks for it: the claimant is `Stalled`,
    /// reason `HostConflict`, and writes nothing for the host.
    case conflict(HostClaimHolder)
    /// The claim protects nothing (its holder is gone, was replaced by an object of another
    /// UID, no longer asks for the host, or the claim does not say who holds it or which host
    /// it is): delete it with a precondition on its UID and resource version, then claim again.
    case stale

    /// Whether the holder recorded in a claim must be read before deciding: `nil` when the
    /// claim alone decides (``held`` or ``stale``), else the holder to read.
    public static func holderToCheck(claim: Lease, host: HostName, claimant: HostClaimHolder) -> HostClaimHolder? {
        guard case .undecided(let holder) = preliminary(claim: claim, host: host, claimant: claimant) else { return nil }
        return holder
    }

    /// The decision about `claim`, held by the object ``HostClaim/holder(of:)`` names, when
    /// `claimant` asks for `host`; `holderState` is that holder as the API server has it (only
    /// read when ``holderToCheck(claim:host:claimant:)`` asks for it; `nil` otherwise).
    ///
    /// | claim | holder | decision |
    /// | --- | --- | --- |
    /// | being deleted, or records another host, or no holder | — | ``stale`` |
    /// | held by the claimant's UID | — | ``held`` |
    /// | held by another UID | gone, or of another UID | ``stale`` |
    /// | held by another UID | exists, no longer asks for the host | ``stale`` |
    /// | held by another UID | exists and asks for the host (being deleted or not) | ``conflict`` |
    /// | held by another UID | of a kind no one here can read | ``conflict`` (never stolen) |
    public static func decide(
        claim: Lease, host: HostName, claimant: HostClaimHolder, holderState: HostClaimHolderState?
    ) -> HostClaimDecision {
        switch preliminary(claim: claim, host: host, claimant: claimant) {
        case .decided(let decision): return decision
        case .undecided(let holder):
            switch holderState {
            case .gone: return .stale
            case .present(let uid, let hosts):
                if uid != holder.uid { return .stale }
                return hosts.contains(host) ? .conflict(holder) : .stale
            case .unknownKind, nil: return .conflict(holder)
            }
        }
    }

    private enum Preliminary {
        case decided(HostClaimDecision)
        case undecided(HostClaimHolder)
    }

    private static func preliminary(claim: Lease, host: HostName, claimant: HostClaimHolder) -> Preliminary {
        // A claim on its way out is gone for every purpose; delete (a no-op) and claim again.
        if claim.metadata.deletionTimestamp != nil { return .decided(.stale) }
        guard HostClaim.host(of: claim) == host.value, let holder = HostClaim.holder(of: claim) else {
            return .decided(.stale)
        }
        if holder.uid == claimant.uid { return .decided(.held) }
        return .undecided(holder)
    }
}

/// The holder of a claim as the API server has it, for ``HostClaimDecision``.
public enum HostClaimHolderState: Hashable, Sendable {
    /// No object of that kind, namespace and name.
    case gone
    /// The object exists with this UID and asks for these hosts (valid ones only).
    case present(uid: String, hosts: Set<HostName>)
    /// The claim names a kind that declares no hosts here (``HostClaimHolderKind``): it is
    /// never taken for stale.
    case unknownKind
}
