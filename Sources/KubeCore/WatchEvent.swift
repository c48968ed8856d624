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
    ///
    /// The line is read once: the frame's `type` decides how its `object` is decoded, in the same
    /// pass (a watch line is most of what a controller decodes).
    public static func decode(line: Data) throws -> WatchEvent<T> {
        switch try KubeJSON.decode(WatchLine<T>.self, from: line) {
        case .added(let object): return .added(object)
        case .modified(let object): return .modified(object)
        case .deleted(let object): return .deleted(object)
        case .undecodable(let error, let deleted):
            return .undecodable(UndecodableObject(watchLine: line, error: error), deleted: deleted)
        case .bookmark(let resourceVersion): return .bookmark(resourceVersion: resourceVersion)
        case .error(let status): return .error(KubeAPIError(status: status))
        }
    }
}

/// A watch line decoded in one pass: the `type`, then the `object` as that type says.
private enum WatchLine<T: KubeResource>: Decodable {
    case added(T)
    case modified(T)
    case deleted(T)
    case undecodable(any Error, deleted: Bool)
    case bookmark(String)
    case error(APIStatus)

    private enum Key: String, CodingKey { case type, object }

    init(from decoder: any Decoder) throws {
        let frame = try decoder.container(keyedBy: Key.self)
        let type = try frame.decode(String.self, forKey: .type)
        switch type {
        case "ADDED", "MODIFIED", "DELETED":
            let object: T
            do {
                object = try frame.decode(T.self, forKey: .object)
            } catch {
                self = .undecodable(error, deleted: type == "DELETED")
                return
            }
            self = type == "ADDED" ? .added(object) : type == "MODIFIED" ? .modified(object) : .deleted(object)
        case "BOOKMARK":
            self = .bookmark(try frame.decode(BookmarkObject.self, forKey: .object).metadata.resourceVersion ?? "")
        case "ERROR":
            self = .error(try frame.decode(APIStatus.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: frame, debugDescription: "unknown watch event type \(type)")
        }
    }
}

private struct BookmarkObject: Decodable { var metadata: ObjectMeta }
