import FlyingFox
import Foundation
import Logging
import Prometheus

/// Serves `GET /metrics`: everything in a `PrometheusCollectorRegistry`, then the families of
/// its ``StateMetricsSource``s (computed per scrape), in the Prometheus text format (version 0.0.4).
public final class MetricsServer: Sendable {
    /// Where it listens.
    public let address: BindAddress
    private let endpoint: HTTPEndpointServer?

    /// - Parameters:
    ///   - address: `.disabled` makes `run()` return at once.
    ///   - stateSources: asked for their families on every scrape, in order (default none);
    ///     families of one name from several sources are served as one (``StateMetricFamily/merged(_:)``).
    /// - Throws: when `address` names an IP that cannot be used.
    public init(
        address: BindAddress, registry: PrometheusCollectorRegistry, stateSources: [any StateMetricsSource] = [],
        logger: Logger = Logger(label: "metrics")
    ) throws {
        self.address = address
        let handler: HTTPEndpointServer.Route = { _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            var families: [StateMetricFamily] = []
            for source in stateSources { families += await source.stateMetricFamilies() }
            for family in StateMetricFamily.merged(families) { buffer.append(contentsOf: Array(family.text.utf8)) }
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: Data(buffer))
        }
        self.endpoint = try HTTPEndpointServer(address: address, logger: logger, routes: ["/metrics": handler])
    }

    /// Serves until the task is cancelled. Returns at once when disabled. Throws when it cannot
    /// listen (port in use, ...).
    public func run() async throws {
        guard let endpoint else { return }
        try await endpoint.run()
    }

    /// The port listened on, once listening; `nil` when disabled or not yet listening.
    public func port() async -> UInt16? { await endpoint?.port() }

    /// Waits until listening, up to `timeout` seconds (default 60: a bound on a hang, not an
    /// expected start-up time; a loaded machine may take seconds). Returns at once when disabled.
    public func waitUntilListening(timeout: TimeInterval = 60) async throws {
        try await endpoint?.waitUntilListening(timeout: timeout)
    }
}
