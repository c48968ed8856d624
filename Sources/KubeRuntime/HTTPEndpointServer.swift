import FlyingFox
import FlyingSocks
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small FlyingFox HTTP server on a `BindAddress`, shared by the metrics and health servers.
final class HTTPEndpointServer: Sendable {
    let server: HTTPServer
    let address: BindAddress

    typealias Route = @Sendable (FlyingFox.HTTPRequest) async -> FlyingFox.HTTPResponse

    /// `nil` when `address` is `.disabled`. `routes` maps exact paths to their `GET` handlers;
    /// other paths answer 404, other methods 405.
    init?(address: BindAddress, logger: Logger, routes: [String: Route]) throws {
        guard case .listen(let host, let port) = address else { return nil }
        self.address = address
        let bridge = FlyingFoxLogBridge(logger: logger)
        let handler = PathHandler(routes: routes)
        switch host {
        case let h? where h.contains(":"):
            server = HTTPServer(address: try sockaddr_in6.inet6(ip6: h, port: port), logger: bridge, handler: handler)
        case let h?:
            server = HTTPServer(address: try sockaddr_in.inet(ip4: h, port: port), logger: bridge, handler: handler)
        case nil where Self.ipv6Available():
            // in6addr_any accepts IPv4 too (dual stack) unless the host disabled it.
            server = HTTPServer(address: sockaddr_in6.inet6(port: port), logger: bridge, handler: handler)
        case nil:
            server = HTTPServer(address: sockaddr_in.inet(port: port), logger: bridge, handler: handler)
        }
    }

    /// Serves until the task is cancelled (then returns normally); throws if it cannot listen.
    func run() async throws {
        do {
            try await server.run()
        } catch {
            if Task.isCancelled { return }
            throw error
        }
    }

    /// The port actually listened on (useful with port 0), once listening.
    func port() async -> UInt16? {
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return nil
        }
    }

    /// Waits until the server listens, up to `timeout` seconds (default 60: a bound on a hang).
    func waitUntilListening(timeout: TimeInterval = 60) async throws {
        try await server.waitUntilListening(timeout: timeout)
    }

    private static func ipv6Available() -> Bool {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}

/// Sends FlyingFox's log lines to swift-log at debug level (trace for its debug lines): its
/// "critical" lines are failures `run()` also throws, or noise about cancellation on stop.
struct FlyingFoxLogBridge: FlyingSocks.Logging {
    let logger: Logger
    func logDebug(_ debug: @autoclosure () -> String) { logger.trace("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.debug("\(error())") }
    func logCritical(_ critical: @autoclosure () -> String) { logger.debug("\(critical())") }
}

/// Dispatches `GET` requests on exact paths.
private struct PathHandler: HTTPHandler {
    let routes: [String: HTTPEndpointServer.Route]

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard let route = routes[request.path] else {
            return FlyingFox.HTTPResponse(statusCode: .notFound, body: Data("not found\n".utf8))
        }
        guard request.method == .GET || request.method == .HEAD else {
            return FlyingFox.HTTPResponse(statusCode: .methodNotAllowed, body: Data("method not allowed\n".utf8))
        }
        return await route(request)
    }
}
