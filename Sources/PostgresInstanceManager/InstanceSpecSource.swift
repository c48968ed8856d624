import KubeCore

/// Where an instance manager reads its PostgresInstance from: the API server in a pod
/// (`KubeInstanceSpecSource`), a file outside a cluster (`FileInstanceSpecSource`), memory in
/// tests.
public protocol InstanceSpecSource: Sendable {
    /// The PostgresInstance object as JSON, read now (no caching). Throws when it cannot be read.
    func fetch() async throws -> JSONValue
}

extension InstanceSpecSource {
    /// The object read now, as `InstanceSettings`.
    public func settings() async throws -> InstanceSettings {
        try InstanceSettings.decode(from: try await fetch())
    }
}
