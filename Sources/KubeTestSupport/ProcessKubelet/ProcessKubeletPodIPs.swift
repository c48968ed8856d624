import Foundation

/// Hands out pod IPs: loopback addresses `127.0.1.N`, one per running pod, so that every pod of
/// a test has an address of its own, as on a cluster (Linux routes all of `127.0.0.0/8` to the
/// loopback interface; nothing needs configuring).
///
/// Guarantees: an address is held by at most one pod at a time, across every kubelet of the
/// test process (they share `shared`) and across test processes on the machine (each lease
/// holds an exclusive `flock` on `<lockDirectory>/<ip>`, released when the lease is, or when
/// the process dies). A released address is handed out again: the lowest free one comes first.
///
/// Default range `127.0.1.2` ... `127.0.1.254`: `127.0.1.1` is left out because Debian's
/// `/etc/hosts` gives it to the machine's own name.
final class ProcessKubeletPodIPs: Sendable {
    /// The allocator of the test process: `/tmp/process-kubelet-pod-ips` is the lock directory
    /// every test process on the machine agrees on.
    static let shared = ProcessKubeletPodIPs(lockDirectory: "/tmp/process-kubelet-pod-ips")

    /// The last octets handed out (`N` of `127.0.1.N`).
    let hosts: ClosedRange<Int>
    private let pool: ProcessKubeletLeasePool

    /// Where the per-address lock files are.
    var lockDirectory: String { pool.lockDirectory }

    /// - Parameters:
    ///   - lockDirectory: the directory of lock files, made (mode 1777) when missing. Two
    ///     allocators over the same directory never hand out the same address at once.
    ///   - hosts: the last octets to use. Default `2...254`.
    init(lockDirectory: String, hosts: ClosedRange<Int> = 2...254) {
        self.pool = ProcessKubeletLeasePool(lockDirectory: lockDirectory)
        self.hosts = hosts
    }

    /// One held address; `release()` (idempotent) gives it back.
    struct Lease: Sendable {
        /// `127.0.1.N`.
        var ip: String { held.name }
        fileprivate let held: ProcessKubeletLeasePool.Lease

        /// Gives the address back.
        func release() { held.release() }
    }

    /// The lowest free address whose `ip` is not in `excluding`, or `nil` when every address is
    /// taken (or its lock file cannot be opened).
    func allocate(excluding: Set<String> = []) -> Lease? {
        for host in hosts {
            let ip = Self.address(host)
            if excluding.contains(ip) { continue }
            if let held = pool.take(ip) { return Lease(held: held) }
        }
        return nil
    }

    /// `127.0.1.N`.
    static func address(_ host: Int) -> String { "127.0.1.\(host)" }
}
