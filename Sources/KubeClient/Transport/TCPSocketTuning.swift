import CCurl
import Foundation

/// The TCP options libcurl has no setting for, applied by libcurl's socket option callback
/// (`CURLOPT_SOCKOPTFUNCTION`) to every connection it opens: the keep-alive probe count
/// (`TCP_KEEPCNT`; libcurl's own option for it needs 8.9) and Linux's `TCP_USER_TIMEOUT`.
///
/// The values travel packed in the callback's data pointer, so nothing has to outlive the easy
/// handle: bits 0–7 the probe count, bits 8–31 the user timeout in milliseconds (at most about
/// 4.6 hours); 0 leaves the kernel's default. Failures to set an option are ignored (the
/// connection works, only its failure detection is the kernel's default).
struct TCPSocketTuning: Equatable, Sendable {
    /// `TCP_KEEPCNT`, 1...255; 0 leaves the kernel default.
    var keepAliveProbeCount: Int
    /// `TCP_USER_TIMEOUT` in milliseconds, 1...0xFF_FFFF; 0 leaves the kernel default.
    var userTimeoutMilliseconds: Int

    static let maxUserTimeoutMilliseconds = 0xFF_FFFF

    init(keepAliveProbeCount: Int, userTimeoutMilliseconds: Int) {
        self.keepAliveProbeCount = min(255, max(0, keepAliveProbeCount))
        self.userTimeoutMilliseconds = min(Self.maxUserTimeoutMilliseconds, max(0, userTimeoutMilliseconds))
    }

    init(options: TransportOptions) {
        self.init(
            keepAliveProbeCount: options.keepAliveProbeCount,
            userTimeoutMilliseconds: options.tcpUserTimeout?.curlMilliseconds ?? 0)
    }

    /// The packed form passed as `CURLOPT_SOCKOPTDATA`.
    var packed: UInt { UInt(keepAliveProbeCount) | UInt(userTimeoutMilliseconds) << 8 }

    init(packed: UInt) {
        self.init(keepAliveProbeCount: Int(packed & 0xFF), userTimeoutMilliseconds: Int((packed >> 8) & 0xFF_FFFF))
    }

    /// Whether there is anything to set.
    var isEmpty: Bool { keepAliveProbeCount == 0 && userTimeoutMilliseconds == 0 }

    /// Installs the callback on `easy`.
    func install(on easy: UnsafeMutableRawPointer) -> CURLcode {
        guard !isEmpty else { return CURLE_OK }
        let code = qm_easy_setopt_sockopt(easy, tcpSocketTuningCallback)
        guard code == CURLE_OK else { return code }
        return qm_easy_setopt_ptr(easy, CURLOPT_SOCKOPTDATA, UnsafeMutableRawPointer(bitPattern: packed))
    }

    /// Sets the options on `socket` now (what the callback does for each new connection).
    func apply(toSocket socket: Int32) {
        #if os(Linux)
            let level = Int32(IPPROTO_TCP)
            if keepAliveProbeCount > 0 {
                var count = Int32(keepAliveProbeCount)
                _ = setsockopt(socket, level, TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
            }
            if userTimeoutMilliseconds > 0 {
                var timeout = UInt32(userTimeoutMilliseconds)
                _ = setsockopt(socket, level, TCP_USER_TIMEOUT, &timeout, socklen_t(MemoryLayout<UInt32>.size))
            }
        #endif
    }
}

/// libcurl's socket option callback: tunes new IP connections with the packed values.
private func tcpSocketTuningCallback(
    _ data: UnsafeMutableRawPointer?, _ socket: curl_socket_t, _ purpose: curlsocktype
) -> Int32 {
    if purpose == CURLSOCKTYPE_IPCXN, let data {
        TCPSocketTuning(packed: UInt(bitPattern: data)).apply(toSocket: socket)
    }
    return qm_sockopt_ok()
}
