import Foundation

/// One event of a watch stream.
public enum WatchEvent<T: KubeResource>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    /// A progress marker: the stream has seen everything up to this resource version.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with an error (410 Gone shows up here as `.gone`).
    case error(KubeAPIError)
    /// An object was added, modified (`deleted: false`) or deleted (`deleted: true`), but does
    /// not decode as `T`: quarantined, with what could be read of it. The stream goes on.
    case undecodable(UndecodableObject, deleted: Bool)
}

/// The raw JSON frame of a watch stream: `{"type": "...", "object": {...}}`.
public struct WatchFrame<T: Decodable>: Decodable {
    public var type: String
    public var object: T
}

extension WatchEvent {
    /// Decodes one line of a watch stream. An object event whose object does not decode as `T`
    /// is `.undecodable`, not an error; only a line that is not a watch event at all throws.
    public static func decode(line: Data) throws -> WatchEvent<T> {
        let head = try KubeJSON.decode(WatchFrameHead.self, from: line)
        switch head.type {
        case "ADDED", "MODIFIED", "DELETED":
            let deleted = head.type == "DELETED"
            let object: T
            do {
                object = try KubeJSON.decode(WatchFrame<T>.self, from: line).object
            } catch {
                return .undecodable(UndecodableObject(watchLine: line, error: error), deleted: deleted)
            }
            return deleted ? .deleted(object) : head.type == "ADDED" ? .added(object) : .modified(object)
        case "BOOKMARK":
            let rv = try KubeJSON.decode(WatchFrame<BookmarkObject>.self, from: line).object.metadata.resourceVersion
            return .bookmark(resourceVersion: rv ?? "")
        case "ERROR":
            let status = try KubeJSON.decode(WatchFrame<APIStatus>.self, from: line).object
            return .error(KubeAPIError(status: status))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "unknown watch event type \(head.type)"))
        }
    }
}

private struct WatchFrameHead: Decodable { var type: String }
private struct BookmarkObject: Decodable { var metadata: ObjectMeta }
