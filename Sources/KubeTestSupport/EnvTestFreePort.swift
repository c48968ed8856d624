#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a TCP port on 127.0.0.1 that nobody listens on right now, by binding port 0 and
/// reading back the port the kernel chose.
///
/// The port is released before returning, so another process may take it before the caller
/// binds it; callers treat "address already in use" as a reason to try again.
func freeLoopbackPort() throws(EnvTestError) -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw .system("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw .system("bind(127.0.0.1:0) failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw .system("getsockname() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `count` distinct free loopback ports.
func freeLoopbackPorts(_ count: Int) throws(EnvTestError) -> [Int] {
    var ports: [Int] = []
    var attempts = 0
    while ports.count < count {
        attempts += 1
        if attempts > count * 20 { throw .system("could not find \(count) distinct free ports") }
        let port = try freeLoopbackPort()
        if !ports.contains(port) { ports.append(port) }
    }
    return ports
}
