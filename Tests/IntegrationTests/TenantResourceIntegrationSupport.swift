import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers

/// The three Quartermaster controllers (Tenant, Resource, IPFSCluster) in one `Manager`, in a
/// task, against an envtest control plane, as the operator runs them; with `postgresNamespaces`,
/// the PostgresInstance controller too, watching only those.
///
/// Tenant watches all namespaces (it is cluster-scoped and is reconciled only then). The
/// Resource and IPFSCluster controllers watch only `ipfsNamespaces` (the tenants' namespaces):
/// other suites run their own over their own namespaces on the same shared control plane, and
/// two controllers must not fight over one object (five Resource controllers applying one new
/// IPFSCluster at once each had the quota admission charge a create: a count quota's `used`
/// read 5 with one IPFSCluster, and the next Resource was refused). Scoped, the Resource
/// controller does not cache tenant Namespaces (suspension by label, termination), which these
/// suites do not exercise. The operator talks as `cert-admin`, so its requests are told apart
/// from the test's (`admin`).
final class TenantResourceOperator: RunningOperator {
    let manager: Manager
    let task: Task<Void, any Error>
    let events: EventRecorder

    private init(manager: Manager, task: Task<Void, any Error>, events: EventRecorder) {
        self.manager = manager
        self.task = task
        self.events = events
    }

    /// Starts the manager with the three controllers; returns at once (see `waitUntilSynced`).
    /// With `metrics`, it serves `/metrics` on a free loopback port (``metricsPort()``) with the
    /// controllers' state metrics, as `quartermaster run` does.
    static func start(
        env: EnvTest, ipfsNamespaces: [String], postgresNamespaces: [String] = [], metrics: Bool = false
    ) throws -> TenantResourceOperator {
        let registry = PrometheusCollectorRegistry()
        // With metrics, as `quartermaster run` has them: API requests counted, and a leader
        // (its own Lease in `default`).
        var observer: @Sendable (String, String, String) -> Void = { _, _, _ in }
        if metrics { observer = RestClientMetrics(registry: registry).observer }
        let client = try KubeClient(
            configuration: env.clientConfiguration(user: .certAdmin), identity: .quartermaster, observer: observer)
        let options = ManagerOptions(
            operatorIdentity: .quartermaster,
            metricsBindAddress: metrics ? .listen(host: "127.0.0.1", port: 0) : .disabled, healthProbeBindAddress: .disabled,
            leaderElection: metrics, leaderElectionNamespace: "default",
            leaderElectionID: "it-tenants-\(UUID().uuidString.lowercased().prefix(8))",
            gracefulShutdownTimeout: .seconds(10), handleSignals: false)
        let manager = Manager(client: client, options: options, registry: registry, logger: Logger(label: "it.tenants"))
        let events = manager.makeEventRecorder(component: "quartermaster")
        let everywhere = ControllerSettings(registry: registry, events: events, logger: Logger(label: "it.tenants"))
        var scoped = everywhere
        scoped.namespaces = ipfsNamespaces
        if let tenants = TenantController.make(cache: manager.cache, settings: everywhere) { manager.add(tenants) }
        manager.add(ResourceController.make(cache: manager.cache, settings: scoped))
        manager.add(IPFSClusterController.make(cache: manager.cache, settings: scoped))
        if !postgresNamespaces.isEmpty {
            var postgres = everywhere
            postgres.namespaces = postgresNamespaces
            manager.add(PostgresInstanceController.make(cache: manager.cache, settings: postgres))
        }
        if metrics {
            let sources =
                QuartermasterControllerSet.stateMetrics(cache: manager.cache, settings: everywhere, kinds: [Tenant.declaration])
                + QuartermasterControllerSet.stateMetrics(
                    cache: manager.cache, settings: scoped, kinds: [Resource.declaration, IPFSCluster.declaration])
            for source in sources { manager.addStateMetrics(source) }
        }
        let task = Task { try await manager.run() }
        return TenantResourceOperator(manager: manager, task: task, events: events)
    }

    /// The port of `/metrics` once it listens (started with `metrics`), else `nil`.
    func metricsPort() async -> UInt16? { await manager.metricsPort() }

    /// The names of the controllers the manager runs.
    var controllerNames: [String] {
        manager.readiness().map(\.name).filter { $0 != Manager.cacheCheckName }
    }

}

/// The table `kubectl get <kind>` prints, cells found by their column header.
///
/// kubectl aligns columns with a tab writer: each cell starts where its header starts, so a
/// cell is the text from its header's offset to the next header's offset, trimmed. An empty
/// cell or kubectl's `<none>` is returned as `""`.
struct PrintedTable: CustomStringConvertible {
    let text: String
    private let headers: [(name: String, start: Int)]
    private let rows: [[Character]]

    init(_ text: String) {
        self.text = text
        let lines = text.split(separator: "\n").map { Array($0) }
        var headers: [(String, Int)] = []
        if let header = lines.first {
            var i = 0
            while i < header.count {
                if header[i] == " " {
                    i += 1
                    continue
                }
                let start = i
                while i < header.count, header[i] != " " { i += 1 }
                headers.append((String(header[start..<i]), start))
            }
        }
        self.headers = headers
        self.rows = Array(lines.dropFirst())
    }

    /// The cells of the row whose `NAME` is `name`, by upper-case header; `nil` when absent.
    func row(named name: String) -> [String: String]? {
        for row in rows {
            var cells: [String: String] = [:]
            for (index, header) in headers.enumerated() {
                let start = min(header.start, row.count)
                let end = index + 1 < headers.count ? min(headers[index + 1].start, row.count) : row.count
                let cell = String(row[start..<max(start, end)]).trimmingCharacters(in: .whitespaces)
                cells[header.name] = cell == "<none>" ? "" : cell
            }
            if cells["NAME"] == name { return cells }
        }
        return nil
    }

    var description: String { text }
}

/// `"80%"` → 80; `nil` for anything else.
func percentValue(_ text: String?) -> Int? {
    guard let text, text.hasSuffix("%") else { return nil }
    return Int(text.dropLast())
}
