import Foundation
import KubeCore

/// Reads the PostgresInstance JSON from a file, re-read on every `fetch()`: running an instance
/// manager outside a cluster (`--spec-file`), where editing the file plays a spec change.
public struct FileInstanceSpecSource: InstanceSpecSource {
    public let path: String

    public init(path: String) { self.path = path }

    public func fetch() async throws -> JSONValue {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try KubeJSON.decode(JSONValue.self, from: data)
    }
}
