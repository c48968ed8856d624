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
}

/// The raw JSON frame of a watch stream: `{"type": "...", "object": {...}}`.
public struct WatchFrame<T: Decodable>: Decodable {
    public var type: String
    public var object: T
}

extension WatchEvent {
    /// Decodes one line of a watch stream.
    public static func decode(line: Data) throws -> WatchEvent<T> {
        let head = try KubeJSON.decode(WatchFrameHead.self, from: line)
        switch head.type {
        case "ADDED": return .added(try KubeJSON.decode(WatchFrame<T>.self, from: line).object)
        case "MODIFIED": return .modified(try KubeJSON.decode(WatchFrame<T>.self, from: line).object)
        case "DELETED": return .deleted(try KubeJSON.decode(WatchFrame<T>.self, from: line).object)
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
