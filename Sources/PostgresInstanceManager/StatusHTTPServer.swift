import FlyingFox
import FlyingSocks
import Foundation
import Logging

/// A small HTTP server for the instance manager and the pooler: `routes` are exact paths for
/// `GET` (and `HEAD`) only; `endpoints` add other methods and path prefixes (`/backups/<name>`),
/// with request bodies of at most `maxBodyBytes` (16 KiB; more answers 413). A known path with
/// another method answers 405, an unknown path 404. Listens on every address (IPv6 dual stack
/// when available) on `port` (0 picks a free one; `port()` tells which).
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

        /// 200 with `text` in the Prometheus text format (version 0.0.4).
        public static func metrics(_ text: String) -> Reply {
            Reply(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
        }
    }

    public typealias Route = @Sendable () async -> Reply

    /// The largest request body an endpoint receives.
    public static let maxBodyBytes = 16 * 1024

    /// What an endpoint sees of a request.
    public struct Request: Sendable {
        public var method: String
        /// The path without the query.
        public var path: String
        public var body: Data

        public init(method: String, path: String, body: Data = Data()) {
            self.method = method
            self.path = path
            self.body = body
        }
    }

    /// A method on a path, or on every path under a prefix (`prefix` ends with `/`).
    public struct Endpoint: Sendable {
        public var method: String
        public var path: String
        public var isPrefix: Bool
        public var handler: @Sendable (Request) async -> Reply

        public init(
            _ method: String, _ path: String, prefix: Bool = false, handler: @escaping @Sendable (Request) async -> Reply
        ) {
            self.method = method
            self.path = path
            self.isPrefix = prefix
            self.handler = handler
        }

        func matches(path candidate: String) -> Bool {
            isPrefix ? candidate.hasPrefix(path) && candidate.count > path.count : candidate == path
        }
    }

    private let server: HTTPServer

    public init(port: UInt16, logger: Logger, routes: [String: Route], endpoints: [Endpoint] = []) {
        let handler = RouteHandler(routes: routes, endpoints: endpoints)
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
    let endpoints: [StatusHTTPServer.Endpoint]

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard let route = routes[request.path] else {
            return try await handleEndpoint(request)
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

extension RouteHandler {
    fileprivate func handleEndpoint(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let candidates = endpoints.filter { $0.matches(path: request.path) }
        guard !candidates.isEmpty else {
            return FlyingFox.HTTPResponse(statusCode: .notFound, body: Data("not found\n".utf8))
        }
        let method = request.method == .HEAD ? "GET" : request.method.rawValue
        guard let endpoint = candidates.first(where: { $0.method == method }) else {
            let allowed = Set(candidates.map(\.method)).sorted().joined(separator: ", ")
            return FlyingFox.HTTPResponse(
                statusCode: .methodNotAllowed, headers: [.init("Allow"): allowed],
                body: Data("method not allowed\n".utf8))
        }
        var body = Data()
        for try await chunk in request.bodySequence {
            body.append(chunk)
            if body.count > StatusHTTPServer.maxBodyBytes {
                return FlyingFox.HTTPResponse(
                    statusCode: HTTPStatusCode(413, phrase: "Content Too Large"), headers: [.connection: "close"],
                    body: Data("request body over \(StatusHTTPServer.maxBodyBytes) bytes\n".utf8))
            }
        }
        let reply = await endpoint.handler(.init(method: method, path: request.path, body: body))
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
