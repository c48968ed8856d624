import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// `QuotaReservation.reserved`, row by row as its documentation's table states it, and the
/// check with a reservation.
@Suite struct QuotaReservationTests {
    static let template = "ipfs-cluster-small"

    static func resource(
        _ name: String, at second: Int, phase: ResourcePhase? = nil, suspended: Bool = false, deleting: Bool = false
    ) -> Resource {
        var metadata = ObjectMeta(name: name, namespace: "ns")
        metadata.uid = "uid-\(name)"
        metadata.creationTimestamp = String(format: "2026-01-01T10:00:%02dZ", second)
        if deleting { metadata.deletionTimestamp = "2026-01-01T11:00:00Z" }
        return Resource(
            metadata: metadata, spec: ResourceSpec(template: template, suspended: suspended),
            status: phase.map { ResourceStatus(phase: $0) })
    }

    /// The IPFSCluster child of `owner` (controlled by it unless `foreign`), reporting
    /// `createdPods` in `status.replicas` (no status when `nil`).
    static func child(of owner: String, createdPods: Int?, foreign: Bool = false) throws -> ResourceChildObject {
        var metadata = ObjectMeta(name: owner, namespace: "ns")
        metadata.ownerReferences = [
            OwnerReference(
                apiVersion: "quartermaster.dev/v1alpha1", kind: "Resource", name: owner,
                uid: foreign ? "someone-else" : "uid-\(owner)", controller: true)
        ]
        let cluster = IPFSCluster(
            metadata: metadata, spec: IPFSClusterSpec(), status: createdPods.map { IPFSClusterStatus(replicas: $0) })
        return try ResourceChildObject(cluster)
    }

    static func full() throws -> ResourceFootprint {
        try ResourceTemplateCatalog.resolve(ResourceSpec(template: template)).footprint()
    }

    func reserved(
        for checked: Resource, siblings: [Resource], children: [String: ResourceChildObject] = [:]
    ) -> QuotaReservation {
        QuotaReservation.reserved(against: checked, siblings: siblings + [checked]) { _, name, _ in children[name] }
    }

    @Test func anEarlierSiblingWithoutChildReservesItsWholeFootprint() throws {
        let r = reserved(for: Self.resource("c", at: 3), siblings: [Self.resource("a", at: 1), Self.resource("b", at: 2)])
        #expect(r.resources == ["a", "b"])
        #expect(r.usage == (try Self.full() + Self.full()).quotaUsage)
    }

    @Test func aLaterSiblingWithoutChildReservesNothing() {
        let r = reserved(for: Self.resource("a", at: 1), siblings: [Self.resource("b", at: 2), Self.resource("c", at: 3)])
        #expect(r == QuotaReservation())
    }

    @Test func sameSecondIsOrderedByName() throws {
        let r = reserved(for: Self.resource("b", at: 1), siblings: [Self.resource("a", at: 1), Self.resource("c", at: 1)])
        #expect(r.resources == ["a"])
    }

    @Test(arguments: [
        ("failed", resource("a", at: 1, phase: .failed)),
        ("suspended", resource("a", at: 1, suspended: true)),
        ("suspended phase", resource("a", at: 1, phase: .suspended)),
        ("deleting", resource("a", at: 1, deleting: true)),
    ])
    func siblingsThatWillNotCreateReserveNothing(_ name: String, _ sibling: Resource) {
        #expect(reserved(for: Self.resource("c", at: 3), siblings: [sibling]) == QuotaReservation())
    }

    @Test func anExistingChildReservesOnlyThePodsNotYetCreated() throws {
        // ipfs-cluster-small: 3 peers; one exists, so two peers' pods and claims are reserved.
        let children = ["a": try Self.child(of: "a", createdPods: 1)]
        let r = reserved(for: Self.resource("c", at: 3), siblings: [Self.resource("a", at: 1)], children: children)
        #expect(r.resources == ["a"])
        let full = try Self.full()
        #expect(r.usage["pods"] == 2)
        #expect(r.usage["persistentvolumeclaims"] == Quantity(Decimal(full.persistentVolumeClaims / 3 * 2)))
        #expect(r.usage["requests.cpu"].map { $0 * 3 } == full.cpu * 2)
        #expect(r.usage["services"] == nil)  // created with the child, already in `used`
    }

    @Test func aLaterSiblingsExistingChildIsReservedToo() throws {
        let children = ["b": try Self.child(of: "b", createdPods: 0)]
        let r = reserved(for: Self.resource("a", at: 1), siblings: [Self.resource("b", at: 2)], children: children)
        #expect(r.resources == ["b"])
        #expect(r.usage["pods"] == 3)
    }

    @Test func aChildWithEveryPodReservesNothing() throws {
        let children = ["a": try Self.child(of: "a", createdPods: 3)]
        #expect(
            reserved(for: Self.resource("c", at: 3), siblings: [Self.resource("a", at: 1)], children: children)
                == QuotaReservation())
    }

    @Test func aChildThatReportsNothingYetReservesEverythingButItself() throws {
        let children = ["a": try Self.child(of: "a", createdPods: nil)]
        let r = reserved(for: Self.resource("c", at: 3), siblings: [Self.resource("a", at: 1)], children: children)
        var expected = try Self.full().quotaUsage
        expected["count/ipfsclusters.quartermaster.dev"] = nil
        #expect(r.usage == expected)
    }

    @Test func anObjectTheSiblingDoesNotControlReservesNothing() throws {
        let children = ["a": try Self.child(of: "a", createdPods: 0, foreign: true)]
        #expect(
            reserved(for: Self.resource("c", at: 3), siblings: [Self.resource("a", at: 1)], children: children)
                == QuotaReservation())
    }

    /// Three Resources that each fit but not together: the third is refused with the numbers,
    /// naming what is reserved.
    @Test func theThirdOfThreeThatFitAloneDoesNotFit() throws {
        let needs = try Self.full().quotaUsage
        let cpu = try #require(needs["requests.cpu"])
        let quota = ResourceQuota(
            metadata: ObjectMeta(name: "q"),
            status: ResourceQuotaStatus(hard: ["requests.cpu": cpu * 2], used: ["requests.cpu": 0]))
        let siblings = [Self.resource("a", at: 1), Self.resource("b", at: 2)]
        let second = reserved(for: siblings[1], siblings: [siblings[0]])
        #expect(QuotaCheck.check(needs: needs, quotas: [quota], reserved: second) == .fits)
        let third = reserved(for: Self.resource("c", at: 3), siblings: siblings)
        let result = QuotaCheck.check(needs: needs, quotas: [quota], reserved: third)
        #expect(
            result.message
                == "requests.cpu: needs \(cpu), 0 of \(cpu * 2) hard remains (0 used, \(cpu * 2) reserved for Resources still being created: a, b)"
        )
    }

    /// A change of a sibling reconciles the Resources of its namespace stalled on
    /// `QuotaExceeded` (their reservation may have shrunk), and no others.
    @Test func aSiblingChangeReconcilesThoseStalledOnQuota() {
        func stalled(_ r: Resource, reason: String) -> Resource {
            var r = r
            r.status = ResourceStatus(
                phase: .failed, conditions: [Condition(type: "Stalled", status: .true, reason: reason, message: "m")])
            return r
        }
        var elsewhere = stalled(Self.resource("d", at: 4), reason: "QuotaExceeded")
        elsewhere.metadata.namespace = "other"
        let store = Store<Resource>()
        _ = store.replaceAll([
            Self.resource("a", at: 1), stalled(Self.resource("b", at: 2), reason: "QuotaExceeded"),
            stalled(Self.resource("c", at: 3), reason: "NameConflict"), elsewhere,
        ])
        #expect(
            ResourceController.quotaStalledSiblings(of: Self.resource("a", at: 1), resources: store)
                == [ObjectKey(namespace: "ns", name: "b")])
        #expect(
            ResourceController.quotaStalledSiblings(of: stalled(Self.resource("b", at: 2), reason: "QuotaExceeded"), resources: store)
                .isEmpty, "not itself")
    }
}
