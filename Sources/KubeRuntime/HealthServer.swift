import FlyingFox
import Foundation
import Logging

/// Serves the probes: `GET /healthz` answers 200 while the process runs; `GET /readyz` answers
/// 200 when every check reports ready, else 503 with the names of those that are not.
///
/// Body of `/readyz`: `ok` when ready; otherwise one line per check, `[+]name ok` or
/// `[-]name not ready`, then `readyz check failed`.
public final class HealthServer: Sendable {
    /// A readiness check: a name and whether it is ready now.
    public typealias ReadinessChecks = @Sendable () -> [(name: String, ready: Bool)]

    public let address: BindAddress
    private let endpoint: HTTPEndpointServer?

    /// - Parameters:
    ///   - address: `.disabled` makes `run()` return at once.
    ///   - readiness: called on every `/readyz` request.
    public init(address: BindAddress, logger: Logger = Logger(label: "health"), readiness: @escaping ReadinessChecks)
        throws
    {
        self.address = address
        let healthz: HTTPEndpointServer.Route = { _ in
            Self.text(.ok, "ok")
        }
        let readyz: HTTPEndpointServer.Route = { _ in
            let checks = readiness()
            if checks.allSatisfy(\.ready) { return Self.text(.ok, "ok") }
            let lines = checks.map { $0.ready ? "[+]\($0.name) ok" : "[-]\($0.name) not ready" }
            return Self.text(.serviceUnavailable, (lines + ["readyz check failed"]).joined(separator: "\n"))
        }
        self.endpoint = try HTTPEndpointServer(
            address: address, logger: logger, routes: ["/healthz": healthz, "/readyz": readyz])
    }

    /// Serves until the task is cancelled. Returns at once when disabled.
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

    private static func text(_ status: HTTPStatusCode, _ body: String) -> FlyingFox.HTTPResponse {
        FlyingFox.HTTPResponse(
            statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"], body: Data((body + "\n").utf8))
    }
}
