import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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
    /// Where the per-address lock files are.
    let lockDirectory: String
    private let inUse = Mutex<Set<Int>>([])

    /// - Parameters:
    ///   - lockDirectory: the directory of lock files, made (mode 1777) when missing. Two
    ///     allocators over the same directory never hand out the same address at once.
    ///   - hosts: the last octets to use. Default `2...254`.
    init(lockDirectory: String, hosts: ClosedRange<Int> = 2...254) {
        self.lockDirectory = lockDirectory
        self.hosts = hosts
    }

    /// One held address; `release()` (idempotent) gives it back.
    final class Lease: Sendable {
        /// `127.0.1.N`.
        let ip: String
        fileprivate let host: Int
        private let lockFD: Mutex<Int32?>
        private let owner: ProcessKubeletPodIPs

        fileprivate init(ip: String, host: Int, lockFD: Int32, owner: ProcessKubeletPodIPs) {
            self.ip = ip
            self.host = host
            self.lockFD = Mutex(lockFD)
            self.owner = owner
        }

        /// Gives the address back (closing the lock file releases the `flock`).
        func release() {
            guard
                let fd = lockFD.withLock({ fd -> Int32? in
                    defer { fd = nil }
                    return fd
                })
            else { return }
            close(fd)
            _ = owner.inUse.withLock { $0.remove(host) }
        }

        deinit { release() }
    }

    /// The lowest free address whose `ip` is not in `excluding`, or `nil` when every address is
    /// taken (or its lock file cannot be opened).
    func allocate(excluding: Set<String> = []) -> Lease? {
        if mkdir(lockDirectory, 0o1777) == 0 { _ = chmod(lockDirectory, 0o1777) }
        for host in hosts {
            let ip = Self.address(host)
            if excluding.contains(ip) { continue }
            let claimed = inUse.withLock { set -> Bool in set.insert(host).inserted }
            guard claimed else { continue }
            let fd = open("\(lockDirectory)/\(ip)", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
            if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 {
                return Lease(ip: ip, host: host, lockFD: fd, owner: self)
            }
            if fd >= 0 { close(fd) }
            _ = inUse.withLock { $0.remove(host) }
        }
        return nil
    }

    /// `127.0.1.N`.
    static func address(_ host: Int) -> String { "127.0.1.\(host)" }
}
