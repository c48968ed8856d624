import Foundation

/// Tuning for `CurlTransport`. Every field has a default suited to a controller talking to
/// one API server.
public struct TransportOptions: Sendable, Hashable {
    /// Whole-request timeout for `send` when the request has none. Default 30 s.
    public var requestTimeout: Duration
    /// Time allowed to establish the TCP connection and the TLS session. Default 10 s.
    public var connectTimeout: Duration
    /// Largest response body `send` accepts; a larger one fails with
    /// `TransportError.bodyTooLarge`. Default 64 MiB.
    public var maxBodySize: Int
    /// Longest single line a stream accepts (one watch event); a longer one fails the stream
    /// with `TransportError.lineTooLong` as soon as it is seen, before it is complete. Default
    /// 8 MiB, several times the largest object the API server stores (about 1.5 MiB in etcd).
    public var maxLineSize: Int
    /// How often an idle connection is probed: the TCP keep-alive idle time and interval, and
    /// the HTTP/2 PING interval of libcurl's connection upkeep (`curl_easy_upkeep`, which
    /// sends PINGs for multi-driven transfers only from libcurl 8.10 on; with older libcurl,
    /// TCP keep-alive and `watchIdleTimeout` are what detect a dead connection). Default 30 s.
    public var keepAliveInterval: Duration
    /// A stream that receives no bytes for this long fails with `TransportError.idle`.
    /// Default 11 minutes (longer than the API server's maximum watch timeout of 10 minutes,
    /// which ends a healthy watch first).
    public var watchIdleTimeout: Duration
    /// Bytes of received but not yet consumed stream lines after which the transport stops
    /// reading from that stream (libcurl pause) until the consumer has drained half of them.
    /// Bounds a slow consumer's memory: at most this plus one line (`maxLineSize`) and one
    /// network read wait per stream. Default 8 MiB.
    public var streamBufferLimit: Int
    /// `User-Agent` header. Default `quartermaster/<version>`.
    public var userAgent: String

    /// The version in the default user agent.
    public static let version = "0.1.0"

    public init(
        requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        maxBodySize: Int = 64 << 20, maxLineSize: Int = 8 << 20, keepAliveInterval: Duration = .seconds(30),
        watchIdleTimeout: Duration = .seconds(11 * 60), streamBufferLimit: Int = 8 << 20,
        userAgent: String = "quartermaster/\(TransportOptions.version)"
    ) {
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxBodySize = maxBodySize
        self.maxLineSize = maxLineSize
        self.keepAliveInterval = keepAliveInterval
        self.watchIdleTimeout = watchIdleTimeout
        self.streamBufferLimit = streamBufferLimit
        self.userAgent = userAgent
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, at least 1 (libcurl treats 0 as "no timeout").
    var curlMilliseconds: Int {
        let (s, atto) = components
        let ms = s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
        return Swift.max(1, Int(clamping: ms))
    }

    /// Whole seconds, rounded up, at least 1.
    var wholeSecondsRoundedUp: Int {
        let (s, atto) = components
        return Swift.max(1, Int(clamping: s + (atto > 0 ? 1 : 0)))
    }
}
