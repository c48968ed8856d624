import Foundation
import Testing

@testable import KubeTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The process kubelet's local port allocator, without an API server.
@Suite("Process kubelet ports")
struct ProcessKubeletPortsUnitTests {
    static func lockDirectory() -> String { NSTemporaryDirectory() + "pk-ports-\(UUID().uuidString.prefix(8))" }

    /// The range below `ip_local_port_range`'s first port, 12,000 wide, above 1023.
    @Test("the default range ends just below the kernel's ephemeral range")
    func belowEphemeral() throws {
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let first = try #require(text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        let range = ProcessKubeletPorts.belowEphemeralRange()
        #expect(range.upperBound == first - 1)
        #expect(range.lowerBound >= 1024)
        #expect(range.count <= 12_000)
    }

    @Test("ports are distinct while held, across allocators sharing a lock directory, skip a listened port, and come back once freed")
    func allocator() throws {
        let directory = Self.lockDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let range = ProcessKubeletPorts.belowEphemeralRange()
        // Three candidate ports, held in the shared lock directory for the whole test so that the
        // suite's other allocators (process kubelets in concurrent tests) stay off them; a
        // listener takes the middle one.
        let shared = ProcessKubeletLeasePool(lockDirectory: ProcessKubeletPorts.sharedLockDirectory)
        var reserved: [ProcessKubeletLeasePool.Lease] = []
        defer { for lease in reserved { lease.release() } }
        let base = try #require(
            (range.lowerBound...(range.upperBound - 2)).first { start in
                let leases = (0..<3).compactMap { shared.take(String(start + $0)) }
                guard leases.count == 3, (0..<3).allSatisfy({ ProcessKubeletPorts.isFree(start + $0) }) else {
                    for lease in leases { lease.release() }
                    return false
                }
                reserved = leases
                return true
            })
        let listener = try Self.listen(port: base + 1)
        defer { close(listener) }
        #expect(!ProcessKubeletPorts.isFree(base + 1))

        let ports = ProcessKubeletPorts(lockDirectory: directory, range: base...(base + 2))
        let pair = try #require(ports.allocate(2))
        #expect(Set(pair.ports) == [base, base + 2])
        // Another allocator over the same locks (as another test process) finds none left.
        let other = ProcessKubeletPorts(lockDirectory: directory, range: base...(base + 2))
        #expect(other.allocate(1) == nil)
        pair.release()
        pair.release()  // idempotent
        let again = try #require(other.allocate(2))
        #expect(Set(again.ports) == [base, base + 2])
        again.release()
    }

    /// A socket listening on every IPv4 address at `port`.
    static func listen(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 1) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }
}
