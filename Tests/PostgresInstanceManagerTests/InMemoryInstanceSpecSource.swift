import KubeCore
import PostgresInstanceManager
import Synchronization

/// A PostgresInstance held in memory, replaceable by the test: the `InstanceSpecSource`
/// double. `fetch()` fails with `unavailable` while `object` is `nil` (the API unreachable).
final class InMemoryInstanceSpecSource: InstanceSpecSource {
    struct Unavailable: Error {}
    private let stored: Mutex<JSONValue?>

    init(_ object: JSONValue?) { stored = Mutex(object) }

    var object: JSONValue? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }

    func fetch() async throws -> JSONValue {
        guard let object else { throw Unavailable() }
        return object
    }
}
