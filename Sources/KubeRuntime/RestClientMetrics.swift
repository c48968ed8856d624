import Foundation
import KubeClient
import KubeCore
import Prometheus

/// Client-side request metrics, as client-go exports them:
/// `rest_client_requests_total{code,method,host}` (counter, fed by `KubeClient`'s `observer`)
/// and `rest_client_request_duration_seconds{verb,host}` (histogram, fed by wrapping the
/// transport with `instrument(_:host:)`).
///
/// ```swift
/// let metrics = RestClientMetrics(registry: registry)
/// let client = KubeClient(transport: metrics.instrument(transport, host: host), ..., observer: metrics.observer)
/// ```
public struct RestClientMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry

    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "rest_client_requests", unitName: "total",
            helpText: "Number of HTTP requests to the API server, by status code, method and host.")
    }
    private static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "rest_client_request_duration", unitName: "seconds",
            helpText: "Latency of HTTP requests to the API server (until the response head for watches), by verb and host.")
    }
    /// Buckets of the duration histogram, in seconds (client-go's).
    public static let durationBuckets: [Duration] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60].map {
        Duration.milliseconds(Int64($0 * 1000))
    }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts one request. `code` is the HTTP status (`"200"`) or `"<error>"` for a transport
    /// failure.
    public func observe(method: String, code: String, host: String) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("code", code), ("method", method), ("host", host)]
        ).increment()
    }

    /// `observe` as a closure, ready to pass as `KubeClient`'s `observer`.
    public var observer: @Sendable (String, String, String) -> Void {
        { method, code, host in self.observe(method: method, code: code, host: host) }
    }

    /// Records one request's latency.
    public func observeDuration(verb: String, host: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.duration, labels: [("verb", verb), ("host", host)], buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Wraps `transport` so every request's latency is recorded under `host`.
    public func instrument(_ transport: any HTTPTransport, host: String) -> any HTTPTransport {
        TimedTransport(inner: transport, metrics: self, host: host)
    }
}

/// An `HTTPTransport` that times its inner transport's requests.
private struct TimedTransport: HTTPTransport {
    let inner: any HTTPTransport
    let metrics: RestClientMetrics
    let host: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        defer { metrics.observeDuration(verb: request.method.rawValue, host: host, duration: .now - start) }
        return try await inner.send(request)
    }

    func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        defer { metrics.observeDuration(verb: request.method.rawValue, host: host, duration: .now - start) }
        return try await inner.send(request, bodySink: bodySink)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        let start = ContinuousClock.now
        defer { metrics.observeDuration(verb: request.method.rawValue, host: host, duration: .now - start) }
        return try await inner.stream(request)
    }

    func stream(_ request: HTTPRequest, idleTimeout: Duration?) async throws -> HTTPLineStream {
        let start = ContinuousClock.now
        defer { metrics.observeDuration(verb: request.method.rawValue, host: host, duration: .now - start) }
        return try await inner.stream(request, idleTimeout: idleTimeout)
    }
}
