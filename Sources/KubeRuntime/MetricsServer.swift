import FlyingFox
import Foundation
import Logging
import Prometheus

/// Serves `GET /metrics`: everything in a `PrometheusCollectorRegistry`, in the Prometheus text
/// format (version 0.0.4).
public final class MetricsServer: Sendable {
    /// Where it listens.
    public let address: BindAddress
    private let endpoint: HTTPEndpointServer?

    /// - Parameter address: `.disabled` makes `run()` return at once.
    /// - Throws: when `address` names an IP that cannot be used.
    public init(address: BindAddress, registry: PrometheusCollectorRegistry, logger: Logger = Logger(label: "metrics"))
        throws
    {
        self.address = address
        let handler: HTTPEndpointServer.Route = { _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
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
