import Foundation
import KubeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The primary lease in a JSON file, for instance managers outside a cluster (`--spec-file`,
/// `--lease-file`): several processes on one machine share it. Writes happen in place under an
/// exclusive `flock` of the file, after comparing the version read (optimistic concurrency as on
/// the API server); creating uses `O_EXCL`. A file the manager may not write (mode 0444) makes
/// every create or update fail, as an unreachable API server would.
///
/// Contents: `{"holderIdentity","renewTime","leaseDurationSeconds","acquireTime","leaseTransitions","version"}`.
public struct FilePrimaryLease: PrimaryLease {
    public let path: String

    public init(path: String) { self.path = path }

    public struct FileError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public func read() async throws -> PrimaryLeaseRecord? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw FileError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try await lock(fd, LOCK_SH)
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { throw FileError(description: "\(path) is empty") }
        return try Self.decode(Data(buffer[0..<count]))
    }

    public func create(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { throw PrimaryLeaseConflict("\(path) exists") }
            throw FileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try await lock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        var stored = record
        stored.version = "1"
        try Self.write(stored, to: fd, path: path)
        return stored
    }

    public func update(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw PrimaryLeaseConflict("\(path) is gone") }
            throw FileError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try await lock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0, let current = try? Self.decode(Data(buffer[0..<count])) else {
            throw PrimaryLeaseConflict("\(path) is empty or unreadable")
        }
        guard current.version == record.version else { throw PrimaryLeaseConflict("\(path) changed") }
        var stored = record
        stored.version = String((Int(current.version) ?? 0) + 1)
        try Self.write(stored, to: fd, path: path)
        return stored
    }

    /// How long a lock call waits for another holder: 100 tries 50 ms apart. A lock is held
    /// for one read or write, so a longer wait means a stuck holder; the call then fails (and
    /// the caller logs it) rather than hang a poll loop.
    static let lockAttempts = 100

    /// `flock(fd, operation)` without blocking the thread: retried while another holder has it.
    private func lock(_ fd: Int32, _ operation: Int32) async throws {
        for _ in 0..<Self.lockAttempts {
            if flock(fd, operation | LOCK_NB) == 0 { return }
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw FileError(description: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw FileError(description: "cannot lock \(path): another process has held it for 5 s")
    }

    private static func write(_ record: PrimaryLeaseRecord, to fd: Int32, path: String) throws {
        var object: [String: JSONValue] = [
            "holderIdentity": .string(record.holder ?? ""), "leaseDurationSeconds": .int(Int64(record.durationSeconds)),
            "leaseTransitions": .int(Int64(record.transitions)), "version": .string(record.version),
        ]
        if let renew = record.renewTime { object["renewTime"] = .string(renew) }
        if let acquired = record.acquireTime { object["acquireTime"] = .string(acquired) }
        let data = try KubeJSON.encode(JSONValue.object(object))
        guard ftruncate(fd, 0) == 0 else { throw FileError(description: "cannot truncate \(path)") }
        let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == data.count else { throw FileError(description: "cannot write \(path)") }
    }

    private static func decode(_ data: Data) throws -> PrimaryLeaseRecord {
        let object = try KubeJSON.decode(JSONValue.self, from: data)
        return PrimaryLeaseRecord(
            holder: object["holderIdentity"]?.stringValue, renewTime: object["renewTime"]?.stringValue,
            durationSeconds: Int(object["leaseDurationSeconds"]?.intValue ?? 0),
            version: object["version"]?.stringValue ?? "", acquireTime: object["acquireTime"]?.stringValue,
            transitions: Int(object["leaseTransitions"]?.intValue ?? 0))
    }
}
