import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `spec.suspended`: the desired state (StatefulSet to zero, no PodDisruptionBudget, all else
/// unchanged) and the status (phase `Suspended`), while suspended and after resuming.
@Suite struct IPFSClusterSuspensionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func json(_ object: some Encodable) throws -> String {
        String(decoding: try KubeJSON.encode(object), as: UTF8.self)
    }

    /// Every desired object except the StatefulSet and the PodDisruptionBudget, as JSON.
    static func unchangedBySuspension(_ o: IPFSClusterDesiredObjects) throws -> [String] {
        try [json(o.secret), json(o.configMap), json(o.networkPolicy)] + o.services.map(json) + o.ingresses.map(json)
    }

    static func exposed(generation: Int64 = 1, suspended: Bool) -> IPFSCluster {
        persistedCluster(generation: generation) {
            $0.exposure = .init(
                gateway: .init(type: .ingress, host: "gw.example.com"), api: .init(type: .loadBalancer),
                swarm: .init(type: .loadBalancer))
            $0.suspended = suspended
        }
    }

    // MARK: desired state

    @Test func suspendingScalesTheStatefulSetToZeroAndDropsOnlyTheDisruptionBudget() throws {
        let running = try IPFSClusterDesiredState.compute(cluster: Self.exposed(suspended: false), existingSecretData: nil)
        let suspended = try IPFSClusterDesiredState.compute(
            cluster: Self.exposed(generation: 2, suspended: true), existingSecretData: secretStrings(running))

        #expect(running.statefulSet.spec?.replicas == 3)
        #expect(suspended.statefulSet.spec?.replicas == 0)
        #expect(running.podDisruptionBudget != nil)
        #expect(suspended.podDisruptionBudget == nil)
        #expect(suspended.identities.secretData() == running.identities.secretData())
        #expect(suspended.swarmServices.count == 3, "one swarm Service per kept peer")
        #expect(try Self.unchangedBySuspension(suspended) == Self.unchangedBySuspension(running))

        // Apart from replicas the StatefulSet is the same: template (config hash), claims.
        var scaledBack = suspended.statefulSet
        scaledBack.spec?.replicas = 3
        #expect(try Self.json(scaledBack) == Self.json(running.statefulSet))
    }

    @Test func resumingRestoresTheSamePeers() throws {
        let running = try IPFSClusterDesiredState.compute(cluster: Self.exposed(suspended: false), existingSecretData: nil)
        let suspended = try IPFSClusterDesiredState.compute(
            cluster: Self.exposed(generation: 2, suspended: true), existingSecretData: secretStrings(running))
        let resumed = try IPFSClusterDesiredState.compute(
            cluster: Self.exposed(generation: 3, suspended: false), existingSecretData: secretStrings(suspended))

        #expect(resumed.identities.secretData() == running.identities.secretData())
        #expect(secretStrings(resumed) == secretStrings(running))
        #expect(resumed.statefulSet.spec?.replicas == 3)
        #expect(try Self.json(resumed.statefulSet) == Self.json(running.statefulSet))
        #expect(try resumed.podDisruptionBudget.map(Self.json) == running.podDisruptionBudget.map(Self.json))
        #expect(try Self.unchangedBySuspension(resumed) == Self.unchangedBySuspension(running))
    }

    @Test func aClusterCreatedSuspendedStillGetsEveryIdentity() throws {
        let o = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.replicas = 4; $0.suspended = true }, existingSecretData: nil)
        #expect(o.statefulSet.spec?.replicas == 0)
        #expect(o.identities.count == 4)
        #expect(try IPFSClusterIdentities(secretData: secretStrings(o)).count == 4)
    }

    @Test func suspendedDecodesWithDefaultAndEncodesAlways() throws {
        let omitted = try KubeJSON.decode(IPFSClusterSpec.self, from: Data("{}".utf8))
        #expect(omitted.suspended == false)
        let set = try KubeJSON.decode(IPFSClusterSpec.self, from: Data(#"{"suspended":true}"#.utf8))
        #expect(set.suspended == true)
        // Always sent, so server-side apply of false resumes a cluster suspended by the same manager.
        #expect(try Self.json(IPFSClusterSpec()).contains(#""suspended":false"#))
        let field = try #require(IPFSClusterSpec.schema.property(at: "suspended"))
        #expect(field.type == "boolean")
        #expect(field.defaultValue == .bool(false))
        #expect(field.description.hasPrefix("Scale every peer to zero, keeping identities"))
    }

    // MARK: status

    /// The served StatefulSet scaled to `replicas` with `ready` ready pods (rolled out).
    static func sts(replicas: Int, ready: Int) throws -> StatefulSet {
        var s = try IPFSClusterSamples.statefulSet()
        s.spec?.replicas = replicas
        s.status?.replicas = replicas
        s.status?.updatedReplicas = replicas
        s.status?.currentReplicas = replicas
        s.status?.readyReplicas = ready
        return s
    }

    static func cluster(suspended: Bool, previous: IPFSClusterStatus? = nil) -> IPFSCluster {
        var c = persistedCluster(name: "demo", namespace: "ipfs", generation: 2) {
            $0.storage.ipfs.size = "20Gi"
            $0.suspended = suspended
        }
        c.status = previous
        return c
    }

    static func condition(_ status: IPFSClusterStatus, _ type: String) -> IPFSClusterStatus.Condition? {
        status.conditions?.first { $0.type == type }
    }

    @Test func suspendingWhilePeersStillRunIsReconciling() throws {
        let identities = IPFSClusterIdentities.generate(replicas: 3)
        var sts = try Self.sts(replicas: 3, ready: 3)
        sts.spec?.replicas = 0  // just applied; pods not yet terminated
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: true),
            observation: .init(statefulSet: sts, identities: identities), now: Self.t0)
        #expect(s.phase == .suspended)
        #expect(s.readyReplicas == 3)
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Ready")?.reason == "Suspended")
        #expect(Self.condition(s, "Reconciling")?.status == .true)
        #expect(Self.condition(s, "Reconciling")?.reason == "Suspending")
        #expect(Self.condition(s, "Stalled")?.status == .false)
    }

    @Test func suspendedOnceNoPeerIsReady() throws {
        let identities = IPFSClusterIdentities.generate(replicas: 3)
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: true),
            observation: .init(statefulSet: try Self.sts(replicas: 0, ready: 0), identities: identities,
                            podDisruptionBudgetServed: false),
            now: Self.t0)
        #expect(s.phase == .suspended)
        #expect(s.replicas == 0 && s.readyReplicas == 0)
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Ready")?.reason == "Suspended")
        #expect(Self.condition(s, "Reconciling")?.status == .false)
        #expect(Self.condition(s, "Reconciling")?.reason == "Suspended")
        #expect(Self.condition(s, "Stalled")?.status == .false)
        #expect(Self.condition(s, "DisruptionBudget") == nil, "no budget is wanted while suspended")
        #expect(s.peers?.map(\.peerID) == (0..<3).map { identities.clusterPeerID($0).description })
        #expect(s.credentialsSecretRef == .init(name: "demo-identities"))
        // The phase is one the schema allows.
        #expect(IPFSClusterStatus.schema.property(at: "phase")?.enumValues?.contains("Suspended") == true)
    }

    @Test func problemsOutrankSuspension() throws {
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: true),
            observation: .init(
                statefulSet: try Self.sts(replicas: 0, ready: 0),
                problems: [IPFSClusterValidation.Problem(reason: .storageClassNotFound, message: "StorageClass x does not exist")]),
            now: Self.t0)
        #expect(s.phase == .failed)
        #expect(Self.condition(s, "Stalled")?.status == .true)
    }

    @Test func resumingProvisionsThenBecomesReady() throws {
        let identities = IPFSClusterIdentities.generate(replicas: 3)
        let suspended = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: true),
            observation: .init(statefulSet: try Self.sts(replicas: 0, ready: 0), identities: identities), now: Self.t0)

        var starting = try Self.sts(replicas: 3, ready: 0)
        starting.status?.updatedReplicas = 0
        let resuming = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: false, previous: suspended),
            observation: .init(statefulSet: starting, identities: identities), now: Self.t0.addingTimeInterval(60))
        #expect(resuming.phase == .provisioning)
        #expect(Self.condition(resuming, "Ready")?.reason == "RollingOut")
        #expect(Self.condition(resuming, "Reconciling")?.status == .true)

        let resumed = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(suspended: false, previous: resuming),
            observation: .init(statefulSet: try Self.sts(replicas: 3, ready: 3), identities: identities),
            now: Self.t0.addingTimeInterval(120))
        #expect(resumed.phase == .ready)
        #expect(resumed.readyReplicas == 3)
        #expect(resumed.peers == suspended.peers, "the same peers come back")
    }
}
