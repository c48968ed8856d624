import Foundation
import KubeClient
import KubeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one readiness (or liveness) probe against a local container process.
///
/// - `httpGet`: `GET path` (default `/`) on `127.0.0.1` at the mapped port of the probe's port
///   (a number or a container port's name), HTTP/1.0 over a plain socket; a status in
///   200..<400 succeeds. `HTTPS` is not supported (fails).
/// - `tcpSocket`: a connect to the mapped port succeeds.
/// - `exec`: the command, rewritten like the container's (programs, paths) and with its
///   environment, exits 0.
/// Each attempt is bounded by the probe's `timeoutSeconds` (default 1), on a thread of its own.
struct ProcessKubeletProbe: Sendable {
    var probe: Probe
    /// Container port → loopback port.
    var ports: [Int: Int]
    /// Container port names → numbers.
    var portNames: [String: Int]
    /// Runs an exec probe's command; returns its exit code.
    var exec: @Sendable ([String]) async -> Int

    var timeoutSeconds: Int { max(1, probe.timeoutSeconds ?? 1) }

    func run() async -> Bool {
        if let action = probe.httpGet {
            guard action.scheme == nil || action.scheme == "HTTP", let port = localPort(action.port) else {
                return false
            }
            let path = action.path ?? "/"
            let headers = (action.httpHeaders ?? []).map { "\($0.name): \($0.value)\r\n" }.joined()
            let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\(headers)\r\n"
            let timeout = timeoutSeconds
            let reply = await BlockingWork.run { Self.exchange(port: port, request: request, timeoutSeconds: timeout) }
            guard let reply, let line = reply.split(separator: "\r\n").first else { return false }
            let words = line.split(separator: " ")
            guard words.count >= 2, let status = Int(words[1]) else { return false }
            return (200..<400).contains(status)
        }
        if let action = probe.tcpSocket {
            guard let port = localPort(action.port) else { return false }
            let timeout = timeoutSeconds
            return await BlockingWork.run { Self.exchange(port: port, request: nil, timeoutSeconds: timeout) != nil }
        }
        if let command = probe.exec?.command, !command.isEmpty {
            return await exec(command) == 0
        }
        return false
    }

    private func localPort(_ port: IntOrString) -> Int? {
        switch port {
        case .int(let number): return ports[number]
        case .string(let name): return portNames[name].flatMap { ports[$0] }
        }
    }

    /// Connects to `host:port` (an IPv4 address, default `127.0.0.1`); with a `request`, sends
    /// it and reads the answer to its end. `nil` when the connection (or the exchange) fails.
    static func exchange(host: String = "127.0.0.1", port: Int, request: String?, timeoutSeconds: Int) -> String? {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        guard let request else { return "" }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return nil }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answer.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self) }
            if n == 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
