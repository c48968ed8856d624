import Foundation

/// An object the API server sent that does not decode as its Swift type (stored under an older
/// or looser schema, or written by a newer version of the operator).
///
/// It is quarantined, not fatal: lists and watches skip it and carry on with the rest, and the
/// caller can still name it (its identity is read on its own, leniently) and say why it is
/// ignored. It never holds the object's content, so nothing secret travels with it.
public struct UndecodableObject: Sendable, Hashable, CustomStringConvertible {
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    /// Why decoding failed: the field's path and what was wrong with it (never its value).
    public var reason: String

    public init(
        name: String?, namespace: String?, uid: String?, resourceVersion: String?, generation: Int64?,
        reason: String
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.reason = reason
    }

    /// Reads what can be read of an object (its JSON) that failed to decode with `error`.
    public init(json: Data, error: any Error) {
        self.init(identity: (try? KubeJSON.decode(Identity.self, from: json))?.metadata, error: error)
    }

    /// Reads what can be read of the object of a watch event line (`{"type": ..., "object":
    /// {...}}`) that failed to decode with `error`.
    public init(watchLine: Data, error: any Error) {
        self.init(
            identity: (try? KubeJSON.decode(Frame.self, from: watchLine))?.object?.metadata, error: error,
            pathPrefix: 1)
    }

    private init(identity: Identity.Meta?, error: any Error, pathPrefix: Int = 0) {
        self.init(
            name: identity?.name, namespace: identity?.namespace, uid: identity?.uid,
            resourceVersion: identity?.resourceVersion, generation: identity?.generation,
            reason: DecodingFailure.describe(error, droppingPathPrefix: pathPrefix))
    }

    /// The object's namespace and name (an empty name when even that could not be read).
    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name ?? "") }

    public var description: String {
        let ns = namespace.map { "\($0)/" } ?? ""
        return "\(ns)\(name ?? "<unnamed>"): \(reason)"
    }

    private struct Frame: Decodable {
        var object: Identity?
        enum CodingKeys: String, CodingKey { case object }
        init(from decoder: any Decoder) throws {
            object = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Identity.self, forKey: .object)
        }
    }

    /// The identity fields, each decoded on its own so one bad field loses only itself.
    private struct Identity: Decodable {
        var metadata: Meta?
        struct Meta: Decodable {
            var name: String?
            var namespace: String?
            var uid: String?
            var resourceVersion: String?
            var generation: Int64?
            enum CodingKeys: String, CodingKey { case name, namespace, uid, resourceVersion, generation }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                name = try? c.decodeIfPresent(String.self, forKey: .name)
                namespace = try? c.decodeIfPresent(String.self, forKey: .namespace)
                uid = try? c.decodeIfPresent(String.self, forKey: .uid)
                resourceVersion = try? c.decodeIfPresent(String.self, forKey: .resourceVersion)
                generation = try? c.decodeIfPresent(Int64.self, forKey: .generation)
            }
        }
        enum CodingKeys: String, CodingKey { case metadata }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            metadata = try? c.decodeIfPresent(Meta.self, forKey: .metadata)
        }
    }
}

/// Short, value-free descriptions of decoding errors, for status messages and logs.
public enum DecodingFailure {
    /// `spec.replicas: expected Int, found a string`-style text: the path of the field and what
    /// was wrong. Values are never quoted (they may be secret).
    ///
    /// - Parameter droppingPathPrefix: leading path components to leave out (the `object` of a
    ///   watch event's frame). Default 0.
    public static func describe(_ error: any Error, droppingPathPrefix: Int = 0) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ codingPath: [any CodingKey]) -> String {
            let parts = codingPath.dropFirst(droppingPathPrefix).map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            let joined = parts.reduce(into: "") { text, part in
                text += part.hasPrefix("[") || text.isEmpty ? part : ".\(part)"
            }
            return joined.isEmpty ? "the object" : joined
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "a list" }
            return name
        }
    }
}
