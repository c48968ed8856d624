import Foundation
import KubeClient
import Testing

@testable import KubeTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The process kubelet's pod network without an API server: the pod IP allocator and the
/// forwarder of `podIP:containerPort` to a real local server.
@Suite("Process kubelet pod network, without an API server")
struct ProcessKubeletNetworkUnitTests {
    static func lockDirectory() -> String { NSTemporaryDirectory() + "pk-ips-\(UUID().uuidString.prefix(8))" }

    @Test("pod IPs are distinct while held, across allocators sharing a lock directory, and reused once freed")
    func allocator() throws {
        let directory = Self.lockDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ips = ProcessKubeletPodIPs(lockDirectory: directory, hosts: 2...4)
        let first = try #require(ips.allocate())
        let second = try #require(ips.allocate())
        #expect(first.ip == "127.0.1.2")
        #expect(second.ip == "127.0.1.3")
        // Another allocator over the same locks (as another test process) skips both.
        let other = ProcessKubeletPodIPs(lockDirectory: directory, hosts: 2...4)
        let third = try #require(other.allocate())
        #expect(third.ip == "127.0.1.4")
        #expect(ips.allocate() == nil)
        first.release()
        first.release()  // idempotent
        #expect(ips.allocate(excluding: ["127.0.1.2"]) == nil)
        let reused = try #require(ips.allocate())
        #expect(reused.ip == "127.0.1.2")
        second.release()
        third.release()
        reused.release()
    }

    /// A server on `127.0.0.1` that reads each connection to its end, then answers the bytes
    /// upper-cased and closes. It exits when its standard input closes (with the test process)
    /// or on `stop()`: SIGKILL, since a process spawned from the concurrency pool inherits its
    /// blocked SIGTERM.
    struct UpperCaseServer {
        var process: Process
        var input: Pipe
        var port: Int
        /// SIGKILL, without waiting: Foundation reaps it (a wait here would hold a task thread).
        func stop() {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Starts an `UpperCaseServer`; its port is the first line it prints.
    static func upperCaseServer() async throws -> UpperCaseServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import os, socket, sys, threading
            threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen()
            print(s.getsockname()[1], flush=True)
            while True:
                c, _ = s.accept()
                data = b""
                while True:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                c.sendall(data.upper())
                c.close()
            """,
        ]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = await BlockingWork.run { () -> String in
            var bytes: [UInt8] = []
            while let byte = try? output.fileHandleForReading.read(upToCount: 1)?.first, byte != 10 {
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let server = UpperCaseServer(process: process, input: input, port: Int(line) ?? 0)
        guard server.port > 0 else {
            server.stop()
            throw ContainerConfigError(description: "the server printed \(line)")
        }
        return server
    }

    /// Connects to `host:port`, sends `payload`, half-closes, and reads the answer to its end;
    /// `nil` when the connection fails, or is reset before any byte.
    static func exchange(host: String, port: Int, payload: [UInt8]) async -> [UInt8]? {
        await BlockingWork.run { () -> [UInt8]? in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
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
            var sent = 0
            while sent < payload.count {
                let n = payload[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { return nil }
                sent += n
            }
            shutdown(fd, Int32(SHUT_WR))
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 { return answer.isEmpty ? nil : answer }
                if n == 0 { return answer }
                answer += buffer[0..<n]
            }
        }
    }

    @Test("the forwarder carries podIP:containerPort to the mapped port both ways, half-closes included, until stopped")
    func forwarder() async throws {
        let directory = Self.lockDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lease = try #require(ProcessKubeletPodIPs(lockDirectory: directory).allocate())
        defer { lease.release() }
        let server = try await Self.upperCaseServer()
        defer { server.stop() }
        let port = server.port
        let closedPort = try freeLoopbackPorts(1)[0]
        let forwarder = try ProcessKubeletPortForwarder(podIP: lease.ip, ports: [8000: port, 5432: closedPort])

        // 300 KB, more than the socket buffers: the answer comes only after the half-close.
        let payload = Array(String(repeating: "abcdefghij", count: 30_000).utf8)
        let answer = await Self.exchange(host: lease.ip, port: 8000, payload: payload)
        #expect(answer == Array(String(repeating: "ABCDEFGHIJ", count: 30_000).utf8))
        // Several at once.
        let answers = await withTaskGroup(of: [UInt8]?.self) { group in
            for index in 0..<8 {
                group.addTask { await Self.exchange(host: lease.ip, port: 8000, payload: Array("x\(index)".utf8)) }
            }
            var all: [String] = []
            for await answer in group { all.append(String(decoding: answer ?? [], as: UTF8.self)) }
            return all.sorted()
        }
        #expect(answers == (0..<8).map { "X\($0)" })
        // Nothing listens behind 5432: the connection is reset, nothing is answered.
        #expect((await Self.exchange(host: lease.ip, port: 5432, payload: Array("hello".utf8)) ?? []).isEmpty)

        // Stopped: the address no longer answers, and can be listened on again.
        await forwarder.stop()
        await forwarder.stop()
        #expect(await Self.exchange(host: lease.ip, port: 8000, payload: Array("late".utf8)) == nil)
        let again = try ProcessKubeletPortForwarder(podIP: lease.ip, ports: [8000: port])
        #expect(await Self.exchange(host: lease.ip, port: 8000, payload: Array("again".utf8)) == Array("AGAIN".utf8))
        await again.stop()
    }
}
