import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 GET over a plain socket to 127.0.0.1, for the server tests.
enum HealthProbeHTTPClient {
    struct Response {
        var status: Int
        var body: String
    }

    struct Failure: Error { var what: String }

    /// Runs the blocking socket calls on their own thread, so they never starve the
    /// cooperative pool the server under test runs on.
    static func get(port: UInt16, path: String, method: String = "GET") async throws -> Response {
        try await withCheckedThrowingContinuation { c in
            let thread = Thread {
                c.resume(with: Result { try blockingGet(port: port, path: path, method: method) })
            }
            thread.start()
        }
    }

    private static func blockingGet(port: UInt16, path: String, method: String) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)  // bounds a hang only
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(what: "connect: \(errno)") }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw Failure(what: "send") }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if let r = parse(data), r.complete { return r.response }
        }
        guard let r = parse(data) else { throw Failure(what: "no response") }
        return r.response
    }

    /// Parses what arrived so far; `complete` once the Content-Length is satisfied.
    private static func parse(_ data: Data) -> (response: Response, complete: Bool)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        let body = String(text[split.upperBound...])
        let length = head.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        let complete = length.map { body.utf8.count >= $0 } ?? false
        return (Response(status: status, body: body), complete)
    }
}
