import FlyingFox
import FlyingSocks
import Foundation
import Logging

/// A read-only HTTP server for the instance manager and the pooler: exact paths, `GET` (and
/// `HEAD`) only; any other method answers 405, an unknown path 404. Listens on every address
/// (IPv6 dual stack when available) on `port` (0 picks a free one; `port()` tells which).
public final class StatusHTTPServer: Sendable {
    /// A response: status code, content type, body.
    public struct Reply: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public typealias Route = @Sendable () async -> Reply

    private let server: HTTPServer

    public init(port: UInt16, logger: Logger, routes: [String: Route]) {
        let handler = RouteHandler(routes: routes)
        let bridge = LogBridge(logger: logger)
        if Self.ipv6Available() {
            server = HTTPServer(address: sockaddr_in6.inet6(port: port), logger: bridge, handler: handler)
        } else {
            server = HTTPServer(address: sockaddr_in.inet(port: port), logger: bridge, handler: handler)
        }
    }

    /// Serves until the task is cancelled (then returns normally); throws if it cannot listen.
    public func run() async throws {
        do {
            try await server.run()
        } catch {
            if Task.isCancelled { return }
            throw error
        }
    }

    /// The port listened on, once listening.
    public func port() async -> UInt16? {
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return nil
        }
    }

    /// Waits until the server listens, up to `timeout` seconds (default 60: a bound on a hang).
    public func waitUntilListening(timeout: TimeInterval = 60) async throws {
        try await server.waitUntilListening(timeout: timeout)
    }

    private static func ipv6Available() -> Bool {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}

private struct RouteHandler: HTTPHandler {
    let routes: [String: StatusHTTPServer.Route]

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard let route = routes[request.path] else {
            return FlyingFox.HTTPResponse(statusCode: .notFound, body: Data("not found\n".utf8))
        }
        guard request.method == .GET || request.method == .HEAD else {
            return FlyingFox.HTTPResponse(
                statusCode: .methodNotAllowed, headers: [.init("Allow"): "GET, HEAD"],
                body: Data("method not allowed\n".utf8))
        }
        let reply = await route()
        return FlyingFox.HTTPResponse(
            statusCode: HTTPStatusCode(reply.status, phrase: ""), headers: [.contentType: reply.contentType],
            body: Data(reply.body.utf8))
    }
}

/// FlyingFox's log lines at debug level (its "critical" lines are failures `run()` throws too).
private struct LogBridge: FlyingSocks.Logging {
    let logger: Logger
    func logDebug(_ debug: @autoclosure () -> String) { logger.trace("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.debug("\(error())") }
    func logCritical(_ critical: @autoclosure () -> String) { logger.debug("\(critical())") }
}
