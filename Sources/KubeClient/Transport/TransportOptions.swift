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
    /// How long a connection stays idle before TCP keep-alive probes start (`TCP_KEEPIDLE`),
    /// and the HTTP/2 PING interval of libcurl's connection upkeep (`curl_easy_upkeep`, which
    /// sends PINGs for multi-driven transfers only from libcurl 8.10 on; with older libcurl,
    /// TCP keep-alive, `tcpUserTimeout` and `watchIdleTimeout` are what detect a dead
    /// connection). Default 30 s.
    public var keepAliveInterval: Duration
    /// Time between two unanswered TCP keep-alive probes (`TCP_KEEPINTVL`). Default 10 s.
    public var keepAliveProbeInterval: Duration
    /// Unanswered TCP keep-alive probes after which the connection is dropped (`TCP_KEEPCNT`,
    /// set through libcurl's socket option callback). Default 3: an idle connection whose peer
    /// is gone fails after about 30 s + 3 × 10 s = 1 minute.
    public var keepAliveProbeCount: Int
    /// Linux `TCP_USER_TIMEOUT`: a connection whose sent data (requests, keep-alive probes)
    /// stays unacknowledged this long is dropped, instead of after the kernel's ~15 minutes
    /// of retransmissions. `nil` leaves the kernel default. Default 60 s (the keep-alive
    /// schedule's total, so it does not cut the probes short).
    public var tcpUserTimeout: Duration?
    /// A stream that receives no bytes for this long fails with `TransportError.idle`.
    /// Default 2 minutes: watches ask for bookmarks, which API servers send about every
    /// minute (since Kubernetes 1.19), so a healthy watch is never silent that long. (The
    /// server's watch cache sends bookmarks only once it has seen a change of that kind since
    /// it started; a watch of a kind that has not changed since may be restarted every 2
    /// minutes, resuming from its resource version.)
    public var watchIdleTimeout: Duration
    /// Bytes of received but not yet consumed stream lines after which the transport stops
    /// reading from that stream (libcurl pause) until the consumer has drained half of them.
    /// Bounds a slow consumer's memory: at most this plus one line (`maxLineSize`) and one
    /// network read wait per stream. Default 8 MiB.
    public var streamBufferLimit: Int
    /// `User-Agent` header. Default `defaultUserAgent`; an operator sets its
    /// `OperatorIdentity.userAgent` (which `KubeClient(configuration:identity:)` does). The API
    /// server names the field manager of a write that carries none after this, up to its first
    /// `/`.
    public var userAgent: String

    /// The user agent of a transport whose owner set none: `KubeClient`.
    public static let defaultUserAgent = "KubeClient"

    public init(
        requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        maxBodySize: Int = 64 << 20, maxLineSize: Int = 8 << 20, keepAliveInterval: Duration = .seconds(30),
        keepAliveProbeInterval: Duration = .seconds(10), keepAliveProbeCount: Int = 3,
        tcpUserTimeout: Duration? = .seconds(60), watchIdleTimeout: Duration = .seconds(120),
        streamBufferLimit: Int = 8 << 20, userAgent: String = TransportOptions.defaultUserAgent
    ) {
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxBodySize = maxBodySize
        self.maxLineSize = maxLineSize
        self.keepAliveInterval = keepAliveInterval
        self.keepAliveProbeInterval = keepAliveProbeInterval
        self.keepAliveProbeCount = keepAliveProbeCount
        self.tcpUserTimeout = tcpUserTimeout
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
