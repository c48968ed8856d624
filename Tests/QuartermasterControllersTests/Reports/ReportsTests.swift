import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `resources`, `tenant` and `why` as tables: objects in, lines out (no I/O).
@Suite struct ReportsTests {
    static let now = Date(timeIntervalSince1970: 1_796_378_400 + 300)  // 2026-12-04T10:05:00Z

    static func resource(
        _ name: String, namespace: String = "acme", template: String = "small-storage", phase: ResourcePhase?,
        progress: Int? = nil, stages: [ResourceStageState] = [], stageMessage: String? = nil,
        conditions: [Condition] = []
    ) -> Resource {
        var metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.creationTimestamp = "2026-12-04T10:00:00Z"
        let stageList = zip(ResourceStageName.allCases, stages).map { n, s in
            ResourceStage(name: n, state: s, message: s == .done ? nil : stageMessage)
        }
        let status = phase.map {
            ResourceStatus(phase: $0, progress: progress, stages: stageList.isEmpty ? nil : stageList, conditions: conditions)
        }
        return Resource(metadata: metadata, spec: ResourceSpec(template: template), status: status)
    }

    static func tenant(_ name: String, namespace: String? = nil) -> Tenant {
        Tenant(metadata: ObjectMeta(name: name), spec: TenantSpec(namespace: namespace))
    }

    static func condition(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String = "") -> Condition {
        Condition(type: type, status: status, reason: reason, message: message.isEmpty ? nil : message)
    }

    @Test func resourcesAcrossTenantsSortedWithTheirStage() {
        let lines = ResourcesReport.render(
            resources: [
                Self.resource("web", namespace: "beta-ns", template: "ipfs-cluster-small", phase: .ready, progress: 100,
                    stages: Array(repeating: .done, count: 6)),
                Self.resource("files", phase: .provisioning, progress: 80, stages: [.done, .done, .done, .done, .inProgress, .pending]),
                Self.resource("big", phase: .failed, progress: 20, stages: [.done, .failed, .pending, .pending, .pending, .pending]),
                Self.resource("stray", namespace: "other", phase: nil),
            ],
            tenants: [Self.tenant("acme"), Self.tenant("beta", namespace: "beta-ns")], now: Self.now, style: .plain)
        #expect(lines == [
            "TENANT  NAMESPACE  NAME   TEMPLATE            PHASE         PROGRESS  STAGE                AGE",
            "-       other      stray  small-storage       Unknown                                      5m",
            "acme    acme       big    small-storage       Failed        20%       Allocating (Failed)  5m",
            "acme    acme       files  small-storage       Provisioning  80%       Verifying            5m",
            "beta    beta-ns    web    ipfs-cluster-small  Ready         100%      Complete             5m",
        ])
        #expect(ResourcesReport.render(resources: [], tenants: [], now: Self.now, style: .plain) == ["No resources found."])
    }

    @Test func onATerminalTheSameTextWithColour() {
        let resources = [Self.resource("big", phase: .failed, progress: 20)]
        let plain = ResourcesReport.render(resources: resources, tenants: [], now: Self.now, style: .plain)
        let decorated = ResourcesReport.render(resources: resources, tenants: [], now: Self.now, style: .terminal)
        #expect(decorated[1].contains("\u{1B}[31mFailed\u{1B}[0m"))
        #expect(decorated[0].contains("\u{1B}[1mTENANT\u{1B}[0m"))
        let stripped = decorated.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        #expect(stripped == plain)
    }

    @Test(arguments: [
        ("age", "2026-12-04T10:04:15Z", "45s"), ("age", "2026-12-04T09:00:00Z", "65m"), ("age", "2026-12-03T10:05:00Z", "24h"),
        ("age", "2026-11-30T10:05:00Z", "4d"), ("age", "not a time", "<unknown>"),
    ])
    func ages(_: String, timestamp: String, age: String) {
        #expect(ReportAge.age(of: timestamp, now: Self.now) == age)
    }

    static func pod(
        _ name: String, phase: String, nodeName: String? = "node-1", conditions: [PodCondition] = [],
        containers: [ContainerStatus] = []
    ) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: name, namespace: "acme"), spec: PodSpec(containers: []))
        pod.spec?.nodeName = nodeName
        var status = PodStatus()
        status.phase = phase
        status.conditions = conditions
        status.containerStatuses = containers
        pod.status = status
        return pod
    }

    static func container(_ name: String, ready: Bool, state: JSONValue? = nil, lastState: JSONValue? = nil) -> ContainerStatus {
        var c = ContainerStatus(name: name, ready: ready, restartCount: 0)
        c.state = state
        c.lastState = lastState
        return c
    }

    @Test func aPodsFirstProblem() {
        let unscheduled = WhyReport.node(
            pod: Self.pod(
                "a", phase: "Pending", nodeName: nil,
                conditions: [PodCondition(type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes: insufficient cpu")]))
        #expect(unscheduled.problem?.reason == "Unschedulable")
        #expect(unscheduled.problem?.message == "0/3 nodes: insufficient cpu")
        #expect(WhyReport.node(pod: Self.pod("b", phase: "Pending", nodeName: nil)).problem?.reason == "NotScheduled")
        let pulling = WhyReport.node(
            pod: Self.pod(
                "c", phase: "Pending",
                containers: [Self.container("ipfs", ready: false, state: .object(["waiting": .object(["reason": .string("ImagePullBackOff"), "message": .string("no such image")])]))]))
        #expect(pulling.problem?.reason == "ImagePullBackOff")
        #expect(pulling.problem?.message == "container ipfs: no such image")
        let crashed = WhyReport.node(
            pod: Self.pod(
                "d", phase: "Running",
                containers: [Self.container("cluster", ready: false, state: .object(["running": .object([:])]),
                    lastState: .object(["terminated": .object(["exitCode": .int(1), "reason": .string("Error")])]))]))
        #expect(crashed.problem?.reason == "Error")
        #expect(crashed.problem?.message == "container cluster exited 1")
        let ready = WhyReport.node(
            pod: Self.pod(
                "e", phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")],
                containers: [Self.container("ipfs", ready: true)]))
        #expect(ready.problem == nil)
        let notReady = WhyReport.node(pod: Self.pod("f", phase: "Running", containers: [Self.container("ipfs", ready: false)]))
        #expect(notReady.problem?.message == "containers not ready: ipfs")
    }

    @Test func theChainAndItsCauses() {
        let failed = Self.resource(
            "big", phase: .failed, progress: 20, stages: [.done, .failed, .pending, .pending, .pending, .pending],
            stageMessage: "quota exceeded",
            conditions: [Self.condition("Ready", .false, "QuotaExceeded", "quota exceeded"), Self.condition("Stalled", .true, "QuotaExceeded", "quota exceeded: requests.cpu")])
        let waiting = Self.resource(
            "files", phase: .provisioning, progress: 80, stages: [.done, .done, .done, .done, .inProgress, .pending],
            stageMessage: "waiting for workloads", conditions: [Self.condition("Ready", .true, "Ready")])
        let pod = WhyReport.Node(title: "Pod acme/files-0", state: "Pending", problem: ("Unschedulable", "no nodes"))
        let cluster = WhyReport.Node(title: "IPFSCluster acme/files", state: "Provisioning", problem: ("RollingOut", "0/1 peers ready"), children: [pod])
        let root = WhyReport.Node(
            title: "Tenant acme", state: "Ready", problem: nil,
            children: [WhyReport.node(resource: failed), WhyReport.node(resource: waiting, children: [cluster])])
        #expect(WhyReport.render(root, style: .plain) == [
            "Tenant acme [Ready] ok",
            "├─ Resource acme/big [Failed 20%, stage Allocating] QuotaExceeded: quota exceeded: requests.cpu",
            "└─ Resource acme/files [Provisioning 80%, stage Verifying] Verifying: waiting for workloads",
            "   └─ IPFSCluster acme/files [Provisioning] RollingOut: 0/1 peers ready",
            "      └─ Pod acme/files-0 [Pending] Unschedulable: no nodes",
            "",
            "Cause: Resource acme/big: QuotaExceeded: quota exceeded: requests.cpu",
            "Cause: Pod acme/files-0: Unschedulable: no nodes",
        ])
        let healthy = WhyReport.Node(title: "IPFSCluster acme/ok", state: "Ready", problem: nil)
        #expect(WhyReport.render(healthy, style: .plain).last == "Cause: none found: IPFSCluster acme/ok and what it owns report no problem.")
        #expect(WhyReport.problem([]).map(\.reason) == "NoStatus")
    }

    @Test(arguments: [
        ("resource", WhyInvestigation.Kind.resource), ("Resources", .resource), ("res", .resource),
        ("resources.quartermaster.dev", .resource), ("ipfs", .ipfsCluster), ("pg", .postgresInstance),
        ("deploy", .deployment), ("deployments.quartermaster.dev", .deployment), ("tenant", .tenant),
    ])
    func kindsAsTyped(argument: String, kind: WhyInvestigation.Kind) {
        #expect(WhyInvestigation.Kind(argument: argument) == kind)
    }

    @Test func unknownKindsAndOtherGroupsAreRefused() {
        #expect(WhyInvestigation.Kind(argument: "pod") == nil)
        #expect(WhyInvestigation.Kind(argument: "deployments.apps") == nil)
    }

    @Test func aTenantAsATree() {
        var tenant = Self.tenant("acme")
        tenant.spec.tier = .free
        tenant.status = TenantStatus(
            namespace: "acme",
            quota: TenantQuotaStatus(hard: ["requests.cpu": "2", "requests.storage": "20Gi"], used: ["requests.cpu": "1900m", "requests.storage": "6Gi"]),
            conditions: [Self.condition("Ready", .true, "Ready", "namespace acme is ready"), Self.condition("Stalled", .false, "Ready")])
        var event = Event(
            metadata: ObjectMeta(name: "e1", namespace: "acme"),
            involvedObject: ObjectReference(kind: "Resource", name: "big"))
        event.type = "Warning"
        event.reason = "QuotaExceeded"
        event.message = "quota exceeded"
        event.lastTimestamp = "2026-12-04T10:04:00Z"
        let lines = TenantReport.render(
            tenant: tenant,
            resources: [Self.resource("files", phase: .provisioning, progress: 80, stages: [.done, .done, .done, .done, .inProgress, .pending], stageMessage: "waiting")],
            events: [event], now: Self.now, style: .plain)
        #expect(lines == [
            "Tenant acme: Ready (namespace acme, tier free)",
            "├─ Conditions",
            "│  ├─ Ready    True   Ready  namespace acme is ready",
            "│  └─ Stalled  False  Ready",
            "├─ Quota",
            "│  ├─ requests.cpu      1900m / 2   95%",
            "│  └─ requests.storage  6Gi / 20Gi  30%",
            "├─ Resources (1)",
            "│  └─ files  small-storage  Provisioning  80%  Verifying: waiting",
            "└─ Events (newest 8)",
            "   └─ 60s  Warning  QuotaExceeded  Resource big  quota exceeded",
        ])
        let decorated = TenantReport.render(tenant: tenant, resources: [], events: [], now: Self.now, style: .terminal)
        #expect(decorated.contains { $0.contains("\u{1B}[31m95%\u{1B}[0m") }, "a quota nearly used is red")
    }
}
