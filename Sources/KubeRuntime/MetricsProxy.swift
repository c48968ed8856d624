import FlyingFox
import Foundation
import KubeClient
import Logging

/// A metrics-only proxy: serves `GET /metrics` (and nothing else) on its address, answering
/// each scrape with the merged expositions of fixed upstream URLs on the pod's loopback
/// (``PrometheusTextMerge``).
///
/// Made for processes that serve their metrics on a listener which must not be reachable as a
/// whole (kubo serves `/debug/metrics/prometheus` on its RPC API, which has no authentication):
/// the proxy forwards no path, method, header or body of the scrape, only the fixed URLs' bodies
/// come back. Each scrape reads every upstream at once, each bounded by `timeout` and
/// `maxBodySize`; one that fails is left out and shows as `upName{upstream} 0`.
public final class MetricsProxy: Sendable {
    /// An upstream: a name (the `upstream` label) and an `http://` URL.
    public struct Upstream: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var url: String

        public init(name: String, url: String) {
            self.name = name
            self.url = url
        }

        /// Parses `NAME=http://HOST:PORT/PATH`; the name is `[a-z0-9-]{1,32}`.
        public init(parsing text: String) throws {
            guard let eq = text.firstIndex(of: "=") else { throw UpstreamError(text: text) }
            let name = String(text[..<eq])
            let url = String(text[text.index(after: eq)...])
            guard (1...32).contains(name.count),
                name.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }),
                url.lowercased().hasPrefix("http://"), url.count <= 512
            else { throw UpstreamError(text: text) }
            self.init(name: name, url: url)
        }

        public var description: String { "\(name)=\(url)" }
    }

    /// An `--upstream` value that is not `NAME=http://...`.
    public struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "upstream \"\(text)\" is not NAME=http://HOST:PORT/PATH (NAME: 1-32 of a-z, 0-9, -)"
        }
    }

    /// The gauge of upstreams read, `metrics_proxy_upstream_up`.
    public static let upName = "metrics_proxy_upstream_up"
    /// Default bound on each upstream read: 5 s (under Prometheus' default 10 s scrape timeout).
    public static let defaultTimeout: Duration = .seconds(5)
    /// Default bound on each upstream body: 8 MiB.
    public static let defaultMaxBodySize = 8 << 20

    public let address: BindAddress
    public let upstreams: [Upstream]
    private let endpoint: HTTPEndpointServer?

    /// - Throws: when `address` names an IP that cannot be used.
    public init(
        address: BindAddress, upstreams: [Upstream], timeout: Duration = defaultTimeout,
        maxBodySize: Int = defaultMaxBodySize, logger: Logger = Logger(label: "metrics-proxy")
    ) throws {
        self.address = address
        self.upstreams = upstreams
        let handler: HTTPEndpointServer.Route = { _ in
            let parts = await Self.read(upstreams, timeout: timeout, maxBodySize: maxBodySize, logger: logger)
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: Data(PrometheusTextMerge.merge(parts, upName: Self.upName).utf8))
        }
        self.endpoint = try HTTPEndpointServer(address: address, logger: logger, routes: ["/metrics": handler])
    }

    /// Every upstream's exposition, in the order given; `nil` text for one that failed.
    static func read(
        _ upstreams: [Upstream], timeout: Duration, maxBodySize: Int, logger: Logger
    ) async -> [PrometheusTextMerge.Part] {
        await withTaskGroup(of: (Int, String?).self) { group in
            for (index, upstream) in upstreams.enumerated() {
                group.addTask {
                    do {
                        let response = try await PlainHTTPGet.get(upstream.url, timeout: timeout, maxBodySize: maxBodySize)
                        guard response.status == 200 else {
                            logger.debug("upstream answered \(response.status)", metadata: ["upstream": "\(upstream.name)"])
                            return (index, nil)
                        }
                        return (index, String(decoding: response.body, as: UTF8.self))
                    } catch {
                        logger.debug("upstream not read: \(error)", metadata: ["upstream": "\(upstream.name)"])
                        return (index, nil)
                    }
                }
            }
            var texts = [String?](repeating: nil, count: upstreams.count)
            for await (index, text) in group { texts[index] = text }
            return zip(upstreams, texts).map { PrometheusTextMerge.Part(upstream: $0.name, text: $1) }
        }
    }

    /// Serves until the task is cancelled; returns at once when disabled; throws when it cannot listen.
    public func run() async throws {
        guard let endpoint else { return }
        try await endpoint.run()
    }

    /// The port listened on, once listening.
    public func port() async -> UInt16? { await endpoint?.port() }

    /// Waits until listening, up to `timeout` seconds (a bound on a hang).
    public func waitUntilListening(timeout: TimeInterval = 60) async throws {
        try await endpoint?.waitUntilListening(timeout: timeout)
    }
}
