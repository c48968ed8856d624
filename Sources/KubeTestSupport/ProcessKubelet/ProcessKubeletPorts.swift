import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hands out the local ports a pod's container ports map to.
///
/// Ports come from below the kernel's ephemeral range (`net.ipv4.ip_local_port_range`): a port
/// from inside it can be taken between the kubelet choosing it and the container binding it, by
/// any outgoing connection on the machine (an instance manager once failed to bind its status
/// port with EADDRINUSE in the full suite). Below the range, only a listener can take a port.
///
/// Guarantees: a port is held by at most one pod at a time, across every kubelet of the test
/// process and across test processes on the machine (a `flock` per port under `lockDirectory`),
/// and is free on both the IPv4 and the IPv6 wildcard address when handed out. The search
/// starts at a random port of the range, so processes rarely probe the same ports.
final class ProcessKubeletPorts: Sendable {
    /// The lock directory every test process shares: `/tmp/process-kubelet-ports`.
    static let sharedLockDirectory = "/tmp/process-kubelet-ports"
    /// The allocator of the test process, over ``sharedLockDirectory``.
    static let shared = ProcessKubeletPorts(lockDirectory: sharedLockDirectory)

    /// The ports handed out.
    let range: ClosedRange<Int>
    private let pool: ProcessKubeletLeasePool

    /// - Parameters:
    ///   - lockDirectory: the directory of lock files.
    ///   - range: default: the 12,000 ports below the ephemeral range (`20768...32767` with
    ///     Linux's default range `32768 60999`).
    init(lockDirectory: String, range: ClosedRange<Int>? = nil) {
        self.pool = ProcessKubeletLeasePool(lockDirectory: lockDirectory)
        self.range = range ?? Self.belowEphemeralRange()
    }

    /// Ports held for one pod; `release()` (idempotent) gives them back.
    struct Lease: Sendable {
        /// The ports, in the order asked for.
        var ports: [Int] { held.compactMap { Int($0.name) } }
        fileprivate let held: [ProcessKubeletLeasePool.Lease]

        func release() { for lease in held { lease.release() } }
    }

    /// `count` distinct free ports, or `nil` when the range has not that many.
    func allocate(_ count: Int) -> Lease? {
        guard count > 0 else { return Lease(held: []) }
        var held: [ProcessKubeletLeasePool.Lease] = []
        let size = range.count
        let start = Int.random(in: 0..<size)
        for offset in 0..<size where held.count < count {
            let port = range.lowerBound + (start + offset) % size
            guard let lease = pool.take(String(port)) else { continue }
            if Self.isFree(port) { held.append(lease) } else { lease.release() }
        }
        guard held.count == count else {
            for lease in held { lease.release() }
            return nil
        }
        return Lease(held: held)
    }

    /// Whether `port` can be listened on at the IPv4 and (when there is IPv6) the IPv6 wildcard.
    static func isFree(_ port: Int) -> Bool {
        canBind(family: AF_INET, port: port) && (canBind(family: AF_INET6, port: port) || !hasIPv6())
    }

    /// `lowest...32767`-style: the 12,000 ports below the ephemeral range's first port (read
    /// from `/proc`; 32768 when it cannot be read), and never below 1024.
    static func belowEphemeralRange() -> ClosedRange<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let first = text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        let upper = max(first - 1, 2048)
        return max(1024, upper - 11_999)...upper
    }

    private static func hasIPv6() -> Bool {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    private static func canBind(family: Int32, port: Int) -> Bool {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_any
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
