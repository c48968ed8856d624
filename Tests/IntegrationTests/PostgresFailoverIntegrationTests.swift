import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// Failover end to end: the operator (in this process) on the envtest API server, the instance
/// managers and PostgreSQL 15 run by the process kubelet (`PostgresInstanceE2E`), three
/// instances with synchronous replication (`ANY 1`) and `failoverDelay: 5`, and one writer per
/// instance (`PostgresWriters`) inserting numbered rows while the primary's node fails:
///
/// - crashed (`ProcessKubelet.crash(pod:)`: every process killed, no restart): a replica is
///   promoted (`status.currentPrimary` moves, `status.promotions` records the LSNs), every
///   acknowledged commit is on the new primary; the node comes back (`restart(pod:)`) and the
///   old primary rejoins as a replica (role replica, pod label replica, not fenced once it
///   streams) that refuses writes;
/// - hung (`freeze(pod:)`: every process stopped; connections hang), thawed after the
///   promotion: at no moment did two instances acknowledge writes, the old primary fences
///   itself and rejoins the same way.
///
/// The write downtime (the longest gap between acknowledged commits from the fault on) is
/// printed (`write downtime after a crashed primary: 7.123 s`), never asserted: see
/// docs/benchmarks.md for the command.
@Suite("PostgresInstance failover with real PostgreSQL on envtest", .serialized)
struct PostgresFailoverIntegrationTests {
    /// Bounds on a hang only, never an expectation of speed: instances that initialise, clone
    /// and start on a loaded 2-core machine; one failover or rejoin; then single steps.
    static let instancesGuard = PostgresInstanceIntegrationTests.instancesGuard
    static let failoverGuard: Duration = .seconds(300)
    static let stepGuard = PostgresInstanceIntegrationTests.stepGuard
    /// How many commits the writers must have acknowledged before the fault: writing works.
    static let commitsBeforeFault = 20

    enum Fault: String {
        case crash = "a crashed primary"
        case freeze = "a hung primary"
    }

    static func manifest(namespace: String) -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: PostgresInstance
        metadata: {name: pg, namespace: \(namespace)}
        spec:
          postgresVersion: 15
          instances: 3
          failoverDelay: 5
          synchronous: {number: 1}
          storage: {size: 1Gi}
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
        """
    }

    /// The last entry of `status.promotions`, as JSON.
    static func lastPromotion(_ status: JSONValue?) -> JSONValue? { status?["promotions"]?.arrayValue?.last }

    /// The entry of `status.instancesStatus` for `pod`, as JSON.
    static func instanceStatus(_ status: JSONValue?, _ pod: String) -> JSONValue? {
        status?["instancesStatus"]?.arrayValue?.first { $0["name"]?.stringValue == pod }
    }

    @Test(
        "a crashed primary: a replica is promoted with every acknowledged commit, the old primary comes back as a replica that refuses writes",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .enabled(if: PostgresInstanceIntegrationTests.runnable, "\(PostgresInstanceIntegrationTests.skipReason)"))
    func crashedPrimary() async throws {
        try await failover(.crash)
    }

    @Test(
        "a hung primary: a replica is promoted, never two instances acknowledge writes at once, the thawed old primary fences itself and rejoins",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .enabled(if: PostgresInstanceIntegrationTests.runnable, "\(PostgresInstanceIntegrationTests.skipReason)"))
    func hungPrimary() async throws {
        try await failover(.freeze)
    }

    func failover(_ fault: Fault) async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager (kube-root-ca.crt)")
        _ = try await InstallManifestsTests.installCRDs(env)
        let ns = try await env.createNamespace("pgfo")
        let client = try IPFSClusterEnv.adminClient(env)
        let e2e = try await PostgresInstanceE2E.start(env: env, namespace: ns, client: client)
        defer { e2e.removeWorkDirectory() }
        let kubelet = e2e.kubelet
        let op = try e2e.startOperator()
        var writers: PostgresWriters?
        do {
            try await failover(fault, e2e: e2e, writers: &writers)
        } catch {
            _ = await writers?.stop()
            await op.stop()
            await kubelet.stop()
            throw error
        }
        _ = await writers?.stop()
        await op.stop()
        try await env.kubectlChecked(["delete", "pg", "pg", "-n", ns, "--wait=false"])
        await kubelet.stop()
    }

    private func failover(_ fault: Fault, e2e: PostgresInstanceE2E, writers writersOut: inout PostgresWriters?)
        async throws
    {
        let ns = e2e.namespace
        let kubelet = e2e.kubelet
        let client = e2e.client

        try await e2e.apply(Self.manifest(namespace: ns))
        let ready = await e2e.waitUntilReady("pg", instances: 3, hangGuard: Self.instancesGuard)
        if !ready { Issue.record("ready: \(await e2e.diagnostics("pg"))") }
        try #require(ready)
        let oldPrimary = try #require(await e2e.instance("pg")?.status?.currentPrimary)
        let oldPrimaryIP = try #require(await kubelet.podIP(namespace: ns, pod: oldPrimary))
        let credentials = try await e2e.credentials("pg")
        var result = try await e2e.psql(credentials, at: oldPrimaryIP, PostgresWriters.createTable)
        #expect(result.status == 0, "\(result.error)")

        // Synchronous replication is configured before the fault (the application's role cannot
        // read pg_stat_replication's details; that a standby confirms each commit shows in the
        // writers' acknowledgements, which return only once it has).
        let synchronous = await CoreTest.eventually(timeout: Self.stepGuard) {
            let r = try? await e2e.psql(credentials, at: oldPrimaryIP, "SHOW synchronous_standby_names")
            return r?.output.hasPrefix("ANY 1 (") == true
        }
        if !synchronous { Issue.record("synchronous: \(await e2e.diagnostics("pg"))") }
        try #require(synchronous)

        // One writer per instance; only the primary acknowledges.
        let instances = ["pg-1", "pg-2", "pg-3"]
        let writers = PostgresWriters(
            instances: instances, address: { await kubelet.podIP(namespace: ns, pod: $0) }, uri: credentials.uri,
            caFile: credentials.caFile)
        writersOut = writers
        writers.startWriting()
        let writing = await CoreTest.eventually(timeout: Self.stepGuard) {
            writers.log.acknowledged.count >= Self.commitsBeforeFault
        }
        #expect(writing, "\(writers.log)")
        #expect(writers.log.writers(since: .zero) == [oldPrimary], "only the primary acknowledges: \(writers.log)")

        // The fault.
        let managerPID = try #require(await kubelet.processID(namespace: ns, pod: oldPrimary, container: "postgres"))
        let faultAt = writers.elapsed()
        let hitProcesses: [Int32]
        switch fault {
        case .crash: hitProcesses = try await kubelet.crash(pod: oldPrimary)
        case .freeze: hitProcesses = try await kubelet.freeze(pod: oldPrimary)
        }
        #expect(hitProcesses.count > 2, "the instance manager, PostgreSQL and its processes: \(hitProcesses)")

        // A replica is promoted; the promotion record names both and their LSNs.
        let promoted = await CoreTest.eventually(timeout: Self.failoverGuard) {
            let current = await e2e.instance("pg")?.status?.currentPrimary
            return current != nil && current != oldPrimary
        }
        if !promoted { Issue.record("promoted: \(await e2e.diagnostics("pg"))") }
        try #require(promoted)
        let newPrimary = try #require(await e2e.instance("pg")?.status?.currentPrimary)
        let newPrimaryIP = try #require(await kubelet.podIP(namespace: ns, pod: newPrimary))
        let promotionsStatus = await e2e.statusJSON("pg")
        let promotion = Self.lastPromotion(promotionsStatus)
        #expect(
            promotionsStatus?["promotions"]?.arrayValue?.count == 1,
            "one failover, one record: \(String(describing: promotionsStatus?["promotions"]))")
        #expect(promotion?["from"]?.stringValue == oldPrimary, "\(String(describing: promotion))")
        #expect(promotion?["to"]?.stringValue == newPrimary)
        #expect(promotion?["reason"]?.stringValue == "Failover")
        #expect(promotion?["fromLSN"]?.stringValue?.contains("/") == true, "\(String(describing: promotion))")
        #expect(promotion?["toReceivedLSN"]?.stringValue?.contains("/") == true, "\(String(describing: promotion))")

        // Writes resume on the new primary.
        let resumed = await CoreTest.eventually(timeout: Self.failoverGuard) {
            writers.log.acknowledged.contains { $0.row.instance == newPrimary && $0.acknowledgedAt > faultAt }
        }
        if !resumed { Issue.record("resumed: \(writers.log) \(await e2e.diagnostics("pg"))") }

        // The node comes back: restarted after a crash, continued after a hang.
        switch fault {
        case .crash: try await kubelet.restart(pod: oldPrimary)
        case .freeze: try await kubelet.thaw(pod: oldPrimary)
        }

        // The old primary rejoins: a streaming replica, labelled replica, no longer fenced.
        let rejoined = await CoreTest.eventually(timeout: Self.failoverGuard) {
            let status = await e2e.statusJSON("pg")
            let entry = Self.instanceStatus(status, oldPrimary)
            let fencedList = status?["fencedInstances"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let label = try? await client.get(Pod.self, name: oldPrimary, namespace: ns).metadata.labels?[
                "quartermaster.dev/role"]
            return entry?["role"]?.stringValue == "replica" && entry?["fenced"]?.boolValue != true
                && !fencedList.contains(oldPrimary) && label == "replica"
        }
        if !rejoined { Issue.record("rejoined: \(await e2e.diagnostics("pg"))") }
        #expect(rejoined)
        if fault == .freeze {
            // It fenced itself: the same instance manager process (not restarted by the kubelet)
            // killed the PostgreSQL that was frozen with it, and runs a new one.
            #expect(await kubelet.processID(namespace: ns, pod: oldPrimary, container: "postgres") == managerPID)
            let survivors = hitProcesses.filter { $0 != managerPID && ProcessKubelet.isAlive(pid: $0) }
            #expect(survivors.isEmpty, "processes of the frozen primary still alive: \(survivors)")
        }
        let oldPrimaryAddress = try #require(await kubelet.podIP(namespace: ns, pod: oldPrimary))
        // It streams from the new primary: a row written there now shows on it.
        result = try await e2e.psql(
            credentials, at: newPrimaryIP, "INSERT INTO \(PostgresWriters.table) (instance, seq) VALUES ('marker', 1)")
        #expect(result.status == 0, "\(result.error)")
        let streaming = await CoreTest.eventually(timeout: Self.stepGuard) {
            let r = try? await e2e.psql(
                credentials, at: oldPrimaryAddress,
                "SELECT count(*) FROM \(PostgresWriters.table) WHERE instance = 'marker'")
            return r?.output == "1"
        }
        #expect(streaming, "the old primary streams from the new one")
        result = try await e2e.psql(
            credentials, at: oldPrimaryAddress,
            "INSERT INTO \(PostgresWriters.table) (instance, seq) VALUES ('probe', 1)")
        #expect(result.status != 0 && result.error.contains("read-only"), "\(result.error)")

        // Stop writing; every acknowledged commit is on the new primary; one writer at a time.
        let log = await writers.stop()
        result = try await e2e.psql(credentials, at: newPrimaryIP, PostgresWriters.rowsQuery)
        #expect(result.status == 0, "\(result.error)")
        let present = PostgresWriters.rows(result.output)
        let lost = log.lost(present: present)
        #expect(!log.acknowledged.isEmpty)
        #expect(lost.isEmpty, "acknowledged commits missing on the new primary \(newPrimary): \(lost)")
        let concurrent = log.concurrentWriters(since: faultAt)
        #expect(
            concurrent == nil,
            "two instances acknowledged writes at once after the fault: \(String(describing: concurrent)) \(log.writingIntervals(since: faultAt))"
        )
        #expect(log.writers(since: faultAt).allSatisfy { $0 == newPrimary || $0 == oldPrimary })

        // The figure: printed, never asserted.
        let downtime = log.downtime(after: faultAt).map(PostgresWriteLog.seconds) ?? "writes did not resume"
        print(
            "write downtime after \(fault.rawValue): \(downtime) (failoverDelay 5 s; \(log.acknowledged.count) commits acknowledged, \(log.unconfirmed.count) unconfirmed; \(oldPrimary) -> \(newPrimary))"
        )
    }
}
