import KubeCore
import Testing

@testable import QuartermasterControllers

/// ``HostClaim`` (the claim object) and ``HostClaimDecision`` (what an existing claim means
/// to a claimant), as tables.
struct HostClaimTests {
    static func host() throws -> HostName { try HostName.parse("files.example.com").get() }
    static let me = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: "a", name: "files", uid: "uid-a")
    static let other = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: "b", name: "files", uid: "uid-b")

    @Test func theClaimIsNamedAfterTheHostsHashAndRecordsHostAndHolder() throws {
        let host = try Self.host()
        let claim = HostClaim.object(host: host, holder: Self.me, namespace: "quartermaster-system")
        let name = try #require(claim.metadata.name)
        #expect(name == HostClaim.name(for: host))
        #expect(name.hasPrefix("host-") && name.count == 5 + 64)
        #expect(name.dropFirst(5).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(HostClaim.name(for: try HostName.parse("other.example.com").get()) != name)
        #expect(claim.metadata.namespace == "quartermaster-system")
        #expect(HostClaim.host(of: claim) == "files.example.com")
        #expect(HostClaim.holder(of: claim) == Self.me)
        #expect(claim.spec?.holderIdentity == "IPFSCluster.quartermaster.dev/a/files")
        #expect(claim.spec?.leaseDurationSeconds == nil, "a claim never expires")
        let labels = claim.metadata.labels ?? [:]
        #expect(labels[HostClaim.holderUIDLabel] == "uid-a")
        #expect(labels[QuartermasterLabels.componentKey] == HostClaim.component)
        #expect(labels[QuartermasterLabels.managedByKey] == "quartermaster")
        #expect(HostClaim.isHeld(claim, host: host, byUID: "uid-a"))
        #expect(!HostClaim.isHeld(claim, host: host, byUID: "uid-b"))
        #expect(HostClaim.selector(holderUID: "uid-a").hasSuffix(",quartermaster.dev/holder-uid=uid-a"))
    }

    @Test func aCoreKindHolderRoundTrips() throws {
        let core = HostClaimHolder(group: "", kind: "Service", namespace: "n", name: "s", uid: "u")
        #expect(HostClaim.holder(of: HostClaim.object(host: try Self.host(), holder: core, namespace: "ns")) == core)
    }

    enum Claim: String, CaseIterable { case mine, others, deleting, otherHost, noHolder }
    static func claim(_ c: Claim, host: HostName) -> Lease {
        var lease = HostClaim.object(host: host, holder: c == .mine ? Self.me : Self.other, namespace: "qm")
        switch c {
        case .mine, .others: break
        case .deleting: lease.metadata.deletionTimestamp = "2026-01-01T00:00:00Z"
        case .otherHost: lease.metadata.annotations?[HostClaim.hostAnnotation] = "other.example.com"
        case .noHolder: lease.metadata.annotations?[HostClaim.holderNameAnnotation] = nil
        }
        return lease
    }

    /// The holder as read from the API server.
    enum Holder { case unread, gone, replaced, notAsking, asking, unknownKind }
    static func state(_ holder: Holder, host: HostName) -> HostClaimHolderState? {
        switch holder {
        case .unread: return nil
        case .gone: return .gone
        case .replaced: return .present(uid: "uid-b2", hosts: [host])
        case .notAsking: return .present(uid: "uid-b", hosts: [])
        case .asking: return .present(uid: "uid-b", hosts: [host])
        case .unknownKind: return .unknownKind
        }
    }

    static let decisions: [(Claim, Holder, HostClaimDecision, String)] = [
        (.mine, .unread, .held, "my own claim"),
        (.deleting, .unread, .stale, "a claim being deleted"),
        (.otherHost, .unread, .stale, "a claim recording another host"),
        (.noHolder, .unread, .stale, "a claim that names no holder"),
        (.others, .gone, .stale, "the holder is gone"),
        (.others, .replaced, .stale, "the holder's name is reused by a new object"),
        (.others, .notAsking, .stale, "the holder no longer asks for the host"),
        (.others, .asking, .conflict(other), "the holder still asks for the host"),
        (.others, .unknownKind, .conflict(other), "a holder of a kind nobody here reads is never stolen from"),
        (.others, .unread, .conflict(other), "an unread holder is never stolen from"),
    ]

    @Test("decisions", arguments: decisions)
    func decide(_ claim: Claim, _ holder: Holder, _ expected: HostClaimDecision, _ why: String) throws {
        let host = try Self.host()
        let lease = Self.claim(claim, host: host)
        let state = Self.state(holder, host: host)
        #expect(HostClaimDecision.decide(claim: lease, host: host, claimant: Self.me, holderState: state) == expected, "\(why)")
        // The holder is read exactly when the claim alone does not decide.
        let check = HostClaimDecision.holderToCheck(claim: lease, host: host, claimant: Self.me)
        #expect(check == (claim == .others ? Self.other : nil), "\(why)")
    }

    @Test func anIPFSClusterClaimsTheValidHostsOfItsIngressExposuresOnce() {
        var spec = IPFSClusterSpec()
        #expect(spec.claimedHosts.isEmpty)
        spec.exposure.gateway = .init(type: .ingress, host: "gw.example.com")
        spec.exposure.api = .init(type: .loadBalancer, host: "api.example.com")
        #expect(spec.claimedHosts.map(\.value) == ["gw.example.com"])
        spec.exposure.api = .init(type: .ingress, host: "api.example.com")
        #expect(spec.claimedHosts.map(\.value) == ["api.example.com", "gw.example.com"])
        spec.exposure.api = .init(type: .ingress, host: "gw.example.com")
        #expect(spec.claimedHosts.map(\.value) == ["gw.example.com"])
        spec.exposure.api = .init(type: .ingress, host: "*.example.com")
        spec.exposure.gateway = .init(type: .ingress, host: nil)
        #expect(spec.claimedHosts.isEmpty)
    }
}
