import Foundation
import KubeCore
import Synchronization

/// Which object versions are known to hold which desired state (``DesiredStateApplier``): the
/// `resourceVersion` at which an object was seen to match a desired state's hash, or the one our
/// apply returned. A version names one state of one object (every write, by anyone, makes a
/// new one), so that object at that version still matches.
///
/// Bounded: past ``capacity`` entries it is emptied and refills as objects are checked again.
final class VerifiedVersions: Sendable {
    /// Most objects remembered: 100,000 (about 10 MB at the longest names).
    static let capacity = 100_000

    private struct Entry {
        var version: String
        var hash: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The object's kind, namespace and name.
    static func key<T: KubeResource>(of object: T) -> String {
        "\(T.resource.group)/\(T.resource.kind)/\(object.metadata.namespace ?? "")/\(object.metadata.name ?? "")"
    }

    /// Whether the object `key` at `version` was found to hold the desired state hashed `hash`.
    func holds(_ key: String, version: String, hash: String) -> Bool {
        entries.withLock { entries in
            guard let entry = entries[key] else { return false }
            return entry.version == version && entry.hash == hash
        }
    }

    /// Remembers that the object `key` at `version` holds the desired state hashed `hash`.
    func record(_ key: String, version: String, hash: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity && entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(version: version, hash: hash)
        }
    }
}
