import ArgumentParser
import Foundation
import KubeRuntime
import Logging

/// `quartermaster metrics-proxy`: a metrics-only proxy beside a workload's processes
/// (``MetricsProxy``). The operator runs it in IPFSCluster pods, in front of kubo's
/// `/debug/metrics/prometheus` (on kubo's unauthenticated RPC listener) and ipfs-cluster's metrics.
struct MetricsProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics-proxy",
        abstract: "Serve GET /metrics: the merged metrics of fixed loopback upstreams, and nothing else.")

    @Option(help: "Address to serve /metrics on.")
    var listen: String = ":9401"

    @Option(
        name: .customLong("upstream"),
        help: "NAME=http://HOST:PORT/PATH of an upstream's metrics; repeat for several (an earlier one wins a family both serve).")
    var upstreams: [String] = []

    @Option(help: "Seconds one upstream read may take.")
    var timeout: Int = 5

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard !upstreams.isEmpty else { throw ValidationError("give at least one --upstream NAME=http://HOST:PORT/PATH") }
        for value in upstreams {
            do { _ = try MetricsProxy.Upstream(parsing: value) } catch { throw ValidationError("--upstream: \(error)") }
        }
        do { _ = try BindAddress(parsing: listen) } catch { throw ValidationError("--listen: \(error)") }
        guard (1...60).contains(timeout) else { throw ValidationError("--timeout must be 1...60 seconds") }
        guard LoggingSetup.level(logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
    }

    func run() async throws {
        LoggingSetup.bootstrap(format: .text, level: LoggingSetup.level(logLevel) ?? .info)
        let logger = Logger(label: "metrics-proxy")
        let proxy = try MetricsProxy(
            address: try BindAddress(parsing: listen), upstreams: try upstreams.map(MetricsProxy.Upstream.init(parsing:)),
            timeout: .seconds(timeout), logger: logger)
        logger.info("serving /metrics on \(listen) from \(upstreams.joined(separator: ", "))")
        try await proxy.run()
    }
}
