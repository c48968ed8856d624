import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Synchronization

/// The real operator (every controller of `QuartermasterControllerSet`) in a task, against an
/// envtest control plane, scoped to one namespace. It talks as `cert-admin` (the client
/// certificate), so its requests are told apart from the test's kubectl (`admin`) in the audit
/// log; the client's observer also counts every write it sends.
final class IPFSClusterOperatorHarness: RunningOperator {
    let manager: Manager
    let client: KubeClient
    let task: Task<Void, any Error>
    private let sentWrites: WriteLog
    let events: EventRecorder

    private init(
        manager: Manager, client: KubeClient, task: Task<Void, any Error>, sentWrites: WriteLog, events: EventRecorder
    ) {
        self.events = events
        self.manager = manager
        self.client = client
        self.task = task
        self.sentWrites = sentWrites
    }

    /// Writes (methods other than GET) the operator's client has sent, with their status code.
    var writes: [String] { sentWrites.recorded.withLock { $0 } }

    /// - Parameters:
    ///   - namespace: the namespace watched, with `otherNamespaces`.
    ///   - operatorNamespace: the operator's own namespace (where host claims are kept). Default
    ///     `nil`: `default`.
    ///   - imageDigestResolver: how image tags are resolved. Default `nil`: the operator's own
    ///     registry client (tests that name images by digest never reach it).
    ///   - configure: changes the settings before the controllers are made (flags, clocks).
    static func start(
        env: EnvTest, namespace: String, otherNamespaces: [String] = [], operatorNamespace: String? = nil,
        imageDigestResolver: (any ImageDigestResolving)? = nil,
        configure: (inout ControllerSettings) -> Void = { _ in }
    ) throws -> IPFSClusterOperatorHarness {
        let box = WriteLog()
        let client = try KubeClient(configuration: env.clientConfiguration(user: .certAdmin), identity: .quartermaster) {
            method, code, _ in
            if method != "GET" { box.append("\(method) \(code)") }
        }
        let registry = PrometheusCollectorRegistry()
        let options = ManagerOptions(
            operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
            leaderElection: false,
            gracefulShutdownTimeout: .seconds(10), handleSignals: false)
        let manager = Manager(client: client, options: options, registry: registry, logger: Logger(label: "it.manager"))
        let events = manager.makeEventRecorder(component: "quartermaster")
        var settings = ControllerSettings(
            namespaces: [namespace] + otherNamespaces, registry: registry, events: events,
            logger: Logger(label: "it.ipfscluster"), operatorNamespace: operatorNamespace)
        settings.imageDigestResolver = imageDigestResolver
        configure(&settings)
        for runnable in QuartermasterControllerSet.make(cache: manager.cache, settings: settings) { manager.add(runnable) }
        let task = Task { try await manager.run() }
        return IPFSClusterOperatorHarness(manager: manager, client: client, task: task, sentWrites: box, events: events)
    }


    /// The writes the client's observer saw.
    final class WriteLog: Sendable {
        let recorded = Mutex<[String]>([])
        func append(_ s: String) { recorded.withLock { $0.append(s) } }
    }
}

struct EventuallyTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for: \(what)" }
}

/// Polls `condition` every 250 ms until it holds; throws `EventuallyTimedOut` after `timeout`,
/// a hang guard (default 300 s): with several control planes and PostgreSQL servers sharing two
/// busy cores, one API write has been seen to take 4 s, so a first pod can take minutes.
func eventually(
    _ what: String, timeout: Duration = .seconds(300), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if (try? await condition()) == true { return }
        if ContinuousClock.now >= deadline { throw EventuallyTimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(250))
    }
}

/// Test-side helpers over the envtest control plane.
enum IPFSClusterEnv {
    /// The repository root (this file is `Tests/IntegrationTests/<file>`).
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Installs the IPFSCluster CRD and waits until it is established.
    static func installCRD(_ env: EnvTest) async throws {
        let yaml = try String(
            contentsOfFile: "\(repositoryRoot)/crds/quartermaster.dev_ipfsclusters.yaml", encoding: .utf8)
        try await env.installCRD(yaml: yaml)
    }

    /// A client for the test's own reads (admin token).
    static func adminClient(_ env: EnvTest) throws -> KubeClient {
        try KubeClient(configuration: env.clientConfiguration())
    }

    /// Audit log entries of `user` in `namespace` with a writing verb, from line `fromLine` on.
    static func auditedWrites(_ env: EnvTest, user: String, namespace: String, fromLine: Int) throws -> [String] {
        let lines = try auditLines(env)
        guard fromLine < lines.count else { return [] }
        var out: [String] = []
        for line in lines[fromLine...] {
            guard let json = try? KubeJSON.decode(JSONValue.self, from: Data(line.utf8)),
                json.value(at: "user", "username")?.stringValue == user,
                json.value(at: "objectRef", "namespace")?.stringValue == namespace,
                let verb = json["verb"]?.stringValue, ["create", "update", "patch", "delete"].contains(verb)
            else { continue }
            let resource = json.value(at: "objectRef", "resource")?.stringValue ?? ""
            let name = json.value(at: "objectRef", "name")?.stringValue ?? ""
            let sub = json.value(at: "objectRef", "subresource")?.stringValue.map { "/\($0)" } ?? ""
            out.append("\(verb) \(resource)/\(name)\(sub)")
        }
        return out
    }

    static func auditLines(_ env: EnvTest) throws -> [Substring] {
        let text = try String(contentsOfFile: env.auditLogPath, encoding: .utf8)
        return text.split(separator: "\n")
    }

    /// Marks every pod of instance `name` ready that is not yet (plays the kubelet).
    static func markPodsReady(_ env: EnvTest, client: KubeClient, instance: String, namespace: String) async throws {
        let pods = try await client.list(
            Pod.self, namespace: namespace, options: ListOptions(labelSelector: "app.kubernetes.io/instance=\(instance)")
        ).items
        for pod in pods where pod.metadata.deletionTimestamp == nil {
            let ready = pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
            if !ready, let podName = pod.metadata.name {
                try await env.markPodReady(name: podName, namespace: namespace)
            }
        }
    }
}

/// An operator (a `Manager` and its controllers) that a test started in a task.
protocol RunningOperator: Sendable {
    var manager: Manager { get }
    var task: Task<Void, any Error> { get }
    var events: EventRecorder { get }
}

extension RunningOperator {
    /// Waits until every cache has synced.
    func waitUntilSynced(timeout: Duration = .seconds(60)) async throws {
        try await eventually("operator caches synced", timeout: timeout) {
            let checks = manager.readiness()
            return !checks.isEmpty && checks.allSatisfy(\.ready)
        }
    }

    /// Shuts the manager down, waits for it, and waits until its recorded Events are written.
    func stop() async {
        manager.shutdown()
        _ = try? await task.value
        await events.flush()
    }
}
