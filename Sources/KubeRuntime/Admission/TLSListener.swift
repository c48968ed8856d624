import COpenSSL
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTPS/1.1 server over OpenSSL on plain POSIX sockets: one thread accepts, one thread per
/// connection reads requests, calls the handler and writes responses (keep-alive). No ALPN is
/// offered, so clients (the API server's Go client) speak HTTP/1.1.
///
/// Bounds: at most `maxConnections` connections at once (more are closed on accept); a head of
/// at most 16 KiB; a body of at most `maxBodyBytes` (413 and close beyond); a connection idle for
/// `idleTimeoutSeconds` is closed. The serving context can be replaced at any time
/// (``reload(_:)``): new connections use the new certificate.
final class TLSListener: Sendable {
    typealias Handler = @Sendable (WebhookHTTPRequest) async -> WebhookHTTPResponse

    static let maxHeadBytes = 16 * 1024

    private struct State {
        var listenFD: Int32 = -1
        var port: UInt16?
        var stopped = false
        var connections: Set<Int32> = []
    }

    private let context: Mutex<TLSServingContext>
    private let state = Mutex(State())
    private let handler: Handler
    private let maxBodyBytes: Int
    private let maxConnections: Int
    private let idleTimeoutSeconds: Int
    private let logger: Logger

    init(
        context: TLSServingContext, maxBodyBytes: Int, maxConnections: Int = 64, idleTimeoutSeconds: Int = 60,
        logger: Logger, handler: @escaping Handler
    ) {
        self.context = Mutex(context)
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.logger = logger
    }

    /// The certificate new connections are served with from now on.
    func reload(_ newContext: TLSServingContext) {
        context.withLock { $0 = newContext }
    }

    /// The port listened on, once listening.
    var port: UInt16? { state.withLock { $0.port } }

    /// Binds and listens on `host` (IPv4 or IPv6 literal; `nil`: every interface) and `port`,
    /// then accepts on a thread of its own until ``stop()``. Returns the port listened on.
    func start(host: String?, port: UInt16) throws -> UInt16 {
        Self.ignoreBrokenPipes
        let fd = try Self.listeningSocket(host: host, port: port)
        let bound = Self.localPort(fd) ?? port
        let proceed = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.listenFD = fd
            s.port = bound
            return true
        }
        guard proceed else {
            close(fd)
            throw TLSError("the server was stopped before it listened")
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "webhook-accept"
        thread.start()
        return bound
    }

    /// Stops accepting and closes every connection (their threads then end).
    func stop() {
        let fds: [Int32] = state.withLock { s in
            s.stopped = true
            let all = Array(s.connections) + (s.listenFD >= 0 ? [s.listenFD] : [])
            return all
        }
        for fd in fds { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ listenFD: Int32) {
        defer { close(listenFD) }
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if state.withLock({ $0.stopped }) { return }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    usleep(50_000)  // out of descriptors: give connections time to close
                    continue
                }
                logger.error("webhook server stopped accepting", metadata: ["errno": "\(errno)"])
                return
            }
            let admitted = state.withLock { s -> Bool in
                guard !s.stopped, s.connections.count < maxConnections else { return false }
                s.connections.insert(fd)
                return true
            }
            guard admitted else {
                close(fd)
                continue
            }
            let thread = Thread { [self] in
                serve(fd)
                _ = state.withLock { $0.connections.remove(fd) }
                close(fd)
            }
            thread.name = "webhook-connection"
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: idleTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let ctx = context.withLock { $0 }
        guard let ssl = SSL_new(ctx.pointer) else { return }
        defer { SSL_free(ssl) }
        guard SSL_set_fd(ssl, fd) == 1, SSL_accept(ssl) == 1 else {
            logger.debug("TLS handshake failed", metadata: ["reason": "\(TLSError.lastOpenSSLError())"])
            return
        }
        var buffer: [UInt8] = []
        while true {
            guard let (request, keepAlive) = readRequest(ssl, buffer: &buffer) else { break }
            let response: WebhookHTTPResponse
            let open: Bool
            switch request {
            case .success(let r):
                response = call(r)
                open = keepAlive
            case .failure(let r):
                response = r.response
                open = false
            }
            guard write(ssl, response.serialized(keepAlive: open)), open else { break }
        }
        _ = SSL_shutdown(ssl)
    }

    /// Reads one request; `nil` when the peer closed or went idle (nothing to answer). A request
    /// that cannot be served is a `.failure` with the response to send before closing.
    private func readRequest(_ ssl: OpaquePointer, buffer: inout [UInt8]) -> (
        Result<WebhookHTTPRequest, ResponseError>, Bool
    )? {
        var headEnd = HTTPRequestHead.endOfHead(in: buffer)
        while headEnd == nil {
            if buffer.count > Self.maxHeadBytes {
                return (.failure(ResponseError(.text(431, "request head too large"))), false)
            }
            guard read(ssl, into: &buffer) else { return nil }
            headEnd = HTTPRequestHead.endOfHead(in: buffer)
        }
        guard let headEnd, headEnd <= Self.maxHeadBytes + 4 else {
            return (.failure(ResponseError(.text(431, "request head too large"))), false)
        }
        let head: HTTPRequestHead
        let length: Int
        do {
            head = try HTTPRequestHead.parse(buffer[..<headEnd])
            length = try head.contentLength()
        } catch {
            return (.failure(ResponseError(error.response)), false)
        }
        guard length <= maxBodyBytes else {
            return (.failure(ResponseError(.text(413, "the body exceeds \(maxBodyBytes) bytes"))), false)
        }
        while buffer.count - headEnd < length {
            guard read(ssl, into: &buffer) else { return nil }
        }
        let body = Data(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return (.success(WebhookHTTPRequest(method: head.method, path: head.path, headers: head.headers, body: body)), head.keepAlive)
    }

    struct ResponseError: Error {
        var response: WebhookHTTPResponse
        init(_ response: WebhookHTTPResponse) { self.response = response }
    }

    private func read(_ ssl: OpaquePointer, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let n = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<Int(n)])
        return true
    }

    private func write(_ ssl: OpaquePointer, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { return false }
            offset += Int(n)
        }
        return true
    }

    /// Runs the async handler from this connection's thread (not a thread of the cooperative pool).
    private func call(_ request: WebhookHTTPRequest) -> WebhookHTTPResponse {
        let done = DispatchSemaphore(value: 0)
        let result = ResponseBox()
        let handler = self.handler
        Task {
            let response = await handler(request)
            result.value.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return result.value.withLock { $0 } ?? .text(500, "no response")
    }

    /// A peer that closes its end makes a write raise SIGPIPE, which would end the process:
    /// ignored process-wide once (the write then fails with EPIPE and the connection closes).
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private final class ResponseBox: Sendable {
        let value = Mutex<WebhookHTTPResponse?>(nil)
    }

    private static func listeningSocket(host: String?, port: UInt16) throws -> Int32 {
        let ipv6 = host?.contains(":") ?? true
        var fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var useIPv6 = ipv6
        if fd < 0, host == nil {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            useIPv6 = false
        }
        guard fd >= 0 else { throw TLSError("socket: errno \(errno)") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if useIPv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = port.bigEndian
            if let host {
                guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else {
                    close(fd)
                    throw TLSError("invalid IPv6 address \(host)")
                }
            } else {
                var zero: Int32 = 0  // dual stack
                _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            if let host {
                guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
                    close(fd)
                    throw TLSError("invalid IPv4 address \(host)")
                }
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let e = errno
            close(fd)
            throw TLSError("bind \(host ?? "*"):\(port): errno \(e)")
        }
        guard listen(fd, 128) == 0 else {
            let e = errno
            close(fd)
            throw TLSError("listen: errno \(e)")
        }
        return fd
    }

    private static func localPort(_ fd: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard ok == 0 else { return nil }
        return withUnsafePointer(to: &storage) { p -> UInt16? in
            switch Int32(p.pointee.ss_family) {
            case AF_INET: return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            case AF_INET6: return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            default: return nil
            }
        }
    }
}
