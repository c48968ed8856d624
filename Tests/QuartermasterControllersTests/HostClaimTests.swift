import KubeCore
import Testing

@testable import QuartermasterControllers

/// ``HostClaim`` (the claim object) and ``HostClaimDecision`` (what an existing claim means
/// to a claimant), as tables.
struct HostClaimTests {
    static let host = (try? HostName.parse("files.example.com").get())!
    static let me = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: "a", name: "files", uid: "uid-a")
    static let other = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: "b", name: "files", uid: "uid-b")

    @Test func theClaimIsNamedAfterTheHostsHashAndRecordsHostAndHolder() throws {
        let claim = HostClaim.object(host: Self.host, holder: Self.me, namespace: "quartermaster-system")
        let name = try #require(claim.metadata.name)
        #expect(name == HostClaim.name(for: Self.host))
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
        #expect(HostClaim.isHeld(claim, host: Self.host, byUID: "uid-a"))
        #expect(!HostClaim.isHeld(claim, host: Self.host, byUID: "uid-b"))
        #expect(HostClaim.selector(holderUID: "uid-a").hasSuffix(",quartermaster.dev/holder-uid=uid-a"))
    }

    @Test func aCoreKindHolderRoundTrips() {
        let core = HostClaimHolder(group: "", kind: "Service", namespace: "n", name: "s", uid: "u")
        #expect(HostClaim.holder(of: HostClaim.object(host: Self.host, holder: core, namespace: "ns")) == core)
    }

    enum Claim: String, CaseIterable { case mine, others, deleting, otherHost, noHolder }
    static func claim(_ c: Claim) -> Lease {
        var lease = HostClaim.object(host: Self.host, holder: c == .mine ? Self.me : Self.other, namespace: "qm")
        switch c {
        case .mine, .others: break
        case .deleting: lease.metadata.deletionTimestamp = "2026-01-01T00:00:00Z"
        case .otherHost: lease.metadata.annotations?[HostClaim.hostAnnotation] = "other.example.com"
        case .noHolder: lease.metadata.annotations?[HostClaim.holderNameAnnotation] = nil
        }
        return lease
    }

    static let decisions: [(Claim, HostClaimHolderState?, HostClaimDecision, String)] = [
        (.mine, nil, .held, "my own claim"),
        (.deleting, nil, .stale, "a claim being deleted"),
        (.otherHost, nil, .stale, "a claim recording another host"),
        (.noHolder, nil, .stale, "a claim that names no holder"),
        (.others, .gone, .stale, "the holder is gone"),
        (.others, .present(uid: "uid-b2", hosts: [host]), .stale, "the holder's name is reused by a new object"),
        (.others, .present(uid: "uid-b", hosts: []), .stale, "the holder no longer asks for the host"),
        (.others, .present(uid: "uid-b", hosts: [host]), .conflict(other), "the holder still asks for the host"),
        (.others, .unknownKind, .conflict(other), "a holder of a kind nobody here reads is never stolen from"),
        (.others, nil, .conflict(other), "an unread holder is never stolen from"),
    ]

    @Test("decisions", arguments: decisions)
    func decide(_ claim: Claim, _ state: HostClaimHolderState?, _ expected: HostClaimDecision, _ why: String) {
        let lease = Self.claim(claim)
        #expect(HostClaimDecision.decide(claim: lease, host: Self.host, claimant: Self.me, holderState: state) == expected, "\(why)")
        // The holder is read exactly when the claim alone does not decide.
        let check = HostClaimDecision.holderToCheck(claim: lease, host: Self.host, claimant: Self.me)
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
