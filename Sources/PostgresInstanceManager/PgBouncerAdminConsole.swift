import Foundation
import KubeClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads PgBouncer's admin console (`SHOW POOLS`, `SHOW STATS`) over its Unix socket, speaking
/// the PostgreSQL frontend/backend protocol (version 3, simple query) directly: the pooler's
/// image need not have `psql`.
///
/// It logs in as `pgbouncer` to database `pgbouncer` without a password, which PgBouncer allows
/// on its Unix socket to a client of its own uid, so no credential is stored for it. Any
/// authentication request other than "ok" is refused with an error, never answered.
///
/// Bounds: `timeout` for every read and write; each protocol message at most
/// ``maxMessageSize`` bytes; at most ``maxRows`` rows per command. Blocking socket calls run
/// on a thread of their own (``BlockingWork``).
public struct PgBouncerAdminConsole: Sendable {
    /// The socket: `<unix_socket_dir>/.s.PGSQL.<listen_port>`.
    public var socketPath: String
    /// Each read and write; default 5 s.
    public var timeout: Duration

    /// 1 MiB.
    public static let maxMessageSize = 1 << 20
    /// 10,000.
    public static let maxRows = 10_000

    public init(socketDirectory: String, port: Int, timeout: Duration = .seconds(5)) {
        self.socketPath = "\(socketDirectory)/.s.PGSQL.\(port)"
        self.timeout = timeout
    }

    /// A failure, with what went wrong (never a password: none is sent).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// One result row: column name → text value (`nil` for SQL NULL).
    public typealias Row = [String: String?]

    /// Runs each command (`SHOW ...`) on one connection; the rows of each, in order.
    public func show(_ commands: [String]) async throws -> [[Row]] {
        let path = socketPath
        let timeout = timeout
        return try await BlockingWork.run { try Self.blockingShow(commands, path: path, timeout: timeout) }
    }

    static func blockingShow(_ commands: [String], path: String, timeout: Duration) throws -> [[Row]] {
        let connection = try Connection(path: path, timeout: timeout)
        defer { connection.close() }
        var startup = Data()
        startup.appendInt32(196_608)  // protocol 3.0
        for field in ["user", "pgbouncer", "database", "pgbouncer"] { startup.appendCString(field) }
        startup.append(0)
        var first = Data()
        first.appendInt32(Int32(startup.count + 4))
        first.append(startup)
        try connection.write(first)
        // Until ReadyForQuery: AuthenticationOk, ParameterStatus, BackendKeyData.
        loop: while true {
            let (type, body) = try connection.readMessage()
            switch type {
            case UInt8(ascii: "R"):
                guard body.int32(at: 0) == 0 else {
                    throw Failure(description: "pgbouncer asked for authentication (code \(body.int32(at: 0) ?? -1)); the admin console needs its own uid on its Unix socket")
                }
            case UInt8(ascii: "E"): throw Failure(description: "pgbouncer refused the login: \(Self.errorMessage(body))")
            case UInt8(ascii: "Z"): break loop
            default: continue
            }
        }
        var results: [[Row]] = []
        for command in commands {
            var query = Data()
            query.appendCString(command)
            var message = Data([UInt8(ascii: "Q")])
            message.appendInt32(Int32(query.count + 4))
            message.append(query)
            try connection.write(message)
            var columns: [String] = []
            var rows: [Row] = []
            var failure: String?
            reading: while true {
                let (type, body) = try connection.readMessage()
                switch type {
                case UInt8(ascii: "T"): columns = try Self.columnNames(body)
                case UInt8(ascii: "D"):
                    guard rows.count < maxRows else { throw Failure(description: "\(command) returned over \(maxRows) rows") }
                    let values = try Self.values(body)
                    var row: Row = [:]
                    for (name, value) in zip(columns, values) { row[name] = value }
                    rows.append(row)
                case UInt8(ascii: "E"): failure = Self.errorMessage(body)
                case UInt8(ascii: "Z"): break reading
                default: continue
                }
            }
            if let failure { throw Failure(description: "\(command): \(failure)") }
            results.append(rows)
        }
        var terminate = Data([UInt8(ascii: "X")])
        terminate.appendInt32(4)
        try? connection.write(terminate)
        return results
    }

    static func columnNames(_ body: Data) throws -> [String] {
        var reader = ByteReader(body)
        let count = try reader.int16()
        return try (0..<max(0, Int(count))).map { _ in
            let name = try reader.cString()
            try reader.skip(18)  // table oid, attribute, type oid, size, modifier, format
            return name
        }
    }

    static func values(_ body: Data) throws -> [String?] {
        var reader = ByteReader(body)
        let count = try reader.int16()
        return try (0..<max(0, Int(count))).map { _ in
            let length = try reader.int32()
            if length < 0 { return nil }
            return String(decoding: try reader.bytes(Int(length)), as: UTF8.self)
        }
    }

    /// The `M` (message) field of an ErrorResponse.
    static func errorMessage(_ body: Data) -> String {
        var reader = ByteReader(body)
        while let type = try? reader.byte(), type != 0 {
            guard let value = try? reader.cString() else { break }
            if type == UInt8(ascii: "M") { return value }
        }
        return "unknown error"
    }

    /// A connected Unix stream socket with send and receive timeouts.
    final class Connection {
        let fd: Int32

        init(path: String, timeout: Duration) throws {
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard path.utf8.count < capacity else {
                throw Failure(description: "socket path \(path) is longer than \(capacity - 1) bytes")
            }
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
            let seconds = timeout.components.seconds
            var limit = timeval(tv_sec: Int(max(seconds, 1)), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                buffer.copyBytes(from: Array(path.utf8) + [0])
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw Failure(description: "cannot connect to \(path): \(reason)")
            }
        }

        func write(_ data: Data) throws {
            var sent = 0
            try data.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                while sent < buffer.count {
                    let n = send(fd, base + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                    guard n > 0 else { throw Failure(description: "write to pgbouncer failed: \(String(cString: strerror(errno)))") }
                    sent += n
                }
            }
        }

        func read(_ count: Int) throws -> Data {
            var data = Data(count: count)
            var received = 0
            try data.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                while received < count {
                    let n = recv(fd, base + received, count - received, 0)
                    guard n > 0 else {
                        throw Failure(description: n == 0 ? "pgbouncer closed the connection" : "read from pgbouncer failed: \(String(cString: strerror(errno)))")
                    }
                    received += n
                }
            }
            return data
        }

        /// One message: its type byte and body (bounded by ``maxMessageSize``).
        func readMessage() throws -> (UInt8, Data) {
            let head = try read(5)
            let length = Int(head.int32(at: 1) ?? 0)
            guard length >= 4, length <= PgBouncerAdminConsole.maxMessageSize else {
                throw Failure(description: "pgbouncer sent a message of \(length) bytes")
            }
            return (head[head.startIndex], length == 4 ? Data() : try read(length - 4))
        }

        func close() { Glibc.close(fd) }
    }
}

/// Big-endian reads over a protocol message body; throws past its end.
struct ByteReader {
    let data: Data
    var offset: Int

    init(_ data: Data) {
        self.data = data
        self.offset = data.startIndex
    }

    mutating func byte() throws -> UInt8 {
        guard offset < data.endIndex else { throw PgBouncerAdminConsole.Failure(description: "truncated message") }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func int16() throws -> Int16 {
        let b = try bytes(2)
        return Int16(bitPattern: UInt16(b[b.startIndex]) << 8 | UInt16(b[b.startIndex + 1]))
    }

    mutating func int32() throws -> Int32 {
        let b = try bytes(4)
        guard let value = b.int32(at: 0) else { throw PgBouncerAdminConsole.Failure(description: "truncated message") }
        return value
    }

    mutating func bytes(_ count: Int) throws -> Data {
        guard count >= 0, offset + count <= data.endIndex else {
            throw PgBouncerAdminConsole.Failure(description: "truncated message")
        }
        defer { offset += count }
        return data[offset..<offset + count]
    }

    mutating func skip(_ count: Int) throws { _ = try bytes(count) }

    mutating func cString() throws -> String {
        guard let end = data[offset...].firstIndex(of: 0) else {
            throw PgBouncerAdminConsole.Failure(description: "truncated message")
        }
        defer { offset = end + 1 }
        return String(decoding: data[offset..<end], as: UTF8.self)
    }
}

extension Data {
    mutating func appendInt32(_ value: Int32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    mutating func appendCString(_ s: String) {
        append(contentsOf: Array(s.utf8))
        append(0)
    }

    /// The big-endian Int32 at `index` (relative to the start), if four bytes are there.
    func int32(at index: Int) -> Int32? {
        let start = startIndex + index
        guard index >= 0, start + 4 <= endIndex else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(self[start + i]) }
        return Int32(bitPattern: value)
    }
}
