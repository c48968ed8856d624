import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Synchronization
import Testing

/// Instance managers played by the test: each pod IP answers the report set for it, or not at
/// all once ``silence(_:)`` was called (the instance manager is down or unreachable).
final class ScriptedInstanceManagers: InstanceStatusClient {
    private let reports = Mutex<[String: InstanceReport]>([:])
    struct NoAnswer: Error {}
    func set(_ podIP: String, _ report: InstanceReport) { reports.withLock { $0[podIP] = report } }
    func silence(_ podIP: String) { _ = reports.withLock { $0.removeValue(forKey: podIP) } }
    func report(podIP: String) async throws -> InstanceReport {
        guard let r = reports.withLock({ $0[podIP] }) else { throw NoAnswer() }
        return r
    }
}

/// Failover, switchover and disk growth against a real API server (envtest). The test plays the
/// kubelet (pod IPs, Ready), the volume binder (claims Bound) and the instance managers (their
/// reports); the reconciler's failover clock is a manual clock the test advances. Which pod the
/// `-rw` Service sends to is read from the stored Service selector and pod labels.
@Suite("PostgresInstance failover on envtest", .serialized)
struct PostgresInstanceFailoverIntegrationTests {
    /// Bounds every wait: only a hang reaches it.
    static let hangGuard = Duration.seconds(120)
    /// The spec's failoverDelay, on the reconciler's manual clock.
    static let failoverDelay = Duration.seconds(5)

    struct Operator {
        var client: KubeClient
        var reports: ScriptedInstanceManagers
        var clock: ManualClock
        var registry: PrometheusCollectorRegistry
        var task: Task<Void, any Error>
    }

    func start(_ env: EnvTest, namespace: String) async throws -> Operator {
        for crd in ["postgresinstances", "tenants"] {
            let yaml = try String(
                contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/quartermaster.dev_\(crd).yaml", encoding: .utf8)
            try await env.installCRD(yaml: yaml)
        }
        let operatorClient = try KubeClient(configuration: env.clientConfiguration(user: .certAdmin), identity: .quartermaster)
        let registry = PrometheusCollectorRegistry()
        let manager = Manager(
            client: operatorClient,
            options: ManagerOptions(
                operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                leaderElection: false, gracefulShutdownTimeout: .seconds(10), handleSignals: false),
            registry: registry, logger: Logger(label: "it.manager"))
        let reports = ScriptedInstanceManagers()
        let clock = ManualClock()
        var settings = ControllerSettings(
            namespaces: [namespace], registry: registry, events: manager.makeEventRecorder(component: "quartermaster"),
            logger: Logger(label: "it.postgres"), operatorNamespace: "default",
            postgresOperatorImage: "example.org/quartermaster:it", instanceStatusClient: reports)
        settings.postgresClock = clock
        manager.add(PostgresInstanceController.make(cache: manager.cache, settings: settings))
        let task = Task { try await manager.run() }
        return Operator(
            client: try IPFSClusterEnv.adminClient(env), reports: reports, clock: clock, registry: registry, task: task)
    }

    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    /// Plays the kubelet for `pod`: an IP and the Ready condition.
    func run(_ client: KubeClient, _ pod: String, _ namespace: String, ip: String, ready: Bool = true) async throws {
        guard var p = try await get(client, Pod.self, pod, namespace) else { throw EventuallyTimedOut(what: "pod \(pod)") }
        p.status = PodStatus(
            phase: "Running", conditions: [PodCondition(type: "Ready", status: ready ? "True" : "False")], podIP: ip)
        _ = try await client.replaceStatus(p)
    }

    func role(_ client: KubeClient, _ pod: String, _ namespace: String) async throws -> String? {
        try await get(client, Pod.self, pod, namespace)?.metadata.labels?[PostgresInstanceLabels.roleKey]
    }

    func status(_ client: KubeClient, _ namespace: String) async throws -> PostgresInstanceStatus? {
        try await get(client, PostgresInstance.self, "pg", namespace)?.status
    }

    func eventReasons(_ client: KubeClient, _ namespace: String) async throws -> [String: String] {
        let events = try await client.list(Event.self, namespace: namespace).items
        return Dictionary(
            events.filter { $0.involvedObject.name == "pg" }.compactMap { e in e.reason.map { ($0, e.message ?? "") } },
            uniquingKeysWith: { a, _ in a })
    }

    /// The pods the `-rw` Service selects: its stored selector applied to the stored pods (what
    /// the Endpoints controller does; the test plays the kubelet, so the Endpoints themselves are
    /// not asserted).
    func readWriteSelects(_ client: KubeClient, _ namespace: String) async throws -> [String] {
        guard let selector = try await get(client, Service.self, "pg-rw", namespace)?.spec?.selector, !selector.isEmpty else {
            return []
        }
        let pods = try await client.list(Pod.self, namespace: namespace).items
        return pods.filter { pod in
            let labels = pod.metadata.labels ?? [:]
            return selector.allSatisfy { labels[$0.key] == $0.value }
        }.compactMap(\.metadata.name).sorted()
    }

    /// Runs the built `quartermaster` binary (`.build/debug/quartermaster`); its status and output.
    func runCLI(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let binary = IPFSClusterEnv.repositoryRoot + "/.build/debug/quartermaster"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the package first: \(binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
        await process.exited()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    func replica(_ serial: Int, received: String, streaming: Bool = true) -> InstanceReport {
        InstanceReport(
            pod: "pg-\(serial)", role: "replica", ready: streaming, timeline: 1, lsn: received, receivedLsn: received,
            postgresVersion: 16, streaming: streaming)
    }

    func primary(_ serial: Int, lsn: String, timeline: Int = 1) -> InstanceReport {
        InstanceReport(pod: "pg-\(serial)", role: "primary", ready: true, timeline: timeline, lsn: lsn, postgresVersion: 16)
    }

    @Test(
        "the primary fails: fenced after failoverDelay, the most advanced replica promoted, -rw follows; switchover by annotation",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func failoverAndSwitchover() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("pg-failover")
        let op = try await start(env, namespace: ns)
        defer { op.task.cancel() }
        let client = op.client
        func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
            try await IntegrationTests.eventually(what, timeout: Self.hangGuard, condition)
        }

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata:
                  name: pg
                  namespace: \(ns)
                spec:
                  instances: 3
                  failoverDelay: 5
                """)
        try await eventually("pod pg-1 created") { try await get(client, Pod.self, "pg-1", ns) != nil }
        let instanceRole = try #require(try await get(client, Role.self, "pg-instance", ns))
        #expect(instanceRole.rules?.contains { $0.resources == ["leases"] && $0.resourceNames == ["pg-primary"] } == true)
        op.reports.set("10.0.7.1", primary(1, lsn: "0/5000060"))
        try await run(client, "pg-1", ns, ip: "10.0.7.1")
        try await eventually("replicas created") {
            let second = try await get(client, Pod.self, "pg-2", ns)
            let third = try await get(client, Pod.self, "pg-3", ns)
            return second != nil && third != nil
        }
        op.reports.set("10.0.7.2", replica(2, received: "0/5000000"))
        op.reports.set("10.0.7.3", replica(3, received: "0/5000060"))
        try await run(client, "pg-2", ns, ip: "10.0.7.2")
        try await run(client, "pg-3", ns, ip: "10.0.7.3")
        try await eventually("Ready with pg-1 primary") {
            let s = try await status(client, ns)
            return s?.phase == .ready && s?.currentPrimary == "pg-1"
        }
        try await eventually("-rw selects pg-1") { try await readWriteSelects(client, ns) == ["pg-1"] }

        // pg-1's instance manager stops answering; the kubelet's probe marks the pod not ready.
        op.reports.silence("10.0.7.1")
        try await run(client, "pg-1", ns, ip: "10.0.7.1", ready: false)
        try await eventually("Degraded: the unhealthy primary is being timed") { try await status(client, ns)?.phase == .degraded }
        #expect(try await status(client, ns)?.targetPrimary == "pg-1", "no failover before failoverDelay")
        #expect(try await role(client, "pg-1", ns) == "primary")

        op.clock.advance(by: Self.failoverDelay)
        try await eventually("failing over to pg-3 (most advanced receivedLsn)") {
            let s = try await status(client, ns)
            return s?.targetPrimary == "pg-3" && s?.phase == .failingOver && s?.fencedInstances == ["pg-1"]
        }
        let failing = try #require(try await status(client, ns))
        #expect(failing.currentPrimary == "pg-1")
        #expect(failing.targetPrimaryTimestamp != nil)
        let promotion = try #require(failing.promotions?.last)
        #expect(promotion.reason == .failover)
        #expect(promotion.from == "pg-1" && promotion.to == "pg-3")
        #expect(promotion.toReceivedLSN == "0/5000060")
        #expect(promotion.fromLSN == "0/5000060")
        try await eventually("pg-1 labelled fenced") { try await role(client, "pg-1", ns) == "fenced" }
        try await eventually("events FailingOver and Promoted") {
            let reasons = try await eventReasons(client, ns)
            return reasons["FailingOver"] != nil && reasons["Promoted"] != nil
        }
        #expect(
            try await eventReasons(client, ns)["Promoted"]
                == "pg-3 promoted (received 0/5000060); pg-1 fenced, last seen at 0/5000060")
        try await eventually("-rw selects nobody while no instance is primary") { try await readWriteSelects(client, ns) == [] }

        // pg-3 acquires the lease and promotes: its manager reports primary.
        op.reports.set("10.0.7.3", primary(3, lsn: "0/5000100", timeline: 2))
        op.reports.set("10.0.7.2", replica(2, received: "0/5000100"))
        try await eventually("pg-3 confirmed primary") {
            let s = try await status(client, ns)
            return s?.currentPrimary == "pg-3" && s?.phase != .failingOver
        }
        try await eventually("pg-3 labelled primary") { try await role(client, "pg-3", ns) == "primary" }
        try await eventually("-rw follows to pg-3") { try await readWriteSelects(client, ns) == ["pg-3"] }

        // pg-1 rewinds and rejoins as a streaming replica: unfenced.
        op.reports.set("10.0.7.1", replica(1, received: "0/5000100"))
        try await run(client, "pg-1", ns, ip: "10.0.7.1")
        try await eventually("pg-1 unfenced") {
            let s = try await status(client, ns)
            return s?.fencedInstances == nil && s?.phase == .ready
        }
        try await eventually("pg-1 labelled replica") { try await role(client, "pg-1", ns) == "replica" }

        // Switchover to pg-2: the built CLI writes the annotation.
        let cli = try await runCLI(["switchover", "pg", "--to", "pg-2", "-n", ns, "--kubeconfig", env.kubeconfigPath(for: .admin)])
        #expect(cli.status == 0, "\(cli.output)")
        let request = try #require(
            try await get(client, PostgresInstance.self, "pg", ns)?.metadata.annotations?[PostgresFailoverPlan.switchoverAnnotation])
        #expect(request.hasPrefix("pg-2@"))
        try await eventually("switching over to pg-2") {
            let s = try await status(client, ns)
            return s?.targetPrimary == "pg-2" && s?.lastSwitchoverRequest == request
        }
        let switching = try #require(try await status(client, ns))
        #expect(switching.promotions?.last?.reason == .switchover)
        #expect(switching.fencedInstances == nil, "a switchover fences nobody")
        op.reports.set("10.0.7.3", replica(3, received: "0/5000200"))
        op.reports.set("10.0.7.2", primary(2, lsn: "0/5000200", timeline: 3))
        try await eventually("pg-2 confirmed primary") {
            let s = try await status(client, ns)
            return s?.currentPrimary == "pg-2" && s?.phase == .ready
        }
        try await eventually("labels follow the switchover") {
            let second = try await role(client, "pg-2", ns)
            let third = try await role(client, "pg-3", ns)
            return second == "primary" && third == "replica"
        }
        try await eventually("-rw follows to pg-2") { try await readWriteSelects(client, ns) == ["pg-2"] }
        #expect(try await eventReasons(client, ns)["SwitchingOver"] != nil)
    }

    @Test(
        "a full volume: the claim grows up to maxSize where the class allows it, DiskPressure and a Warning where it cannot",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func diskGrowth() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("pg-disk")
        let op = try await start(env, namespace: ns)
        defer { op.task.cancel() }
        let client = op.client
        func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
            try await IntegrationTests.eventually(what, timeout: Self.hangGuard, condition)
        }
        let expandable = "qm-expandable-\(ns)", fixed = "qm-fixed-\(ns)"
        for (name, allow) in [(expandable, true), (fixed, false)] {
            _ = try await client.create(
                StorageClass(metadata: ObjectMeta(name: name), provisioner: "example.org/none", allowVolumeExpansion: allow))
        }
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata:
                  name: pg
                  namespace: \(ns)
                spec:
                  instances: 1
                  storage: {size: 1Gi, storageClassName: \(expandable), maxSize: 3Gi}
                  walStorage: {size: 1Gi, storageClassName: \(fixed), maxSize: 2Gi}
                """)
        try await eventually("claims and pod created") {
            let data = try await get(client, PersistentVolumeClaim.self, "pg-1", ns)
            let wal = try await get(client, PersistentVolumeClaim.self, "pg-1-wal", ns)
            let pod = try await get(client, Pod.self, "pg-1", ns)
            return data != nil && wal != nil && pod != nil
        }
        // Plays the volume binder: a claim can only be resized once bound.
        for name in ["pg-1", "pg-1-wal"] {
            var claim = try #require(try await get(client, PersistentVolumeClaim.self, name, ns))
            claim.status = PersistentVolumeClaimStatus(phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: ["storage": "1Gi"])
            _ = try await client.replaceStatus(claim)
        }
        let gi: Int64 = 1 << 30
        var report = primary(1, lsn: "0/3000000")
        report.dataVolume = PostgresVolumeUsage(usedBytes: gi * 9 / 10, capacityBytes: gi)
        report.walVolume = PostgresVolumeUsage(usedBytes: gi * 19 / 20, capacityBytes: gi)
        op.reports.set("10.0.8.1", report)
        try await run(client, "pg-1", ns, ip: "10.0.8.1")

        try await eventually("the data claim grown to 2Gi") {
            try await get(client, PersistentVolumeClaim.self, "pg-1", ns)?.spec?.resources?.requests?["storage"] == "2Gi"
        }
        try await eventually("DiskPressure CannotExpand (the WAL class does not expand)") {
            let c = try await status(client, ns)?.conditions?[type: PostgresDiskPlan.condition]
            return c?.status == .true && c?.reason == "CannotExpand"
        }
        let condition = try #require(try await status(client, ns)?.conditions?[type: PostgresDiskPlan.condition])
        #expect(condition.message?.contains("pg-1-wal") == true)
        #expect(condition.message?.contains("pg-1 90% used, growing") == true)
        #expect(try await get(client, PersistentVolumeClaim.self, "pg-1-wal", ns)?.spec?.resources?.requests?["storage"] == "1Gi")
        try await eventually("a Warning event CannotExpand") { try await eventReasons(client, ns)["CannotExpand"] != nil }
        let entry = try #require(try await status(client, ns)?.instancesStatus?.first)
        #expect(entry.dataVolume?.capacityBytes == gi)
        #expect(entry.walVolume?.usedBytes == gi * 19 / 20)
        let metrics = op.registry.emitToString()
        #expect(metrics.contains(#"quartermaster_postgres_volume_used_bytes{namespace="\#(ns)",name="pg",pod="pg-1",volume="data"}"#))
        #expect(metrics.contains("quartermaster_postgres_volume_capacity_bytes"))

        // The file system grew: no second growth while it is below 80%.
        report.dataVolume = PostgresVolumeUsage(usedBytes: gi * 9 / 10, capacityBytes: 2 * gi)
        report.walVolume = PostgresVolumeUsage(usedBytes: gi / 10, capacityBytes: gi)
        op.reports.set("10.0.8.1", report)
        op.reports.set("10.0.8.2", report)
        try await run(client, "pg-1", ns, ip: "10.0.8.2")  // a pod change: the operator reconciles
        try await eventually("DiskPressure False") {
            try await status(client, ns)?.conditions?[type: PostgresDiskPlan.condition]?.reason == "VolumesHealthy"
        }
        #expect(try await get(client, PersistentVolumeClaim.self, "pg-1", ns)?.spec?.resources?.requests?["storage"] == "2Gi")
    }
}
