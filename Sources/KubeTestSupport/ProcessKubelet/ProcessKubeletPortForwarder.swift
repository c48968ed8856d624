import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Makes a pod reachable at its own IP, as in a cluster: listens on `podIP:containerPort` for
/// every container port and forwards each TCP connection to the port the process really
/// listens on, `127.0.0.1:<mapped port>`.
///
/// - Bytes are copied both ways, each direction on a thread of its own (plain POSIX sockets,
///   blocking I/O), so neither side can stall the other. A side's end of stream (a half-close)
///   is passed on as a half-close of the other connection (`shutdown(SHUT_WR)`); an error on
///   either side ends both directions.
/// - A connection accepted while the process does not listen is reset (as a refused
///   connection would be).
/// - At most `maxConnectionsPerPort` (256) forwarded connections per port at once; a
///   connection beyond that is reset at once.
/// - `stop()` closes the listening sockets (returning once they are closed, so the address can
///   be listened on again) and ends every forwarded connection.
///
/// The process must listen on `127.0.0.1` (or every address) at its mapped port; it must not
/// listen on `podIP:containerPort` itself, where the forwarder listens.
final class ProcessKubeletPortForwarder: Sendable {
    /// The most forwarded connections one port carries at once.
    static let maxConnectionsPerPort = 256

    /// Why a pod's ports cannot be listened on.
    struct ListenError: Error, CustomStringConvertible {
        var address: String
        var errorNumber: Int32
        var description: String { "cannot listen on \(address): \(String(cString: strerror(errorNumber)))" }
        var addressInUse: Bool { errorNumber == EADDRINUSE }
    }

    let podIP: String
    private let listeners: [Listener]

    /// Listens on `podIP:containerPort` for every entry of `ports` (container port → mapped
    /// loopback port) and starts forwarding. Throws `ListenError` (nothing left listening)
    /// when one of them cannot be listened on.
    init(podIP: String, ports: [Int: Int]) throws {
        var listeners: [Listener] = []
        do {
            for (containerPort, local) in ports.sorted(by: { $0.key < $1.key }) {
                listeners.append(try Listener(ip: podIP, port: containerPort, target: local))
            }
        } catch {
            for listener in listeners { listener.closeUnstarted() }
            throw error
        }
        self.podIP = podIP
        self.listeners = listeners
        for listener in listeners { listener.start() }
    }

    /// Closes the listening sockets (returns once they are closed) and ends every forwarded
    /// connection. Idempotent.
    func stop() async {
        for listener in listeners { await listener.stop() }
    }

    /// The number of connections `containerPort` forwards now (for tests).
    func activeConnections(containerPort: Int) -> Int {
        listeners.first { $0.port == containerPort }?.activeConnections ?? 0
    }

    /// One listening socket and the connections it accepted.
    private final class Listener: Sendable {
        let port: Int
        let target: Int
        private let address: String
        private let listenFD: Int32
        private let wakeRead: Int32
        private let wakeWrite: Int32
        private let closed = ExitSignal()
        /// `stopped`; the sockets of live connections (both ends), so `stop()` can end them;
        /// the number of live connections.
        private let state = Mutex<(stopped: Bool, sockets: Set<Int32>, connections: Int)>((false, [], 0))

        init(ip: String, port: Int, target: Int) throws {
            self.port = port
            self.target = target
            self.address = "\(ip):\(port)"
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw ListenError(address: "\(ip):\(port)", errorNumber: errno) }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard var socketAddress = Self.socketAddress(ip, port),
                Self.withSockaddr(&socketAddress, { bind(fd, $0, $1) }) == 0, listen(fd, 128) == 0
            else {
                let error = errno
                close(fd)
                throw ListenError(address: "\(ip):\(port)", errorNumber: error)
            }
            var pipeFDs: [Int32] = [0, 0]
            guard pipe(&pipeFDs) == 0 else {
                let error = errno
                close(fd)
                throw ListenError(address: "\(ip):\(port)", errorNumber: error)
            }
            for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            self.listenFD = fd
            self.wakeRead = pipeFDs[0]
            self.wakeWrite = pipeFDs[1]
        }

        var activeConnections: Int { state.withLock { $0.connections } }

        func start() {
            Thread { [self] in acceptLoop() }.start()
        }

        /// Closes what `init` opened, when the listener never started.
        func closeUnstarted() {
            close(listenFD)
            close(wakeRead)
            close(wakeWrite)
        }

        func stop() async {
            let sockets = state.withLock { s -> Set<Int32>? in
                if s.stopped { return nil }
                s.stopped = true
                // Under the lock: a socket is closed only after it left the set, so the
                // descriptor shut down here is still the connection's.
                for fd in s.sockets { _ = shutdown(fd, Int32(SHUT_RDWR)) }
                return s.sockets
            }
            guard sockets != nil else {
                await closed.wait()
                return
            }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
            await closed.wait()
            close(wakeWrite)
        }

        private func acceptLoop() {
            while true {
                var fds = [
                    pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&fds, 2, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    break
                }
                if fds[1].revents != 0 { break }
                guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
                let client = accept(listenFD, nil, nil)
                if client < 0 { continue }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                let admitted = state.withLock { s -> Bool in
                    guard !s.stopped, s.connections < ProcessKubeletPortForwarder.maxConnectionsPerPort else {
                        return false
                    }
                    s.connections += 1
                    s.sockets.insert(client)
                    return true
                }
                guard admitted else {
                    Self.reset(client)
                    continue
                }
                Thread { [self] in forward(client) }.start()
            }
            close(listenFD)
            close(wakeRead)
            closed.fire()
        }

        /// Connects to the process and copies bytes both ways until both directions ended.
        private func forward(_ client: Int32) {
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var connected = false
            if upstream >= 0, var target = Self.socketAddress("127.0.0.1", target) {
                connected = Self.withSockaddr(&target, { connect(upstream, $0, $1) }) == 0
            }
            let registered =
                connected
                && state.withLock { s -> Bool in
                    guard !s.stopped else { return false }
                    s.sockets.insert(upstream)
                    return true
                }
            guard registered else {
                if upstream >= 0 { close(upstream) }
                state.withLock { s in
                    s.sockets.remove(client)
                    s.connections -= 1
                    Self.reset(client)
                }
                return
            }
            let remaining = Mutex(2)
            let finish: @Sendable () -> Void = { [self] in
                guard
                    remaining.withLock({ n -> Int in
                        n -= 1
                        return n
                    }) == 0
                else { return }
                state.withLock { s in
                    s.sockets.remove(client)
                    s.sockets.remove(upstream)
                    s.connections -= 1
                    close(client)
                    close(upstream)
                }
            }
            Thread {
                Self.copy(from: upstream, to: client)
                finish()
            }.start()
            Self.copy(from: client, to: upstream)
            finish()
        }

        /// Copies until `source` ends (then half-closes `destination`) or fails (then shuts
        /// down both, which ends the other direction too).
        private static func copy(from source: Int32, to destination: Int32) {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
                if count == 0 {
                    _ = shutdown(destination, Int32(SHUT_WR))
                    return
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    break
                }
                var sent = 0
                while sent < count {
                    let n = buffer[sent..<count].withUnsafeBytes {
                        send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                    }
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { break }
                    sent += n
                }
                if sent < count { break }
            }
            _ = shutdown(source, Int32(SHUT_RDWR))
            _ = shutdown(destination, Int32(SHUT_RDWR))
        }

        /// Closes `fd` with a reset (linger 0), as a refused connection looks to the client.
        private static func reset(_ fd: Int32) {
            var linger = linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }

        private static func socketAddress(_ ip: String, _ port: Int) -> sockaddr_in? {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { return nil }
            return address
        }

        private static func withSockaddr(
            _ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
        ) -> Int32 {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }
}
